// The Query Config message (AoE command 1, r11 §3.2): 8-byte argument + string.
//
//   24 Buffer Count (2, BE)   26 Firmware Version (2, BE)
//   28 Sector Count (max sectors per ATA frame the target accepts)
//   29 AoE Ver(4 bits) | CCmd(4 bits)   30 Config String Length (2, BE)
//   32 Config String (<= 1024 bytes)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aoe {

inline constexpr std::size_t kQueryConfigArgSize = 8;
inline constexpr std::size_t kMaxConfigString = 1024;

enum class ConfigCommand : std::uint8_t {
  read = 0,          // answer with the current string
  test_exact = 1,    // answer only if string == ours (silence otherwise)
  test_prefix = 2,   // answer only if ours is a prefix of the string
  set_if_empty = 3,  // set if empty; AoE error 4 if a different string is set
  force_set = 4,     // set unconditionally
};

struct QueryConfigMessage {
  std::uint16_t buffer_count = 0;
  std::uint16_t firmware_version = 0;
  std::uint8_t sector_count = 0;
  std::uint8_t aoe_version = 0;  // of the target's protocol (answers); 0 in requests
  std::uint8_t command = 0;      // a ConfigCommand, or 5..15 as received
  // A view into the frame buffer (decode) or caller memory (encode).
  // Length is the length field; decode rejects a length past the frame end
  // or above kMaxConfigString; encode rejects > kMaxConfigString.
  std::string_view config;
};

}  // namespace aoe
