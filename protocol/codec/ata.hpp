// The ATA message (AoE command 0, r11 §3.1): 12-byte argument + data.
//
//   24 AFlags (E=0x40 LBA48, D=0x10 device/head bit, A=0x02 async write,
//      W=0x01 write)   25 Err/Feature   26 Sector Count   27 Cmd/Status
//   28 LBA0 .. 33 LBA5 (little-endian byte order)   34 reserved (2)
//   36 data
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace aoe {

inline constexpr std::size_t kAtaArgSize = 12;
inline constexpr std::size_t kSectorSize = 512;

namespace ata_cmd {
inline constexpr std::uint8_t data_set_management = 0x06;  // LBA48 form; feature 1 = TRIM
inline constexpr std::uint8_t read_sectors = 0x20;         // LBA28
inline constexpr std::uint8_t read_sectors_ext = 0x24;     // LBA48
inline constexpr std::uint8_t write_sectors = 0x30;
inline constexpr std::uint8_t write_sectors_ext = 0x34;
inline constexpr std::uint8_t check_power_mode = 0xE5;
inline constexpr std::uint8_t flush_cache = 0xE7;
inline constexpr std::uint8_t flush_cache_ext = 0xEA;
inline constexpr std::uint8_t identify_device = 0xEC;
}  // namespace ata_cmd

namespace ata_status {
inline constexpr std::uint8_t err = 0x01;
inline constexpr std::uint8_t drq = 0x08;
inline constexpr std::uint8_t df = 0x20;
inline constexpr std::uint8_t drdy = 0x40;
inline constexpr std::uint8_t bsy = 0x80;
}  // namespace ata_status

namespace ata_error {
inline constexpr std::uint8_t abrt = 0x04;
inline constexpr std::uint8_t idnf = 0x10;
inline constexpr std::uint8_t unc = 0x40;
}  // namespace ata_error

// Largest LBA the fields can carry.
inline constexpr std::uint64_t kMaxLba48 = (std::uint64_t{1} << 48) - 1;
inline constexpr std::uint64_t kMaxLba28 = (std::uint64_t{1} << 28) - 1;

struct AtaMessage {
  bool extended = false;           // AFlags E: LBA48 command
  bool device = false;             // AFlags D
  bool async = false;              // AFlags A
  bool write = false;              // AFlags W: data flows initiator -> target
  std::uint8_t feature_error = 0;  // request: feature; response: error register
  std::uint8_t sector_count = 0;
  std::uint8_t cmd_status = 0;  // request: command; response: status
  std::uint64_t lba = 0;        // 48 bits; encode rejects larger values
  // Request: data written (write commands). Response: whatever bytes follow
  // the argument — for a read, the sectors; the decoder cannot know the
  // command's data length (write answers echo the count but carry no data,
  // short frames may carry padding), so the initiator checks it.
  // A view into the frame buffer: valid only while that buffer is.
  std::span<const std::uint8_t> data;
};

// Sectors of data one frame can carry on a link of this MTU (the MTU excludes
// the 14-byte Ethernet header; AoE + ATA headers take 22 bytes):
// (mtu - 22) / 512 → 2 at 1500, 17 at 9000. 0 when mtu < 534.
// Use min(this, the target's advertised sector count).
constexpr unsigned sectors_per_frame(unsigned mtu) {
  return mtu < 22 + kSectorSize ? 0 : (mtu - 22) / kSectorSize;
}

}  // namespace aoe
