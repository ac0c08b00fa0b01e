// An outage as the engine tells it (engine.hpp): dead_timeout=0 retries for
// ever at the largest RTO, and stats() says how long the target has left
// requests unanswered and how many wait — what the daemon logs.
#include <catch2/catch.hpp>

#include "support/engine_rig.hpp"

using namespace std::chrono_literals;
using aoetest::EngineRig;

namespace {

aoe::EngineConfig forever_config() {
  auto c = EngineRig::make_config();
  c.options.dead_timeout = 0ms;
  return c;
}

}  // namespace

TEST_CASE("engine: dead_timeout 0 never fails a read for time; it completes when answers return",
          "[engine][timeout][outage]") {
  EngineRig rig({}, 1500, forever_config());
  auto& target = rig.target();
  rig.start();
  REQUIRE(rig.discovered());
  const auto data = aoetest::random_bytes(8 * 512, 7);
  REQUIRE_FALSE(rig.write(0, data));
  target.silent = true;
  std::optional<std::error_code> result;
  std::vector<std::uint8_t> back(8 * 512);
  rig.engine->read(
      {1, 0}, 0, 8, back, [&](std::error_code ec) { result = ec; }, rig.net.now());
  // Ten minutes of virtual time: far past any dead timeout the rig uses.
  CHECK_FALSE(rig.net.run_until([&] { return result.has_value(); }, 600s));
  CHECK(rig.info().up);  // never marked down
  const auto waiting = *rig.engine->stats({1, 0}, rig.net.now());
  CHECK(waiting.waiting == 1);
  CHECK(waiting.unanswered_for >= 600s);
  const auto sent = waiting.frames_sent;
  // At the largest RTO, not faster: a few hundred frames in ten minutes at most.
  CHECK(waiting.retransmits > 10);
  CHECK(waiting.retransmits < 2000);
  target.silent = false;
  REQUIRE(rig.net.run_until([&] { return result.has_value(); }, 60s));
  CHECK_FALSE(*result);
  CHECK(back == data);
  CHECK(rig.stats().frames_sent > sent);
  CHECK(rig.stats().waiting == 0);
  CHECK(rig.stats().unanswered_for == 0ms);
}

TEST_CASE("engine: with a dead timeout, unanswered_for grows until the target is down",
          "[engine][timeout][outage]") {
  EngineRig rig;  // dead_timeout 10 s
  auto& target = rig.target();
  rig.start();
  REQUIRE(rig.discovered());
  CHECK(rig.stats().waiting == 0);
  CHECK(rig.stats().unanswered_for == 0ms);
  target.silent = true;
  int done = 0;
  std::vector<std::uint8_t> a(512), b(512);
  for (auto* buf : {&a, &b})
    rig.engine->read(
        {1, 0}, 0, 1, *buf, [&](std::error_code) { ++done; }, rig.net.now());
  CHECK_FALSE(rig.net.run_until([&] { return done > 0; }, 5s));
  const auto mid = *rig.engine->stats({1, 0}, rig.net.now());
  CHECK(mid.waiting == 2);
  CHECK(mid.unanswered_for >= 4900ms);
  CHECK(mid.unanswered_for <= 5100ms);
  REQUIRE(rig.net.run_until([&] { return done == 2; }, 6s));
  CHECK_FALSE(rig.info().up);
  CHECK(rig.stats().waiting == 0);
  CHECK(rig.stats().unanswered_for == 0ms);  // down: nothing waits
}
