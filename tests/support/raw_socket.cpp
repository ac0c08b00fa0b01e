#include "support/raw_socket.hpp"

#include <arpa/inet.h>
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

RawAoeSocket RawAoeSocket::open(const std::string& interface) {
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(aoe::kEtherType));
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
  addr.sll_protocol = htons(aoe::kEtherType);
  addr.sll_ifindex = index;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(fd);
    fail("bind to " + interface, err);
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
  const ssize_t n = ::send(fd_, frame.data(), frame.size(), 0);
  if (n < 0) fail("send", errno);
  if (static_cast<std::size_t>(n) != frame.size())
    throw std::runtime_error("RawAoeSocket: short send");
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
    const ssize_t n = ::recv(fd_, frame.data(), frame.size(), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) fail("recv", errno);
    frame.resize(static_cast<std::size_t>(n));
    return frame;
  }
}

}  // namespace aoetest
