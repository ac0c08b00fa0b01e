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

// Two ports, mac_of(1) and mac_of(2), serving e1.0 with one identity and
// size (4096 sectors), as two vblades exporting one shelf.slot on one host
// do; the caller fills their disks.
struct Twins {
  aoetest::FakeTarget& first;
  aoetest::FakeTarget& second;
};
Twins twin_ports(Rig& rig) {
  FakeTargetOptions o;
  o.sectors = 4096;
  o.mac = mac_of(1);
  auto& first = rig.target(o);
  o.mac = mac_of(2);
  return {first, rig.target(o)};
}

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

TEST_CASE("ports: real targets stop at max_targets and are counted", "[engine][ports]") {
  Rig rig;
  rig.config.options.max_targets = 8;
  for (unsigned i = 0; i < 12; ++i) {
    FakeTargetOptions o;
    o.address = {static_cast<std::uint16_t>(1 + i), 0};
    o.mac = mac_of(100 + i);
    o.sectors = 64;
    rig.target(o);
  }
  rig.start();
  rig.net.run_for(2s);
  const auto targets = rig.engine->targets();
  CHECK(std::count_if(targets.begin(), targets.end(), [](const auto& t) { return t.up; }) == 8);
  CHECK(rig.engine->link_stats().targets_refused >= 4);
}

// Issue 27: 1,022 forged Query Config answers filled max_targets for good,
// and a real target started later never appeared.
TEST_CASE("ports: addresses that never answer IDENTIFY are forgotten and keep no target out",
          "[engine][ports]") {
  Rig rig;
  rig.config.options.max_targets = 8;
  FakeTargetOptions o;
  o.sectors = 64;
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  constexpr unsigned kForgers = 200;  // more than kMaxUnidentified
  for (unsigned i = 0; i < kForgers; ++i) {
    FakeTargetOptions f;
    f.address = {static_cast<std::uint16_t>(100 + i), 0};
    f.mac = mac_of(200 + i);
    rig.target(f).query_config_only = true;
  }
  rig.engine->discover_now(rig.net.now());
  rig.net.run_for(500ms);
  CHECK(rig.engine->targets().size() <= 1 + aoe::Engine::kMaxUnidentified);
  CHECK(rig.engine->link_stats().addresses_evicted >= kForgers - aoe::Engine::kMaxUnidentified);
  CHECK(rig.engine->link_stats().targets_refused == 0);
  // No listener event for any of them: the daemon never shows them.
  for (const auto& e : rig.events) CHECK(e.address == TargetAddress{1, 0});
  // A real target appearing in the flood gets in at the next round.
  FakeTargetOptions late;
  late.address = {2, 0};
  late.mac = mac_of(2);
  late.sectors = 64;
  rig.target(late);
  rig.engine->discover_now(rig.net.now());
  CHECK(rig.discovered({2, 0}, 1s));
  // Left alone, the phantoms leave within kIdentifyPatience.
  rig.net.run_for(aoe::Engine::kIdentifyPatience + 1s);
  for (const auto& t : rig.engine->targets())
    CHECK((t.address == TargetAddress{1, 0} || t.address == TargetAddress{2, 0} ||
           t.address.shelf >= 100));  // the 5 s discovery round may bring some back briefly
  const auto data = aoetest::random_bytes(64 * 512, 10);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
  CHECK_FALSE(rig.write({2, 0}, 0, data));
}

