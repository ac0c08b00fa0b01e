#include "protocol/io/memory_link.hpp"

#include "protocol/io/asio.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <deque>
#include <mutex>
#include <vector>

namespace aoe {

// Delivered frames wait in `queue` as in a socket's receive buffer: the io
// thread takes them (one posted drain per delivery), or a caller of
// receive_here() does first; `ready` (an eventfd) polls readable while any
// wait, for readiness_fd().
struct MemoryLink::State {
  explicit State(boost::asio::io_context& io) : io(io) {}
  ~State() {
    if (ready >= 0) ::close(ready);
  }
  boost::asio::io_context& io;
  std::mutex mutex;  // receiver/wire may be set while frames are in transit
  Receiver receiver;
  Wire wire;
  bool running = false;
  std::deque<std::vector<std::uint8_t>> queue;
  int ready = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

  // Hands each waiting frame to the receiver, on this thread.
  void drain() {
    for (;;) {
      Receiver r;
      std::vector<std::uint8_t> frame;
      {
        std::lock_guard lock(mutex);
        if (queue.empty() || !running) {
          std::uint64_t n;
          if (queue.empty() && ready >= 0) [[maybe_unused]]
            auto got = ::read(ready, &n, sizeof n);
          return;
        }
        frame = std::move(queue.front());
        queue.pop_front();
        r = receiver;
      }
      const std::span<const std::uint8_t> span(frame);
      r(Batch(&span, 1));
    }
  }
};

MemoryLink::MemoryLink(boost::asio::io_context& io, std::string name, MacAddress mac, unsigned mtu)
    : name_(std::move(name)), mac_(mac), mtu_(mtu), state_(std::make_shared<State>(io)) {}

MemoryLink::~MemoryLink() { stop(); }

void MemoryLink::set_wire(Wire wire) {
  std::lock_guard lock(state_->mutex);
  state_->wire = std::move(wire);
}

void MemoryLink::deliver(std::span<const std::uint8_t> frame) {
  {
    std::lock_guard lock(state_->mutex);
    state_->queue.emplace_back(frame.begin(), frame.end());
    const std::uint64_t one = 1;
    if (state_->ready >= 0) [[maybe_unused]]
      auto put = ::write(state_->ready, &one, sizeof one);
  }
  boost::asio::post(state_->io, [s = state_] { s->drain(); });
}

int MemoryLink::readiness_fd() const {
  std::lock_guard lock(state_->mutex);
  return state_->running ? state_->ready : -1;
}

void MemoryLink::receive_here() { state_->drain(); }

void MemoryLink::start(Receiver receiver) {
  std::lock_guard lock(state_->mutex);
  state_->receiver = std::move(receiver);
  state_->running = true;
}

void MemoryLink::stop() {
  std::lock_guard lock(state_->mutex);
  state_->running = false;
}

std::error_code MemoryLink::send(std::span<const std::uint8_t> frame) {
  if (frame.size() > mtu_ + 14) return std::make_error_code(std::errc::message_size);
  Wire w;
  {
    std::lock_guard lock(state_->mutex);
    w = state_->wire;
  }
  if (w) w(frame);
  return {};
}

}  // namespace aoe
