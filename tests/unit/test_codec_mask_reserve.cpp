// MAC Mask List (command 2) and Reserve/Release (command 3): vblade's
// frames, directive and MAC lists, counts against the frame size, limits.
#include <catch2/catch.hpp>

#include "protocol/codec/frame.hpp"
#include "unit/codec_checks.hpp"
#include "unit/codec_vectors.hpp"

using namespace codec_test;
using aoe::DecodeErrc;

namespace {

constexpr aoe::MacAddress kA{{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a}};
constexpr aoe::MacAddress kB{{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b}};

aoe::Frame to_1_0(std::uint32_t tag, aoe::Body body) {
  aoe::Frame f;
  f.header.dst = kTgt;
  f.header.src = kIni;
  f.header.target = {1, 0};
  f.header.tag = tag;
  f.header.command = std::holds_alternative<aoe::MacMaskMessage>(body) ? 2 : 3;
  f.body = std::move(body);
  return f;
}

}  // namespace

TEST_CASE("codec mask: read request and vblade's answer, padded or not", "[codec]") {
  aoe::Frame read = to_1_0(0x8000000d, aoe::MacMaskMessage{});
  read.header.dst = aoe::MacAddress::broadcast();
  CHECK(encoded(read) == kMaskReadRequest);

  const auto a = decoded(kMaskReadAnswer);
  const auto& m = body_as<aoe::MacMaskMessage>(a);
  CHECK(a.header.command == 2);
  CHECK(m.command == static_cast<std::uint8_t>(aoe::MaskCommand::read));
  CHECK(m.error == static_cast<std::uint8_t>(aoe::MaskError::none));
  CHECK(m.directives.empty());
  const auto b = decoded(kMaskReadAnswerPadded);
  CHECK(aoe::same_content(a.body, b.body));
  check_every_prefix(kMaskReadAnswerPadded, 28);
}

TEST_CASE("codec mask: edit with two directives, byte for byte", "[codec]") {
  aoe::MacMaskMessage edit;
  edit.command = static_cast<std::uint8_t>(aoe::MaskCommand::edit);
  edit.directives = {{static_cast<std::uint8_t>(aoe::MaskDirectiveCommand::add), kA},
                     {static_cast<std::uint8_t>(aoe::MaskDirectiveCommand::remove), kB}};
  const auto f = to_1_0(0x11223344, edit);
  const auto expected =
      hex("3a5d0a46ef20 9e4d39054e24 88a2 10 00 0001 00 02 11223344 | 00 01 00 02"
          "| 00 01 02000000000a | 00 02 02000000000b");
  CHECK(encoded(f) == expected);
  const auto back = decoded(expected);
  CHECK(aoe::same_content(back, f));
  check_every_prefix(expected, expected.size());
}

TEST_CASE("codec mask: an answer with MError and the list", "[codec]") {
  const auto bytes =
      hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 02 11223344 | 00 01 03 01"
          "| 00 01 02000000000a");
  const auto f = decoded(bytes);
  const auto& m = body_as<aoe::MacMaskMessage>(f);
  CHECK(m.command == 1);
  CHECK(m.error == static_cast<std::uint8_t>(aoe::MaskError::list_full));
  REQUIRE(m.directives.size() == 1);
  CHECK(m.directives[0].mac == kA);
  CHECK(m.directives[0].command == 1);
  CHECK(encoded(f) == bytes);
}

TEST_CASE("codec mask: a directive count beyond the frame is refused", "[codec]") {
  auto bytes =
      hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 02 11223344 | 00 00 00 02"
          "| 00 01 02000000000a | 00 01 02000000");  // second directive 2 bytes short
  auto r = aoe::decode(bytes);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == DecodeErrc::length_mismatch);
  bytes[27] = 0xff;
  CHECK(aoe::decode(bytes).error().code == DecodeErrc::length_mismatch);
  bytes[27] = 1;  // one complete directive, the rest is padding
  CHECK(body_as<aoe::MacMaskMessage>(decoded(bytes)).directives.size() == 1);
  // Cut inside the 4-byte argument.
  const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + 27);
  CHECK(aoe::decode(cut).error().code == DecodeErrc::truncated);
}

