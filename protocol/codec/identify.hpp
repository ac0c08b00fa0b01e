// Parsing of the 512-byte ATA IDENTIFY DEVICE answer (ATA-8 ACS words).
//
//   words 10-19 serial (20 chars), 23-26 firmware (8), 27-46 model (40):
//     ATA strings store two characters per word, high byte first, so each
//     16-bit little-endian word has its bytes swapped; padding trimmed. A
//     page whose strings read clearly better unswapped (a target writing
//     them as plain C strings) is read so, all three alike
//     (identify_strings.hpp).
//   words 60-61  LBA28 user-addressable sectors
//   word 82 bit 5   write cache supported; word 85 bit 5: enabled. A word 82
//                   of 0000h or FFFFh reports nothing (vblade leaves it 0),
//                   so the write cache is then unknown, not absent.
//   word 83 bit 10  LBA48 feature set supported
//   word 83 bit 12  FLUSH CACHE (E7h) supported; word 86 bit 12 enabled
//   word 83 bit 13  FLUSH CACHE EXT (EAh) supported; word 86 bit 13 enabled
//   Bits 15:14 of word 83 should read 01 ("valid"); targets in the field do
//   not always set them (one sends 0x0400), so the bits are read regardless.
//   words 100-103  LBA48 user-addressable sectors
//   word 105       most 512-byte blocks of DATA SET MANAGEMENT ranges one
//                  command takes (0: not reported)
//   word 169 bit 0 DATA SET MANAGEMENT TRIM supported
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
  bool write_cache_reported = false;  // word 82 carries information
  bool write_cache_supported = false;
  bool write_cache_enabled = false;
  bool flush_cache = false;           // E7h supported or enabled; targets may still abort it
  bool flush_cache_ext = false;       // EAh supported or enabled; targets may still abort it
  bool trim = false;                  // DATA SET MANAGEMENT (06h) TRIM supported
  std::uint16_t trim_max_blocks = 0;  // word 105; 0 = not reported
  std::string model;
  std::string serial;
  std::string firmware;            // the firmware revision string
  bool strings_unswapped = false;  // the strings were read in plain byte order
  // lba48 ? lba48_sectors : lba28_sectors
  std::uint64_t capacity_sectors() const { return lba48 ? lba48_sectors : lba28_sectors; }
};

// Fails (truncated) when fewer than 512 bytes are given. Non-printable bytes
// in strings are replaced by '?'.
Result<IdentifyInfo> parse_identify(std::span<const std::uint8_t> data);

}  // namespace aoe
