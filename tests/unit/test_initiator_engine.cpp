// The protocol engine against fake targets over a simulated, faulty wire in
// virtual time (tests/support/sim_network.hpp): deterministic, no sleeping.
#include <catch2/catch.hpp>

#include <cstring>
#include <map>
#include <random>

#include "protocol/engine.hpp"
#include "protocol/codec/error.hpp"
#include "protocol/codec/frame.hpp"
#include "support/engine_rig.hpp"

using namespace std::chrono_literals;
using aoe::TargetAddress;
using aoetest::FakeTargetOptions;
using aoetest::SimNetwork;
using aoetest::WireFaults;

namespace {

const aoe::MacAddress kIni{{0x02, 0, 0, 0, 0, 0x01}};
const aoe::MacAddress kIni2{{0x02, 0, 0, 0, 0, 0x02}};

using Rig = aoetest::EngineRig;

}  // namespace

TEST_CASE("engine: discovery and IDENTIFY fill in the target", "[engine]") {
  Rig rig;
  FakeTargetOptions o;
  o.address = {7, 3};
  o.sectors = 4096;
  o.sector_count = 17;  // more than MTU 1500 carries
  o.buffer_count = 8;
  o.config = "hello";
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({7, 3}));
  auto t = rig.engine->target({7, 3});
  REQUIRE(t);
  CHECK(t->capacity_sectors == 4096);
  CHECK(t->lba48);
  CHECK(t->model == "aoefs fake target");
  CHECK(t->serial == "FAKE0001");
  CHECK(t->firmware == "F1");
  CHECK(t->buffer_count == 8);
  CHECK(t->sectors_per_frame == 2);  // min(17, (1500-22)/512)
  CHECK(t->config_string == "hello");
  CHECK(t->firmware_version == 0x4019);
  REQUIRE(t->paths.size() == 1);
  CHECK(t->paths[0].interface == "sim0");
  CHECK(t->paths[0].mac == o.mac);
  // Found (flush mode `ext` from IDENTIFY), then the flush probe found EXT
  // aborted: `28`.
  REQUIRE(rig.events.size() == 2);
  CHECK(rig.events[0].up);
  CHECK(rig.events[1].flush_mode == aoe::FlushMode::cache28);
  CHECK(rig.engine->stats({7, 3})->window == 8);
}

TEST_CASE("engine: jumbo link uses the target's sector count", "[engine]") {
  SimNetwork net;
  net.add_link("j0", kIni, 9000);
  FakeTargetOptions o;
  o.sector_count = 17;
  net.add_target(o);
  aoe::Engine e(net.links(), Rig::make_config(), net.deferrer());
  net.attach(e);
  e.start(net.now());
  REQUIRE(net.run_until(
      [&] {
        auto t = e.target({1, 0});
        return t && t->up;
      },
      2s));
  CHECK(e.target({1, 0})->sectors_per_frame == 17);
}

TEST_CASE("engine: targets that appear later are added by periodic discovery", "[engine]") {
  Rig rig;
  rig.target();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  rig.net.run_for(5s);  // past the quick rounds after start (250 ms, 1 s, 3 s)
  FakeTargetOptions late;
  late.address = {2, 5};
  late.mac = {{0x02, 0, 0, 0, 0x20, 0x01}};
  rig.target(late);
  CHECK_FALSE(rig.discovered({2, 5}, 1s));
  CHECK(rig.discovered({2, 5}, 6s));  // next round (interval 5 s)
  CHECK(rig.engine->targets().size() == 2);
}

TEST_CASE("engine: whole-disk write and read back on a clean wire, LBA48", "[engine]") {
  Rig rig;
  FakeTargetOptions o;
  o.sectors = 1000;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  const auto data = aoetest::random_bytes(1000 * 512, 1);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
  CHECK(target.disk() == data);
  std::vector<std::uint8_t> back(data.size());
  CHECK_FALSE(rig.read({1, 0}, 0, back));
  CHECK(back == data);
  CHECK(target.counters().last_read_command == aoe::ata_cmd::read_sectors_ext);
  CHECK(target.counters().last_write_command == aoe::ata_cmd::write_sectors_ext);
  auto s = *rig.engine->stats({1, 0});
  CHECK(s.requests == 2);
  CHECK(s.bytes_read == data.size());
  CHECK(s.bytes_written == data.size());
  CHECK(s.retransmits == 0);
  CHECK(s.errors == 0);
  CHECK(s.frames_sent >= 1000);  // 2 sectors per frame, both ways
  CHECK(s.srtt > std::chrono::microseconds(0));
}

