#include "protocol/io/raw_socket_link.hpp"

#include "protocol/io/asio.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>

#include "protocol/codec/header.hpp"
#include "protocol/io/interfaces.hpp"

namespace aoe {
namespace {

constexpr unsigned kBatch = 64;  // frames per recvmmsg / sendmmsg
constexpr unsigned kMaxBatchesPerWakeup = 16;

std::error_code errno_code() { return {errno, std::generic_category()}; }

// The link whose receive batch this thread is draining, if any. The send
// ring belongs to that batch: a send from any other thread (a request
// entering the engine on its caller's thread, under the engine's mutex)
// goes out at once with its own sendmsg and never touches the ring.
thread_local const void* draining_link = nullptr;

}  // namespace

// Shared with pending Asio handlers, so a handler that runs after the link
// is gone finds `closed` instead of a dangling pointer.
struct RawSocketLink::State {
  explicit State(boost::asio::io_context& io) : io(io), descriptor(io) {}
  boost::asio::io_context& io;
  boost::asio::posix::stream_descriptor descriptor;
  int fd = -1;
  InterfaceFacts facts;
  Receiver receiver;
  std::atomic<bool> running{false};  // read by callers of receive_here() too
  std::size_t frame_capacity = 0;
  // Receive ring.
  std::vector<std::uint8_t> rx_storage;
  std::vector<iovec> rx_iov;
  std::vector<mmsghdr> rx_msgs;
  std::vector<std::span<const std::uint8_t>> rx_frames;  // one batch, for the receiver
  // Send ring (used while in_batch): message i is tx_iov[2i] (in
  // tx_storage) and, for a gathered send, tx_iov[2i + 1] (the caller's
  // payload; empty otherwise).
  std::vector<std::uint8_t> tx_storage;
  std::vector<iovec> tx_iov;
  std::vector<mmsghdr> tx_msgs;
  unsigned tx_count = 0;
  std::chrono::microseconds busy_poll = RawSocketLink::kDefaultBusyPoll;
  // Frames sent minus frames received, floored at 0 at each receive (other
  // traffic on the port is received too): whether an answer may be on its
  // way. Polling for answers when none can come only burns the CPU.
  // Only the io thread's own sends count: a request sent from its caller's
  // thread (QD1: the next read, sent while the io thread finishes the
  // previous answer) would start a poll that competes with the target and
  // the caller for the cores. Measured at QD1, 4 KiB reads (README.md,
  // "Request stages"): the wire stage grew from 21-34 µs to 105-122 µs.
  // Atomic: the sending thread is checked, but the count is read anywhere.
  std::atomic<std::int64_t> awaiting{0};
  // Held while draining: the io thread and a caller receiving its own
  // answers (receive_here) share the receive ring and the send ring.
  std::mutex rx_mutex;

  bool on_io_thread() const { return io.get_executor().running_in_this_thread(); }

  bool in_batch() const { return draining_link == this; }

  void answered(std::int64_t frames) {
    std::int64_t was = awaiting.load(std::memory_order_relaxed);
    while (!awaiting.compare_exchange_weak(was, std::max<std::int64_t>(0, was - frames),
                                           std::memory_order_relaxed)) {
    }
  }

  void allocate() {
    frame_capacity = facts.mtu + kEthernetHeaderSize + 64;
    rx_storage.assign(frame_capacity * kBatch, 0);
    tx_storage.assign(frame_capacity * kBatch, 0);
    rx_iov.resize(kBatch);
    rx_msgs.resize(kBatch);
    rx_frames.resize(kBatch);
    tx_iov.resize(2 * kBatch);
    tx_msgs.resize(kBatch);
    for (unsigned i = 0; i < kBatch; ++i) {
      rx_iov[i] = {rx_storage.data() + i * frame_capacity, frame_capacity};
      tx_iov[2 * i] = {tx_storage.data() + i * frame_capacity, 0};
    }
  }

  std::uint8_t* tx_slot() const {
    return static_cast<std::uint8_t*>(tx_iov[2 * tx_count].iov_base);
  }

  // Queues head + payload as the next message of the send ring (head is
  // copied unless it was encoded in place, at tx_slot()).
  void queue(std::span<const std::uint8_t> head, std::span<const std::uint8_t> payload) {
    if (tx_count == kBatch) flush_sends();
    if (head.data() != tx_slot()) std::memcpy(tx_slot(), head.data(), head.size());
    tx_iov[2 * tx_count].iov_len = head.size();
    tx_iov[2 * tx_count + 1] = {const_cast<std::uint8_t*>(payload.data()), payload.size()};
    ++tx_count;
  }

