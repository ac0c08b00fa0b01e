#include "aoefs/fs/interruptible_reply.hpp"

#include <cerrno>
#include <cstdint>
#include <mutex>
#include <unordered_set>

namespace aoefs {
namespace {

std::mutex pending_lock;
std::unordered_set<std::uint64_t> pending;  // tokens whose request awaits its reply
std::uint64_t next_token = 1;

bool take(std::uint64_t token) {
  std::lock_guard<std::mutex> hold(pending_lock);
  return pending.erase(token) == 1;
}

void on_interrupt(fuse_req_t req, void* data) {
  if (take(reinterpret_cast<std::uintptr_t>(data))) fuse_reply_err(req, EINTR);
}

}  // namespace

InterruptibleReply InterruptibleReply::watch(fuse_req_t req) {
  std::uint64_t token;
  {
    std::lock_guard<std::mutex> hold(pending_lock);
    token = next_token++;
    pending.insert(token);
  }
  fuse_req_interrupt_func(req, on_interrupt,
                          reinterpret_cast<void*>(static_cast<std::uintptr_t>(token)));
  return InterruptibleReply(token);
}

bool InterruptibleReply::claim() const { return take(token_); }

}  // namespace aoefs