TEST_CASE("engine: a target without LBA48 gets LBA28 commands", "[engine]") {
  Rig rig;
  FakeTargetOptions o;
  o.lba48 = false;
  o.sectors = 64;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  CHECK_FALSE(rig.engine->target({1, 0})->lba48);
  const auto data = aoetest::random_bytes(64 * 512, 2);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
  std::vector<std::uint8_t> back(data.size());
  CHECK_FALSE(rig.read({1, 0}, 0, back));
  CHECK(back == data);
  CHECK(target.counters().last_read_command == aoe::ata_cmd::read_sectors);
  CHECK(target.counters().last_write_command == aoe::ata_cmd::write_sectors);
}

TEST_CASE("engine: drops, duplicates, reordering and delays: every request completes correctly",
          "[engine][faults]") {
  const auto seed = GENERATE(1u, 2u, 3u, 4u);
  WireFaults f;
  f.drop = 0.05;
  f.duplicate = 0.05;
  f.reorder = 0.3;
  f.jitter = 5ms;
  f.stall = 0.01;
  f.stall_delay = 200ms;
  f.seed = seed;
  Rig rig(f);
  FakeTargetOptions o;
  o.sectors = 512;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}, 10s));
  std::vector<std::uint8_t> model(512 * 512, 0);
  std::mt19937 g(seed);
  // Many concurrent operations, overlapping on purpose.
  int pending = 0;
  std::vector<std::error_code> errors;
  std::vector<std::unique_ptr<std::vector<std::uint8_t>>> buffers;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 8; ++i) {
      const std::uint32_t sectors = 1 + g() % 16;
      const std::uint64_t lba = g() % (512 - sectors);
      auto buf =
          std::make_unique<std::vector<std::uint8_t>>(aoetest::random_bytes(sectors * 512, g()));
      std::copy(buf->begin(), buf->end(), model.begin() + lba * 512);
      ++pending;
      rig.engine->write(
          {1, 0}, lba, sectors, *buf,
          [&](std::error_code ec) {
            --pending;
            if (ec) errors.push_back(ec);
          },
          rig.net.now());
      buffers.push_back(std::move(buf));
    }
    // Writes to overlapping ranges issued together must land in order.
    REQUIRE(rig.net.run_until([&] { return pending == 0; }, 120s));
  }
  CHECK(errors.empty());
  CHECK(target.disk() == model);
  std::vector<std::uint8_t> back(model.size());
  CHECK_FALSE(rig.read({1, 0}, 0, back, 120s));
  CHECK(back == model);
  auto s = *rig.engine->stats({1, 0});
  CHECK(s.retransmits > 0);
  CHECK(s.duplicates > 0);
  CHECK(s.errors == 0);
  CHECK(rig.net.counters().dropped > 0);
}

TEST_CASE("engine: tags have bit 31 set and are fresh for every transmission", "[engine][faults]") {
  WireFaults f;
  f.drop = 0.2;
  f.seed = 9;
  Rig rig(f);
  rig.net.add_link("sim1", kIni2);  // unused second port: discovery only
  auto& link = static_cast<aoetest::SimLink&>(*rig.net.links()[0]);
  link.record = true;
  rig.target();
  rig.start();
  REQUIRE(rig.discovered({1, 0}, 10s));
  std::vector<std::uint8_t> buf(64 * 512);
  CHECK_FALSE(rig.read({1, 0}, 0, buf));
  std::vector<std::uint32_t> tags;
  for (const auto& frame : link.sent) {
    auto h = aoe::decode_header(frame);
    REQUIRE(h);
    CHECK((h->tag & 0x80000000u) != 0);
    tags.push_back(h->tag);
  }
  CHECK(rig.engine->stats({1, 0})->retransmits > 0);
  // Outstanding at once: at most 4096 slots; within this run no tag repeats.
  std::sort(tags.begin(), tags.end());
  CHECK(std::adjacent_find(tags.begin(), tags.end()) == tags.end());
}

