// Parsing of the 512-byte ATA IDENTIFY DEVICE answer (ATA-8 ACS words).
//
//   words 10-19 serial (20 chars), 23-26 firmware (8), 27-46 model (40):
//     ATA strings store two characters per word, high byte first, so each
//     16-bit little-endian word has its bytes swapped; trailing spaces trimmed.
//   words 60-61  LBA28 user-addressable sectors
//   word 83 bit 10  LBA48 feature set supported
//   word 83 bit 13  FLUSH CACHE EXT supported;  word 86 mirrors "enabled"
//   words 100-103  LBA48 user-addressable sectors
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "protocol/codec/result.hpp"

namespace aoe {

inline constexpr std::size_t kIdentifySize = 512;

struct IdentifyInfo {
  std::uint64_t lba28_sectors = 0;
  std::uint64_t lba48_sectors = 0;
  bool lba48 = false;
  bool flush_cache_ext = false;  // advertised; targets may still abort it
  std::string model;
  std::string serial;
  std::string firmware;
  // lba48 ? lba48_sectors : lba28_sectors
  std::uint64_t capacity_sectors() const { return lba48 ? lba48_sectors : lba28_sectors; }
};

// Fails (truncated) when fewer than 512 bytes are given. Non-printable bytes
// in strings are replaced by '?'.
Result<IdentifyInfo> parse_identify(std::span<const std::uint8_t> data);

}  // namespace aoe
