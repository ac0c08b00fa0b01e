// The MAC Mask List message (AoE command 2, r11 §3.3).
//
//   24 reserved   25 MCmd (0 read, 1 edit)   26 MError   27 Dir Count
//   28 directives, 8 bytes each: reserved(1) DCmd(1) MAC(6)
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/codec/mac_address.hpp"

namespace aoe {

inline constexpr std::size_t kMacMaskArgSize = 4;
inline constexpr std::size_t kMacMaskDirectiveSize = 8;
inline constexpr std::size_t kMaxMacMaskDirectives = 255;

enum class MaskCommand : std::uint8_t { read = 0, edit = 1 };
enum class MaskDirectiveCommand : std::uint8_t { none = 0, add = 1, remove = 2 };
enum class MaskError : std::uint8_t { none = 0, unspecified = 1, bad_directive = 2, list_full = 3 };

struct MaskDirective {
  std::uint8_t command = 0;  // a MaskDirectiveCommand, or another byte as received
  MacAddress mac;
  friend bool operator==(const MaskDirective&, const MaskDirective&) = default;
};

struct MacMaskMessage {
  std::uint8_t command = 0;               // MaskCommand
  std::uint8_t error = 0;                 // MaskError (answers)
  std::vector<MaskDirective> directives;  // count field = size(); <= 255
};

}  // namespace aoe