TEST_CASE("engine: frames in flight never exceed the window", "[engine]") {
  Rig rig;
  rig.config.options.max_window = 4;
  FakeTargetOptions o;
  o.buffer_count = 16;
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  CHECK(rig.engine->stats({1, 0})->window == 4);
  std::vector<std::uint8_t> buf(200 * 512);
  bool done = false;
  unsigned most = 0;
  rig.engine->read(
      {1, 0}, 0, 200, buf, [&](std::error_code) { done = true; }, rig.net.now());
  REQUIRE(rig.net.run_until(
      [&] {
        most = std::max(most, rig.engine->stats({1, 0})->outstanding);
        return done;
      },
      10s));
  CHECK(most == 4);
}

TEST_CASE("engine: the window shrinks on loss and grows back", "[engine][faults]") {
  WireFaults f;
  f.seed = 5;
  Rig rig(f);
  rig.target();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  rig.net.faults().drop = 0.3;
  std::vector<std::uint8_t> buf(300 * 512);
  CHECK_FALSE(rig.read({1, 0}, 0, buf));
  const unsigned shrunk = rig.engine->stats({1, 0})->window;
  CHECK(shrunk < 16);
  rig.net.faults().drop = 0;
  for (int i = 0; i < 10; ++i) CHECK_FALSE(rig.read({1, 0}, 0, buf));
  CHECK(rig.engine->stats({1, 0})->window == 16);
}

TEST_CASE("engine: a silent target fails the operation after the dead timeout, not before",
          "[engine][timeout]") {
  Rig rig;
  auto& target = rig.target();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  target.silent = true;
  std::optional<std::error_code> result;
  std::vector<std::uint8_t> buf(8 * 512);
  const auto started = rig.net.now();
  rig.engine->read(
      {1, 0}, 0, 8, buf, [&](std::error_code ec) { result = ec; }, rig.net.now());
  CHECK_FALSE(rig.net.run_until([&] { return result.has_value(); }, 10s - 1ms));
  REQUIRE(rig.net.run_until([&] { return result.has_value(); }, 2ms));
  CHECK(*result == aoe::InitiatorErrc::timeout);
  CHECK(rig.net.now() - started >= 10s);
  CHECK(rig.net.now() - started <= 10s + 1ms);
  auto s = *rig.engine->stats({1, 0});
  CHECK(s.retransmits > 3);
  CHECK(s.errors == 1);
  CHECK(s.outstanding == 0);
}

TEST_CASE("engine: a target that stops answering goes down and comes back", "[engine][timeout]") {
  Rig rig;
  auto& target = rig.target();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  target.silent = true;
  const auto found = rig.events.size();  // found, and the flush probe's mode
  CHECK(rig.net.run_until([&] { return !rig.engine->target({1, 0})->up; }, 20s));
  REQUIRE(rig.events.size() == found + 1);
  CHECK_FALSE(rig.events.back().up);
  std::vector<std::uint8_t> buf(512);
  CHECK(rig.read({1, 0}, 0, buf) == aoe::InitiatorErrc::target_down);
  target.silent = false;
  CHECK(rig.discovered({1, 0}, 6s));
  REQUIRE(rig.events.size() >= 3);
  CHECK(rig.events.back().up);
  CHECK_FALSE(rig.read({1, 0}, 0, buf));
}

TEST_CASE("engine: a target restarting within the dead timeout completes the transfer",
          "[engine][timeout]") {
  Rig rig;
  FakeTargetOptions o;
  o.sectors = 2048;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  const auto data = aoetest::random_bytes(2048 * 512, 3);
  std::optional<std::error_code> result;
  rig.engine->write(
      {1, 0}, 0, 2048, data, [&](std::error_code ec) { result = ec; }, rig.net.now());
  rig.net.run_for(5ms);
  REQUIRE_FALSE(result);
  target.silent = true;
  rig.net.run_for(4s);
  target.silent = false;
  REQUIRE(rig.net.run_until([&] { return result.has_value(); }, 10s));
  CHECK_FALSE(*result);
  CHECK(target.disk() == data);
}

