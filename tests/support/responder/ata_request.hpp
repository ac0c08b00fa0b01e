// What an ATA request (AoE r11 §3.1) asks of a target's disk: the sectors a
// READ/WRITE SECTORS (EXT) moves, the ranges a DATA SET MANAGEMENT TRIM
// frees. Decoding only: whether the disk has them is the target's to say.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/codec/ata.hpp"

namespace aoetest {

// DATA SET MANAGEMENT (ata_cmd::data_set_management) with this feature is TRIM.
inline constexpr std::uint8_t kTrimFeature = 0x01;

struct DataTransfer {
  std::uint64_t lba = 0;
  unsigned count = 0;  // sectors; 0 is 0 here, not 256 (AoE targets move none)
  bool write = false;  // data flows to the disk
  std::size_t bytes() const { return std::size_t{count} * aoe::kSectorSize; }
};

// The transfer of a READ/WRITE SECTORS (LBA28: the low 28 bits of the LBA
// field count, the rest belongs to the device register) or of their EXT
// forms (all 48); nothing for any other command.
std::optional<DataTransfer> data_transfer(const aoe::AtaMessage& request);

struct TrimRange {
  std::uint64_t lba = 0;
  unsigned count = 0;
};

// The ranges of a TRIM payload in order: 8-byte little-endian entries, LBA
// in bits 0-47, sector count in 48-63. Entries of count 0 (unused) are
// left out, and so is a trailing partial entry.
std::vector<TrimRange> trim_ranges(std::span<const std::uint8_t> payload);

}  // namespace aoetest