TEST_CASE("codec mask: 255 directives round trip, 256 are refused", "[codec]") {
  aoe::MacMaskMessage m;
  m.command = 1;
  for (int i = 0; i < 255; ++i)
    m.directives.push_back(
        {1, {{0x02, 0, 0, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}}});
  auto f = to_1_0(1, m);
  const auto bytes = encoded(f);
  CHECK(bytes.size() == 28 + 255 * 8);
  CHECK(bytes[27] == 255);
  CHECK(aoe::same_content(decoded(bytes), f));
  std::get<aoe::MacMaskMessage>(f.body).directives.push_back({1, kA});
  auto r = aoe::encode(f);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == DecodeErrc::field_out_of_range);
}

TEST_CASE("codec reserve: read request and vblade's answer, padded or not", "[codec]") {
  aoe::Frame read = to_1_0(0x8000000c, aoe::ReserveMessage{});
  read.header.dst = aoe::MacAddress::broadcast();
  CHECK(encoded(read) == kReserveReadRequest);
  const auto a = decoded(kReserveReadAnswer);
  const auto& m = body_as<aoe::ReserveMessage>(a);
  CHECK(a.header.command == 3);
  CHECK(m.command == static_cast<std::uint8_t>(aoe::ReserveCommand::read));
  CHECK(m.macs.empty());
  CHECK(aoe::same_content(a.body, decoded(kReserveReadAnswerPadded).body));
  check_every_prefix(kReserveReadAnswerPadded, 26);
}

TEST_CASE("codec reserve: set, force set and release, byte for byte", "[codec]") {
  SECTION("set two MACs") {
    const auto f = to_1_0(0x0a0b0c0d, aoe::ReserveMessage{1, {kA, kB}});
    const auto expected =
        hex("3a5d0a46ef20 9e4d39054e24 88a2 10 00 0001 00 03 0a0b0c0d | 01 02"
            "| 02000000000a | 02000000000b");
    CHECK(encoded(f) == expected);
    CHECK(aoe::same_content(decoded(expected), f));
    check_every_prefix(expected, expected.size());
  }
  SECTION("force set one MAC") {
    const auto f = to_1_0(5, aoe::ReserveMessage{2, {kIni}});
    CHECK(encoded(f) == hex("3a5d0a46ef20 9e4d39054e24 88a2 10 00 0001 00 03 00000005"
                            "| 02 01 | 9e4d39054e24"));
  }
  SECTION("set with no MAC releases") {
    const auto f = to_1_0(6, aoe::ReserveMessage{1, {}});
    CHECK(encoded(f) == hex("3a5d0a46ef20 9e4d39054e24 88a2 10 00 0001 00 03 00000006 | 01 00"));
  }
  SECTION("RCmd values beyond 2 decode as received") {
    auto bytes = kReserveReadAnswer;
    bytes[24] = 7;
    CHECK(body_as<aoe::ReserveMessage>(decoded(bytes)).command == 7);
  }
}

TEST_CASE("codec reserve: an NMacs beyond the frame is refused", "[codec]") {
  auto bytes =
      hex("9e4d39054e24 3a5d0a46ef20 88a2 18 00 0001 00 03 00000001 | 00 02"
          "| 02000000000a | 0200000000");  // second MAC 1 byte short
  CHECK(aoe::decode(bytes).error().code == DecodeErrc::length_mismatch);
  bytes[25] = 255;
  CHECK(aoe::decode(bytes).error().code == DecodeErrc::length_mismatch);
  bytes[25] = 1;
  CHECK(body_as<aoe::ReserveMessage>(decoded(bytes)).macs == std::vector{kA});
  const std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + 25);
  CHECK(aoe::decode(cut).error().code == DecodeErrc::truncated);
  // On an error answer, the same fault leaves the body raw.
  bytes[14] = 0x1c;
  bytes[15] = 6;
  bytes[25] = 2;
  const auto f = decoded(bytes);
  CHECK(f.header.error_code == 6);
  CHECK(body_as<aoe::UnknownMessage>(f).payload.size() == bytes.size() - 24);
}

TEST_CASE("codec reserve: 255 MACs round trip, 256 are refused", "[codec]") {
  aoe::ReserveMessage m;
  m.command = 1;
  for (int i = 0; i < 255; ++i)
    m.macs.push_back({{0x02, 1, 2, 3, 4, static_cast<std::uint8_t>(i)}});
  auto f = to_1_0(1, m);
  const auto bytes = encoded(f);
  CHECK(bytes.size() == 26 + 255 * 6);
  CHECK(aoe::same_content(decoded(bytes), f));
  std::get<aoe::ReserveMessage>(f.body).macs.push_back(kA);
  CHECK(aoe::encode(f).error().code == DecodeErrc::field_out_of_range);
}
