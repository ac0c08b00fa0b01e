#include "aoefs/helper/aoe_socket.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "aoefs/util/interface_name.hpp"

#ifndef SO_LOCK_FILTER
#define SO_LOCK_FILTER 44
#endif

namespace aoefs::helper {
namespace {
constexpr unsigned short kEtherTypeAoe = 0x88A2;
static_assert(kMaxInterfaceNameBytes == IFNAMSIZ - 1);
}  // namespace

Expected<int> open_filtered_aoe_socket(const std::string& interface) {
  if (!is_valid_interface_name(interface)) return Error{"invalid interface name"};
  const unsigned index = if_nametoindex(interface.c_str());
  if (index == 0) return Error{interface + ": no such interface"};

  // Protocol 0: the socket receives nothing until bind() below, so no frame
  // of another interface or type is queued before the filter is in place.
  const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{std::string("socket(AF_PACKET): ") + std::strerror(errno)};
  auto fail = [fd](std::string what) {
    Error error{what + ": " + std::strerror(errno)};
    close(fd);
    return error;
  };

  // Only Ethernet: on tun, wireguard or ppp there is no Ethernet header, and
  // bytes 12-13 lie inside an IP address (136.162.x.x would pass as AoE).
  ifreq request{};
  std::memcpy(request.ifr_name, interface.c_str(), interface.size() + 1);
  if (ioctl(fd, SIOCGIFHWADDR, &request) != 0) return fail(interface + ": SIOCGIFHWADDR");
  if (request.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
    close(fd);
    return Error{interface + ": not an Ethernet interface (link type " +
                 std::to_string(request.ifr_hwaddr.sa_family) + ")"};
  }

  // Every test must pass, else drop:
  //   the interface index   (bind() lets the holder re-bind to another one)
  //   the link type         (Ethernet, for the same reason)
  //   the frame's protocol  (skb->protocol == AoE, as the kernel parsed it)
  //   no VLAN tag           (tagged AoE of other VLANs is not ours to see)
  //   bytes 12-13           (the EtherType in the frame itself)
  constexpr auto ad = [](int what) { return static_cast<__u32>(SKF_AD_OFF + what); };
  sock_filter code[] = {
      {BPF_LD | BPF_W | BPF_ABS, 0, 0, ad(SKF_AD_IFINDEX)},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 9, index},
      {BPF_LD | BPF_W | BPF_ABS, 0, 0, ad(SKF_AD_HATYPE)},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 7, ARPHRD_ETHER},
      {BPF_LD | BPF_H | BPF_ABS, 0, 0, ad(SKF_AD_PROTOCOL)},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 5, kEtherTypeAoe},
      {BPF_LD | BPF_W | BPF_ABS, 0, 0, ad(SKF_AD_VLAN_TAG_PRESENT)},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0},
      {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},
      {BPF_JMP | BPF_JEQ | BPF_K, 0, 1, kEtherTypeAoe},
      {BPF_RET | BPF_K, 0, 0, 0x40000},
      {BPF_RET | BPF_K, 0, 0, 0},
  };
  sock_fprog program{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0)
    return fail("SO_ATTACH_FILTER");
  const int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof one) != 0)
    return fail("SO_LOCK_FILTER");

  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(kEtherTypeAoe);
  address.sll_ifindex = static_cast<int>(index);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    return fail("bind to " + interface);
  return fd;
}

}  // namespace aoefs::helper
