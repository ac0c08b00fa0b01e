// Ethernet's minimum frame, which the sender pads to. veth does not pad, so
// a target on the test wire pads its frames itself, as a NIC would; a tool
// that sends runt frames on purpose (hostile_target) does not.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/codec/header.hpp"

namespace aoetest {

inline void pad_to_ethernet_minimum(std::vector<std::uint8_t>& frame) {
  if (frame.size() < aoe::kMinEthernetFrame) frame.resize(aoe::kMinEthernetFrame, 0);
}

}  // namespace aoetest
