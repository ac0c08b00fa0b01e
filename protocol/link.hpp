// A Link is one Ethernet port carrying AoE frames (EtherType 0x88A2).
//
// Implementations: RawSocketLink (protocol/io: AF_PACKET, production; can
// adopt an already open socket handed over by the setuid helper),
// MemoryLink (protocol/io, tests over an io_context) and the unit tests'
// simulated links.
//
// Contract: frames are complete Ethernet frames (from the destination MAC on,
// no FCS). send() never blocks; a frame the kernel cannot take right now
// (ENOBUFS, EAGAIN) counts as lost on the wire, not as a link failure.
// Received frames are handed to the receiver on the link's io_context thread,
// in batches: what one read returned (RawSocketLink: one recvmmsg;
// MemoryLink: one deliver()), so the engine decides what the batch shows
// as a whole (engine.hpp, "Fast retransmit"). The spans are valid only
// during the call.
// A send may be queued until the io_context handler that made it returns
// (RawSocketLink batches the sends of a receive batch): what it reads must
// stay valid and unchanged until then, not longer.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/codec/frame.hpp"
#include "protocol/codec/mac_address.hpp"

namespace aoe {

class Link {
 public:
  using Batch = std::span<const std::span<const std::uint8_t>>;
  using Receiver = std::function<void(Batch frames)>;
  // How send_frame() sends an ATA message's data: encoded with the frame,
  // or read from where it is (a write's data: no copy; it must then stay
  // valid and unchanged until the handler that called send_frame returns).
  enum class Data : std::uint8_t { encoded, in_place };
  virtual ~Link() = default;

  virtual const std::string& name() const = 0;  // interface name, e.g. "eth0"
  virtual MacAddress mac() const = 0;
  virtual unsigned mtu() const = 0;

  // Begins delivering frames to `receiver` until stop().
  virtual void start(Receiver receiver) = 0;
  virtual void stop() = 0;

  // Sends `frame`, encoded where the link sends from, short frames
  // zero-padded to the Ethernet minimum as a NIC would (veth does not, and
  // some targets drop runts). What the engine calls. Errors:
  // invalid_argument when the codec cannot encode it (values the wire cannot
  // carry), message_size when it is larger than the link carries, others
  // as send().
  std::error_code send_frame(const Frame& frame, Data data = Data::encoded);

  // Errors other than "frame lost" (e.g. ENETDOWN) are returned.
  virtual std::error_code send(std::span<const std::uint8_t> frame) = 0;
  // Sends one frame made of `head` followed by `payload` (a write's data),
  // reading the payload where it is instead of copying it into the frame
  // where the link can (scatter-gather). REQUIRES: head.size() +
  // payload.size() >= kMinEthernetFrame (nothing is padded); both stay
  // valid and unchanged until the handler that called this returns.
  // This default joins the two and calls send() (test links).
  // Receiving on another thread than the io thread (the Initiator's
  // answer_on_caller): a descriptor that polls readable while frames wait,
  // or -1 when this link cannot be read from elsewhere (then only its io
  // thread receives).
  virtual int readiness_fd() const { return -1; }
  // Reads the frames waiting now, without blocking, and hands them to the
  // receiver on this thread (one batch per read, as on the io thread).
  // REQUIRES: started; the caller holds no lock the receiver takes.
  virtual void receive_here() {}

  virtual std::error_code send_gathered(std::span<const std::uint8_t> head,
                                        std::span<const std::uint8_t> payload) {
    std::vector<std::uint8_t> frame(head.begin(), head.end());
    frame.insert(frame.end(), payload.begin(), payload.end());
    return send(frame);
  }

 protected:
  // Where send_frame() encodes: at least mtu() + the Ethernet header bytes,
  // valid until the next send on this link's thread. A link that sends
  // from buffers of its own (a send ring) gives the next one, so a frame
  // encoded there is not copied again. This default is a buffer of the
  // Link's own.
  virtual std::span<std::uint8_t> encode_buffer();

 private:
  std::vector<std::uint8_t> encode_scratch_;
};

}  // namespace aoe
