// TRIM (engine.hpp, "Trim"): DATA SET MANAGEMENT only when IDENTIFY word
// 169 offers it, ranges of at most 65535 sectors, payload blocks per frame
// bounded by the sector count, ordered with writes.
#include <catch2/catch.hpp>

#include "protocol/codec/error.hpp"
#include "protocol/codec/identify.hpp"
#include "support/engine_rig.hpp"

using namespace std::chrono_literals;
using aoetest::EngineRig;
using aoetest::FakeTargetOptions;

namespace {

std::error_code trim(EngineRig& rig, std::uint64_t lba, std::uint32_t sectors) {
  std::optional<std::error_code> result;
  rig.engine->trim(
      {1, 0}, lba, sectors, [&](std::error_code ec) { result = ec; }, rig.net.now());
  REQUIRE(rig.net.run_until([&] { return result.has_value(); }, 60s));
  return *result;
}

bool all_zero(const std::vector<std::uint8_t>& disk, std::uint64_t lba, std::uint64_t sectors) {
  return std::all_of(disk.begin() + lba * 512, disk.begin() + (lba + sectors) * 512,
                     [](std::uint8_t b) { return b == 0; });
}

}  // namespace

TEST_CASE("trim: IDENTIFY word 169 bit 0 and word 105 are parsed", "[identify][trim]") {
  FakeTargetOptions o;
  auto page = aoetest::make_identify_page(o);
  CHECK_FALSE(aoe::parse_identify(page)->trim);
  o.trim = true;
  page = aoetest::make_identify_page(o);
  page[2 * 105] = 8;
  auto info = aoe::parse_identify(page);
  CHECK(info->trim);
  CHECK(info->trim_max_blocks == 8);
}

TEST_CASE("trim: a target without TRIM gets no frame; not_supported", "[engine][trim]") {
  EngineRig rig;
  auto& target = rig.target();
  rig.start();
  REQUIRE(rig.discovered());
  CHECK_FALSE(rig.info().trim);
  const auto requests = target.counters().requests;
  CHECK(trim(rig, 0, 16) == aoe::InitiatorErrc::not_supported);
  CHECK(target.counters().requests == requests);
}

TEST_CASE(
    "trim: ranges are split at 65535 sectors and payload blocks per frame respect the "
    "sector count",
    "[engine][trim]") {
  EngineRig rig;
  FakeTargetOptions o;
  o.trim = true;
  o.sectors = 4096;
  o.sector_count = 2;
  auto& target = rig.target(o);
  target.advertise_capacity(20'000'000);  // more than one frame's 2 * 64 * 65535 sectors
  rig.start();
  REQUIRE(rig.discovered());
  CHECK(rig.info().trim);
  const std::uint64_t lba = 1000;
  const std::uint32_t sectors = 9'000'000;
  CHECK_FALSE(trim(rig, lba, sectors));
  CHECK(target.counters().trimmed_sectors == sectors);
  CHECK(target.counters().trim_ranges == (sectors + 65534) / 65535);
  CHECK(target.counters().largest_trim_payload == 2);
  CHECK(target.counters().trims == 2);  // 8,388,480 + 611,520 sectors
  CHECK(rig.stats().sectors_trimmed == sectors);
  CHECK(all_zero(target.disk(), lba, 16));
}

TEST_CASE("trim: trimmed sectors read back as the target gives them; past the end refused",
          "[engine][trim]") {
  EngineRig rig;
  FakeTargetOptions o;
  o.trim = true;
  o.sectors = 4096;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered());
  const auto data = aoetest::random_bytes(64 * 512, 9);
  REQUIRE_FALSE(rig.write(100, data));
  CHECK_FALSE(trim(rig, 110, 20));
  CHECK(all_zero(target.disk(), 110, 20));
  std::vector<std::uint8_t> back(64 * 512);
  REQUIRE_FALSE(rig.read(100, back));
  CHECK(std::equal(back.begin(), back.begin() + 10 * 512, data.begin()));
  CHECK(
      std::all_of(back.begin() + 10 * 512, back.begin() + 30 * 512, [](auto b) { return b == 0; }));
  CHECK(std::equal(back.begin() + 30 * 512, back.end(), data.begin() + 30 * 512));
  const auto requests = target.counters().requests;
  CHECK(trim(rig, 4090, 10) == aoe::InitiatorErrc::out_of_range);
  CHECK(target.counters().requests == requests);
}

TEST_CASE("trim: a trim after a write to the same sectors lands after it, under loss",
          "[engine][trim]") {
  aoetest::WireFaults faults;
  faults.drop = 0.2;
  faults.seed = 5;
  EngineRig rig(faults);
  FakeTargetOptions o;
  o.trim = true;
  o.sectors = 4096;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.net.run_until(
      [&] {
        auto t = rig.engine->target({1, 0});
        return t && t->up;
      },
      30s));
  for (int round = 0; round < 20; ++round) {
    const auto data = aoetest::random_bytes(32 * 512, round);
    std::optional<std::error_code> w, tr;
    rig.engine->write(
        {1, 0}, 0, 32, data, [&](std::error_code ec) { w = ec; }, rig.net.now());
    rig.engine->trim(
        {1, 0}, 0, 32, [&](std::error_code ec) { tr = ec; }, rig.net.now());
    REQUIRE(rig.net.run_until([&] { return w && tr; }, 60s));
    CHECK_FALSE(*w);
    CHECK_FALSE(*tr);
    rig.net.run_for(2s);  // late copies, if any, arrive now
    CHECK(all_zero(target.disk(), 0, 32));
  }
}
