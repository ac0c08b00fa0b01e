// The Query Config message (AoE command 1): vblade's answers padded and
// unpadded, CCmd values, the AoE version nibble, string length limits.
#include <catch2/catch.hpp>

#include <string>

#include "protocol/codec/frame.hpp"
#include "protocol/codec/query_config.hpp"
#include "unit/codec_checks.hpp"
#include "unit/codec_vectors.hpp"

using namespace codec_test;
using aoe::DecodeErrc;

namespace {

aoe::Frame config_request(std::uint32_t tag, aoe::ConfigCommand command, std::string_view text) {
  aoe::Frame f;
  f.header.dst = aoe::MacAddress::broadcast();
  f.header.src = kIni;
  f.header.target = {1, 0};
  f.header.command = 1;
  f.header.tag = tag;
  aoe::QueryConfigMessage qc;
  qc.command = static_cast<std::uint8_t>(command);
  qc.config = text;
  f.body = qc;
  return f;
}

// A config answer with a string of `length` bytes of 'x' and the length
// field set to `length_field`.
std::vector<std::uint8_t> answer_with_string(std::size_t length, std::uint16_t length_field) {
  auto bytes = kConfigAnswerEmptyUnpadded;
  bytes[30] = static_cast<std::uint8_t>(length_field >> 8);
  bytes[31] = static_cast<std::uint8_t>(length_field);
  bytes.insert(bytes.end(), length, 'x');
  return bytes;
}

}  // namespace

TEST_CASE("codec config: vblade's answer decodes field by field", "[codec]") {
  const auto f = decoded(kConfigAnswerEmptyUnpadded);
  CHECK(f.header.response);
  CHECK(f.header.target == aoe::TargetAddress{1, 0});
  const auto& qc = body_as<aoe::QueryConfigMessage>(f);
  CHECK(qc.buffer_count == 16);
  CHECK(qc.firmware_version == 0x4019);
  CHECK(qc.sector_count == 2);
  CHECK(qc.aoe_version == 1);
  CHECK(qc.command == 0);
  CHECK(qc.config.empty());
  CHECK(encoded(f) == kConfigAnswerEmptyUnpadded);
}

TEST_CASE("codec config: padded (60 bytes) and unpadded answers decode alike", "[codec]") {
  SECTION("empty string") {
    REQUIRE(kConfigAnswerEmptyUnpadded.size() == 32);
    REQUIRE(kConfigAnswerEmptyPadded.size() == 60);
    const auto a = decoded(kConfigAnswerEmptyUnpadded);
    const auto b = decoded(kConfigAnswerEmptyPadded);
    CHECK(aoe::same_content(a.body, b.body));
    CHECK(b.header.dst == kIni2);
    check_every_prefix(kConfigAnswerEmptyPadded, 32);
  }
  SECTION("with \"hello\"") {
    REQUIRE(kConfigReadHelloAnswerUnpadded.size() == 37);
    REQUIRE(kConfigReadHelloAnswerPadded.size() == 60);
    const auto a = decoded(kConfigReadHelloAnswerUnpadded);
    const auto b = decoded(kConfigReadHelloAnswerPadded);
    CHECK(aoe::same_content(a.body, b.body));
    const auto& qc = body_as<aoe::QueryConfigMessage>(b);
    CHECK(qc.config == "hello");
    CHECK(static_cast<const void*>(qc.config.data()) ==
          static_cast<const void*>(kConfigReadHelloAnswerPadded.data() + 32));
    check_every_prefix(kConfigReadHelloAnswerPadded, 37);
    check_every_prefix(kConfigReadHelloAnswerUnpadded, 37);
  }
}

TEST_CASE("codec config: requests are encoded byte for byte", "[codec]") {
  CHECK(encoded(config_request(0x80000003, aoe::ConfigCommand::force_set, "hello")) ==
        kConfigForceSetHelloRequest);
  auto ccmd5 = config_request(0x80000005, aoe::ConfigCommand::read, "");
  std::get<aoe::QueryConfigMessage>(ccmd5.body).command = 5;
  CHECK(encoded(ccmd5) == kConfigCcmd5Request);
  const auto f = decoded(kConfigForceSetHelloRequest);
  const auto& qc = body_as<aoe::QueryConfigMessage>(f);
  CHECK(qc.command == static_cast<std::uint8_t>(aoe::ConfigCommand::force_set));
  CHECK(qc.aoe_version == 0);
  CHECK(qc.config == "hello");
  check_every_prefix(kConfigForceSetHelloRequest, 37);
}

