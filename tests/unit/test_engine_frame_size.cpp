// Jumbo black holes (engine.hpp, "Frame size"): a path that loses
// full-size frames while small ones pass falls back to frames that fit a
// 1500-byte MTU, re-splits what was in flight, and returns to full size
// when a later probe is answered; no error reaches the caller. A target
// that only stalled is not left at small frames.
#include <catch2/catch.hpp>

#include "support/engine_rig.hpp"

using namespace std::chrono_literals;
using aoetest::EngineRig;
using aoetest::FakeTargetOptions;
using aoetest::WireFaults;

namespace {

FakeTargetOptions jumbo_target() {
  FakeTargetOptions o;
  o.sectors = 8192;
  o.sector_count = 17;  // vblade at MTU 9000
  o.buffer_count = 16;
  o.service_time = 20us;
  o.write_service_time = 20us;
  return o;
}

WireFaults black_hole() {
  WireFaults f;
  f.jitter = 0us;
  f.max_frame = 1514;  // a switch at 1500 between two jumbo ports
  return f;
}

// Writes and reads back `bytes` at `lba` in one operation each.
void round_trip(EngineRig& rig, std::uint64_t lba, std::size_t bytes, std::uint32_t seed) {
  const auto data = aoetest::random_bytes(bytes, seed);
  REQUIRE_FALSE(rig.write(lba, data));
  std::vector<std::uint8_t> back(bytes);
  REQUIRE_FALSE(rig.read(lba, back));
  CHECK(back == data);
}

// A started engine on a jitter-free 9000-byte wire with one jumbo target,
// and one write at LBA 0 that the test starts, disturbs and finishes.
struct JumboRig : EngineRig {
  JumboRig() : EngineRig(no_jitter(), 9000), disk(target(jumbo_target())) {
    start();
    REQUIRE(discovered());
  }
  static WireFaults no_jitter() {
    WireFaults f;
    f.jitter = 0us;
    return f;
  }
  // Starts writing `data` at LBA 0 without running the network.
  void start_write(const std::vector<std::uint8_t>& data) {
    wrote.reset();
    engine->write(
        {1, 0}, 0, static_cast<std::uint32_t>(data.size() / 512), data,
        [this](std::error_code ec) { wrote = ec; }, net.now());
  }
  // Runs until the write completed: it succeeded and the disk holds `data`.
  void finish_write(const std::vector<std::uint8_t>& data, aoe::Duration limit) {
    REQUIRE(net.run_until([&] { return wrote.has_value(); }, limit));
    CHECK_FALSE(*wrote);
    CHECK(std::equal(data.begin(), data.end(), disk.disk().begin()));
  }

  aoetest::FakeTarget& disk;
  std::optional<std::error_code> wrote;
};

}  // namespace

TEST_CASE("frame size: a jumbo black hole falls back to small frames, and back up after",
          "[engine][frame_size]") {
  EngineRig rig(black_hole(), 9000);
  auto& target = rig.target(jumbo_target());
  rig.start();
  REQUIRE(rig.discovered());  // discovery and IDENTIFY are small frames
  CHECK(rig.info().sectors_per_frame == 17);
  const auto t0 = rig.net.now();
  round_trip(rig, 0, 1 << 20, 1);
  std::printf("black hole: 1 MiB written and read back in %.1f ms of virtual time\n",
              std::chrono::duration<double, std::milli>(rig.net.now() - t0).count());
  auto s = rig.stats();
  CHECK(s.frame_size_fallbacks == 1);
  CHECK(s.errors == 0);
  CHECK(rig.info().sectors_per_frame == 2);
  CHECK(rig.net.counters().too_big > 0);
  REQUIRE_FALSE(rig.events.empty());
  CHECK(rig.events.back().sectors_per_frame == 2);  // the listener was told
  CHECK(target.disk().size() >= (1u << 20));

  // Still a hole after the probe interval: one probe lost, then small again.
  rig.net.run_for(31s);
  round_trip(rig, 4096, 256 << 10, 2);
  CHECK(rig.info().sectors_per_frame == 2);
  CHECK(rig.stats().frame_size_fallbacks == 1);
  CHECK(rig.stats().frame_size_restores == 0);
  CHECK(rig.stats().errors == 0);

  // The switch carries jumbo frames again: the next probe brings 17 back.
  rig.net.faults().max_frame = 0;
  rig.net.run_for(31s);
  round_trip(rig, 2048, 512 << 10, 3);
  CHECK(rig.stats().frame_size_restores == 1);
  CHECK(rig.info().sectors_per_frame == 17);
  CHECK(rig.stats().errors == 0);
}

