#include "aoefs/fs/session_loop.hpp"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "aoefs/util/log.hpp"

namespace aoefs {
namespace {

static_assert(FUSE_MAJOR_VERSION == 3 && FUSE_MINOR_VERSION <= 16,
              "check how much fuse_session_receive_buf reads into a buffer it is given "
              "(se->bufsize) before building with this libfuse");

// libfuse's se->bufsize: FUSE_MAX_MAX_PAGES (256) pages plus FUSE_BUFFER_HEADER_SIZE.
std::size_t receive_buffer_bytes() {
  return 256 * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)) + 0x1000;
}

constexpr int kWakeSignal = SIGUSR2;
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

// The signal handlers' view of the one loop (async-signal-safe state only:
// fuse_session_exit sets a flag, sem_post is async-signal-safe).
std::atomic<fuse_session*> g_session{nullptr};
std::atomic<sem_t*> g_wake{nullptr};
volatile std::sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) {
  g_stop_signal = sig;
  if (auto* se = g_session.load()) fuse_session_exit(se);
  if (auto* wake = g_wake.load()) sem_post(wake);
}

void on_wake_signal(int) {}

void set_handler(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked read of /dev/fuse returns EINTR
  ::sigaction(sig, &sa, nullptr);
}

// The buffer the calling worker's current request arrived in, and how many
// bytes of it the request takes.
thread_local BufferPool::Buffer* t_request_buffer = nullptr;
thread_local std::size_t t_request_bytes = 0;

}  // namespace

BufferPool::Buffer adopt_request_buffer(const void* data, std::size_t size) {
  BufferPool::Buffer* buffer = t_request_buffer;
  if (!buffer || buffer->empty()) return {};
  const auto* begin = buffer->data();
  const auto* p = static_cast<const std::uint8_t*>(data);
  if (p < begin || p > begin + t_request_bytes || size > t_request_bytes - (p - begin)) return {};
  BufferPool::Buffer adopted = std::move(*buffer);
  adopted.narrow(static_cast<std::size_t>(p - begin), size);
  return adopted;
}

SessionLoop::SessionLoop(fuse_session* session) : session_(session) {
  ::sem_init(&wake_, 0, 0);
  g_session = session_;
  g_wake = &wake_;
  g_stop_signal = 0;
  for (int sig : kStopSignals) set_handler(sig, on_stop_signal);
  set_handler(kWakeSignal, on_wake_signal);
  std::signal(SIGPIPE, SIG_IGN);
}

SessionLoop::~SessionLoop() {
  for (int sig : kStopSignals) std::signal(sig, SIG_DFL);
  std::signal(kWakeSignal, SIG_DFL);
  std::signal(SIGPIPE, SIG_DFL);
  g_session = nullptr;
  g_wake = nullptr;
  ::sem_destroy(&wake_);
}

void SessionLoop::start_worker_locked() {
  Worker& w = workers_.emplace_back();
  ++waiting_;
  w.thread = std::thread([this, &w] { work(w); });
}

void SessionLoop::work(Worker& self) {
  BufferPool::Buffer buffer;
  t_request_buffer = &buffer;
  while (!fuse_session_exited(session_)) {
    if (buffer.empty()) buffer = BufferPool::requests().take(receive_buffer_bytes());
    fuse_buf received{};
    received.mem = buffer.data();
    const int res = fuse_session_receive_buf(session_, &received);
    if (res == -EINTR || res == -EAGAIN) continue;
    if (res <= 0) {  // 0: unmounted (libfuse ended the session)
      if (res < 0) {
        log_message(LogLevel::error, "reading /dev/fuse failed: errno %d", -res);
        fuse_session_exit(session_);
      }
      break;
    }
    {
      std::lock_guard lock(mutex_);
      if (--waiting_ == 0 && workers_.size() < kMaxWorkers && !stopping_) start_worker_locked();
    }
    t_request_bytes = static_cast<std::size_t>(res);
    fuse_session_process_buf(session_, &received);
    t_request_bytes = 0;
    std::lock_guard lock(mutex_);
    ++waiting_;
  }
  t_request_buffer = nullptr;
  self.finished = true;
  ::sem_post(&wake_);
}

void SessionLoop::stop() {
  fuse_session_exit(session_);
  ::sem_post(&wake_);
}

int SessionLoop::run() {
  {
    std::lock_guard lock(mutex_);
    start_worker_locked();
  }
  while (!fuse_session_exited(session_)) ::sem_wait(&wake_);  // EINTR: look again
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;  // workers_ no longer changes
  }
  // A worker blocked in read(2) returns from it on the wake signal; one that
  // was about to block gets it again a moment later.
  for (Worker& w : workers_) {
    while (!w.finished) {
      ::pthread_kill(w.thread.native_handle(), kWakeSignal);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    w.thread.join();
  }
  return g_stop_signal;
}

}  // namespace aoefs