  // One sendmsg(2) now (outside a receive batch).
  std::error_code send_now(iovec* iov, std::size_t parts) {
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = parts;
    for (;;) {
      if (::sendmsg(fd, &msg, MSG_DONTWAIT) >= 0) {
        if (on_io_thread()) awaiting.fetch_add(1, std::memory_order_relaxed);
        return {};
      }
      if (errno == EINTR) continue;
      if (errno == ENOBUFS || errno == EAGAIN || errno == EWOULDBLOCK) return {};  // lost
      return errno_code();
    }
  }

  void flush_sends() {
    unsigned done = 0;
    while (done < tx_count) {
      for (unsigned i = done; i < tx_count; ++i) {
        std::memset(&tx_msgs[i], 0, sizeof(mmsghdr));
        tx_msgs[i].msg_hdr.msg_iov = &tx_iov[2 * i];
        tx_msgs[i].msg_hdr.msg_iovlen = tx_iov[2 * i + 1].iov_len ? 2 : 1;
      }
      int n = ::sendmmsg(fd, &tx_msgs[done], tx_count - done, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        // ENOBUFS/EAGAIN: the head frame is lost; others may still go.
        ++done;
        continue;
      }
      done += static_cast<unsigned>(n);
    }
    awaiting.fetch_add(tx_count, std::memory_order_relaxed);
    tx_count = 0;
  }

  void wait(const std::shared_ptr<State>& self) {
    descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          [self](const boost::system::error_code& ec) {
                            if (ec || !self->running) return;
                            self->drain_then_continue(self);
                          });
  }

  struct Drained {
    bool exhausted = false;  // the socket had no more frames (EAGAIN)
    bool delivered = false;  // at least one frame reached the receiver
  };

  void drain_then_continue(const std::shared_ptr<State>& self) {
    const Drained d = drain();
    if (running) continue_after(self, d, std::chrono::steady_clock::now() + busy_poll);
  }

  // What follows a drain. Asio's epoll reactor is edge-triggered: wait again
  // only after reading to EAGAIN. When the per-wakeup bound stopped us
  // first, or while busy polling, continue through post(): everything the
  // drain queued — completion handlers the engine posted, requests other
  // threads posted — runs before the next poll. (Polling inside the drain
  // would hold back the very completion whose caller is about to send the
  // next request: at one request in flight the poll could never succeed,
  // it only delayed every answer.)
  void continue_after(const std::shared_ptr<State>& self, const Drained& d,
                      std::chrono::steady_clock::time_point poll_until) {
    if (d.exhausted && (busy_poll.count() <= 0 || awaiting.load(std::memory_order_relaxed) <= 0 ||
                        std::chrono::steady_clock::now() >= poll_until)) {
      wait(self);
      return;
    }
    boost::asio::post(descriptor.get_executor(), [self, poll_until, exhausted = d.exhausted] {
      if (!self->running) return;
      // Between polls for an answer, whoever else is runnable here (the
      // target itself, on a shared host) goes first.
      if (exhausted) ::sched_yield();
      const Drained next = self->drain();
      if (!self->running) return;
      // Frames still flowing: poll for another busy_poll from now.
      const auto until =
          next.delivered ? std::chrono::steady_clock::now() + self->busy_poll : poll_until;
      self->continue_after(self, next, until);
    });
  }

