// AoE frames exactly as captured from vblade 25 on this project's test
// network (veth, MTU 1500, target e1.0 of 64 MiB, hostname "vm"), written out
// literally. "unpadded" frames crossed a veth without padding (what a raw
// socket sees there); "padded" ones went through the 60-byte padding of the
// fixture (what a real NIC delivers). Spaces separate the fields.
//
// Capture 1 (unpadded): initiator 9e:4d:39:05:4e:24, target 3a:5d:0a:46:ef:20.
// Capture 2 (padded):   initiator 06:2d:08:1c:ca:11, target c6:a4:83:28:9b:66.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "protocol/codec/mac_address.hpp"

namespace codec_test {

// Hex digits to bytes; spaces and '|' are ignored, anything else throws.
inline std::vector<std::uint8_t> hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  int high = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else if (c == ' ' || c == '|' || c == '\n')
      continue;
    else
      throw std::invalid_argument("hex: bad character");
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("hex: odd number of digits");
  return out;
}

inline std::vector<std::uint8_t> concat(std::vector<std::uint8_t> a,
                                        const std::vector<std::uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline constexpr aoe::MacAddress kIni{{0x9e, 0x4d, 0x39, 0x05, 0x4e, 0x24}};
inline constexpr aoe::MacAddress kTgt{{0x3a, 0x5d, 0x0a, 0x46, 0xef, 0x20}};
inline constexpr aoe::MacAddress kIni2{{0x06, 0x2d, 0x08, 0x1c, 0xca, 0x11}};
inline constexpr aoe::MacAddress kTgt2{{0xc6, 0xa4, 0x83, 0x28, 0x9b, 0x66}};

// ---- Query Config ---------------------------------------------------------
//           dst          src          type vf er major mi cm tag      | bufc fw   sc vc len  string
// Broadcast read request (shelf 0xffff, slot 0xff), tag 0x80000002.
inline const auto kConfigReadBroadcastRequest =
    hex("ffffffffffff 9e4d39054e24 88a2 10 00 ffff ff 01 80000002 | 0000 0000 00 00 0000");
// vblade's answer, unpadded: 32 bytes, bufcnt 16, firmware 0x4019, scnt 2,
// AoE version 1, CCmd 0, empty string.
inline const auto kConfigAnswerEmptyUnpadded =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 01 80000002 | 0010 4019 02 10 0000");
// The same answer through padding to 60 bytes (capture 2).
inline const auto kConfigAnswerEmptyPadded =
    hex("062d081cca11 c6a483289b66 88a2 18 00 0001 00 01 80000002 | 0010 4019 02 10 0000"
        "0000000000000000 0000000000000000 0000000000000000 00000000");  // 28 bytes of padding
// Force set (CCmd 4) of "hello", tag 0x80000003.
inline const auto kConfigForceSetHelloRequest = hex(
    "ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 01 80000003 | 0000 0000 00 04 0005 68656c6c6f");
inline const auto kConfigForceSetHelloAnswerUnpadded = hex(
    "9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 01 80000003 | 0010 4019 02 14 0005 68656c6c6f");
// Read answer carrying "hello", tag 0x80000004: unpadded (37 bytes) and padded (60).
inline const auto kConfigReadHelloAnswerUnpadded = hex(
    "9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 01 80000004 | 0010 4019 02 10 0005 68656c6c6f");
inline const auto kConfigReadHelloAnswerPadded =
    hex("062d081cca11 c6a483289b66 88a2 18 00 0001 00 01 80000004 | 0010 4019 02 10 0005 68656c6c6f"
        "0000000000000000 0000000000000000 00000000000000");  // 23 bytes of padding
// CCmd 5: vblade answers AoE error 2 (flags 0xc), echoing CCmd 5 with its string.
inline const auto kConfigCcmd5Request =
    hex("ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 01 80000005 | 0000 0000 00 05 0000");
inline const auto kConfigCcmd5ErrorAnswer = hex(
    "9e4d39054e24 3a5d0a46ef20 88a2 1c 02 0001 00 01 80000005 | 0010 4019 02 15 0005 68656c6c6f");
// vblade's unsolicited advertisement at start: version 0 in the header, tag 0.
inline const auto kVbladeAdvertisement =
    hex("ffffffffffff 7e0c21a4cb81 88a2 08 00 0001 00 01 00000000 | 0010 4019 02 10 0000");

// ---- ATA --------------------------------------------------------------------
//                                                                | af fe sc cs lba0-5       res
// IDENTIFY DEVICE request (scnt 1), tag 0x80000007.
inline const auto kIdentifyRequest =
    hex("ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 00 80000007 | 00 00 01 ec 000000000000 0000");
// Its answer's first 36 bytes (the 512 data bytes: see test_identify.cpp).
inline const auto kIdentifyAnswerHead =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 00 80000007 | 00 00 00 40 000000000000 0000");
// WRITE SECTORS EXT (E|W), 1 sector at LBA 5, tag 0x80000008; 512 data bytes
// follow (0x00..0xff twice).
inline const auto kWriteExtRequestHead =
    hex("ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 00 80000008 | 41 00 01 34 050000000000 0000");
// Its answer: 60 bytes — vblade sends 60 for data-less ATA answers, the tail
// being whatever its buffer held (here the start of the written data).
// Sector count comes back 0, status DRDY.
inline const auto kWriteExtAnswer =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 00 80000008 | 41 00 00 40 050000000000 0000"
        "000102030405060708090a0b0c0d0e0f1011121314151617");
