// RawSocketLink: one Ethernet port through an AF_PACKET raw socket bound to
// EtherType 0x88A2, driven by Boost.Asio (readiness on the descriptor).
//
// Receive: on readiness, recvmmsg() into a ring of preallocated buffers until
// EAGAIN (bounded per wakeup so timers still run), handing the frames of
// each recvmmsg to the receiver in one call (Link::Receiver). Send: while the receiver runs (inside
// a receive batch), frames are copied into a preallocated send ring and leave together with one
// sendmmsg() after the batch (a frame encoded in place, at encode_buffer() by send_frame(), is not
// copied again; the payload of send_gathered() is not copied at all: it is its message's second
// iovec, read by the kernel when the batch is sent, before the drain returns); outside a batch,
// and from any thread other than the draining one (requests enter the engine on their callers'
// threads, initiator.cpp), a send is one sendmsg(2) at once.
// Nothing is allocated per frame. A send the kernel refuses with
// ENOBUFS/EAGAIN is a frame lost on the wire, not an error: the engine's
// retransmission covers it.
// Busy polling (set_busy_poll): after a wakeup that delivered frames, the
// socket is polled for up to that long (from the last frame) before going
// back to sleep, but only while frames the io thread sent outnumber frames
// received (an answer may be on its way; polling when none can come only
// burns the CPU; a frame another thread sent does not start a poll: see
// raw_socket_link.cpp). It exists because a sleep and wakeup can cost more than the wait for
// the answer, and with few frames in flight the target idles meanwhile. Each
// poll is a handler posted to the io_context, so the completions and new
// requests queued meanwhile run first: the completion whose caller sends the
// next request never waits behind a poll. Between polls the loop yields
// (sched_yield), so a target sharing the core runs. Receive is recvmmsg(),
// not PACKET_RX_RING: a ring saves no copy (the payload is copied into the
// reply either way), and recvmmsg() already spends one system call per
// batch. The figures behind these choices: README.md, Status, Speed.
//
// Opening needs CAP_NET_RAW; `adopt` takes a socket somebody else opened
// (the setuid helper) and reads its interface from getsockname().
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "protocol/codec/expected.hpp"
#include "protocol/link.hpp"

namespace boost::asio {
class io_context;
}

namespace aoe {

class RawSocketLink final : public Link {
 public:
  // Opens a socket on `interface`. Errors: no_such_device for an unknown
  // name (message names the interface via the caller), EPERM without
  // CAP_NET_RAW, invalid_argument for a non-Ethernet interface.
  using Opened = Expected<std::unique_ptr<RawSocketLink>, std::error_code>;
  static Opened open(boost::asio::io_context& io, const std::string& interface);
  // Takes ownership of `fd`, an AF_PACKET socket already bound to one
  // interface (protocol 0x88A2 or ETH_P_ALL). Closed on failure too.
  static Opened adopt(boost::asio::io_context& io, int fd);

  ~RawSocketLink() override;

  const std::string& name() const override;
  MacAddress mac() const override;
  unsigned mtu() const override;
  void start(Receiver receiver) override;
  void stop() override;
  std::error_code send(std::span<const std::uint8_t> frame) override;
  std::error_code send_gathered(std::span<const std::uint8_t> head,
                                std::span<const std::uint8_t> payload) override;

  // How long to keep polling after a wakeup that delivered frames (see
  // above); 0 disables it.
  void set_busy_poll(std::chrono::microseconds spin);
  int readiness_fd() const override;
  void receive_here() override;
  static constexpr std::chrono::microseconds kDefaultBusyPoll{50};

 protected:
  // Inside a receive batch: the next slot of the send ring (a frame encoded
  // there is not copied again); outside, the Link's own buffer.
  std::span<std::uint8_t> encode_buffer() override;

 private:
  struct State;
  explicit RawSocketLink(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace aoe
