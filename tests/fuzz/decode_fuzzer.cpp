// libFuzzer target for the AoE codec (protocol/codec/frame.hpp, identify.hpp).
//
// Checks, on any input:
//  * decode(), decode_header() and parse_identify() return (ASan/UBSan watch
//    every read; the input buffer is exactly `size` bytes).
//  * decode() and decode_header() agree: same header, or the same header error.
//  * A decoded frame always re-encodes (decoded values are encodable), into no
//    more bytes than the input, and decode(encode(frame)) equals frame;
//    encoding that again gives the same bytes.
//  * parse_identify() succeeds exactly when 512 bytes are given.
// A violated check aborts, which libFuzzer reports as a crash.
#include <cstdio>
#include <cstdlib>

#include "protocol/codec/frame.hpp"
#include "protocol/codec/frame_equal.hpp"
#include "protocol/codec/identify.hpp"

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "decode_fuzzer: check failed: %s\n", what);
  std::abort();
}

void check(bool ok, const char* what) {
  if (!ok) violated(what);
}

void check_identify(std::span<const std::uint8_t> data) {
  auto info = aoe::parse_identify(data);
  if (data.size() < aoe::kIdentifySize) {
    check(!info.has_value() && info.error().code == aoe::DecodeErrc::truncated,
          "parse_identify: fewer than 512 bytes are truncated");
    return;
  }
  // Words 83 (bit 10: LBA48) and 100-103 (the LBA48 count, at most 2^48).
  const bool lba48 = data[2 * 83 + 1] & 0x04;
  std::uint64_t lba48_sectors = 0;
  for (int i = 7; i >= 0; --i) lba48_sectors = lba48_sectors << 8 | data[2 * 100 + i];
  const bool possible = !lba48 || lba48_sectors <= (std::uint64_t{1} << 48);
  check(info.has_value() == possible,
        "parse_identify: ok iff 512 bytes and a possible LBA48 capacity");
  if (info.has_value()) {
    for (const std::string* s : {&info->model, &info->serial, &info->firmware})
      for (char c : *s) check(c >= 0x20 && c <= 0x7e, "parse_identify: printable strings");
    check(info->model.size() <= 40 && info->serial.size() <= 20 && info->firmware.size() <= 8,
          "parse_identify: string lengths");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  auto header = aoe::decode_header(input);
  auto frame = aoe::decode(input);
  if (!frame.has_value()) {
    check(frame.error().what != nullptr, "decode: error names what is wrong");
    if (!header.has_value())
      check(header.error().code == frame.error().code, "decode/header: same error");
  } else {
    check(header.has_value(), "decode ok implies decode_header ok");
    check(aoe::same_content(*header, frame->header), "decode/header: same header");
    auto bytes = aoe::encode(*frame);
    check(bytes.has_value(), "a decoded frame re-encodes");
    check(bytes->size() == aoe::encoded_size(*frame), "encoded_size matches encode");
    check(bytes->size() <= size, "re-encoding is not longer than the input");
    auto again = aoe::decode(*bytes);
    check(again.has_value(), "a re-encoded frame decodes");
    check(aoe::same_content(*again, *frame), "decode(encode(frame)) == frame");
    auto bytes_again = aoe::encode(*again);
    check(bytes_again.has_value() && *bytes_again == *bytes, "re-encoding is byte-stable");
    if (const auto* ata = std::get_if<aoe::AtaMessage>(&frame->body)) check_identify(ata->data);
  }
  check_identify(input);
  return 0;
}