  // Reads frames (up to kMaxBatchesPerWakeup batches) and hands them to the
  // receiver; sends made meanwhile leave together after each batch.
  Drained drain() {
    std::lock_guard lock(rx_mutex);
    Drained d;
    draining_link = this;
    for (unsigned round = 0; round < kMaxBatchesPerWakeup && running; ++round) {
      for (unsigned i = 0; i < kBatch; ++i) {
        std::memset(&rx_msgs[i], 0, sizeof(mmsghdr));
        rx_msgs[i].msg_hdr.msg_iov = &rx_iov[i];
        rx_msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int n = ::recvmmsg(fd, rx_msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        d.exhausted = true;  // EAGAIN, or an error the next wait reports again
        break;
      }
      d.delivered = true;
      answered(n);
      std::size_t frames = 0;
      for (int i = 0; i < n; ++i) {
        if (rx_msgs[i].msg_hdr.msg_flags & MSG_TRUNC) continue;
        rx_frames[frames++] = std::span<const std::uint8_t>(
            static_cast<const std::uint8_t*>(rx_iov[i].iov_base), rx_msgs[i].msg_len);
      }
      // One call per recvmmsg: what the engine sends in answer to the whole
      // batch (fast retransmissions included) leaves in the sendmmsg below.
      if (frames > 0 && running) receiver(Batch(rx_frames.data(), frames));
      flush_sends();
    }
    flush_sends();
    draining_link = nullptr;
    return d;
  }
};

RawSocketLink::RawSocketLink(std::shared_ptr<State> state) : state_(std::move(state)) {}

RawSocketLink::~RawSocketLink() {
  stop();
  boost::system::error_code ignored;
  state_->descriptor.close(ignored);  // closes fd; pending waits end with operation_aborted
}

RawSocketLink::Opened RawSocketLink::open(boost::asio::io_context& io,
                                          const std::string& interface) {
  auto facts = interface_facts(interface);
  if (!facts) return facts.error();
  if (!facts->ethernet) return std::make_error_code(std::errc::invalid_argument);
  int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(kEtherType));
  if (fd < 0) return errno_code();
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(kEtherType);
  addr.sll_ifindex = facts->index;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    const std::error_code ec = errno_code();
    ::close(fd);
    return ec;
  }
  return adopt(io, fd);
}

RawSocketLink::Opened RawSocketLink::adopt(boost::asio::io_context& io, int fd) {
  sockaddr_ll addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) < 0) {
    const std::error_code ec = errno_code();
    ::close(fd);
    return ec;
  }
  char name[IF_NAMESIZE] = {};
  if (addr.sll_family != AF_PACKET || addr.sll_ifindex == 0 ||
      !::if_indextoname(addr.sll_ifindex, name)) {
    ::close(fd);
    return std::make_error_code(std::errc::invalid_argument);  // not a bound packet socket
  }
  auto facts = interface_facts(name);
  if (!facts) {
    ::close(fd);
    return facts.error();
  }
  auto state = std::make_shared<State>(io);
  state->facts = std::move(*facts);
  // Non-blocking, large buffers (bursts of a whole window of jumbo frames
  // from several targets), and no copies of our own outgoing frames.
  state->fd = fd;
  const int big = 4 << 20;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) < 0)
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
#ifdef PACKET_IGNORE_OUTGOING
  const int one = 1;
  ::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
#endif
  boost::system::error_code bec;
  state->descriptor.assign(fd, bec);
  if (bec) {
    ::close(fd);
    return std::error_code(bec.value(), std::generic_category());
  }
  state->descriptor.non_blocking(true, bec);
  state->allocate();
  return std::unique_ptr<RawSocketLink>(new RawSocketLink(std::move(state)));
}

const std::string& RawSocketLink::name() const { return state_->facts.name; }
MacAddress RawSocketLink::mac() const { return state_->facts.mac; }
unsigned RawSocketLink::mtu() const { return state_->facts.mtu; }
void RawSocketLink::set_busy_poll(std::chrono::microseconds spin) { state_->busy_poll = spin; }

int RawSocketLink::readiness_fd() const { return state_->running ? state_->fd : -1; }

void RawSocketLink::receive_here() {
  if (state_->running) state_->drain();
}

void RawSocketLink::start(Receiver receiver) {
  state_->receiver = std::move(receiver);
  if (state_->running) return;
  state_->running = true;
  state_->wait(state_);
}

void RawSocketLink::stop() {
  if (!state_->running) return;
  state_->running = false;
  boost::system::error_code ignored;
  state_->descriptor.cancel(ignored);
}

std::span<std::uint8_t> RawSocketLink::encode_buffer() {
  State& s = *state_;
  if (!s.in_batch()) return Link::encode_buffer();
  if (s.tx_count == kBatch) s.flush_sends();
  return {s.tx_slot(), s.frame_capacity};
}

std::error_code RawSocketLink::send(std::span<const std::uint8_t> frame) {
  return send_gathered(frame, {});
}

std::error_code RawSocketLink::send_gathered(std::span<const std::uint8_t> head,
                                             std::span<const std::uint8_t> payload) {
  State& s = *state_;
  if (head.size() + payload.size() > s.frame_capacity)
    return std::make_error_code(std::errc::message_size);
  if (s.in_batch()) {
    s.queue(head, payload);
    return {};
  }
  iovec iov[2] = {{const_cast<std::uint8_t*>(head.data()), head.size()},
                  {const_cast<std::uint8_t*>(payload.data()), payload.size()}};
  return s.send_now(iov, payload.empty() ? 1 : 2);
}

}  // namespace aoe
