#include "protocol/io/memory_link.hpp"

#include "protocol/io/asio.hpp"

#include <mutex>
#include <vector>

namespace aoe {

struct MemoryLink::State {
  explicit State(boost::asio::io_context& io) : io(io) {}
  boost::asio::io_context& io;
  std::mutex mutex;  // receiver/wire may be set while frames are in transit
  Receiver receiver;
  Wire wire;
  bool running = false;
};

MemoryLink::MemoryLink(boost::asio::io_context& io, std::string name, MacAddress mac, unsigned mtu)
    : name_(std::move(name)), mac_(mac), mtu_(mtu), state_(std::make_shared<State>(io)) {}

MemoryLink::~MemoryLink() { stop(); }

void MemoryLink::set_wire(Wire wire) {
  std::lock_guard lock(state_->mutex);
  state_->wire = std::move(wire);
}

void MemoryLink::deliver(std::span<const std::uint8_t> frame) {
  std::vector<std::uint8_t> copy(frame.begin(), frame.end());
  boost::asio::post(state_->io, [s = state_, copy = std::move(copy)] {
    Receiver r;
    {
      std::lock_guard lock(s->mutex);
      if (!s->running) return;
      r = s->receiver;
    }
    const std::span<const std::uint8_t> frame(copy);
    r(Batch(&frame, 1));
  });
}

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
