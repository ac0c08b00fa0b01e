// Control commands beside the data window, and a dead target failing its
// operations at once (engine.hpp, "Control commands", "A target is marked
// down"): issue 30's older target that answers neither MAC Mask nor
// Reserve/Release froze the disk for a dead timeout; a target killed
// mid-write cost two.
#include <catch2/catch.hpp>

#include <algorithm>

#include "protocol/codec/error.hpp"
#include "protocol/engine.hpp"
#include "support/engine_rig.hpp"

using namespace std::chrono_literals;

namespace {

aoe::MacMaskMessage mask_read() {
  aoe::MacMaskMessage m;
  m.command = static_cast<std::uint8_t>(aoe::MaskCommand::read);
  return m;
}

// Starts a MAC Mask read; `result` is set when it completes.
void read_mask(aoetest::EngineRig& rig, std::optional<std::error_code>& result) {
  rig.engine->mac_mask(
      {1, 0}, mask_read(), [&](std::error_code ec, const aoe::MacMaskMessage&) { result = ec; },
      rig.net.now());
}

}  // namespace

TEST_CASE("control: an unanswered MAC Mask stalls no data and is remembered as unsupported",
          "[engine][control]") {
  aoetest::EngineRig rig;
  aoetest::FakeTargetOptions o;
  o.sectors = 8192;
  auto& target = rig.target(o);
  target.no_mask_reserve = true;
  rig.start();
  REQUIRE(rig.discovered());
  const auto window = rig.stats().window;

  std::optional<std::error_code> mask;
  const auto asked = rig.net.now();
  read_mask(rig, mask);
  // Data while the command goes unanswered: 4 MiB, each write answered at
  // once (nothing waits for the command's slot or its timeout).
  const auto data = aoetest::random_bytes(1024 * 512, 5);
  for (unsigned i = 0; i < 8; ++i) {
    const auto before = rig.net.now();
    CHECK_FALSE(rig.write(i * 1024, data));
    CHECK(rig.net.now() - before < 100ms);
  }
  REQUIRE(rig.net.run_until([&] { return mask.has_value(); }, 5s));
  CHECK(*mask == aoe::InitiatorErrc::not_supported);
  CHECK(rig.net.now() - asked <= aoe::Engine::kControlPatienceMax);
  const auto stats = rig.stats();
  CHECK(stats.retransmits_fast == 0);
  CHECK(stats.window == window);  // its silence cut no window
  CHECK(stats.errors == 1);
  CHECK(rig.info().mask_unsupported);
  CHECK_FALSE(rig.info().reserve_unsupported);
  CHECK(rig.info().up);

  // From now on: at once, without a frame.
  const auto sent = rig.stats().frames_sent;
  mask.reset();
  read_mask(rig, mask);
  rig.net.run_deferred();
  REQUIRE(mask.has_value());
  CHECK(*mask == aoe::InitiatorErrc::not_supported);
  CHECK(rig.stats().frames_sent == sent);
}

TEST_CASE("control: an idle target's silence on Reserve is told apart from a dead target",
          "[engine][control]") {
  aoetest::EngineRig rig;
  auto& target = rig.target();
  target.no_mask_reserve = true;
  rig.start();
  REQUIRE(rig.discovered());
  std::optional<std::error_code> reserve;
  rig.engine->reserve(
      {1, 0}, aoe::ReserveMessage{},
      [&](std::error_code ec, const aoe::ReserveMessage&) { reserve = ec; }, rig.net.now());
  REQUIRE(rig.net.run_until([&] { return reserve.has_value(); }, 5s));
  CHECK(*reserve == aoe::InitiatorErrc::not_supported);  // its Query Config was answered
  CHECK(rig.info().reserve_unsupported);

  // A dead target's silence is no proof: a timeout, nothing remembered.
  target.silent = true;
  std::optional<std::error_code> mask;
  read_mask(rig, mask);
  REQUIRE(rig.net.run_until([&] { return mask.has_value(); }, 5s));
  CHECK(*mask == aoe::InitiatorErrc::timeout);
  CHECK_FALSE(rig.info().mask_unsupported);
}

TEST_CASE("control: a target that answers MAC Mask late but within its patience is served",
          "[engine][control]") {
  aoetest::EngineRig rig;
  aoetest::FakeTargetOptions o;
  o.service_time = 40ms;  // slower than the RTO: the command is sent again
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}, 5s));
  std::optional<std::error_code> mask;
  read_mask(rig, mask);
  REQUIRE(rig.net.run_until([&] { return mask.has_value(); }, 5s));
  CHECK_FALSE(*mask);
  CHECK_FALSE(rig.info().mask_unsupported);
}

TEST_CASE("dead target: every operation fails within one dead timeout, later ones at once",
          "[engine][down]") {
  aoetest::EngineRig rig;  // dead_timeout 10 s
  aoetest::FakeTargetOptions o;
  o.sectors = 65536;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered());
  const auto data = aoetest::random_bytes(2048 * 512, 9);
  CHECK_FALSE(rig.write(0, data));
  target.silent = true;  // killed
  const auto died = rig.net.now();
  std::vector<std::optional<std::error_code>> writes(4);
  for (unsigned i = 0; i < writes.size(); ++i) {
    rig.engine->write(
        {1, 0}, 4096 + i * 2048, 2048, data, [&, i](std::error_code ec) { writes[i] = ec; },
        rig.net.now());
    rig.net.run_for(1s);  // submitted one after another, as a writer does
  }
  std::optional<std::error_code> flush;
  rig.engine->flush(
      {1, 0}, [&](std::error_code ec) { flush = ec; }, rig.net.now());
  REQUIRE(rig.net.run_until(
      [&] { return flush && std::all_of(writes.begin(), writes.end(), [](auto& w) { return w; }); },
      20s));
  // One dead timeout from the first unanswered operation, not one per operation.
  CHECK(rig.net.now() - died <= 10s + 100ms);
  for (const auto& w : writes) CHECK(*w);
  CHECK(*flush);
  CHECK_FALSE(rig.info().up);
  // A flush (fsync) after the failed writes: at once.
  flush.reset();
  rig.engine->flush(
      {1, 0}, [&](std::error_code ec) { flush = ec; }, rig.net.now());
  rig.net.run_deferred();
  REQUIRE(flush.has_value());
  CHECK(*flush == aoe::InitiatorErrc::target_down);
}
