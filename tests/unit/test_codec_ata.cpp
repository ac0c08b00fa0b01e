// The ATA message (AoE command 0): vblade's frames byte for byte, AFlags,
// LBA byte order, data views, round trips, truncation.
#include <catch2/catch.hpp>

#include "protocol/codec/frame.hpp"
#include "unit/codec_checks.hpp"
#include "unit/codec_vectors.hpp"

using namespace codec_test;
using aoe::DecodeErrc;

namespace {

// The 512 bytes the capture wrote and read back: 0x00..0xff twice.
std::vector<std::uint8_t> pattern_sector() {
  std::vector<std::uint8_t> s(512);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(i);
  return s;
}

aoe::Frame request_to_1_0(std::uint32_t tag, aoe::AtaMessage ata) {
  aoe::Frame f;
  f.header.dst = aoe::MacAddress::broadcast();
  f.header.src = kIni;
  f.header.target = {1, 0};
  f.header.command = 0;
  f.header.tag = tag;
  f.body = ata;
  return f;
}

// The WRITE SECTORS EXT of one sector at LBA 5 that the capture holds.
aoe::AtaMessage write_one_sector_at_5(std::span<const std::uint8_t> sector) {
  aoe::AtaMessage ata;
  ata.extended = true;
  ata.write = true;
  ata.sector_count = 1;
  ata.cmd_status = aoe::ata_cmd::write_sectors_ext;
  ata.lba = 5;
  ata.data = sector;
  return ata;
}

}  // namespace

TEST_CASE("codec ata: IDENTIFY request, both directions", "[codec]") {
  aoe::AtaMessage ata;
  ata.sector_count = 1;
  ata.cmd_status = aoe::ata_cmd::identify_device;
  CHECK(encoded(request_to_1_0(0x80000007, ata)) == kIdentifyRequest);

  const auto f = decoded(kIdentifyRequest);
  const auto& m = body_as<aoe::AtaMessage>(f);
  CHECK_FALSE(m.extended);
  CHECK_FALSE(m.write);
  CHECK(m.sector_count == 1);
  CHECK(m.cmd_status == 0xec);
  CHECK(m.lba == 0);
  CHECK(m.data.empty());
}

TEST_CASE("codec ata: WRITE SECTORS EXT request and vblade's 60-byte answer", "[codec]") {
  const auto sector = pattern_sector();
  const auto request = concat(kWriteExtRequestHead, sector);
  REQUIRE(request.size() == 548);

  aoe::AtaMessage ata = write_one_sector_at_5(sector);
  CHECK(encoded(request_to_1_0(0x80000008, ata)) == request);

  const auto answer = decoded(kWriteExtAnswer);
  CHECK(answer.header.response);
  CHECK_FALSE(answer.header.error);
  CHECK(answer.header.src == kTgt);
  CHECK(answer.header.dst == kIni);
  CHECK(answer.header.tag == 0x80000008u);
  const auto& m = body_as<aoe::AtaMessage>(answer);
  CHECK(m.extended);
  CHECK(m.write);
  CHECK(m.cmd_status == aoe::ata_status::drdy);
  CHECK(m.feature_error == 0);
  CHECK(m.sector_count == 0);
  CHECK(m.lba == 5);
  // Everything after the argument, padding included: the initiator knows a
  // write answer carries no data.
  CHECK(m.data.size() == 24);
  CHECK(m.data.data() == kWriteExtAnswer.data() + 36);
  check_every_prefix(kWriteExtAnswer, 36);
}

TEST_CASE("codec ata: encode_head stops before a write's data, other bodies are whole", "[codec]") {
  const auto sector = pattern_sector();
  aoe::AtaMessage ata = write_one_sector_at_5(sector);
  std::vector<std::uint8_t> out(1024, 0xee);
  const auto n = aoe::encode_head(request_to_1_0(0x80000008, ata), out);
  REQUIRE(n);
  CHECK(*n == aoe::kHeaderSize + aoe::kAtaArgSize);
  CHECK(out[*n] == 0xee);  // nothing written past the head
  out.resize(*n);
  // The head, then the data where it is: the frame encode() writes.
  CHECK(concat(out, sector) == concat(kWriteExtRequestHead, sector));

  ata.data = {};
  ata.write = false;
  ata.cmd_status = aoe::ata_cmd::identify_device;
  std::vector<std::uint8_t> whole(64);
  REQUIRE(aoe::encode_head(request_to_1_0(7, ata), whole).value() ==
          aoe::encoded_size(request_to_1_0(7, ata)));

  aoe::Frame qc = request_to_1_0(9, {});
  aoe::QueryConfigMessage q;
  q.config = "host-a";
  qc.body = q;
  std::vector<std::uint8_t> head(128);
  head.resize(aoe::encode_head(qc, head).value());
  CHECK(head == aoe::encode(qc).value());
  CHECK_FALSE(aoe::encode_head(request_to_1_0(1, ata), std::span(whole).first(20)));
}

