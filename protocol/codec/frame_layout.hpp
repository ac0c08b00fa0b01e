// Byte offsets and flag bits of the AoE r11 frame (codec internal; the
// field diagrams are in header.hpp, ata.hpp, query_config.hpp, mac_mask.hpp
// and reserve.hpp). Offsets are from the start of the Ethernet frame.
#pragma once

#include <cstddef>
#include <cstdint>

namespace aoe::layout {

inline constexpr std::size_t dst = 0, src = 6, ethertype = 12;
inline constexpr std::size_t ver_flags = 14, error = 15, major = 16, minor = 18, command = 19,
                             tag = 20;
inline constexpr std::size_t arg = 24;  // first byte after the common header

inline constexpr std::uint8_t flag_response = 0x08;
inline constexpr std::uint8_t flag_error = 0x04;

namespace ata {
inline constexpr std::size_t aflags = 24, feature_error = 25, sector_count = 26, cmd_status = 27,
                             lba = 28, lba_bytes = 6, data = 36;
inline constexpr std::uint8_t flag_extended = 0x40, flag_device = 0x10, flag_async = 0x02,
                              flag_write = 0x01;
}  // namespace ata

namespace config {
inline constexpr std::size_t buffer_count = 24, firmware = 26, sector_count = 28,
                             version_command = 29, length = 30, string = 32;
}  // namespace config

namespace mask {
inline constexpr std::size_t command = 25, error = 26, count = 27, directives = 28;
inline constexpr std::size_t directive_command = 1, directive_mac = 2;  // within a directive
}  // namespace mask

namespace reserve {
inline constexpr std::size_t command = 24, count = 25, macs = 26;
inline constexpr std::size_t mac_size = 6;
}  // namespace reserve

}  // namespace aoe::layout
