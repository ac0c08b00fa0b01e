// The common AoE header: byte-exact vectors, flags, error codes, addresses,
// and the header-level rejections (EtherType, version, truncation).
#include <catch2/catch.hpp>

#include "protocol/codec/error.hpp"
#include "protocol/codec/frame.hpp"
#include "unit/codec_checks.hpp"
#include "unit/codec_vectors.hpp"

using namespace codec_test;
using aoe::DecodeErrc;

namespace {

// A Query Config read request to 1.0 with the given byte 14 and error byte.
std::vector<std::uint8_t> header_with(std::uint8_t ver_flags, std::uint8_t error) {
  auto bytes =
      hex("9e4d39054e24 3a5d0a46ef20 88a2 00 00 0001 00 01 80000002 | 0010 4019 02 10 0000");
  bytes[14] = ver_flags;
  bytes[15] = error;
  return bytes;
}

}  // namespace

TEST_CASE("codec header: vblade's broadcast config request decodes field by field", "[codec]") {
  auto h = aoe::decode_header(kConfigReadBroadcastRequest);
  REQUIRE(h.has_value());
  CHECK(h->dst == aoe::MacAddress::broadcast());
  CHECK(h->src == kIni);
  CHECK(h->version == 1);
  CHECK_FALSE(h->response);
  CHECK_FALSE(h->error);
  CHECK(h->error_code == 0);
  CHECK(h->target == aoe::TargetAddress::broadcast());
  CHECK(h->target.shelf == 0xffff);
  CHECK(h->target.slot == 0xff);
  CHECK(h->command == 1);
  CHECK(h->tag == 0x80000002u);
  // decode() agrees with decode_header().
  const auto frame = decoded(kConfigReadBroadcastRequest);
  CHECK(aoe::same_content(frame.header, *h));
}

TEST_CASE("codec header: encoding a broadcast config request gives the exact bytes", "[codec]") {
  aoe::Frame f;
  f.header.dst = aoe::MacAddress::broadcast();
  f.header.src = kIni;
  f.header.target = aoe::TargetAddress::broadcast();
  f.header.command = 1;
  f.header.tag = 0x80000002;
  f.body = aoe::QueryConfigMessage{};
  CHECK(aoe::encoded_size(f) == 32);
  CHECK(encoded(f) == kConfigReadBroadcastRequest);
}

TEST_CASE("codec header: shelf is big endian, slot, tag big endian", "[codec]") {
  aoe::Frame f;
  f.header.dst = kTgt;
  f.header.src = kIni;
  f.header.target = {0x1234, 0x56};
  f.header.tag = 0xdeadbeef;
  f.body = aoe::UnknownMessage{};
  f.header.command = 0x77;
  const auto bytes = encoded(f);
  CHECK(bytes == hex("3a5d0a46ef20 9e4d39054e24 88a2 10 00 1234 56 77 deadbeef"));
  const auto back = decoded(bytes);
  CHECK(back.header.target == aoe::TargetAddress{0x1234, 0x56});
  CHECK(back.header.tag == 0xdeadbeefu);
}

TEST_CASE("codec header: response and error flags", "[codec]") {
  SECTION("request") {
    auto h = aoe::decode_header(header_with(0x10, 0));
    REQUIRE(h.has_value());
    CHECK_FALSE(h->response);
    CHECK_FALSE(h->error);
  }
  SECTION("response") {
    auto h = aoe::decode_header(header_with(0x18, 0));
    REQUIRE(h.has_value());
    CHECK(h->response);
    CHECK_FALSE(h->error);
  }
  SECTION("error response") {
    auto h = aoe::decode_header(header_with(0x1c, 3));
    REQUIRE(h.has_value());
    CHECK(h->response);
    CHECK(h->error);
    CHECK(h->error_code == 3);
  }
  SECTION("reserved flag bits are ignored") {
    auto h = aoe::decode_header(header_with(0x13, 0));
    REQUIRE(h.has_value());
    CHECK_FALSE(h->response);
    CHECK_FALSE(h->error);
  }
  SECTION("encode sets exactly the R and E bits") {
    aoe::Frame f = decoded(kConfigAnswerEmptyUnpadded);
    f.header.error = true;
    f.header.error_code = 4;
    const auto bytes = encoded(f);
    CHECK(bytes[14] == 0x1c);
    CHECK(bytes[15] == 4);
    f.header.response = false;
    CHECK(encoded(f)[14] == 0x14);
  }
}

