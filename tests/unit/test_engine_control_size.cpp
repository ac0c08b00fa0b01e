// Control commands are one frame each (engine.hpp, "A control command is
// one frame"): a mask edit or reserve list longer than every path carries
// fails at once with InitiatorErrc::too_large and sends nothing; one that
// fits is sent and answered.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>

#include "protocol/codec/error.hpp"
#include "support/engine_rig.hpp"

using namespace std::chrono_literals;

namespace {

aoe::MacAddress nth_mac(std::size_t i) {
  return {{0x02, 0x10, 0, 0, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}};
}

aoe::MacMaskMessage mask_edit(std::size_t entries) {
  aoe::MacMaskMessage m;
  m.command = static_cast<std::uint8_t>(aoe::MaskCommand::edit);
  for (std::size_t i = 0; i < entries; ++i)
    m.directives.push_back({static_cast<std::uint8_t>(aoe::MaskDirectiveCommand::add), nth_mac(i)});
  return m;
}

aoe::ReserveMessage reserve_list(std::size_t entries) {
  aoe::ReserveMessage r;
  r.command = static_cast<std::uint8_t>(aoe::ReserveCommand::set);
  for (std::size_t i = 0; i < entries; ++i) r.macs.push_back(nth_mac(i));
  return r;
}

struct Outcome {
  std::error_code ec;
  aoe::Duration took;
  std::uint64_t frames_sent;  // by the operation
};

Outcome edit_mask(aoetest::EngineRig& rig, std::size_t entries) {
  std::optional<std::error_code> result;
  const auto start = rig.net.now();
  const auto sent = rig.stats().frames_sent;
  rig.engine->mac_mask(
      {1, 0}, mask_edit(entries),
      [&](std::error_code ec, const aoe::MacMaskMessage&) { result = ec; }, rig.net.now());
  REQUIRE(rig.net.run_until([&] { return result.has_value(); }, 30s));
  return {*result, rig.net.now() - start, rig.stats().frames_sent - sent};
}

Outcome set_reserve(aoetest::EngineRig& rig, std::size_t entries) {
  std::optional<std::error_code> result;
  const auto start = rig.net.now();
  const auto sent = rig.stats().frames_sent;
  rig.engine->reserve(
      {1, 0}, reserve_list(entries),
      [&](std::error_code ec, const aoe::ReserveMessage&) { result = ec; }, rig.net.now());
  REQUIRE(rig.net.run_until([&] { return result.has_value(); }, 30s));
  return {*result, rig.net.now() - start, rig.stats().frames_sent - sent};
}

}  // namespace

TEST_CASE("engine: a mask edit larger than one frame fails at once, nothing sent",
          "[engine][control]") {
  aoetest::EngineRig rig;  // MTU 1500: 24 + 4 + 8 * 185 = 1508 <= 1514
  rig.target();
  rig.start();
  REQUIRE(rig.discovered());

  const Outcome fits = edit_mask(rig, 185);
  CHECK_FALSE(fits.ec);
  CHECK(fits.frames_sent == 1);

  for (std::size_t n : {186, 255, 300}) {
    INFO(n << " directives");
    const Outcome big = edit_mask(rig, n);
    CHECK(big.ec == aoe::InitiatorErrc::too_large);
    CHECK(big.frames_sent == 0);
    CHECK(big.took < 1s);  // dead_timeout is 10 s: not retried until then
  }
}

TEST_CASE("engine: a reserve list larger than one frame fails at once, nothing sent",
          "[engine][control]") {
  aoetest::EngineRig rig;  // 24 + 2 + 6 * 248 = 1514
  rig.target();
  rig.start();
  REQUIRE(rig.discovered());
  const Outcome fits = set_reserve(rig, 248);
  CHECK_FALSE(fits.ec);
  CHECK(fits.frames_sent == 1);
  const Outcome big = set_reserve(rig, 249);
  CHECK(big.ec == aoe::InitiatorErrc::too_large);
  CHECK(big.frames_sent == 0);
  CHECK(big.took < 1s);
}

TEST_CASE("engine: on jumbo frames the 255-entry count is the limit", "[engine][control]") {
  aoetest::EngineRig rig({}, 9000);
  rig.target();
  rig.start();
  REQUIRE(rig.discovered());
  CHECK_FALSE(edit_mask(rig, 255).ec);
  const Outcome big = edit_mask(rig, 256);  // the count field is one byte
  CHECK(big.ec == aoe::InitiatorErrc::too_large);
  CHECK(big.frames_sent == 0);
}

TEST_CASE("engine: a path fallen back to small frames carries no mask edit over 1500 bytes",
          "[engine][control]") {
  aoetest::WireFaults hole;  // a switch at 1500 between two jumbo ports
  hole.jitter = 0us;
  hole.max_frame = 1514;
  aoetest::EngineRig rig(hole, 9000);
  aoetest::FakeTargetOptions o;
  o.sectors = 8192;
  o.sector_count = 17;
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered());
  // A write finds the hole: the path falls back to small frames.
  const auto data = aoetest::random_bytes(256 << 10, 1);
  REQUIRE_FALSE(rig.write(0, data));
  REQUIRE(rig.info().sectors_per_frame == 2);
  // The link takes 9000 bytes, the path only 1500: sent, it would be lost
  // in the hole and retried until dead_timeout.
  const Outcome big = edit_mask(rig, 200);
  CHECK(big.ec == aoe::InitiatorErrc::too_large);
  CHECK(big.frames_sent == 0);
  CHECK(big.took < 1s);
  CHECK_FALSE(edit_mask(rig, 185).ec);
}
