// parse_identify(): vblade's IDENTIFY page word for word, capacities, LBA48
// support, ATA strings (byte-swapped, trimmed, sanitised), short pages.
#include <catch2/catch.hpp>

#include <string_view>
#include <utility>
#include <vector>

#include "protocol/codec/frame.hpp"
#include "protocol/codec/identify.hpp"
#include "unit/codec_checks.hpp"
#include "unit/codec_vectors.hpp"

using namespace codec_test;

namespace {

using Page = std::vector<std::uint8_t>;

// Every non-zero word of the page vblade 25 sent for e1.0 (64 MiB = 131072
// sectors) on host "vm", as captured (word number, value; the page stores
// words little endian).
const std::pair<int, std::uint16_t> kVbladeWords[] = {
    {10, 0x312e},  {11, 0x303a}, {12, 0x766d}, {13, 0x2020}, {14, 0x2020},
    {15, 0x2020},  {16, 0x2020}, {17, 0x2020}, {18, 0x2020}, {19, 0x2020},  // serial "1.0:vm"
    {23, 0x5632},  {24, 0x3520}, {25, 0x2020}, {26, 0x2020},                // firmware "V25"
    {27, 0x436f},  {28, 0x7261}, {29, 0x6964}, {30, 0x2045}, {31, 0x7468},
    {32, 0x6572},  {33, 0x4472}, {34, 0x6976}, {35, 0x6520}, {36, 0x7662},
    {37, 0x6c61},  {38, 0x6465}, {39, 0x2020}, {40, 0x2020}, {41, 0x2020},
    {42, 0x2020},  {43, 0x2020}, {44, 0x2020}, {45, 0x2020}, {46, 0x2020},  // model
    {47, 0x8000},  {49, 0x0200}, {50, 0x4000}, {61, 0x0002},                // LBA28 0x20000
    {83, 0x5400},  {84, 0x4000}, {86, 0x1400}, {87, 0x4000}, {93, 0x400b},
    {101, 0x0002},  // LBA48 0x20000
};

void put_word(Page& page, int w, std::uint16_t v) {
  page[2 * static_cast<std::size_t>(w)] = static_cast<std::uint8_t>(v);
  page[2 * static_cast<std::size_t>(w) + 1] = static_cast<std::uint8_t>(v >> 8);
}

Page vblade_page() {
  Page page(512, 0);
  for (auto [w, v] : kVbladeWords) put_word(page, w, v);
  return page;
}

// Writes `text` as an ATA string into words [first, first + words), padded
// with spaces: characters in pairs, the first of each pair in the high byte.
void put_ata_string(Page& page, int first, int words, std::string_view text) {
  for (int i = 0; i < 2 * words; ++i) {
    const char c =
        static_cast<std::size_t>(i) < text.size() ? text[static_cast<std::size_t>(i)] : ' ';
    page[2 * static_cast<std::size_t>(first) + static_cast<std::size_t>(i ^ 1)] =
        static_cast<std::uint8_t>(c);
  }
}

}  // namespace

TEST_CASE("identify: vblade's page", "[identify]") {
  const auto page = vblade_page();
  auto info = aoe::parse_identify(page);
  REQUIRE(info.has_value());
  CHECK(info->model == "Coraid EtherDrive vblade");
  CHECK(info->firmware == "V25");
  CHECK(info->serial == "1.0:vm");
  CHECK(info->lba28_sectors == 131072);
  CHECK(info->lba48_sectors == 131072);
  CHECK(info->lba48);
  CHECK_FALSE(info->flush_cache_ext);  // w83 0x5400: bit 13 clear (vblade aborts 0xEA)
  CHECK(info->capacity_sectors() == 131072);
}

TEST_CASE("identify: the page inside vblade's ATA answer", "[identify]") {
  const auto frame_bytes = concat(kIdentifyAnswerHead, vblade_page());
  REQUIRE(frame_bytes.size() == 548);
  const auto f = decoded(frame_bytes);
  const auto& ata = body_as<aoe::AtaMessage>(f);
  CHECK(ata.cmd_status == aoe::ata_status::drdy);
  REQUIRE(ata.data.size() == 512);
  auto info = aoe::parse_identify(ata.data);
  REQUIRE(info.has_value());
  CHECK(info->model == "Coraid EtherDrive vblade");
  CHECK(info->capacity_sectors() == 131072);
}

