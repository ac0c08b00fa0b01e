// MemoryLink: a Link without a network, for tests. What the initiator sends
// goes synchronously to a "wire" callback (e.g. a fake target); frames for
// the initiator are injected with deliver(), which copies them and hands them
// to the receiver later on the io_context thread, as a real link would (or on
// the thread of a receive_here() that comes first, as a socket read there).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "protocol/link.hpp"

namespace boost::asio {
class io_context;
}

namespace aoe {

class MemoryLink final : public Link {
 public:
  using Wire = std::function<void(std::span<const std::uint8_t> frame)>;

  MemoryLink(boost::asio::io_context& io, std::string name, MacAddress mac, unsigned mtu = 1500);
  ~MemoryLink() override;

  // Where sent frames go. Called inside send(), on the sender's thread.
  void set_wire(Wire wire);
  // Thread-safe: queues a copy of `frame` for the receiver.
  void deliver(std::span<const std::uint8_t> frame);

  const std::string& name() const override { return name_; }
  MacAddress mac() const override { return mac_; }
  unsigned mtu() const override { return mtu_; }
  void start(Receiver receiver) override;
  void stop() override;
  std::error_code send(std::span<const std::uint8_t> frame) override;
  int readiness_fd() const override;
  void receive_here() override;

 private:
  struct State;
  std::string name_;
  MacAddress mac_;
  unsigned mtu_;
  std::shared_ptr<State> state_;
};

}  // namespace aoe
