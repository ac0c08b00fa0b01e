#include "support/raw_socket.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "protocol/codec/header.hpp"

namespace aoetest {
namespace {

[[noreturn]] void fail(const std::string& what, int err) {
  throw std::runtime_error("RawAoeSocket: " + what + ": " + std::strerror(err));
}

}  // namespace

RawAoeSocket RawAoeSocket::open(const std::string& interface, RawSocketOptions options) {
  const std::uint16_t protocol = htons(options.every_ethertype ? ETH_P_ALL : aoe::kEtherType);
  const int fd = ::socket(
      AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | (options.nonblocking ? SOCK_NONBLOCK : 0), protocol);
  if (fd < 0) fail("socket(AF_PACKET) (needs CAP_NET_RAW)", errno);
  // Interface facts by ioctl: /sys may show another namespace's interfaces.
  ifreq ifr{};
  if (interface.size() >= sizeof ifr.ifr_name) {
    ::close(fd);
    fail("interface name " + interface, ENAMETOOLONG);
  }
  std::memcpy(ifr.ifr_name, interface.c_str(), interface.size() + 1);
  auto ioctl_or_fail = [&](unsigned long request, const char* what) {
    if (::ioctl(fd, request, &ifr) != 0) {
      const int err = errno;
      ::close(fd);
      fail(std::string(what) + " " + interface, err);
    }
  };
  ioctl_or_fail(SIOCGIFINDEX, "SIOCGIFINDEX");
  const int index = ifr.ifr_ifindex;
  ioctl_or_fail(SIOCGIFHWADDR, "SIOCGIFHWADDR");
  aoe::MacAddress mac;
  std::memcpy(mac.bytes.data(), ifr.ifr_hwaddr.sa_data, 6);
  ioctl_or_fail(SIOCGIFMTU, "SIOCGIFMTU");
  const auto mtu = static_cast<unsigned>(ifr.ifr_mtu);

  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = protocol;
  addr.sll_ifindex = index;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(fd);
    fail("bind to " + interface, err);
  }
  if (options.buffer_bytes > 0) {
    // Refused without CAP_NET_ADMIN; the kernel's sizes then stay.
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &options.buffer_bytes, sizeof(int));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &options.buffer_bytes, sizeof(int));
  }
  return RawAoeSocket(fd, mac, mtu);
}

RawAoeSocket::RawAoeSocket(RawAoeSocket&& other) noexcept
    : fd_(other.fd_), mac_(other.mac_), mtu_(other.mtu_) {
  other.fd_ = -1;
}

RawAoeSocket::~RawAoeSocket() {
  if (fd_ >= 0) ::close(fd_);
}

void RawAoeSocket::send(std::span<const std::uint8_t> frame) {
  if (const std::error_code ec = try_send(frame))
    throw std::runtime_error("RawAoeSocket: send: " + ec.message());
}

std::error_code RawAoeSocket::try_send(std::span<const std::uint8_t> frame) noexcept {
  const ssize_t n = ::send(fd_, frame.data(), frame.size(), 0);
  if (n < 0) return {errno, std::generic_category()};
  if (static_cast<std::size_t>(n) != frame.size()) return std::make_error_code(std::errc::io_error);
  return {};
}

ssize_t RawAoeSocket::read_queued(std::span<std::uint8_t> buffer) {
  for (;;) {
    sockaddr_ll from{};
    socklen_t length = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT,
                                 reinterpret_cast<sockaddr*>(&from), &length);
    if (n < 0 || from.sll_pkttype != PACKET_OUTGOING) return n;
  }
}

std::optional<std::size_t> RawAoeSocket::receive_waiting(std::span<std::uint8_t> buffer) {
  const ssize_t n = read_queued(buffer);
  if (n <= 0) return std::nullopt;
  return static_cast<std::size_t>(n);
}

std::optional<std::vector<std::uint8_t>> RawAoeSocket::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) fail("poll", errno);
    if (r == 0) return std::nullopt;
    std::vector<std::uint8_t> frame(65536);
    const ssize_t n = read_queued(frame);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) fail("recv", errno);
    frame.resize(static_cast<std::size_t>(n));
    return frame;
  }
}

}  // namespace aoetest
