// aoetest::RawAoeSocket: an AF_PACKET socket for AoE frames (EtherType
// 0x88A2) on one interface of the calling thread's network namespace, for
// tests that talk to targets frame by frame, without the initiator.
// Needs CAP_NET_RAW; open() throws std::runtime_error naming what failed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "protocol/codec/mac_address.hpp"

namespace aoetest {

class RawAoeSocket {
 public:
  static RawAoeSocket open(const std::string& interface);
  RawAoeSocket(RawAoeSocket&& other) noexcept;
  RawAoeSocket& operator=(RawAoeSocket&&) = delete;
  RawAoeSocket(const RawAoeSocket&) = delete;
  ~RawAoeSocket();

  const aoe::MacAddress& mac() const { return mac_; }
  unsigned mtu() const { return mtu_; }

  // Sends one whole Ethernet frame; throws if the kernel refuses it.
  void send(std::span<const std::uint8_t> frame);
  // The next frame received, or nothing once `timeout` has passed.
  std::optional<std::vector<std::uint8_t>> receive(std::chrono::milliseconds timeout);

 private:
  RawAoeSocket(int fd, aoe::MacAddress mac, unsigned mtu) : fd_(fd), mac_(mac), mtu_(mtu) {}
  int fd_ = -1;
  aoe::MacAddress mac_;
  unsigned mtu_ = 0;
};

}  // namespace aoetest