TEST_CASE("codec header: AoE error codes 1-6 and unknown ones survive decoding", "[codec]") {
  const struct {
    std::uint8_t code;
    aoe::AoeErrc errc;
  } known[] = {{1, aoe::AoeErrc::unrecognized_command}, {2, aoe::AoeErrc::bad_argument},
               {3, aoe::AoeErrc::device_unavailable},   {4, aoe::AoeErrc::config_string_present},
               {5, aoe::AoeErrc::unsupported_version},  {6, aoe::AoeErrc::target_reserved}};
  for (const auto& k : known) {
    auto h = aoe::decode_header(header_with(0x1c, k.code));
    REQUIRE(h.has_value());
    CHECK(h->error);
    CHECK(aoe::make_aoe_error(h->error_code) == aoe::make_error_code(k.errc));
  }
  for (std::uint8_t unknown :
       {std::uint8_t{0}, std::uint8_t{7}, std::uint8_t{0x2a}, std::uint8_t{0xff}}) {
    auto h = aoe::decode_header(header_with(0x1c, unknown));
    REQUIRE(h.has_value());
    CHECK(h->error_code == unknown);
  }
  CHECK(aoe::make_aoe_error(42).message() == "unknown AoE error 42");
  // The captured error answers carry their codes.
  CHECK(decoded(kUnknownCommandErrorAnswer).header.error_code == 1);
  CHECK(decoded(kConfigCcmd5ErrorAnswer).header.error_code == 2);
  CHECK(decoded(kIdentifyScnt2ErrorAnswer).header.error_code == 2);
}

TEST_CASE(
    "codec header: vblade's start-up advertisement (version 0) decodes; other versions do not",
    "[codec]") {
  // vblade 25 broadcasts a config answer at start with version 0 in its
  // header: the "target (re)started" signal, the one version-0 frame accepted.
  auto h = aoe::decode_header(kVbladeAdvertisement);
  REQUIRE(h.has_value());
  CHECK(h->version == 0);
  CHECK(aoe::is_announcement(*h));
  auto f = aoe::decode(kVbladeAdvertisement);
  REQUIRE(f.has_value());
  const auto* qc = std::get_if<aoe::QueryConfigMessage>(&f->body);
  REQUIRE(qc);
  CHECK(qc->buffer_count == 16);
  CHECK(qc->sector_count == 2);
  // Version 0 on anything but a Query Config answer: rejected.
  for (std::uint8_t flags : {0x00, 0x08}) {
    auto bytes = kVbladeAdvertisement;
    bytes[14] = flags;
    bytes[19] = flags ? 0 : 1;  // an ATA answer, or a Query Config request
    auto r = aoe::decode_header(bytes);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == DecodeErrc::wrong_version);
  }
  // Other versions too.
  for (std::uint8_t version : {2, 3, 15}) {
    auto bytes = header_with(static_cast<std::uint8_t>(version << 4 | 0x8), 0);
    auto r = aoe::decode(bytes);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == DecodeErrc::wrong_version);
  }
}

TEST_CASE("codec header: wrong EtherType and short frames", "[codec]") {
  auto ipv4 = kConfigAnswerEmptyUnpadded;
  ipv4[12] = 0x08;
  ipv4[13] = 0x00;
  auto r = aoe::decode(ipv4);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == DecodeErrc::wrong_ethertype);
  CHECK(aoe::decode_header(ipv4).error().code == DecodeErrc::wrong_ethertype);

  CHECK(aoe::decode(std::span<const std::uint8_t>{}).error().code == DecodeErrc::truncated);
  const std::vector<std::uint8_t> thirteen(kConfigAnswerEmptyUnpadded.begin(),
                                           kConfigAnswerEmptyUnpadded.begin() + 13);
  CHECK(aoe::decode(thirteen).error().code == DecodeErrc::truncated);
  // 23 bytes: EtherType fine, the AoE header incomplete.
  const std::vector<std::uint8_t> twenty_three(kConfigAnswerEmptyUnpadded.begin(),
                                               kConfigAnswerEmptyUnpadded.begin() + 23);
  CHECK(aoe::decode_header(twenty_three).error().code == DecodeErrc::truncated);
  CHECK(aoe::decode(twenty_three).error().code == DecodeErrc::truncated);
  // Errors name what is wrong.
  CHECK(std::string(aoe::decode(twenty_three).error().what).find("header") != std::string::npos);
}

