// Ports of a target on a segment where anyone may answer: a new port is a
// candidate until an IDENTIFY on it shows the target's disk; another disk
// with the same shelf.slot is a conflict and never gets I/O; forged ports
// and shelves are bounded; a port that stops answering is avoided, probed,
// and dropped. Virtual time over tests/support/sim_network.
#include <catch2/catch.hpp>

#include <algorithm>

#include "protocol/engine.hpp"
#include "support/engine_rig.hpp"

using namespace std::chrono_literals;
using aoe::TargetAddress;
using aoetest::FakeTargetOptions;

namespace {

const aoe::MacAddress kIni2{{0x02, 0, 0, 0, 0, 0x02}};

aoe::MacAddress mac_of(unsigned n) {
  return aoe::MacAddress{
      {0x02, 0x10, 0, 0, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)}};
}

// Paths are dropped after 20 s without an I/O answer (path_timeout).
struct Rig : aoetest::EngineRig {
  Rig() : EngineRig({}, 1500, with_path_timeout()) {}
  static aoe::EngineConfig with_path_timeout() {
    aoe::EngineConfig c = make_config();
    c.options.path_timeout = 20s;
    return c;
  }
};

bool all_zero(const std::vector<std::uint8_t>& v) {
  return std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace

TEST_CASE("ports: two disks claiming one shelf.slot never share a write", "[engine][ports]") {
  Rig rig;
  FakeTargetOptions a;
  a.sectors = 512;
  a.mac = mac_of(1);
  a.serial = "DISK-A";
  FakeTargetOptions b = a;
  b.mac = mac_of(2);
  b.serial = "DISK-B";
  auto& disk_a = rig.target(a);
  auto& disk_b = rig.target(b);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  // Both answered discovery; the second is probed and found to be another disk.
  REQUIRE(rig.net.run_until([&] { return rig.engine->stats({1, 0})->conflicts == 1; }, 2s));
  const auto info = *rig.engine->target({1, 0});
  REQUIRE(info.paths.size() == 1);
  REQUIRE(info.conflicts.size() == 1);
  CHECK(info.conflicts[0].mac != info.paths[0].mac);
  CHECK(info.conflicts[0].serial != info.serial);
  const auto data = aoetest::random_bytes(512 * 512, 7);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
  std::vector<std::uint8_t> back(data.size());
  CHECK_FALSE(rig.read({1, 0}, 0, back));
  CHECK(back == data);
  auto& used = info.paths[0].mac == a.mac ? disk_a : disk_b;
  auto& other = info.paths[0].mac == a.mac ? disk_b : disk_a;
  CHECK(used.disk() == data);
  CHECK(all_zero(other.disk()));
  CHECK(other.counters().writes == 0);
  CHECK(other.counters().reads == 0);
  // Rediscovery keeps it a conflict, counted once.
  rig.net.run_for(12s);
  CHECK(rig.engine->stats({1, 0})->conflicts == 1);
  CHECK(rig.engine->target({1, 0})->paths.size() == 1);
  CHECK(other.counters().writes == 0);
}

TEST_CASE("ports: a second port of the same disk is confirmed and used", "[engine][ports]") {
  Rig rig;
  rig.net.add_link("sim1", kIni2);
  FakeTargetOptions o;
  o.sectors = 256;
  auto& target = rig.target(o, {0, 1});
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  REQUIRE(rig.net.run_until([&] { return rig.engine->target({1, 0})->paths.size() == 2; }, 2s));
  CHECK(rig.engine->target({1, 0})->conflicts.empty());
  CHECK(rig.engine->stats({1, 0})->conflicts == 0);
  CHECK(rig.engine->stats({1, 0})->candidates == 0);
  const auto data = aoetest::random_bytes(256 * 512, 8);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
  CHECK(target.disk() == data);
}

TEST_CASE("ports: forged Query Config answers from many MACs get no I/O and are dropped",
          "[engine][ports]") {
  Rig rig;
  FakeTargetOptions o;
  o.sectors = 1024;
  auto& real = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  std::vector<aoetest::FakeTarget*> forgers;
  for (unsigned i = 0; i < 40; ++i) {
    FakeTargetOptions f = o;
    f.sectors = 8;
    f.mac = mac_of(100 + i);
    f.buffer_count = 1;
    auto& forger = rig.target(f);
    forger.query_config_only = true;
    forgers.push_back(&forger);
  }
  rig.engine->discover_now(rig.net.now());
  rig.net.run_for(100ms);
  const auto s = *rig.engine->stats({1, 0});
  CHECK(s.candidates == rig.config.options.max_paths - 1);
  CHECK(s.paths_refused > 0);
  // Forged answers change nothing of the target's (buffer count 1 would shrink the window).
  CHECK(rig.engine->target({1, 0})->buffer_count == o.buffer_count);
  const auto start = rig.net.now();
  const auto data = aoetest::random_bytes(1024 * 512, 9);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
  std::vector<std::uint8_t> back(data.size());
  CHECK_FALSE(rig.read({1, 0}, 0, back));
  CHECK(back == data);
  CHECK(real.disk() == data);
  CHECK(rig.net.now() - start < 1s);  // virtual time: no RTO was waited for
  CHECK(rig.engine->stats({1, 0})->retransmits == 0);
  for (auto* f : forgers) CHECK(f->counters().writes + f->counters().reads == 0);
  // Silent candidates are dropped after path_timeout; new forged answers
  // may bring some back, never past the cap.
  rig.net.run_for(25s);
  CHECK(rig.engine->stats({1, 0})->paths_dropped >= rig.config.options.max_paths - 1);
  CHECK(rig.engine->stats({1, 0})->candidates <= rig.config.options.max_paths - 1);
  CHECK(rig.engine->target({1, 0})->paths.size() == 1);
}

TEST_CASE("ports: forged shelves stop at max_targets and are counted", "[engine][ports]") {
  Rig rig;
  rig.config.options.max_targets = 8;
  FakeTargetOptions o;
  o.sectors = 64;
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  for (unsigned i = 0; i < 30; ++i) {
    FakeTargetOptions f;
    f.address = {static_cast<std::uint16_t>(100 + i), 0};
    f.mac = mac_of(200 + i);
    rig.target(f).query_config_only = true;
  }
  rig.engine->discover_now(rig.net.now());
  rig.net.run_for(500ms);
  CHECK(rig.engine->targets().size() == 8);
  CHECK(rig.engine->link_stats().targets_refused >= 23);
  const auto data = aoetest::random_bytes(64 * 512, 10);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
}

TEST_CASE("ports: a dead path is avoided, dropped after path_timeout, and comes back confirmed",
          "[engine][ports]") {
  Rig rig;
  rig.net.add_link("sim1", kIni2);
  FakeTargetOptions o;
  o.sectors = 128;
  auto& target = rig.target(o, {0, 1});
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  REQUIRE(rig.net.run_until([&] { return rig.engine->target({1, 0})->paths.size() == 2; }, 2s));
  rig.net.set_link_down(0, true);
  const auto data = aoetest::random_bytes(128 * 512, 11);
  CHECK_FALSE(rig.write({1, 0}, 0, data, 5s));
  const auto retransmits = rig.engine->stats({1, 0})->retransmits;
  // Retransmissions go to the healthy path too: no frame waits for two RTOs on the dead one.
  for (int i = 0; i < 5; ++i) {
    std::vector<std::uint8_t> back(data.size());
    CHECK_FALSE(rig.read({1, 0}, 0, back, 5s));
    CHECK(back == data);
  }
  CHECK(rig.engine->stats({1, 0})->retransmits == retransmits);
  REQUIRE(rig.net.run_until([&] { return rig.engine->target({1, 0})->paths.size() == 1; }, 30s));
  CHECK(rig.engine->target({1, 0})->paths[0].interface == "sim1");
  CHECK(rig.engine->stats({1, 0})->paths_dropped == 1);
  CHECK(rig.engine->target({1, 0})->up);
  rig.net.set_link_down(0, false);
  // A dropped port is ignored for path_timeout, then rediscovered and confirmed.
  REQUIRE(rig.net.run_until([&] { return rig.engine->target({1, 0})->paths.size() == 2; }, 30s));
  CHECK(rig.engine->target({1, 0})->conflicts.empty());
  CHECK(target.disk() == data);
}

TEST_CASE("ports: impostors that copy the identity but serve no I/O cost bounded time, then go",
          "[engine][ports]") {
  Rig rig;
  FakeTargetOptions o;
  o.sectors = 2048;
  auto& real = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  for (unsigned i = 0; i < 10; ++i) {
    FakeTargetOptions f = o;
    f.mac = mac_of(300 + i);
    rig.target(f).no_io = true;
  }
  rig.engine->discover_now(rig.net.now());
  REQUIRE(rig.net.run_until([&] { return rig.engine->target({1, 0})->paths.size() == 11; }, 2s));
  // Many small operations: every impostor path costs a few RTOs, then is avoided.
  const auto start = rig.net.now();
  for (unsigned round = 0; round < 64; ++round) {
    const auto data = aoetest::random_bytes(32 * 512, 100 + round);
    CHECK_FALSE(rig.write({1, 0}, round * 32, data));
  }
  const auto first = rig.net.now() - start;
  const auto retransmits = rig.engine->stats({1, 0})->retransmits;
  CHECK(retransmits <= 100);  // a few per impostor: those in flight when it was first missed
  // Probes answer (IDENTIFY), but only I/O answers count: they are dropped.
  rig.net.run_for(25s);
  CHECK(rig.engine->target({1, 0})->paths.size() == 1);
  CHECK(rig.engine->stats({1, 0})->paths_dropped >= 10);
  std::vector<std::uint8_t> back(2048 * 512);
  CHECK_FALSE(rig.read({1, 0}, 0, back));
  CHECK(std::equal(back.begin(), back.end(), real.disk().begin()));
  UNSCOPED_INFO("first writes took "
                << std::chrono::duration_cast<std::chrono::milliseconds>(first).count()
                << " ms virtual, " << retransmits << " retransmits");
  CHECK(first < 5s);
}

TEST_CASE("ports: a forger that wins the discovery race does not hide the real disk",
          "[engine][ports]") {
  Rig rig;
  // The forger is added first: its Query Config answer arrives first, so it
  // defines e1.0, but it never answers IDENTIFY.
  FakeTargetOptions f;
  f.sectors = 64;
  f.mac = mac_of(7);
  rig.target(f).query_config_only = true;
  FakeTargetOptions o;
  o.sectors = 128;
  o.serial = "REAL";
  auto& real = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}, 3s));
  const auto info = *rig.engine->target({1, 0});
  CHECK(info.serial == "REAL");
  REQUIRE(info.paths.size() == 1);
  CHECK(info.paths[0].mac == o.mac);
  const auto data = aoetest::random_bytes(128 * 512, 12);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
  CHECK(real.disk() == data);
}