TEST_CASE("engine: FLUSH CACHE EXT aborted falls back to FLUSH CACHE and is remembered",
          "[engine]") {
  Rig rig;
  auto& target = rig.target();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  // The flush probe after IDENTIFY: EXT aborted, then FLUSH CACHE.
  CHECK(target.counters().flush_ext_aborted == 1);
  CHECK(target.counters().flushes == 1);
  CHECK_FALSE(rig.flush({1, 0}));
  CHECK(target.counters().flush_ext_aborted == 1);
  CHECK(target.counters().flushes == 2);
  CHECK_FALSE(rig.flush({1, 0}));
  CHECK(target.counters().flush_ext_aborted == 1);
  CHECK(target.counters().flushes == 3);
}

TEST_CASE("engine: FLUSH CACHE EXT used when the target supports it", "[engine]") {
  Rig rig;
  FakeTargetOptions o;
  o.abort_flush_ext = false;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  CHECK_FALSE(rig.flush({1, 0}));
  CHECK(target.counters().flush_ext_aborted == 0);
  CHECK(target.counters().flushes == 2);  // the probe's and this one
}

TEST_CASE("engine: errors are distinct values", "[engine]") {
  Rig rig;
  FakeTargetOptions o;
  o.sectors = 100;
  o.bad_sector = 50;
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  std::vector<std::uint8_t> buf(4 * 512);
  auto ata = rig.read({1, 0}, 48, buf);
  CHECK(ata.category() == aoe::ata_category());
  CHECK(aoe::ata_status_of(ata) == 0x51);
  CHECK(aoe::ata_error_of(ata) == aoe::ata_error::unc);
  CHECK(rig.read({1, 0}, 98, buf) == aoe::InitiatorErrc::out_of_range);
  CHECK(rig.read({9, 9}, 0, buf) == aoe::InitiatorErrc::no_such_target);
  std::vector<std::uint8_t> wrong(100);
  std::optional<std::error_code> r;
  rig.engine->read(
      {1, 0}, 0, 4, wrong, [&](std::error_code ec) { r = ec; }, rig.net.now());
  REQUIRE(rig.net.run_until([&] { return r.has_value(); }, 1s));
  CHECK(*r == aoe::InitiatorErrc::invalid_argument);
  // AoE error: set-if-empty on a target with a different string.
  std::optional<std::error_code> cr;
  rig.engine->query_config(
      {1, 0}, aoe::ConfigCommand::set_if_empty, "a",
      [&](std::error_code ec, const aoe::ConfigReply&) { cr = ec; }, rig.net.now());
  REQUIRE(rig.net.run_until([&] { return cr.has_value(); }, 1s));
  CHECK_FALSE(*cr);
  cr.reset();
  rig.engine->query_config(
      {1, 0}, aoe::ConfigCommand::set_if_empty, "b",
      [&](std::error_code ec, const aoe::ConfigReply&) { cr = ec; }, rig.net.now());
  REQUIRE(rig.net.run_until([&] { return cr.has_value(); }, 1s));
  CHECK(*cr == aoe::AoeErrc::config_string_present);
  CHECK(rig.engine->stats({1, 0})->errors >= 3);
}

TEST_CASE("engine: query config returns the string", "[engine]") {
  Rig rig;
  FakeTargetOptions o;
  o.config = "lock:host-a";
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  std::optional<std::string> got;
  rig.engine->query_config(
      {1, 0}, aoe::ConfigCommand::read, "",
      [&](std::error_code ec, const aoe::ConfigReply& r) {
        REQUIRE_FALSE(ec);
        got = std::string(r.info.config);
        CHECK(r.info.buffer_count == 16);
      },
      rig.net.now());
  REQUIRE(rig.net.run_until([&] { return got.has_value(); }, 1s));
  CHECK(*got == "lock:host-a");
}

TEST_CASE("engine: one target on two ports is one target with two paths", "[engine][paths]") {
  Rig rig;
  rig.net.add_link("sim1", kIni2);
  FakeTargetOptions o;
  o.sectors = 256;
  auto& target = rig.target(o, {0, 1});
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  REQUIRE(rig.net.run_until([&] { return rig.engine->target({1, 0})->paths.size() == 2; }, 1s));
  CHECK(rig.engine->targets().size() == 1);
  const auto data = aoetest::random_bytes(256 * 512, 4);
  CHECK_FALSE(rig.write({1, 0}, 0, data));
  CHECK(target.disk() == data);
}

