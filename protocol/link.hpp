// A Link is one Ethernet port carrying AoE frames (EtherType 0x88A2).
//
// Implementations: RawSocketLink (AF_PACKET, production; can adopt an already
// open socket handed over by the setuid helper) and MemoryLink (unit tests).
//
// Contract: frames are complete Ethernet frames (from the destination MAC on,
// no FCS). send() never blocks; a frame the kernel cannot take right now
// (ENOBUFS, EAGAIN) counts as lost on the wire, not as a link failure.
// Received frames are handed to the receiver on the link's io_context thread;
// the span is valid only during the call.
// A send may be queued until the io_context handler that made it returns
// (RawSocketLink batches the sends of a receive batch): what it reads must
// stay valid and unchanged until then, not longer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/codec/mac_address.hpp"

namespace aoe {

class Link {
 public:
  using Receiver = std::function<void(std::span<const std::uint8_t> frame)>;
  virtual ~Link() = default;

  virtual const std::string& name() const = 0;  // interface name, e.g. "eth0"
  virtual MacAddress mac() const = 0;
  virtual unsigned mtu() const = 0;

  // Begins delivering frames to `receiver` until stop().
  virtual void start(Receiver receiver) = 0;
  virtual void stop() = 0;
  // Errors other than "frame lost" (e.g. ENETDOWN) are returned.
  virtual std::error_code send(std::span<const std::uint8_t> frame) = 0;
  // Sends one frame made of `head` followed by `payload` (a write's data),
  // reading the payload where it is instead of copying it into the frame
  // where the link can (scatter-gather). REQUIRES: head.size() +
  // payload.size() >= kMinEthernetFrame (nothing is padded); both stay
  // valid and unchanged until the handler that called this returns.
  // This default joins the two and calls send() (test links).
  virtual std::error_code send_gathered(std::span<const std::uint8_t> head,
                                        std::span<const std::uint8_t> payload) {
    std::vector<std::uint8_t> frame(head.begin(), head.end());
    frame.insert(frame.end(), payload.begin(), payload.end());
    return send(frame);
  }
  // Where the next frame may be encoded, so that send() (or send_gathered()
  // of a head) starting there need not copy it (the raw socket's send ring while a receive
  // batch runs); empty when the link has no such place. Valid until the
  // next send(), start() or stop() on the link's thread.
  virtual std::span<std::uint8_t> frame_buffer() { return {}; }
  // How long to keep polling for more frames after a wakeup that delivered
  // some (see raw_socket_link.hpp). Links without a socket ignore it.
  virtual void set_busy_poll(std::chrono::microseconds) {}
};

}  // namespace aoe
