#include "protocol/io/interfaces.hpp"

#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aoe {
namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

// An unprivileged datagram socket as ioctl handle. Interface ioctls resolve
// names in the socket's network namespace: the calling thread's at creation.
struct IoctlSocket {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  IoctlSocket() {
    if (fd < 0) fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }
  ~IoctlSocket() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Expected<InterfaceFacts, std::error_code> interface_facts(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    return std::make_error_code(std::errc::no_such_device);
  IoctlSocket s;
  if (s.fd < 0) return last_error();
  ifreq req{};
  std::memcpy(req.ifr_name, name.c_str(), name.size() + 1);
  InterfaceFacts out;
  out.name = name;
  if (::ioctl(s.fd, SIOCGIFINDEX, &req) < 0) {
    if (errno == ENODEV) return std::make_error_code(std::errc::no_such_device);
    return last_error();
  }
  out.index = req.ifr_ifindex;
  if (::ioctl(s.fd, SIOCGIFFLAGS, &req) < 0) return last_error();
  out.up = req.ifr_flags & IFF_UP;
  out.loopback = req.ifr_flags & IFF_LOOPBACK;
  if (::ioctl(s.fd, SIOCGIFMTU, &req) < 0) return last_error();
  out.mtu = static_cast<unsigned>(req.ifr_mtu);
  if (::ioctl(s.fd, SIOCGIFHWADDR, &req) < 0) return last_error();
  out.ethernet = req.ifr_hwaddr.sa_family == ARPHRD_ETHER;
  std::memcpy(out.mac.bytes.data(), req.ifr_hwaddr.sa_data, 6);
  return out;
}

std::vector<InterfaceFacts> list_interfaces() {
  std::vector<InterfaceFacts> out;
  struct if_nameindex* names = ::if_nameindex();
  if (!names) return out;
  for (struct if_nameindex* n = names; n->if_index != 0 && n->if_name; ++n) {
    if (auto facts = interface_facts(n->if_name)) out.push_back(std::move(*facts));
  }
  ::if_freenameindex(names);
  return out;
}

std::vector<std::string> default_aoe_interfaces() {
  std::vector<std::string> out;
  for (const InterfaceFacts& f : list_interfaces())
    if (f.up && !f.loopback && f.ethernet) out.push_back(f.name);
  return out;
}

}  // namespace aoe