TEST_CASE("engine: a retransmission tries the other path", "[engine][paths]") {
  Rig rig;
  rig.net.add_link("sim1", kIni2);
  FakeTargetOptions o;
  o.sectors = 64;
  auto& target = rig.target(o, {0, 1});
  rig.start();
  REQUIRE(rig.net.run_until(
      [&] {
        auto t = rig.engine->target({1, 0});
        return t && t->up && t->paths.size() == 2;
      },
      2s));
  rig.net.set_link_down(0, true);
  const auto data = aoetest::random_bytes(64 * 512, 5);
  CHECK_FALSE(rig.write({1, 0}, 0, data, 5s));
  CHECK(target.disk() == data);
  const auto retransmits = rig.engine->stats({1, 0})->retransmits;
  CHECK(retransmits > 0);
  CHECK(retransmits <= aoe::Engine::kPathMisses + 16);  // then new frames avoid the dead port
  std::vector<std::uint8_t> back(data.size());
  CHECK_FALSE(rig.read({1, 0}, 0, back, 5s));
  CHECK(back == data);
  CHECK(rig.engine->stats({1, 0})->retransmits == retransmits);
}

namespace {

// Writes 40 rounds, one after the other, over the same 4 sectors while the
// wire stalls some requests long past the RTO (so they are retransmitted and
// the stalled original arrives later). Every pattern starts with its round
// number; the fake target reports each write it executes. Returns how many
// times an older round landed on sectors after a newer one (a stale write;
// frames always cover the same two sector pairs here), and checks
// the disk ends with the last round when there was none.
// Rewrites the same 4 sectors 40 times over a faulty wire; counts writes the
// target applied that were older than one it had already applied.
int stale_writes(bool guard, const WireFaults& f) {
  aoe::EngineConfig c = Rig::make_config();
  c.stale_write_guard = guard;
  Rig rig(WireFaults{}, 1500, c);
  FakeTargetOptions o;
  o.sectors = 64;
  auto& target = rig.target(o);
  std::map<std::uint64_t, std::uint32_t> newest;  // per frame LBA: latest round seen
  int stale = 0;
  target.on_write = [&](std::uint64_t lba, std::span<const std::uint8_t> data) {
    std::uint32_t round;
    std::memcpy(&round, data.data(), 4);
    if (round < newest[lba]) ++stale;
    newest[lba] = std::max(newest[lba], round);
  };
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  rig.net.set_faults(f);
  std::vector<std::uint8_t> last;
  for (std::uint32_t round = 1; round <= 40; ++round) {
    last = aoetest::random_bytes(4 * 512, static_cast<std::uint32_t>(f.seed * 1000 + round));
    for (int sector = 0; sector < 4; ++sector) std::memcpy(last.data() + sector * 512, &round, 4);
    REQUIRE_FALSE(rig.write({1, 0}, 8, last));
  }
  rig.net.faults() = WireFaults{};
  rig.net.run_for(5s);  // every copy still on the wire arrives
  UNSCOPED_INFO("seed " << f.seed << ": stalled " << rig.net.counters().stalled << ", duplicated "
                        << rig.net.counters().duplicated << ", retransmits "
                        << rig.engine->stats({1, 0})->retransmits << ", stale writes " << stale);
  if (stale == 0) CHECK(std::equal(last.begin(), last.end(), target.disk().begin() + 8 * 512));
  return stale;
}

// Stalled requests (so retransmissions), reordering and duplicates.
WireFaults stalling_wire(std::uint64_t seed) {
  WireFaults f;
  f.stall = 0.25;
  f.stall_delay = 150ms;
  f.reorder = 0.2;
  f.duplicate = 0.1;
  f.seed = seed;
  return f;
}

// No loss, no retransmission: the network itself duplicates write frames
// and delivers the copy 5 ms late (below the 10 ms minimum RTO).
WireFaults duplicating_wire(std::uint64_t seed) {
  WireFaults f;
  f.duplicate = 0.5;
  f.duplicate_delay = 5ms;
  f.jitter = 0ms;
  f.seed = seed;
  return f;
}

}  // namespace

TEST_CASE("engine: no stale writes: an old copy never overwrites a newer write",
          "[engine][faults][stale]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    CHECK(stale_writes(true, stalling_wire(seed)) == 0);
    CHECK(stale_writes(true, duplicating_wire(seed)) == 0);
  }
}