TEST_CASE("identify: LBA28 and LBA48 capacities", "[identify]") {
  SECTION("a disk beyond LBA28: words 60-61 capped, 100-103 exact") {
    auto page = vblade_page();
    put_word(page, 60, 0xffff);
    put_word(page, 61, 0x0fff);
    const std::uint64_t sectors = 0x0000'2345'6789'abcd;  // below 2^48
    for (int i = 0; i < 4; ++i)
      put_word(page, 100 + i, static_cast<std::uint16_t>(sectors >> (16 * i)));
    auto info = aoe::parse_identify(page);
    REQUIRE(info.has_value());
    CHECK(info->lba28_sectors == 0x0fffffff);
    CHECK(info->lba48_sectors == sectors);
    CHECK(info->capacity_sectors() == sectors);
  }
  SECTION("no LBA48 support (word 83 bit 10 clear): the LBA28 count counts") {
    auto page = vblade_page();
    put_word(page, 83, 0x5400 & ~(1u << 10));
    put_word(page, 60, 0x5678);
    put_word(page, 61, 0x0123);
    put_word(page, 100, 0xffff);  // ignored without LBA48
    auto info = aoe::parse_identify(page);
    REQUIRE(info.has_value());
    CHECK_FALSE(info->lba48);
    CHECK(info->lba28_sectors == 0x01235678);
    CHECK(info->capacity_sectors() == 0x01235678);
  }
  SECTION("an LBA48 count beyond 2^48 sectors is an error, 2^48 itself is fine") {
    auto page = vblade_page();
    for (int i = 0; i < 4; ++i) put_word(page, 100 + i, 0xffff);
    auto bad = aoe::parse_identify(page);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().code == aoe::DecodeErrc::field_out_of_range);
    for (int i = 0; i < 4; ++i) put_word(page, 100 + i, i == 3 ? 1 : 0);  // exactly 2^48
    auto max = aoe::parse_identify(page);
    REQUIRE(max.has_value());
    CHECK(max->capacity_sectors() == std::uint64_t{1} << 48);
  }
  SECTION("FLUSH CACHE EXT advertised: word 83 bit 13") {
    auto page = vblade_page();
    put_word(page, 83, 0x7400);
    auto info = aoe::parse_identify(page);
    REQUIRE(info.has_value());
    CHECK(info->flush_cache_ext);
    CHECK(info->lba48);
  }
}

TEST_CASE("identify: ATA strings", "[identify]") {
  auto page = vblade_page();
  SECTION("byte order: pairs swapped within each word") {
    put_ata_string(page, 27, 20, "ABCDE");
    CHECK(page[54] == 'B');
    CHECK(page[55] == 'A');
    CHECK(aoe::parse_identify(page)->model == "ABCDE");
  }
  SECTION("a full-width serial (vblade: 19 characters, shelf.slot:hostname)") {
    put_ata_string(page, 10, 10, "1.0:abcdefghijklmno");
    CHECK(aoe::parse_identify(page)->serial == "1.0:abcdefghijklmno");
    put_ata_string(page, 10, 10, "01234567890123456789");
    CHECK(aoe::parse_identify(page)->serial == "01234567890123456789");
  }
  SECTION("leading and trailing spaces and NULs are trimmed") {
    put_ata_string(page, 10, 10, "    WD-12345");
    CHECK(aoe::parse_identify(page)->serial == "WD-12345");
    page[2 * 23] = 0;  // firmware "V25" -> "V2" + NUL + ' ' ...
    page[2 * 23 + 1] = 'V';
    put_word(page, 24, 0x0000);
    CHECK(aoe::parse_identify(page)->firmware == "V");
    put_ata_string(page, 27, 20, "");
    CHECK(aoe::parse_identify(page)->model.empty());
  }
  SECTION("non-printable bytes become '?'") {
    put_ata_string(page, 27, 20, "AB\x01\x7f\xe9Z");
    CHECK(aoe::parse_identify(page)->model == "AB???Z");
  }
}

TEST_CASE("identify: fewer than 512 bytes are truncated; more are fine", "[identify]") {
  const auto page = vblade_page();
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{206}, std::size_t{511}}) {
    std::vector<std::uint8_t> cut(page.begin(), page.begin() + static_cast<long>(n));
    cut.shrink_to_fit();
    auto r = aoe::parse_identify(cut);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == aoe::DecodeErrc::truncated);
  }
  auto longer = page;
  longer.resize(1024, 0xee);
  auto info = aoe::parse_identify(longer);
  REQUIRE(info.has_value());
  CHECK(info->capacity_sectors() == 131072);
}