// READ SECTORS EXT (E), 1 sector at LBA 5, tag 0x80000009; the answer is
// this head + 512 data bytes.
inline const auto kReadExtRequest =
    hex("ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 00 80000009 | 40 00 01 24 050000000000 0000");
inline const auto kReadExtAnswerHead =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 00 80000009 | 40 00 00 40 050000000000 0000");
// READ EXT at LBA 0x10000000 (past the 64 MiB end): status ERR|DRDY, error IDNF.
inline const auto kReadPastEndAnswer =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 00 8000000a | 40 10 01 41 000000100000 0000");
// FLUSH CACHE EXT: vblade aborts it (status 0x41, error ABRT); 60 bytes.
inline const auto kFlushExtRequest =
    hex("ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 00 8000000b | 40 00 00 ea 000000000000 0000");
inline const auto kFlushExtAnswer =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 00 8000000b | 40 04 00 41 000000000000 0000"
        "000102030405060708090a0b0c0d0e0f1011121314151617");
// IDENTIFY with scnt 2: AoE error 2, the argument echoed, 60 bytes.
inline const auto kIdentifyScnt2ErrorAnswer =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 1c 02 0001 00 00 8000000f | 00 00 02 ec 000000000000 0000"
        "000102030405060708090a0b0c0d0e0f1011121314151617");

// ---- Reserve/Release, MAC Mask List, unknown command --------------------------
inline const auto kReserveReadRequest =
    hex("ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 03 8000000c | 00 00");
inline const auto kReserveReadAnswer =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 03 8000000c | 00 00");
inline const auto kReserveReadAnswerPadded =
    hex("062d081cca11 c6a483289b66 88a2 18 00 0001 00 03 8000000c | 00 00"
        "0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000");  // 34 bytes of
                                                                                      // padding
inline const auto kMaskReadRequest =
    hex("ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 02 8000000d | 00 00 00 00");
inline const auto kMaskReadAnswer =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 02 8000000d | 00 00 00 00");
inline const auto kMaskReadAnswerPadded = hex(
    "062d081cca11 c6a483289b66 88a2 18 00 0001 00 02 8000000d | 00 00 00 00"
    "0000000000000000 0000000000000000 0000000000000000 0000000000000000");  // 32 bytes of padding
// Command 4 does not exist: AoE error 1, the bare header (24 bytes).
inline const auto kUnknownCommandRequest =
    hex("ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 04 8000000e");
inline const auto kUnknownCommandErrorAnswer =
    hex("9e4d39054e24 3a5d0a46ef20 88a2 1c 01 0001 00 04 8000000e");

}  // namespace codec_test
