// Opening the raw socket the helper hands out: AF_PACKET, SOCK_RAW, bound to
// one interface and EtherType 0x88A2, with a classic BPF filter that passes
// only AoE frames received on that interface, locked (SO_LOCK_FILTER) so the
// unprivileged holder can neither remove nor replace it.
//
// What the lock does not prevent (a packet socket's holder keeps these
// rights; the kernel checks CAP_NET_RAW only when a packet socket is
// created): re-binding the socket (it then still receives only AoE frames of
// the original interface) and sending any Ethernet frame, of any EtherType
// and source MAC, on any interface of the network namespace the helper ran
// in (sendto() names the interface). The README states this; VLANs and MAC
// masks are the real fences.
#pragma once

#include <string>

#include "aoefs/util/expected.hpp"

namespace aoefs::helper {

// Needs CAP_NET_RAW. Returns the descriptor (O_CLOEXEC). An invalid name
// (util/interface_name.hpp) is refused before any system call.
Expected<int> open_filtered_aoe_socket(const std::string& interface);

}  // namespace aoefs::helper
