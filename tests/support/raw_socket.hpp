// aoetest::RawAoeSocket: an AF_PACKET socket on one interface of the calling
// thread's network namespace, for programs that talk frame by frame without
// the initiator: tests that query targets, the target-side tools
// (quirk_target, hostile_target, forge_answers) and, opened for every
// EtherType, the ports of the bad-wire relay (aoe-relay).
// Needs CAP_NET_RAW; open() throws std::runtime_error naming what failed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/codec/mac_address.hpp"

namespace aoetest {

struct RawSocketOptions {
  // Every frame the wire carries, not only AoE's (EtherType 0x88A2). Such a
  // socket also sees its own transmissions; receiving passes over them.
  bool every_ethertype = false;
  // Sends fail at once when the socket buffer is full instead of waiting.
  bool nonblocking = false;
  // Receive and send buffer sizes, forced past the sysctl limits where the
  // caller may (CAP_NET_ADMIN; otherwise the kernel's); 0: the kernel's.
  int buffer_bytes = 0;
};

class RawAoeSocket {
 public:
  static RawAoeSocket open(const std::string& interface, RawSocketOptions options = {});
  RawAoeSocket(RawAoeSocket&& other) noexcept;
  RawAoeSocket& operator=(RawAoeSocket&&) = delete;
  RawAoeSocket(const RawAoeSocket&) = delete;
  ~RawAoeSocket();

  const aoe::MacAddress& mac() const { return mac_; }
  unsigned mtu() const { return mtu_; }
  int fd() const { return fd_; }  // to poll several sockets at once

  // Sends one whole Ethernet frame; throws if the kernel refuses it.
  void send(std::span<const std::uint8_t> frame);
  // Sends one whole Ethernet frame; the kernel's refusal (a full buffer
  // loses the frame, as a busy wire would) as an error, no exception.
  std::error_code try_send(std::span<const std::uint8_t> frame) noexcept;
  // The next frame received, or nothing once `timeout` has passed.
  std::optional<std::vector<std::uint8_t>> receive(std::chrono::milliseconds timeout);
  // A frame already received into `buffer` (cut to its size), without
  // waiting: its length, or nothing when none is queued.
  std::optional<std::size_t> receive_waiting(std::span<std::uint8_t> buffer);

 private:
  RawAoeSocket(int fd, aoe::MacAddress mac, unsigned mtu) : fd_(fd), mac_(mac), mtu_(mtu) {}
  ssize_t read_queued(std::span<std::uint8_t> buffer);
  int fd_ = -1;
  aoe::MacAddress mac_;
  unsigned mtu_ = 0;
};

}  // namespace aoetest
