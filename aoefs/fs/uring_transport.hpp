// UringTransport: FUSE over io_uring (`-o io_uring`) beside libfuse 3.14,
// which knows only /dev/fuse: the transport sits between libfuse and the
// device (fuse_session_custom_io), notices the kernel's INIT, and when the
// kernel offers FUSE_OVER_IO_URING serves requests from one UringQueue per
// possible CPU (uring_queue.hpp).
//
// Contract:
//  * install() is called after fuse_session_mount and before the session's
//    first request is read; one transport per process.
//  * The INIT reply claims io_uring only when every queue's ring and entry
//    buffers exist. The registrations follow the reply at once (the kernel
//    refuses them with EAGAIN until INIT is answered, fs/fuse/dev_uring.c),
//    and the reply's writer waits for every queue's answer. Anything that
//    fails before the reply leaves the flag unset; a registration that
//    fails after it is refused to the kernel, which then falls back to
//    /dev/fuse for the whole connection. Either way the classic loop
//    (session_loop.hpp) goes on serving, and one log line says which
//    transport serves: "FUSE transport: io_uring ..." or
//    "FUSE transport: /dev/fuse (why)".
//  * Replies find their request by unique: one a queue delivered is
//    committed on that queue (from whichever thread answers); any other
//    (the INIT, FORGET, INTERRUPT and everything else the kernel keeps on
//    /dev/fuse) and notifications go to /dev/fuse as before.
//  * stop() ends the queues' threads (run() has returned: no new request is
//    handled); replies may still be committed. The destructor frees the
//    rings: only after the connection is gone (unmounted).
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "aoefs/fs/fuse_version.hpp"
#include "aoefs/fs/uring_queue.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs {

class UringTransport {
 public:
  // Entries per queue: the most requests one CPU's queue holds at once
  // (more wait in the kernel).
  static constexpr unsigned kQueueDepth = 32;

  // on_failure: the session must end (a queue cannot serve any more).
  static Expected<std::unique_ptr<UringTransport>> install(fuse_session* session,
                                                           std::function<void()> on_failure);
  ~UringTransport();
  UringTransport(const UringTransport&) = delete;
  UringTransport& operator=(const UringTransport&) = delete;

  void stop();
  bool serving() const { return serving_.load(std::memory_order_acquire); }

 private:
  UringTransport(fuse_session* session, std::function<void()> on_failure)
      : session_(session), on_failure_(std::move(on_failure)) {}
  static ssize_t read_request(int fd, void* buf, size_t len, void* userdata);
  static ssize_t write_reply(int fd, struct iovec* iov, int count, void* userdata);
  void note_init(const void* request, std::size_t bytes);
  ssize_t reply_to_init(int fd, struct iovec* iov, int count);

  fuse_session* const session_;
  const std::function<void()> on_failure_;
  std::atomic<bool> init_pending_{true};
  std::atomic<std::uint64_t> init_unique_{0};
  bool offered_ = false;  // the INIT offered FUSE_OVER_IO_URING (set with init_unique_)
  std::vector<std::unique_ptr<UringQueue>> queues_;  // set before serving_
  std::atomic<bool> serving_{false};
};

}  // namespace aoefs
