#include "aoefs/fs/uring_transport.hpp"

#include <linux/fuse.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <string>

#include "aoefs/util/log.hpp"

namespace aoefs {
namespace {

// libfuse hands the callbacks the session's userdata (the filesystem's), so
// they find the transport here.
std::atomic<UringTransport*> g_transport{nullptr};

// The kernel's number of queues: num_possible_cpus(), from
// /sys/devices/system/cpu/possible ("0-1", "0-3,6-7"). Every queue must
// hold entries before the kernel uses the ring.
unsigned possible_cpus() {
  std::ifstream in("/sys/devices/system/cpu/possible");
  std::string list;
  if (!(in >> list)) return static_cast<unsigned>(get_nprocs_conf());
  unsigned count = 0;
  std::size_t pos = 0;
  while (pos < list.size()) {
    const std::size_t comma = std::min(list.find(',', pos), list.size());
    const std::string range = list.substr(pos, comma - pos);
    const std::size_t dash = range.find('-');
    const unsigned first = static_cast<unsigned>(std::strtoul(range.c_str(), nullptr, 10));
    const unsigned last =
        dash == std::string::npos
            ? first
            : static_cast<unsigned>(std::strtoul(range.c_str() + dash + 1, nullptr, 10));
    count += last >= first ? last - first + 1 : 0;
    pos = comma + 1;
  }
  return count ? count : 1;
}

// Ring threads pinned to their queue's CPU (the kernel queues a request on
// the ring of the CPU that issued it). Pinned did better than unpinned in
// most rows of contrib/bench/compare (README, "Which transport");
// AOEFS_URING_PIN=0 leaves them to the scheduler, for measuring that again.
bool pin_threads() {
  const char* pin = std::getenv("AOEFS_URING_PIN");
  return !(pin && std::strcmp(pin, "0") == 0);
}

}  // namespace

Expected<std::unique_ptr<UringTransport>> UringTransport::install(
    fuse_session* session, std::function<void()> on_failure) {
  std::unique_ptr<UringTransport> t(new UringTransport(session, std::move(on_failure)));
  fuse_custom_io io{};
  io.read = &UringTransport::read_request;
  io.writev = &UringTransport::write_reply;
  g_transport = t.get();
  if (const int rc = fuse_session_custom_io(session, &io, fuse_session_fd(session)); rc != 0) {
    g_transport = nullptr;
    return Error{"cannot put the io_uring transport under libfuse (fuse_session_custom_io: " +
                 std::string(std::strerror(rc < 0 ? -rc : EINVAL)) + ")"};
  }
  return t;
}

UringTransport::~UringTransport() {
  stop();
  queues_.clear();
  g_transport = nullptr;
}

void UringTransport::stop() {
  for (auto& q : queues_) q->stop();
}

ssize_t UringTransport::read_request(int fd, void* buf, size_t len, void*) {
  const ssize_t n = ::read(fd, buf, len);
  UringTransport* t = g_transport.load(std::memory_order_acquire);
  if (t && n > 0 && t->init_pending_.load(std::memory_order_acquire))
    t->note_init(buf, static_cast<std::size_t>(n));
  return n;
}

void UringTransport::note_init(const void* request, std::size_t bytes) {
  fuse_in_header in;
  if (bytes < sizeof in) return;
  std::memcpy(&in, request, sizeof in);
  if (in.opcode != FUSE_INIT) return;
  fuse_init_in init{};
  std::memcpy(&init, static_cast<const unsigned char*>(request) + sizeof in,
              std::min(sizeof init, bytes - sizeof in));
  offered_ = bytes >= sizeof in + sizeof init && (init.flags & FUSE_INIT_EXT) &&
             (init.flags2 & (fuse_uring::kInitOverIoUring >> 32));
  init_unique_.store(in.unique, std::memory_order_release);
}

ssize_t UringTransport::write_reply(int fd, struct iovec* iov, int count, void*) {
  UringTransport* t = g_transport.load(std::memory_order_acquire);
  if (t && count > 0 && iov[0].iov_len >= sizeof(fuse_out_header)) {
    fuse_out_header out;
    std::memcpy(&out, iov[0].iov_base, sizeof out);
    if (t->serving() && out.unique != 0) {
      for (auto& q : t->queues_)
        if (UringQueue::Entry* e = q->claim(out.unique)) return q->commit(*e, iov, count);
    } else if (t->init_pending_.load(std::memory_order_acquire) && out.unique != 0 &&
               out.unique == t->init_unique_.load(std::memory_order_acquire)) {
      t->init_pending_ = false;
      return t->reply_to_init(fd, iov, count);
    }
  }
  return ::writev(fd, iov, count);
}

ssize_t UringTransport::reply_to_init(int fd, struct iovec* iov, int count) {
  const auto classic = [&](const std::string& why) {
    log_message(LogLevel::info, "FUSE transport: /dev/fuse (%s)", why.c_str());
    return ::writev(fd, iov, count);
  };
  fuse_out_header out;
  std::memcpy(&out, iov[0].iov_base, sizeof out);
  if (out.error != 0 || count != 2 || iov[1].iov_len < sizeof(fuse_init_out))
    return classic("INIT not answered in full");
  if (!offered_)
    return classic(
        "io_uring asked for, but the kernel does not offer it: fuse module parameter "
        "enable_uring is off, or the kernel predates it");
  std::vector<unsigned char> body(
      static_cast<const unsigned char*>(iov[1].iov_base),
      static_cast<const unsigned char*>(iov[1].iov_base) + iov[1].iov_len);
  fuse_init_out reply;
  std::memcpy(&reply, body.data(), sizeof reply);
  if (!(reply.flags & FUSE_INIT_EXT)) return classic("INIT reply without flags2");
  // What the kernel makes the ring's payload size (fuse_uring_create): the
  // largest of one read buffer, max_write and max_pages pages.
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t pages = (reply.flags & FUSE_MAX_PAGES) ? reply.max_pages : 32;
  const std::size_t payload =
      std::max({std::size_t{FUSE_MIN_READ_BUFFER}, std::size_t{reply.max_write}, pages * page});

  const int fuse_fd = fuse_session_fd(session_);
  std::vector<std::unique_ptr<UringQueue>> queues;
  const unsigned count_queues = possible_cpus();
  for (unsigned qid = 0; qid < count_queues; ++qid) {
    auto made = UringQueue::create(session_, fuse_fd, qid, kQueueDepth, payload);
    if (!made) return classic("io_uring setup failed: " + made.error().message);
    queues.push_back(std::move(*made));
  }
  reply.flags |= FUSE_INIT_EXT;
  reply.flags2 |= static_cast<std::uint32_t>(fuse_uring::kInitOverIoUring >> 32);
  std::memcpy(body.data(), &reply, sizeof reply);
  struct iovec claimed[2] = {iov[0], {body.data(), body.size()}};
  const ssize_t written = ::writev(fd, claimed, 2);
  if (written < 0) return written;

  queues_ = std::move(queues);
  // Before the first registration: a request may arrive as soon as every
  // queue holds entries, and its reply must find its queue.
  serving_.store(true, std::memory_order_release);
  const bool pin = pin_threads();
  std::vector<std::future<int>> registered;
  for (auto& q : queues_) registered.push_back(q->start(pin, on_failure_));
  int refused = 0;
  for (auto& r : registered)
    if (const int rc = r.get(); rc != 0) refused = rc;
  if (refused != 0) {
    queues_.front()->refuse();
    stop();
    log_message(LogLevel::warning,
                "FUSE transport: /dev/fuse (the kernel refused the io_uring entries: %s)",
                std::strerror(-refused));
    return written;
  }
  log_message(LogLevel::info, "FUSE transport: io_uring (%u queues of %u entries, %zu KiB each%s)",
              count_queues, kQueueDepth, payload / 1024, pin ? ", threads pinned" : "");
  return written;
}

}  // namespace aoefs
