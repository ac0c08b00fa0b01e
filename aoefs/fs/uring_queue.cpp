#include "aoefs/fs/uring_queue.hpp"

#include <linux/fuse.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "aoefs/util/log.hpp"

namespace aoefs {

struct UringQueue::Entry {
  void* mapping = nullptr;  // one page holding the header, then the payload
  std::size_t mapping_bytes = 0;
  fuse_uring::ReqHeader* header = nullptr;
  unsigned char* payload = nullptr;
  struct iovec iov[2]{};
  // The unique of the request handed to libfuse and not yet answered; 0: none.
  std::atomic<std::uint64_t> unique{0};
  std::uint64_t commit_id = 0;
  std::uint32_t last_command = 0;
};

namespace {

// The kernel ends a queue's commands with these when the connection or the
// ring goes away (unmount, abort, a thread's exit): no error of ours.
bool connection_gone(int res) {
  return res == -ENOTCONN || res == -ECONNABORTED || res == -ECANCELED;
}

}  // namespace

UringQueue::UringQueue(fuse_session* session, int fuse_fd, unsigned qid, std::size_t payload_bytes)
    : session_(session), fuse_fd_(fuse_fd), qid_(qid), payload_bytes_(payload_bytes) {}

Expected<std::unique_ptr<UringQueue>> UringQueue::create(fuse_session* session, int fuse_fd,
                                                         unsigned qid, unsigned depth,
                                                         std::size_t payload_bytes) {
  std::unique_ptr<UringQueue> q(new UringQueue(session, fuse_fd, qid, payload_bytes));
  io_uring_params params{};
  params.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQSIZE;
  params.cq_entries = 2 * (depth + 1);
  // One SQE per entry (each has at most one command outstanding) and one
  // for stop()'s wake-up.
  if (const int rc = io_uring_queue_init_params(depth + 1, &q->ring_, &params); rc < 0)
    return Error{"io_uring_setup: " + std::string(std::strerror(-rc))};
  q->ring_ready_ = true;
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  static_assert(sizeof(fuse_in_header) + sizeof(fuse_uring::ReqHeader::op_in) +
                    sizeof(fuse_uring::ReqHeader) <=
                4096);
  for (unsigned i = 0; i < depth; ++i) {
    auto e = std::make_unique<Entry>();
    e->mapping_bytes = page + payload_bytes;
    e->mapping = ::mmap(nullptr, e->mapping_bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (e->mapping == MAP_FAILED)
      return Error{"cannot map a ring entry's buffers: " + std::string(std::strerror(errno))};
    e->header = static_cast<fuse_uring::ReqHeader*>(e->mapping);
    e->payload = static_cast<unsigned char*>(e->mapping) + page;
    e->iov[0] = {e->header, sizeof(fuse_uring::ReqHeader)};
    e->iov[1] = {e->payload, payload_bytes};
    q->entries_.push_back(std::move(e));
  }
  return q;
}

UringQueue::~UringQueue() {
  stop();
  if (ring_ready_) io_uring_queue_exit(&ring_);
  for (auto& e : entries_) ::munmap(e->mapping, e->mapping_bytes);
}

std::future<int> UringQueue::start(bool pin, std::function<void()> on_failure) {
  on_failure_ = std::move(on_failure);
  std::promise<int> registered;
  auto result = registered.get_future();
  thread_ =
      std::thread([this, pin, p = std::move(registered)]() mutable { run(pin, std::move(p)); });
  return result;
}

void UringQueue::stop() {
  if (stopping_.exchange(true) || !thread_.joinable()) return;
  {
    std::lock_guard lock(sq_mutex_);
    if (io_uring_sqe* sqe = io_uring_get_sqe(&ring_)) {
      io_uring_prep_nop(sqe);
      io_uring_sqe_set_data(sqe, nullptr);
      io_uring_submit(&ring_);
    }
  }
  thread_.join();
}

void UringQueue::submit_command_locked(Entry& entry, std::uint32_t command) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (!sqe) return;  // cannot happen: every entry has one SQE of its own
  std::memset(sqe, 0, 2 * sizeof(io_uring_sqe));  // a 128-byte SQE
  sqe->opcode = IORING_OP_URING_CMD;
  sqe->fd = fuse_fd_;
  sqe->cmd_op = command;
  if (command == fuse_uring::kCmdRegister) {
    sqe->addr = reinterpret_cast<std::uintptr_t>(entry.iov);
    sqe->len = 2;
  }
  io_uring_sqe_set_data(sqe, &entry);
  fuse_uring::CmdReq req{};
  req.commit_id = command == fuse_uring::kCmdCommitAndFetch ? entry.commit_id : 0;
  req.qid = static_cast<std::uint16_t>(qid_);
  std::memcpy(sqe->cmd, &req, sizeof req);
  entry.last_command = command;
}

int UringQueue::register_all() {
  int submitted;
  {
    std::lock_guard lock(sq_mutex_);
    for (auto& e : entries_) submit_command_locked(*e, fuse_uring::kCmdRegister);
    submitted = io_uring_submit(&ring_);
  }
  if (submitted < 0) return submitted;
  if (static_cast<std::size_t>(submitted) != entries_.size()) return -EIO;
  // The kernel answers a refused registration at once; an accepted one stays
  // pending until a request comes (such a completion, res 0, is left for run).
  unsigned head;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    if (cqe->res < 0) return cqe->res;
  }
  return 0;
}