TEST_CASE("codec ata: READ SECTORS EXT request and answer with data", "[codec]") {
  aoe::AtaMessage ata;
  ata.extended = true;
  ata.sector_count = 1;
  ata.cmd_status = aoe::ata_cmd::read_sectors_ext;
  ata.lba = 5;
  CHECK(encoded(request_to_1_0(0x80000009, ata)) == kReadExtRequest);

  const auto bytes = concat(kReadExtAnswerHead, pattern_sector());
  const auto f = decoded(bytes);
  const auto& m = body_as<aoe::AtaMessage>(f);
  CHECK(m.cmd_status == 0x40);
  CHECK(m.lba == 5);
  REQUIRE(m.data.size() == 512);
  CHECK(m.data.data() == bytes.data() + 36);  // a view, not a copy
  CHECK(aoe::same_bytes(m.data, pattern_sector()));
  CHECK(encoded(f) == bytes);
  check_every_prefix(bytes, 36);
}

TEST_CASE("codec ata: error status answers", "[codec]") {
  SECTION("read past the end: ERR|DRDY, IDNF, LBA echoed") {
    const auto f = decoded(kReadPastEndAnswer);
    CHECK_FALSE(f.header.error);
    const auto& m = body_as<aoe::AtaMessage>(f);
    CHECK(m.cmd_status == (aoe::ata_status::drdy | aoe::ata_status::err));
    CHECK(m.feature_error == aoe::ata_error::idnf);
    CHECK(m.sector_count == 1);
    CHECK(m.lba == 0x10000000u);
    CHECK(m.data.empty());
    CHECK(encoded(f) == kReadPastEndAnswer);
  }
  SECTION("FLUSH CACHE EXT aborted") {
    aoe::AtaMessage ata;
    ata.extended = true;
    ata.cmd_status = aoe::ata_cmd::flush_cache_ext;
    CHECK(encoded(request_to_1_0(0x8000000b, ata)) == kFlushExtRequest);
    const auto f = decoded(kFlushExtAnswer);
    const auto& m = body_as<aoe::AtaMessage>(f);
    CHECK(m.cmd_status == 0x41);
    CHECK(m.feature_error == aoe::ata_error::abrt);
    check_every_prefix(kFlushExtAnswer, 36);
  }
  SECTION("AoE error 2 answer still carries its argument") {
    const auto f = decoded(kIdentifyScnt2ErrorAnswer);
    CHECK(f.header.error);
    CHECK(f.header.error_code == 2);
    const auto& m = body_as<aoe::AtaMessage>(f);
    CHECK(m.sector_count == 2);
    CHECK(m.cmd_status == 0xec);
    check_every_prefix(kIdentifyScnt2ErrorAnswer, 24);
  }
  SECTION("an error answer cut inside the argument decodes as raw payload") {
    const std::vector<std::uint8_t> cut(kIdentifyScnt2ErrorAnswer.begin(),
                                        kIdentifyScnt2ErrorAnswer.begin() + 30);
    const auto f = decoded(cut);
    CHECK(f.header.error_code == 2);
    CHECK(body_as<aoe::UnknownMessage>(f).payload.size() == 6);
  }
}

