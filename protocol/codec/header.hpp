// The Ethernet + AoE common header (AoE r11 §2): 14 + 10 bytes.
//
//   0  dst MAC (6)  6  src MAC (6)  12 EtherType 0x88A2 (2)
//   14 Ver(4 bits) | Flags(4 bits: R=0x8 response, E=0x4 error)
//   15 Error   16 Major (shelf, big endian, 2)   18 Minor (slot)
//   19 Command 20 Tag (4, big endian; opaque to the target, echoed)
#pragma once

#include <cstddef>
#include <cstdint>

#include "protocol/codec/mac_address.hpp"

namespace aoe {

inline constexpr std::uint16_t kEtherType = 0x88A2;
inline constexpr std::uint8_t kAoeVersion = 1;
inline constexpr std::size_t kEthernetHeaderSize = 14;
inline constexpr std::size_t kAoeHeaderSize = 10;
inline constexpr std::size_t kHeaderSize = kEthernetHeaderSize + kAoeHeaderSize;  // 24
// Ethernet minimum frame without FCS. Frames shorter than this are legal
// input (veth does not pad); encoders do not pad either.
inline constexpr std::size_t kMinEthernetFrame = 60;

inline constexpr std::uint16_t kBroadcastShelf = 0xffff;
inline constexpr std::uint8_t kBroadcastSlot = 0xff;

enum class Command : std::uint8_t {
  ata = 0,
  query_config = 1,
  mac_mask_list = 2,
  reserve_release = 3,
};

struct TargetAddress {
  std::uint16_t shelf = 0;
  std::uint8_t slot = 0;
  static constexpr TargetAddress broadcast() { return {kBroadcastShelf, kBroadcastSlot}; }
  friend auto operator<=>(const TargetAddress&, const TargetAddress&) = default;
};

struct Header {
  MacAddress dst;
  MacAddress src;
  std::uint8_t version = kAoeVersion;
  bool response = false;
  bool error = false;
  std::uint8_t error_code = 0;  // meaningful when `error`; see protocol/codec/error.hpp
  TargetAddress target;
  std::uint8_t command = 0;  // a Command value, or any other byte as received
  std::uint32_t tag = 0;
};

// vblade's broadcast at start: a Query Config answer with version 0 in its
// header. It is the one version-0 frame the decoder accepts: it says "this
// target (re)started", which is worth knowing (its capacity may differ).
constexpr bool is_announcement(const Header& h) {
  return h.version == 0 && h.response &&
         h.command == static_cast<std::uint8_t>(Command::query_config);
}

}  // namespace aoe