void UringQueue::refuse() {
  std::lock_guard lock(sq_mutex_);
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (!sqe) return;
  std::memset(sqe, 0, 2 * sizeof(io_uring_sqe));
  sqe->opcode = IORING_OP_URING_CMD;
  sqe->fd = fuse_fd_;
  sqe->cmd_op = fuse_uring::kCmdRegister;
  sqe->len = 0;  // not the two iovecs a registration needs: -EINVAL
  io_uring_sqe_set_data(sqe, nullptr);
  io_uring_submit(&ring_);
}

void UringQueue::run(bool pin, std::promise<int> registered) {
  const std::string name = "aoefs-ring-" + std::to_string(qid_);
  ::pthread_setname_np(::pthread_self(), name.c_str());
  if (pin) {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(qid_, &cpus);
    ::pthread_setaffinity_np(::pthread_self(), sizeof cpus, &cpus);
  }
  live_entries_ = entries_.size();
  const int rc = register_all();
  registered.set_value(rc);
  if (rc != 0) return;
  bool serving = true;
  while (serving && !stopping_) {
    io_uring_cqe* cqe = nullptr;
    const int waited = io_uring_wait_cqe(&ring_, &cqe);
    if (waited == -EINTR) continue;
    if (waited < 0) {
      log_message(LogLevel::error, "FUSE io_uring queue %u: waiting failed: %s", qid_,
                  std::strerror(-waited));
      if (on_failure_) on_failure_();
      return;
    }
    unsigned head;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      ++seen;
      if (!handle(*cqe)) serving = false;
    }
    io_uring_cq_advance(&ring_, seen);
  }
}

bool UringQueue::handle(const io_uring_cqe& cqe) {
  auto* entry = static_cast<Entry*>(io_uring_cqe_get_data(&cqe));
  if (!entry) return !stopping_;  // stop()'s wake-up, or refuse()'s answer
  if (cqe.res == 0) {
    deliver(*entry);
    return true;
  }
  if (cqe.res == -EINTR || cqe.res == -EAGAIN) {
    std::lock_guard lock(sq_mutex_);
    submit_command_locked(*entry, entry->last_command);
    io_uring_submit(&ring_);
    return true;
  }
  if (!connection_gone(cqe.res) && !stopping_) {
    // The entry is lost to the queue. With none left, requests issued on
    // this CPU would wait for good: the session ends instead.
    log_message(LogLevel::error, "FUSE io_uring queue %u: the kernel refused a %s: %s", qid_,
                entry->last_command == fuse_uring::kCmdRegister ? "registration" : "reply",
                std::strerror(-cqe.res));
    if (--live_entries_ == 0 && on_failure_) on_failure_();
  }
  return true;
}

void UringQueue::deliver(Entry& entry) {
  fuse_in_header in;
  std::memcpy(&in, entry.header->in_out, sizeof in);
  const std::size_t payload = entry.header->ring_ent_in_out.payload_sz;
  entry.commit_id = entry.header->ring_ent_in_out.commit_id;
  entry.unique.store(in.unique, std::memory_order_release);
  const std::size_t head = sizeof in;
  if (in.len < head + payload || in.len - head - payload > sizeof entry.header->op_in ||
      payload > payload_bytes_) {
    log_message(LogLevel::error,
                "FUSE io_uring queue %u: request (opcode %u, %u bytes, payload %zu) does not "
                "fit its entry: answered EIO",
                qid_, in.opcode, in.len, payload);
    fuse_out_header out{};
    out.unique = in.unique;
    out.error = -EIO;
    struct iovec iov = {&out, sizeof out};
    if (claim(in.unique)) (void)commit(entry, &iov, 1);
    return;
  }
  // libfuse wants the request contiguous, as /dev/fuse delivers it: the
  // header and the opcode's argument go in front of the payload, into the
  // page before it (free: the entry's header sits at its start).
  const std::size_t op = in.len - head - payload;
  unsigned char* start = entry.payload - op - head;
  std::memcpy(start, &in, head);
  std::memcpy(start + head, entry.header->op_in, op);
  fuse_buf buf{};
  buf.mem = start;
  buf.size = in.len;
  fuse_session_process_buf(session_, &buf);
}

UringQueue::Entry* UringQueue::claim(std::uint64_t unique) {
  for (auto& e : entries_) {
    std::uint64_t expected = unique;
    if (e->unique.load(std::memory_order_acquire) == unique &&
        e->unique.compare_exchange_strong(expected, 0, std::memory_order_acq_rel))
      return e.get();
  }
  return nullptr;
}

ssize_t UringQueue::commit(Entry& entry, const struct iovec* iov, int count) {
  fuse_out_header out;
  std::memcpy(&out, iov[0].iov_base, sizeof out);
  std::size_t used = 0;
  for (int i = 1; i < count; ++i) {
    if (used + iov[i].iov_len > payload_bytes_) {
      log_message(LogLevel::error, "FUSE io_uring queue %u: a reply exceeds the entry: EIO", qid_);
      out.error = -EIO;
      used = 0;
      break;
    }
    // memmove: a reply may quote its own request's bytes.
    std::memmove(entry.payload + used, iov[i].iov_base, iov[i].iov_len);
    used += iov[i].iov_len;
  }
  out.len = static_cast<std::uint32_t>(sizeof out + used);
  std::memcpy(entry.header->in_out, &out, sizeof out);
  entry.header->ring_ent_in_out.payload_sz = static_cast<std::uint32_t>(used);
  int submitted;
  {
    std::lock_guard lock(sq_mutex_);
    submit_command_locked(entry, fuse_uring::kCmdCommitAndFetch);
    submitted = io_uring_submit(&ring_);
  }
  if (submitted < 0) {
    errno = -submitted;
    return -1;
  }
  return static_cast<ssize_t>(out.len);
}

}  // namespace aoefs