TEST_CASE("codec ata: AFlags bits one by one", "[codec]") {
  struct Case {
    std::uint8_t byte;
    bool aoe::AtaMessage::*field;
  } const cases[] = {{0x40, &aoe::AtaMessage::extended},
                     {0x10, &aoe::AtaMessage::device},
                     {0x02, &aoe::AtaMessage::async},
                     {0x01, &aoe::AtaMessage::write}};
  for (const auto& c : cases) {
    aoe::AtaMessage ata;
    ata.*c.field = true;
    const auto bytes = encoded(request_to_1_0(1, ata));
    CHECK(bytes[24] == c.byte);
    const auto f = decoded(bytes);
    const auto& m = body_as<aoe::AtaMessage>(f);
    CHECK(m.*c.field);
    int set = m.extended + m.device + m.async + m.write;
    CHECK(set == 1);
  }
  // Reserved AFlags bits (0x80, 0x20, 0x08, 0x04) are ignored.
  auto bytes = kIdentifyRequest;
  bytes[24] = 0xac;
  const auto& m = body_as<aoe::AtaMessage>(decoded(bytes));
  CHECK_FALSE((m.extended || m.device || m.async || m.write));
}

TEST_CASE("codec ata: LBA is six little-endian bytes; more than 48 bits is refused", "[codec]") {
  aoe::AtaMessage ata;
  ata.extended = true;
  ata.cmd_status = aoe::ata_cmd::read_sectors_ext;
  ata.sector_count = 2;
  ata.feature_error = 0x5a;
  ata.lba = 0xabcdef123456;
  auto f = request_to_1_0(0x01020304, ata);
  const auto bytes = encoded(f);
  CHECK(bytes == hex("ffffffffffff 9e4d39054e24 88a2 10 00 0001 00 00 01020304"
                     "| 40 5a 02 24 563412efcdab 0000"));
  CHECK(body_as<aoe::AtaMessage>(decoded(bytes)).lba == 0xabcdef123456u);

  std::get<aoe::AtaMessage>(f.body).lba = aoe::kMaxLba48;
  CHECK(body_as<aoe::AtaMessage>(decoded(encoded(f))).lba == aoe::kMaxLba48);
  std::get<aoe::AtaMessage>(f.body).lba = aoe::kMaxLba48 + 1;
  auto r = aoe::encode(f);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == DecodeErrc::field_out_of_range);
  std::vector<std::uint8_t> out(100);
  CHECK(aoe::encode(f, out).error().code == DecodeErrc::field_out_of_range);
}

TEST_CASE("codec ata: the reserved bytes after the LBA are written as zero, ignored on input",
          "[codec]") {
  auto bytes = kReadExtRequest;
  bytes[34] = 0x12;
  bytes[35] = 0x34;
  const auto f = decoded(bytes);
  CHECK(body_as<aoe::AtaMessage>(f).lba == 5);
  CHECK(encoded(f) == kReadExtRequest);
}

TEST_CASE("codec ata: a non-error frame cut inside the argument is truncated", "[codec]") {
  for (std::size_t n = 24; n < 36; ++n) {
    const std::vector<std::uint8_t> cut(kReadPastEndAnswer.begin(),
                                        kReadPastEndAnswer.begin() + static_cast<long>(n));
    auto r = aoe::decode(cut);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == DecodeErrc::truncated);
  }
  check_every_prefix(kReadPastEndAnswer, 36);
  check_every_prefix(kIdentifyRequest, 36);
  check_every_prefix(concat(kWriteExtRequestHead, pattern_sector()), 36);
}

TEST_CASE("codec ata: round trips of many field combinations", "[codec]") {
  const auto sector = pattern_sector();
  for (int i = 0; i < 64; ++i) {
    aoe::AtaMessage ata;
    ata.extended = i & 1;
    ata.device = i & 2;
    ata.async = i & 4;
    ata.write = i & 8;
    ata.feature_error = static_cast<std::uint8_t>(i * 37);
    ata.sector_count = static_cast<std::uint8_t>(i * 11);
    ata.cmd_status = static_cast<std::uint8_t>(i * 101);
    ata.lba =
        (std::uint64_t{0x9e3779b97f4a7c15} * static_cast<std::uint64_t>(i + 1)) & aoe::kMaxLba48;
    ata.data = std::span(sector).first(static_cast<std::size_t>(i) * 8);
    aoe::Frame f = request_to_1_0(static_cast<std::uint32_t>(i) * 0x01010101u, ata);
    f.header.response = i & 16;
    const auto bytes = encoded(f);
    CHECK(bytes.size() == 36 + static_cast<std::size_t>(i) * 8);
    const auto back = decoded(bytes);
    CHECK(aoe::same_content(back, f));
  }
}
