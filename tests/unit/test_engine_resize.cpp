// Live resize (engine.hpp, "Live resize"): a target's announcement or the
// identify interval re-IDENTIFIes it; a new capacity reaches the listener
// once and bounds I/O from then on.
#include <catch2/catch.hpp>

#include "protocol/codec/error.hpp"
#include "support/engine_rig.hpp"

using namespace std::chrono_literals;
using aoetest::EngineRig;
using aoetest::FakeTargetOptions;

namespace {

aoe::EngineConfig config_with_identify_interval(aoe::Duration interval) {
  auto c = EngineRig::make_config();
  c.options.identify_interval = std::chrono::duration_cast<std::chrono::milliseconds>(interval);
  return c;
}

}  // namespace

TEST_CASE("resize: an announcement re-IDENTIFIes at once; a grown capacity reaches the listener",
          "[engine][resize]") {
  EngineRig rig({}, 1500, config_with_identify_interval(1h));
  FakeTargetOptions o;
  o.sectors = 1024;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered());
  rig.net.run_for(10s);  // past the start-up rounds
  const auto identifies = target.counters().identifies;
  const auto events = rig.events.size();
  const auto data = aoetest::random_bytes(4 * 512, 1);
  REQUIRE_FALSE(rig.write(1020, data));

  target.resize(2048);
  rig.net.run_for(6s);  // a discovery round: no re-IDENTIFY within the interval
  CHECK(target.counters().identifies == identifies);
  CHECK(rig.info().capacity_sectors == 1024);
  std::vector<std::uint8_t> buf(512);
  CHECK(rig.read(1500, buf) == aoe::InitiatorErrc::out_of_range);

  const auto before = rig.engine->link_stats();
  rig.engine->on_frame(0, target.announcement(), rig.net.now());
  rig.net.run_for(100ms);
  const auto after = rig.engine->link_stats();
  CHECK(after.announcements - before.announcements == 1);
  CHECK(after.malformed == before.malformed);
  CHECK(target.counters().identifies == identifies + 1);
  CHECK(rig.info().capacity_sectors == 2048);
  REQUIRE(rig.events.size() == events + 1);
  CHECK(rig.events.back().capacity_sectors == 2048);
  CHECK(rig.events.back().up);
  CHECK_FALSE(rig.read(1500, buf));
  std::vector<std::uint8_t> back(4 * 512);
  CHECK_FALSE(rig.read(1020, back));
  CHECK(back == data);
}

TEST_CASE(
    "resize: a discovery answer after the identify interval re-IDENTIFIes; a shrunk end "
    "is refused without a frame",
    "[engine][resize]") {
  EngineRig rig({}, 1500, config_with_identify_interval(20s));
  FakeTargetOptions o;
  o.sectors = 2048;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered());
  const auto events = rig.events.size();
  target.resize(512);
  // Discovery every 5 s; the interval (20 s) passes, the next round re-IDENTIFIes.
  REQUIRE(rig.net.run_until([&] { return rig.info().capacity_sectors == 512; }, 30s));
  REQUIRE(rig.events.size() == events + 1);
  CHECK(rig.events.back().capacity_sectors == 512);
  const auto requests = target.counters().requests;
  std::vector<std::uint8_t> buf(2 * 512);
  CHECK(rig.read(511, buf) == aoe::InitiatorErrc::out_of_range);
  CHECK(rig.write(1000, buf) == aoe::InitiatorErrc::out_of_range);
  CHECK(target.counters().requests == requests);  // never reached the target
  CHECK_FALSE(rig.read(510, buf));
  // An unchanged capacity at the next re-IDENTIFY tells the listener nothing.
  const auto identifies = target.counters().identifies;
  REQUIRE(rig.net.run_until([&] { return target.counters().identifies > identifies; }, 30s));
  rig.net.run_for(100ms);
  CHECK(rig.events.size() == events + 1);
}

TEST_CASE("resize: a target back from down is IDENTIFIed again with its new size",
          "[engine][resize]") {
  EngineRig rig({}, 1500, config_with_identify_interval(1h));
  auto& target = rig.target();
  rig.start();
  REQUIRE(rig.discovered());
  target.silent = true;
  REQUIRE(rig.net.run_until([&] { return !rig.info().up; }, 20s));
  target.resize(4096);
  target.silent = false;
  REQUIRE(
      rig.net.run_until([&] { return rig.info().up && rig.info().capacity_sectors == 4096; }, 10s));
  CHECK(rig.events.back().capacity_sectors == 4096);
  CHECK(rig.events.back().up);
}

TEST_CASE("resize: an announcement before start or for broadcast is no target",
          "[engine][resize]") {
  EngineRig rig;
  auto& target = rig.target();
  rig.start();
  REQUIRE(rig.discovered());
  auto bytes = target.announcement();
  bytes[16] = 0xff;  // shelf 0xffff, slot 0xff
  bytes[17] = 0xff;
  bytes[18] = 0xff;
  const auto before = rig.engine->link_stats();
  rig.engine->on_frame(0, bytes, rig.net.now());
  CHECK(rig.engine->link_stats().malformed == before.malformed + 1);
  CHECK(rig.engine->targets().size() == 1);
}