TEST_CASE("frame size: the path's MTU shrinking mid-transfer re-splits frames in flight",
          "[engine][frame_size]") {
  JumboRig rig;
  const auto data = aoetest::random_bytes(4 << 20, 4);
  rig.start_write(data);
  rig.net.run_for(2ms);  // some frames answered, a window in flight
  REQUIRE_FALSE(rig.wrote.has_value());
  rig.net.faults().max_frame = 1514;
  rig.finish_write(data, 60s);
  CHECK(rig.stats().frame_size_fallbacks == 1);
  CHECK(rig.info().sectors_per_frame == 2);
}

TEST_CASE("frame size: isolated losses on a jumbo path do not make it fall back",
          "[engine][frame_size]") {
  WireFaults f;
  f.jitter = 0us;
  f.drop = 0.02;
  f.seed = 11;
  EngineRig rig(f, 9000);
  rig.target(jumbo_target());
  rig.start();
  REQUIRE(rig.discovered());
  for (int i = 0; i < 4; ++i) round_trip(rig, 0, 1 << 20, 20 + i);
  CHECK(rig.stats().frame_size_fallbacks == 0);
  CHECK(rig.info().sectors_per_frame == 17);
}

TEST_CASE("frame size: a silent jumbo target is not taken for a black hole",
          "[engine][frame_size]") {
  JumboRig rig;
  rig.disk.silent = true;  // vblade killed
  const auto data = aoetest::random_bytes(1 << 20, 5);
  rig.start_write(data);
  rig.net.run_for(3s);
  REQUIRE_FALSE(rig.wrote.has_value());
  rig.disk.silent = false;  // restarted
  rig.finish_write(data, 30s);
  CHECK(rig.stats().frame_size_fallbacks == 0);
  round_trip(rig, 4096, 256 << 10, 6);
  CHECK(rig.info().sectors_per_frame == 17);
}

TEST_CASE("frame size: a target that stalls past the RTO is back at full size once it answers",
          "[engine][frame_size]") {
  // Seen against vblade on a cold backing file: every frame in flight timed
  // out at once, the path fell back, and stayed at 2 sectors per frame (a
  // quarter of the throughput) until the probe 30 s later. A stall between
  // one and two RTOs (min_rto 10 ms) did that: the target's first answers
  // after it came before the re-split small frames timed out too, which
  // "confirmed" the hole.
  const auto stall = std::chrono::milliseconds(GENERATE(15, 20, 50));
  JumboRig rig;
  round_trip(rig, 0, 1 << 20, 7);  // RTT samples: the RTO is at its floor
  const auto data = aoetest::random_bytes(4 << 20, 8);
  rig.start_write(data);
  rig.net.run_for(1ms);
  REQUIRE_FALSE(rig.wrote.has_value());
  rig.net.stall_target(rig.disk, stall);  // queued frames wait, none is lost
  rig.finish_write(data, 10s);
  CHECK(rig.stats().retransmits > 0);            // it did look like a hole at first
  CHECK(rig.info().sectors_per_frame == 17);     // but the late answers undid that
  CHECK(rig.stats().frame_size_fallbacks == 0);  // and nobody was told of a hole
  CHECK(rig.stats().frame_size_restores == 0);
  CHECK(rig.stats().errors == 0);
  round_trip(rig, 4096, 1 << 20, 9);
  CHECK(rig.info().sectors_per_frame == 17);
}