TEST_CASE("engine: without the guard the same wires corrupt data (the test can fail)",
          "[engine][faults][stale]") {
  int retransmitted = 0, duplicated = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    retransmitted += stale_writes(false, stalling_wire(seed));
    duplicated += stale_writes(false, duplicating_wire(seed));
  }
  CHECK(retransmitted > 0);
  CHECK(duplicated > 0);
}

TEST_CASE("engine: malformed, foreign and unmatched frames are counted, not used", "[engine]") {
  Rig rig;
  rig.target();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  const auto before = rig.engine->link_stats();
  // vblade's start-up advertisement (header version 0) is counted apart.
  aoe::Frame adv;
  adv.header.version = 0;
  adv.header.response = true;
  adv.header.dst = aoe::MacAddress::broadcast();
  adv.header.src = FakeTargetOptions{}.mac;
  adv.header.target = {1, 0};
  adv.header.command = 1;
  adv.body = aoe::QueryConfigMessage{};
  auto bytes = aoe::encode(adv).value();
  rig.engine->on_frame(0, bytes, rig.net.now());
  // An answer with a tag we never issued (bit 31 clear: the Linux driver's).
  aoe::Frame stray;
  stray.header.response = true;
  stray.header.dst = kIni;
  stray.header.src = FakeTargetOptions{}.mac;
  stray.header.target = {1, 0};
  stray.header.command = 0;
  stray.header.tag = 0x1234;
  stray.body = aoe::AtaMessage{};
  rig.engine->on_frame(0, aoe::encode(stray).value(), rig.net.now());
  // Three bytes of garbage.
  const std::uint8_t junk[3] = {1, 2, 3};
  rig.engine->on_frame(0, junk, rig.net.now());
  const auto after = rig.engine->link_stats();
  CHECK(after.frames_received - before.frames_received == 3);
  CHECK(after.malformed - before.malformed == 1);
  CHECK(after.announcements - before.announcements == 1);
  CHECK(after.unmatched - before.unmatched == 1);
  CHECK(rig.engine->targets().size() == 1);
}

TEST_CASE("engine: mask and reserve requests reach the target and return its answer", "[engine]") {
  Rig rig;
  rig.target();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  aoe::ReserveMessage res;
  res.command = static_cast<std::uint8_t>(aoe::ReserveCommand::set);
  res.macs = {kIni};
  std::optional<aoe::ReserveMessage> got;
  rig.engine->reserve(
      {1, 0}, res,
      [&](std::error_code ec, const aoe::ReserveMessage& m) {
        CHECK_FALSE(ec);
        got = m;
      },
      rig.net.now());
  REQUIRE(rig.net.run_until([&] { return got.has_value(); }, 1s));
  REQUIRE(got->macs.size() == 1);
  CHECK(got->macs[0] == kIni);
  aoe::MacMaskMessage mask;
  mask.command = static_cast<std::uint8_t>(aoe::MaskCommand::read);
  std::optional<std::error_code> mr;
  rig.engine->mac_mask(
      {1, 0}, mask, [&](std::error_code ec, const aoe::MacMaskMessage&) { mr = ec; },
      rig.net.now());
  REQUIRE(rig.net.run_until([&] { return mr.has_value(); }, 1s));
  CHECK_FALSE(*mr);
}

TEST_CASE("engine: shutdown cancels queued and running operations exactly once", "[engine]") {
  Rig rig;
  auto& target = rig.target();
  rig.start();
  REQUIRE(rig.discovered({1, 0}));
  target.silent = true;
  std::vector<std::uint8_t> buf(100 * 512);
  int calls = 0;
  for (int i = 0; i < 5; ++i)
    rig.engine->read(
        {1, 0}, 0, 100, buf,
        [&](std::error_code ec) {
          ++calls;
          CHECK(ec == aoe::InitiatorErrc::cancelled);
        },
        rig.net.now());
  rig.net.run_for(10ms);
  CHECK(calls == 0);
  rig.engine->shutdown();
  rig.net.run_deferred();
  CHECK(calls == 5);
  rig.engine->read(
      {1, 0}, 0, 1, std::span(buf.data(), 512),
      [&](std::error_code ec) {
        ++calls;
        CHECK(ec == aoe::InitiatorErrc::cancelled);
      },
      rig.net.now());
  rig.net.run_deferred();
  CHECK(calls == 6);
  rig.net.run_for(30s);
  CHECK(calls == 6);
}
