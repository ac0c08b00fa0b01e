// Shared checks of the codec unit tests (test_codec_*.cpp).
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <span>
#include <vector>

#include "protocol/codec/frame.hpp"
#include "protocol/codec/frame_equal.hpp"

namespace codec_test {

// Decodes `bytes` (kept alive by the caller: views point into it) and fails
// the test when decoding fails.
inline aoe::Frame decoded(const std::vector<std::uint8_t>& bytes) {
  auto frame = aoe::decode(bytes);
  INFO("decode error: " << (frame ? "" : frame.error().what));
  REQUIRE(frame.has_value());
  return *frame;
}

template <class Message>
const Message& body_as(const aoe::Frame& frame) {
  const auto* m = std::get_if<Message>(&frame.body);
  REQUIRE(m != nullptr);
  return *m;
}

// For a temporary frame: a copy (its views still point into the input).
template <class Message>
Message body_as(aoe::Frame&& frame) {
  return body_as<Message>(static_cast<const aoe::Frame&>(frame));
}

inline std::vector<std::uint8_t> encoded(const aoe::Frame& frame) {
  auto bytes = aoe::encode(frame);
  INFO("encode error: " << (bytes ? "" : bytes.error().what));
  REQUIRE(bytes.has_value());
  CHECK(bytes->size() == aoe::encoded_size(frame));
  return *bytes;
}

// decode(encode(decode(bytes))) equals decode(bytes), and re-encoding is
// byte-stable.
inline void check_reencode_stable(const aoe::Frame& frame) {
  const auto once = encoded(frame);
  auto again = aoe::decode(once);
  REQUIRE(again.has_value());
  CHECK(aoe::same_content(*again, frame));
  CHECK(encoded(*again) == once);
}

// Every prefix of `bytes` (each copied into a buffer of exactly its size, so
// a read past the end is a heap overflow under ASan) decodes either to an
// error or to a frame that re-encodes stably. Prefixes shorter than `needed`
// (the size the fields describe) must fail; longer ones (trailing padding
// cut) must decode to what the whole frame decodes to, except the ATA data
// view, which is by contract everything after the argument. For an error
// answer, `needed` is the header alone.
inline void check_every_prefix(const std::vector<std::uint8_t>& bytes, std::size_t needed) {
  REQUIRE(needed <= bytes.size());
  const aoe::Frame whole = decoded(bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<long>(n));
    prefix.shrink_to_fit();
    auto frame = aoe::decode(prefix);
    INFO("prefix length " << n << " of " << bytes.size());
    if (n < needed) {
      REQUIRE_FALSE(frame.has_value());
      const auto code = frame.error().code;
      CHECK((code == aoe::DecodeErrc::truncated || code == aoe::DecodeErrc::length_mismatch));
      continue;
    }
    REQUIRE(frame.has_value());
    CHECK(aoe::same_content(frame->header, whole.header));
    if (const auto* ata = std::get_if<aoe::AtaMessage>(&frame->body)) {
      auto expected = std::get<aoe::AtaMessage>(whole.body);
      expected.data = expected.data.first(n - (bytes.size() - expected.data.size()));
      CHECK(aoe::same_content(*ata, expected));
    } else if (std::holds_alternative<aoe::UnknownMessage>(frame->body)) {
      // An error answer cut inside its argument keeps the rest as raw bytes.
      CHECK((std::holds_alternative<aoe::UnknownMessage>(whole.body) || frame->header.error));
    } else {
      CHECK(aoe::same_content(frame->body, whole.body));
    }
    check_reencode_stable(*frame);
  }
}

}  // namespace codec_test