TEST_CASE("ports: an unsolicited Query Config answer does not change a known target's limits",
          "[engine][ports]") {
  Rig rig;
  FakeTargetOptions o;
  o.sectors = 64;
  o.mac = mac_of(1);
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  const auto before = *rig.engine->target({1, 0});
  REQUIRE(before.buffer_count > 1);
  aoe::Frame q;
  q.header.response = true;
  q.header.src = mac_of(1);  // the target's own MAC
  q.header.dst = rig.net.links()[0]->mac();
  q.header.target = {1, 0};
  q.header.command = static_cast<std::uint8_t>(aoe::Command::query_config);
  q.header.tag = 0x5eed;  // a tag this engine never issued
  aoe::QueryConfigMessage forged;
  forged.buffer_count = 1;
  forged.sector_count = 1;
  forged.config = "forged";
  q.body = forged;
  rig.engine->on_frame(0, aoe::encode(q).value(), rig.net.now());
  const auto after = *rig.engine->target({1, 0});
  CHECK(after.buffer_count == before.buffer_count);
  CHECK(after.sectors_per_frame == before.sectors_per_frame);
  CHECK(after.config_string == before.config_string);
  CHECK(rig.engine->stats({1, 0})->window > 1);
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

TEST_CASE("ports: impostors that copy the identity but serve no I/O never become paths",
          "[engine][ports]") {
  Rig rig;
  FakeTargetOptions o;
  o.sectors = 2048;
  auto& real = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  std::vector<aoetest::FakeTarget*> impostors;
  for (unsigned i = 0; i < 10; ++i) {
    FakeTargetOptions f = o;
    f.mac = mac_of(300 + i);
    auto& imp = rig.target(f);
    imp.no_io = true;
    impostors.push_back(&imp);
  }
  rig.engine->discover_now(rig.net.now());
  // Their IDENTIFY matches; the content check's reads go unanswered.
  REQUIRE(rig.net.run_until([&] { return rig.engine->stats({1, 0})->candidates == 10; }, 2s));
  rig.net.run_for(3s);
  CHECK(rig.engine->target({1, 0})->paths.size() == 1);
  const auto start = rig.net.now();
  for (unsigned round = 0; round < 64; ++round) {
    const auto data = aoetest::random_bytes(32 * 512, 100 + round);
    CHECK_FALSE(rig.write({1, 0}, round * 32, data));
  }
  CHECK(rig.engine->stats({1, 0})->retransmits == 0);
  for (auto* imp : impostors) CHECK(imp->counters().writes == 0);
  // Candidates that never pass are dropped after path_timeout.
  rig.net.run_for(25s);
  CHECK(rig.engine->target({1, 0})->paths.size() == 1);
  CHECK(rig.engine->stats({1, 0})->paths_dropped >= 10);
  std::vector<std::uint8_t> back(2048 * 512);
  CHECK_FALSE(rig.read({1, 0}, 0, back));
  CHECK(std::equal(back.begin(), back.end(), real.disk().begin()));
  CHECK(rig.net.now() - start < 30s);
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

// Issue 27: two vblades exporting one shelf.slot and size on one host
// answer the same IDENTIFY (serial "shelf.slot:hostname"); writes landed
// half on each backing file.
TEST_CASE("ports: a twin with the same identity but other sectors is a conflict, never a path",
          "[engine][ports]") {
  Rig rig;
  auto [first, twin] = twin_ports(rig);
  first.disk() = aoetest::random_bytes(4096 * 512, 1);
  twin.disk() = aoetest::random_bytes(4096 * 512, 2);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  REQUIRE(rig.net.run_until([&] { return rig.engine->stats({1, 0})->conflicts == 1; }, 3s));
  const auto info = *rig.engine->target({1, 0});
  REQUIRE(info.paths.size() == 1);
  REQUIRE(info.conflicts.size() == 1);
  CHECK(info.conflicts[0].content_differs);
  CHECK(info.conflicts[0].serial == info.serial);
  const auto twin_before = twin.disk();
  const auto data = aoetest::random_bytes(1024 * 512, 3);
  for (unsigned i = 0; i < 4; ++i) CHECK_FALSE(rig.write({1, 0}, i * 1024, data));
  CHECK(twin.counters().writes == 0);
  CHECK(twin.disk() == twin_before);
  CHECK(std::equal(data.begin(), data.end(), first.disk().begin() + 3 * 1024 * 512));
}

TEST_CASE("ports: a second port serving the same sectors becomes a path after the check",
          "[engine][ports]") {
  Rig rig;
  auto [first, clone] = twin_ports(rig);
  first.disk() = aoetest::random_bytes(4096 * 512, 7);
  clone.disk() = first.disk();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  REQUIRE(rig.net.run_until([&] { return rig.engine->target({1, 0})->paths.size() == 2; }, 3s));
  CHECK(rig.engine->target({1, 0})->conflicts.empty());
  // A clone written apart (a twin that matched while both were equal) is
  // found at the next periodic check and stops being a path.
  std::fill(clone.disk().begin(), clone.disk().begin() + 512, 0xee);
  std::fill(clone.disk().end() - 512, clone.disk().end(), 0xee);
  REQUIRE(rig.net.run_until(
      [&] {
        return rig.engine->stats({1, 0})->conflicts == 1;
      },
      aoe::ContentCheck::kRecheckInterval + 5s));
  const auto info = *rig.engine->target({1, 0});
  CHECK(info.paths.size() == 1);
  REQUIRE(info.conflicts.size() == 1);
  CHECK(info.conflicts[0].content_differs);
  // Whichever port defined the target keeps it; the other one is out.
  auto& kept = info.paths[0].mac == mac_of(1) ? first : clone;
  auto& out = &kept == &first ? clone : first;
  CHECK(info.conflicts[0].mac != info.paths[0].mac);
  const auto out_writes = out.counters().writes;
  const auto data = aoetest::random_bytes(256 * 512, 8);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
  CHECK(out.counters().writes == out_writes);
  CHECK(std::equal(data.begin(), data.end(), kept.disk().begin()));
}

TEST_CASE("ports: a slower port is not taken for a lossy one", "[engine][ports]") {
  // Two ports of one disk, one answering each frame 200 µs later than the
  // other (two vblades on a loaded host). Answers on the fast port overtake
  // frames on the slow one; that is no loss: paths are separate queues.
  Rig rig;
  FakeTargetOptions o;
  o.sectors = 4096;
  o.mac = mac_of(1);
  auto& fast = rig.target(o);
  o.mac = mac_of(2);
  o.service_time = 200us;
  auto& slow = rig.target(o);
  fast.disk() = aoetest::random_bytes(4096 * 512, 9);
  slow.disk() = fast.disk();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  REQUIRE(rig.net.run_until([&] { return rig.engine->target({1, 0})->paths.size() == 2; }, 3s));
  std::vector<std::uint8_t> back(4096 * 512);
  for (int round = 0; round < 4; ++round) {
    REQUIRE_FALSE(rig.read({1, 0}, 0, back));
    REQUIRE(back == fast.disk());
  }
  const aoe::TargetStats s = rig.stats();
  CHECK(s.retransmits_fast == 0);
  CHECK(s.retransmits == 0);
  REQUIRE(s.paths.size() == 2);
  // Both carried their turn of the round robin: neither was avoided.
  for (const aoe::PathStats& p : s.paths) CHECK(p.answers * 4 > s.frames_received);
}
