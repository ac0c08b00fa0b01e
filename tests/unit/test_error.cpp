#include <catch2/catch.hpp>

#include "protocol/codec/error.hpp"

TEST_CASE("ATA errors keep both registers", "[error]") {
  auto ec = aoe::make_ata_error(0x41, 0x04);
  CHECK(ec.category() == aoe::ata_category());
  CHECK(aoe::ata_status_of(ec) == 0x41);
  CHECK(aoe::ata_error_of(ec) == 0x04);
  CHECK(ec.message() == "ATA command aborted (status 0x41, error 0x04)");
}

TEST_CASE("AoE error codes outside 1..6 are kept", "[error]") {
  CHECK(aoe::make_aoe_error(4) == aoe::AoeErrc::config_string_present);
  CHECK(aoe::make_aoe_error(9).message() == "unknown AoE error 9");
}
