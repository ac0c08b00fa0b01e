// IDENTIFY strings in either byte order (identify_strings.hpp): real-looking
// pages written the ATA way and as plain C strings (the older target of
// issue 30), ambiguous ones, and the scores behind the decision.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/codec/identify.hpp"
#include "protocol/codec/identify_strings.hpp"

namespace {

using Page = std::vector<std::uint8_t>;
using aoe::IdentifyStringOrder;

// `text` into words [first, first + words): ATA order padded with spaces,
// or plain order padded with NULs (a C string) — or with `pad` if given.
void put(Page& page, std::size_t first, std::size_t words, std::string_view text,
         IdentifyStringOrder order, int pad = -1) {
  const std::size_t swap = order == IdentifyStringOrder::ata ? 1 : 0;
  const char fill =
      pad >= 0 ? static_cast<char>(pad) : (order == IdentifyStringOrder::ata ? ' ' : '\0');
  for (std::size_t i = 0; i < 2 * words; ++i)
    page[2 * first + (i ^ swap)] = static_cast<std::uint8_t>(i < text.size() ? text[i] : fill);
}

Page disk(std::string_view serial, std::string_view firmware, std::string_view model,
          IdentifyStringOrder order, int pad = -1) {
  Page page(512, 0);
  put(page, 10, 10, serial, order, pad);
  put(page, 23, 4, firmware, order, pad);
  put(page, 27, 20, model, order, pad);
  return page;
}

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("identify strings: a real disk's page, ATA order, is read as written", "[identify]") {
  const Page page =
      disk("     WD-WCC6Y0123456", "01.01A01", "WDC WD10EZEX-08WN4A0", IdentifyStringOrder::ata);
  CHECK(aoe::identify_string_order(page) == IdentifyStringOrder::ata);
  const auto info = aoe::parse_identify(page);
  REQUIRE(info.has_value());
  CHECK(info->serial == "WD-WCC6Y0123456");
  CHECK(info->firmware == "01.01A01");
  CHECK(info->model == "WDC WD10EZEX-08WN4A0");
  CHECK_FALSE(info->strings_unswapped);
}

TEST_CASE("identify strings: odd lengths, ATA order: the unswapped reading is the odd one",
          "[identify]") {
  const Page page = disk("S2R5NX0J123", "CC47", "ST3500418AS", IdentifyStringOrder::ata);
  CHECK(aoe::identify_string_order(page) == IdentifyStringOrder::ata);
  CHECK(aoe::parse_identify(page)->model == "ST3500418AS");
  // Read unswapped, each ends " S" / " 3" after a space: the weak clue.
  CHECK(aoe::identify_string(page, 27, 20, IdentifyStringOrder::unswapped) == "TS530014A8 S");
}

TEST_CASE("identify strings: the older target's C strings are read unswapped", "[identify]") {
  const Page page = disk("/tmp/ft/backing.img", "V1", "123456789", IdentifyStringOrder::unswapped);
  // What the ATA reading showed: the NUL after each odd last character
  // lands inside the string.
  CHECK(aoe::identify_string(page, 27, 20, IdentifyStringOrder::ata) == "21436587?9");
  CHECK(aoe::identify_string(page, 10, 10, IdentifyStringOrder::ata) == "t/pmf//tabkcni.gmi?g");
  CHECK(aoe::identify_string_order(page) == IdentifyStringOrder::unswapped);
  const auto info = aoe::parse_identify(page);
  REQUIRE(info.has_value());
  CHECK(info->model == "123456789");
  CHECK(info->serial == "/tmp/ft/backing.img");
  CHECK(info->firmware == "V1");
  CHECK(info->strings_unswapped);
}

TEST_CASE("identify strings: quirk_target --unswapped-strings", "[identify]") {
  const Page page = disk("QT1.0", "0x4019", "aoefs quirk_target", IdentifyStringOrder::unswapped);
  const auto info = aoe::parse_identify(page);
  REQUIRE(info.has_value());
  CHECK(info->model == "aoefs quirk_target");
  CHECK(info->serial == "QT1.0");
  CHECK(info->firmware == "0x4019");
}

TEST_CASE("identify strings: ambiguous fields keep ATA order; the model decides", "[identify]") {
  SECTION("an all-digit serial, ATA order, with a real model: ATA") {
    const Page page = disk("12345678", "CC47", "ST1000DM003-1CH162", IdentifyStringOrder::ata);
    CHECK(aoe::identify_string_order(page) == IdentifyStringOrder::ata);
    CHECK(aoe::parse_identify(page)->serial == "12345678");
    // Unswapped it is printable too: no reason to take it.
    CHECK(aoe::identify_string(page, 10, 10, IdentifyStringOrder::unswapped) == "21436587");
  }
  SECTION("the same serial written unswapped: the model's letters and padding decide") {
    const Page page = disk("12345678", "1.00", "Coraid EtherDrive", IdentifyStringOrder::unswapped);
    CHECK(aoe::identify_string_order(page) == IdentifyStringOrder::unswapped);
    CHECK(aoe::parse_identify(page)->serial == "12345678");
    CHECK(aoe::parse_identify(page)->model == "Coraid EtherDrive");
  }
  SECTION("nothing tells (even lengths, unswapped): ATA order is kept") {
    const Page page = disk("12345678", "1.00", "Generic Disk", IdentifyStringOrder::unswapped);
    CHECK(aoe::identify_string_order(page) == IdentifyStringOrder::ata);
    CHECK(aoe::parse_identify(page)->serial == "21436587");
  }
  SECTION("unswapped but space-padded: one weak clue is not clearly better") {
    const Page page =
        disk("QT1.0", "0x4019", "aoefs quirk_target", IdentifyStringOrder::unswapped, ' ');
    CHECK(aoe::identify_string_order(page) == IdentifyStringOrder::ata);
  }
  SECTION("garbage both ways: ATA order") {
    Page page(512, 0);
    std::fill(page.begin() + 20, page.begin() + 94, 0xff);  // words 10-46
    CHECK(aoe::identify_string_order(page) == IdentifyStringOrder::ata);
    CHECK(aoe::parse_identify(page)->model == std::string(40, '?'));
  }
}

TEST_CASE("identify strings: oddity scores", "[identify]") {
  CHECK(aoe::string_oddity(bytes("WDC WD10EZEX        ")) == 0);
  CHECK(aoe::string_oddity(bytes("    WD-12345")) == 0);            // right-aligned serial
  CHECK(aoe::string_oddity(bytes(std::string("AB\0\0", 4))) == 0);  // trailing NULs
  CHECK(aoe::string_oddity(bytes(std::string("2143\0"
                                             "5\0\0",
                                             8))) == aoe::kStrongOddity);
  CHECK(aoe::string_oddity(bytes("AB\x01Z")) == aoe::kStrongOddity);
  CHECK(aoe::string_oddity(bytes("TQ.1 0    ")) == 1);  // " 0" ends a word after a space
  CHECK(aoe::string_oddity(bytes("QT1.0     ")) == 0);
  CHECK(aoe::string_oddity(bytes("")) == 0);
}