TEST_CASE("codec config: the force-set answer echoes CCmd 4 with version 1", "[codec]") {
  const auto& qc = body_as<aoe::QueryConfigMessage>(decoded(kConfigForceSetHelloAnswerUnpadded));
  CHECK(qc.aoe_version == 1);
  CHECK(qc.command == 4);
  CHECK(qc.config == "hello");
}

TEST_CASE("codec config: CCmd 5..15 decode as received; error answers keep the argument",
          "[codec]") {
  const auto f = decoded(kConfigCcmd5ErrorAnswer);
  CHECK(f.header.error);
  CHECK(f.header.error_code == 2);
  const auto& qc = body_as<aoe::QueryConfigMessage>(f);
  CHECK(qc.command == 5);
  CHECK(qc.aoe_version == 1);
  CHECK(qc.config == "hello");
  check_every_prefix(kConfigCcmd5ErrorAnswer, 24);

  for (std::uint8_t ccmd = 0; ccmd < 16; ++ccmd) {
    auto bytes = kConfigAnswerEmptyUnpadded;
    bytes[29] = static_cast<std::uint8_t>(0x10 | ccmd);
    const auto& m = body_as<aoe::QueryConfigMessage>(decoded(bytes));
    CHECK(m.command == ccmd);
    CHECK(m.aoe_version == 1);
  }
}

TEST_CASE("codec config: the AoE version is the high nibble of byte 29", "[codec]") {
  for (std::uint8_t version = 0; version < 16; ++version) {
    auto bytes = kConfigAnswerEmptyUnpadded;
    bytes[29] = static_cast<std::uint8_t>(version << 4 | 3);
    const auto f = decoded(bytes);
    const auto& m = body_as<aoe::QueryConfigMessage>(f);
    CHECK(m.aoe_version == version);
    CHECK(m.command == 3);
    CHECK(encoded(f) == bytes);
  }
}

TEST_CASE("codec config: string length limits", "[codec]") {
  SECTION("1024 bytes decode") {
    const auto bytes = answer_with_string(1024, 1024);
    const auto& qc = body_as<aoe::QueryConfigMessage>(decoded(bytes));
    CHECK(qc.config == std::string(1024, 'x'));
  }
  SECTION("a length field above 1024 is out of range, even when the bytes are there") {
    for (std::uint16_t length : {std::uint16_t{1025}, std::uint16_t{0xffff}}) {
      const auto bytes = answer_with_string(length, length);
      auto r = aoe::decode(bytes);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code == DecodeErrc::field_out_of_range);
    }
  }
  SECTION("a length field past the frame end disagrees with the frame") {
    const auto bytes = answer_with_string(5, 6);
    auto r = aoe::decode(bytes);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == DecodeErrc::length_mismatch);
  }
  SECTION("a short length field: the rest is padding") {
    const auto bytes = answer_with_string(10, 4);
    CHECK(body_as<aoe::QueryConfigMessage>(decoded(bytes)).config == "xxxx");
  }
  SECTION("encode: 1024 bytes round trip, 1025 are refused") {
    const std::string longest(1024, 'y');
    const auto f = config_request(7, aoe::ConfigCommand::set_if_empty, longest);
    const auto bytes = encoded(f);
    CHECK(bytes.size() == 32 + 1024);
    CHECK(bytes[30] == 0x04);
    CHECK(bytes[31] == 0x00);
    CHECK(aoe::same_content(decoded(bytes), f));
    const std::string too_long(1025, 'y');
    auto r = aoe::encode(config_request(7, aoe::ConfigCommand::force_set, too_long));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == DecodeErrc::field_out_of_range);
  }
  SECTION("encode: nibbles that do not fit") {
    auto f = config_request(7, aoe::ConfigCommand::read, "");
    std::get<aoe::QueryConfigMessage>(f.body).command = 16;
    CHECK(aoe::encode(f).error().code == DecodeErrc::field_out_of_range);
    std::get<aoe::QueryConfigMessage>(f.body).command = 15;
    std::get<aoe::QueryConfigMessage>(f.body).aoe_version = 16;
    CHECK(aoe::encode(f).error().code == DecodeErrc::field_out_of_range);
  }
}

TEST_CASE("codec config: a non-error answer cut inside the argument is truncated", "[codec]") {
  for (std::size_t n = 24; n < 32; ++n) {
    const std::vector<std::uint8_t> cut(kConfigAnswerEmptyUnpadded.begin(),
                                        kConfigAnswerEmptyUnpadded.begin() + static_cast<long>(n));
    auto r = aoe::decode(cut);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == DecodeErrc::truncated);
  }
}
