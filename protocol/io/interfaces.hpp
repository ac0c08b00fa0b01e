// Facts about the host's network interfaces, from ioctl(2) and
// if_nameindex(3) only — never /sys: under `nsenter --net` /sys still shows
// the host's interfaces, while sockets (and so ioctls) see the namespace's.
#pragma once

#include <string>
#include <system_error>
#include <vector>

#include "protocol/codec/expected.hpp"
#include "protocol/codec/mac_address.hpp"

namespace aoe {

struct InterfaceFacts {
  std::string name;
  int index = 0;
  MacAddress mac;
  unsigned mtu = 0;
  bool up = false;        // IFF_UP
  bool loopback = false;  // IFF_LOOPBACK
  bool ethernet = false;  // ARPHRD_ETHER hardware type
};

// Facts of one interface; no_such_device for an unknown name.
Expected<InterfaceFacts, std::error_code> interface_facts(const std::string& name);

// Every interface of this network namespace, in index order.
std::vector<InterfaceFacts> list_interfaces();

// The default set for AoE: up, non-loopback Ethernet interfaces.
std::vector<std::string> default_aoe_interfaces();

}  // namespace aoe
