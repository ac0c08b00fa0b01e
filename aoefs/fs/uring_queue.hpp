// UringQueue: one FUSE io_uring queue (the kernel keeps one per possible
// CPU and puts a request on the queue of the CPU that issued it): an
// io_uring with 128-byte SQEs, its ring entries (a header and a payload
// buffer each, registered with the kernel for the life of the connection)
// and the thread that hands arriving requests to libfuse.
//
// Contract:
//  * create() makes the ring and the entries' buffers, or returns an error;
//    nothing is submitted yet (the kernel refuses registrations until the
//    INIT reply is written).
//  * start() runs the queue's thread, which submits the registrations itself
//    (a command belongs to the thread that submitted it: the kernel delivers
//    the next request in that thread's task context) and reports whether the
//    kernel accepted them. It then serves: each request is passed to
//    fuse_session_process_buf on that thread, contiguous as /dev/fuse would
//    have delivered it.
//  * claim(unique) + commit(): the reply to a request this queue delivered,
//    from any thread. claim() finds and takes the entry (at most once per
//    request), commit() copies the reply into it and submits
//    COMMIT_AND_FETCH; SQEs are produced under the queue's lock, so replies
//    from several threads never interleave (the thread only consumes CQEs).
//  * stop() ends the thread (it finishes the request in hand); replies may
//    still be committed afterwards. The destructor frees ring and buffers:
//    call it only once the connection is gone (unmounted), so the kernel
//    writes no more into them.
#pragma once

#include <liburing.h>
#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "aoefs/fs/fuse_uring_abi.hpp"
#include "aoefs/fs/fuse_version.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs {

class UringQueue {
 public:
  struct Entry;

  static Expected<std::unique_ptr<UringQueue>> create(fuse_session* session, int fuse_fd,
                                                      unsigned qid, unsigned depth,
                                                      std::size_t payload_bytes);
  ~UringQueue();
  UringQueue(const UringQueue&) = delete;
  UringQueue& operator=(const UringQueue&) = delete;

  // on_failure: called from the thread when the queue can no longer serve
  // while the session runs. Returns what the registrations got: 0, or the
  // kernel's negative errno.
  std::future<int> start(bool pin, std::function<void()> on_failure);
  void stop();

  Entry* claim(std::uint64_t unique);
  // Returns the reply's size, or -1 with errno set (as writev(2)).
  ssize_t commit(Entry& entry, const struct iovec* iov, int count);

  // A registration the kernel refuses makes it give up io_uring for the
  // connection and serve /dev/fuse again (fs/fuse/dev_uring.c: a failed
  // FUSE_IO_URING_CMD_REGISTER clears fc->io_uring). Used when this queue
  // cannot register its entries after the INIT reply promised them.
  void refuse();

 private:
  UringQueue(fuse_session* session, int fuse_fd, unsigned qid, std::size_t payload_bytes);
  void run(bool pin, std::promise<int> registered);
  int register_all();
  bool handle(const io_uring_cqe& cqe);
  void deliver(Entry& entry);
  void submit_command_locked(Entry& entry, std::uint32_t command);

  fuse_session* const session_;
  const int fuse_fd_;
  const unsigned qid_;
  const std::size_t payload_bytes_;
  io_uring ring_{};
  bool ring_ready_ = false;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::mutex sq_mutex_;  // the submission side of ring_
  std::atomic<bool> stopping_{false};
  std::size_t live_entries_ = 0;  // entries the kernel still holds or we serve (thread only)
  std::function<void()> on_failure_;
  std::thread thread_;
};

}  // namespace aoefs
