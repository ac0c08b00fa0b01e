// SessionLoop: serves one FUSE session on worker threads that read requests
// into buffers of BufferPool::requests(), so that a request handler can keep
// the buffer its request arrived in (adopt_request_buffer) instead of
// copying the data out: a write's payload goes from the buffer the kernel
// filled straight to the wire (no copy between the FUSE buffer and the
// frames).
//
// Why not libfuse's fuse_session_loop_mt: its workers own their receive
// buffers and reuse them for the next request, so a handler that answers
// later must copy the data out first — one more pass over every byte written.
//
// Contract:
//  * The constructor installs the stop signals' handlers (SIGINT, SIGTERM,
//    SIGHUP: end the session; replacing whatever was set, also "ignore"),
//    ignores SIGPIPE and takes SIGUSR2 (a no-op that interrupts a worker's
//    read of /dev/fuse when the loop stops). The destructor restores the
//    defaults. One SessionLoop per process.
//  * run() serves until the session ends: unmounted, a stop signal, or a
//    read error on /dev/fuse. It returns the stop signal's number, or 0.
//    A worker busy with a request finishes it; every worker has returned
//    when run() does.
//  * Workers: one at the start; another starts whenever none is left
//    waiting for a request, up to kMaxWorkers (libfuse's default), so a
//    handler that waits does not hold up the others. Handlers answer
//    mostly later, from the devices' completion threads.
//  * Receive buffers hold what libfuse 3.14-3.16 reads at most: 256 pages of
//    data and a header page (checked against the version at compile time).
#pragma once

#include <semaphore.h>

#include <atomic>
#include <csignal>
#include <cstddef>
#include <list>
#include <mutex>
#include <thread>

#include "aoefs/fs/fuse_version.hpp"
#include "aoefs/util/buffer_pool.hpp"

namespace aoefs {

// Called by a request handler on a SessionLoop worker: when [data, data +
// size) lies in the buffer the calling worker received its request in,
// hands that buffer over, narrowed to those bytes (the worker takes a fresh
// one for its next request). Otherwise — not on a worker, or the bytes are
// elsewhere — returns an empty buffer and the caller copies.
BufferPool::Buffer adopt_request_buffer(const void* data, std::size_t size);

class SessionLoop {
 public:
  static constexpr std::size_t kMaxWorkers = 10;

  explicit SessionLoop(fuse_session* session);
  ~SessionLoop();
  SessionLoop(const SessionLoop&) = delete;
  SessionLoop& operator=(const SessionLoop&) = delete;

  int run();
  // Ends the session as a stop signal would (run() returns 0), from any thread.
  void stop();

 private:
  struct Worker {
    std::thread thread;
    std::atomic<bool> finished{false};
  };
  void start_worker_locked();
  void work(Worker& self);

  fuse_session* const session_;
  sem_t wake_;  // posted by a worker that ends, and by the stop signals
  std::mutex mutex_;
  std::list<Worker> workers_;  // stable addresses; only appended to until run() stops
  std::size_t waiting_ = 0;    // workers waiting for a request
  bool stopping_ = false;
};

}  // namespace aoefs