TEST_CASE("codec header: unknown commands decode to their raw payload", "[codec]") {
  SECTION("vblade's error 1 answer to command 4: bare header") {
    const auto f = decoded(kUnknownCommandErrorAnswer);
    CHECK(f.header.command == 4);
    CHECK(f.header.response);
    CHECK(f.header.error);
    CHECK(body_as<aoe::UnknownMessage>(f).payload.empty());
    check_every_prefix(kUnknownCommandErrorAnswer, 24);
  }
  SECTION("a request with payload: the view points into the input") {
    const auto bytes = concat(kUnknownCommandRequest, hex("0102030405"));
    const auto f = decoded(bytes);
    const auto& payload = body_as<aoe::UnknownMessage>(f).payload;
    CHECK(payload.size() == 5);
    CHECK(payload.data() == bytes.data() + 24);
    CHECK(encoded(f) == bytes);
  }
  SECTION("encoding an UnknownMessage takes the command byte from the header") {
    aoe::Frame f;
    f.header.dst = aoe::MacAddress::broadcast();
    f.header.src = kIni;
    f.header.target = {1, 0};
    f.header.command = 4;
    f.header.tag = 0x8000000e;
    f.body = aoe::UnknownMessage{};
    CHECK(encoded(f) == kUnknownCommandRequest);
  }
  SECTION("known bodies take the command byte from the body") {
    aoe::Frame f;
    f.header.command = 9;
    f.body = aoe::ReserveMessage{};
    CHECK(encoded(f)[19] == 3);
  }
}

TEST_CASE("codec header: encode checks the output buffer and the version", "[codec]") {
  aoe::Frame f = decoded(kConfigReadHelloAnswerUnpadded);
  std::vector<std::uint8_t> out(aoe::encoded_size(f));
  REQUIRE(out.size() == 37);
  auto small = aoe::encode(f, std::span(out).first(36));
  REQUIRE_FALSE(small.has_value());
  CHECK(small.error().code == DecodeErrc::buffer_too_small);
  auto exact = aoe::encode(f, out);
  REQUIRE(exact.has_value());
  CHECK(*exact == 37);
  CHECK(out == kConfigReadHelloAnswerUnpadded);
  // A bigger buffer: only the frame is written, nothing padded.
  std::vector<std::uint8_t> big(100, 0xee);
  REQUIRE(aoe::encode(f, big).has_value());
  CHECK(big[37] == 0xee);

  // Version: 4 bits. Version 0 encodes (tests imitate vblade's advertisement).
  f.header.version = 0;
  CHECK(encoded(f)[14] == 0x08);
  f.header.version = 16;
  auto bad = aoe::encode(f);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == DecodeErrc::field_out_of_range);
}

TEST_CASE("codec header: broadcast addresses", "[codec]") {
  CHECK(aoe::TargetAddress::broadcast().shelf == aoe::kBroadcastShelf);
  CHECK(aoe::kBroadcastShelf == 0xffff);
  CHECK(aoe::TargetAddress::broadcast().slot == aoe::kBroadcastSlot);
  CHECK(aoe::kBroadcastSlot == 0xff);
  CHECK(aoe::MacAddress::broadcast().is_broadcast());
  CHECK(aoe::MacAddress::broadcast().is_multicast());
  CHECK_FALSE(kTgt.is_broadcast());
}

TEST_CASE("codec header: sectors per frame from the MTU", "[codec]") {
  STATIC_REQUIRE(aoe::sectors_per_frame(1500) == 2);
  STATIC_REQUIRE(aoe::sectors_per_frame(9000) == 17);
  CHECK(aoe::sectors_per_frame(0) == 0);
  CHECK(aoe::sectors_per_frame(533) == 0);
  CHECK(aoe::sectors_per_frame(534) == 1);
  CHECK(aoe::sectors_per_frame(1045) == 1);
  CHECK(aoe::sectors_per_frame(1046) == 2);
  CHECK(aoe::sectors_per_frame(65535) == 127);
  // The frame a full read answer needs fits the MTU (+14 Ethernet header).
  for (unsigned mtu : {576u, 1500u, 4000u, 9000u}) {
    const unsigned n = aoe::sectors_per_frame(mtu);
    CHECK(aoe::kHeaderSize + aoe::kAtaArgSize + n * aoe::kSectorSize <= mtu + 14u);
    CHECK(aoe::kHeaderSize + aoe::kAtaArgSize + (n + 1) * aoe::kSectorSize > mtu + 14u);
  }
}
