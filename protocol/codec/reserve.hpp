// The Reserve/Release message (AoE command 3, r11 §3.4).
//
//   24 RCmd (0 read, 1 set, 2 force set)   25 NMacs   26 MAC list (6 bytes each)
// A set with no MACs releases the reservation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/codec/mac_address.hpp"

namespace aoe {

inline constexpr std::size_t kReserveArgSize = 2;
inline constexpr std::size_t kMaxReserveMacs = 255;

enum class ReserveCommand : std::uint8_t { read = 0, set = 1, force_set = 2 };

struct ReserveMessage {
  std::uint8_t command = 0;      // ReserveCommand, or another byte as received
  std::vector<MacAddress> macs;  // count field = size(); <= 255
};

}  // namespace aoe
