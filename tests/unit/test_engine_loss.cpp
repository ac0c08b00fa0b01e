// Loss detection that survives reordering, and an RTO that sees queueing
// (engine.hpp): spurious retransmissions proven by the answer to the earlier
// copy, the reorder threshold adapted per target, real loss still repaired
// by fast retransmission, and a slow target never retransmitted to.
#include <catch2/catch.hpp>

#include <cstdio>

#include "support/engine_rig.hpp"

using namespace std::chrono_literals;
using aoetest::EngineRig;
using aoetest::FakeTargetOptions;
using aoetest::WireFaults;

namespace {

// Writes `total` bytes in `chunk`-byte operations, `parallel` at a time,
// then reads them back; the target's disk must hold exactly them.
void stream(EngineRig& rig, std::size_t total, std::size_t chunk, unsigned parallel,
            std::uint32_t seed) {
  const auto data = aoetest::random_bytes(total, seed);
  const std::size_t ops = total / chunk;
  std::size_t next = 0, done = 0;
  unsigned failed = 0;
  std::function<void()> start_one = [&] {
    const std::size_t i = next++;
    rig.engine->write(
        {1, 0}, i * chunk / 512, static_cast<std::uint32_t>(chunk / 512),
        std::span(data.data() + i * chunk, chunk),
        [&](std::error_code ec) {
          if (ec) ++failed;
          ++done;
          if (next < ops) start_one();
        },
        rig.net.now());
  };
  for (unsigned p = 0; p < parallel && next < ops; ++p) start_one();
  REQUIRE(rig.net.run_until([&] { return done == ops; }, 600s));
  CHECK(failed == 0);
  std::vector<std::uint8_t> back(total);
  for (std::size_t off = 0; off < total; off += chunk) {
    std::vector<std::uint8_t> part(chunk);
    REQUIRE_FALSE(rig.read(off / 512, part));
    std::copy(part.begin(), part.end(), back.begin() + static_cast<std::ptrdiff_t>(off));
  }
  CHECK(back == data);
}

FakeTargetOptions reordering_target() {
  FakeTargetOptions o;
  o.sectors = 16384;  // 8 MiB
  o.buffer_count = 16;
  o.service_time = 20us;
  o.write_service_time = 20us;
  o.late_chance = 0.05;  // 5 % of answers leave after 3-6 later ones
  o.late_after = 3;
  o.late_spread = 3;
  return o;
}

WireFaults quiet_wire(std::uint64_t seed = 1) {
  WireFaults f;
  f.jitter = 0us;
  f.seed = seed;
  return f;
}

void print(const char* what, const aoe::TargetStats& s) {
  std::printf(
      "%s: frames %llu, retransmits %llu (timeout %llu, fast %llu, spurious %llu), "
      "threshold %u\n",
      what, (unsigned long long)s.frames_sent, (unsigned long long)s.retransmits,
      (unsigned long long)s.retransmits_timeout, (unsigned long long)s.retransmits_fast,
      (unsigned long long)s.retransmits_spurious, s.reorder_threshold);
}

}  // namespace

TEST_CASE("loss: answers out of order cost few retransmissions once the threshold adapts",
          "[engine][loss]") {
  auto run = [](bool adapt) {
    aoe::EngineConfig config = EngineRig::make_config();
    config.adapt_reordering = adapt;
    EngineRig rig(quiet_wire(), 1500, config);
    rig.target(reordering_target());
    rig.start();
    REQUIRE(rig.discovered());
    stream(rig, 4 << 20, 64 << 10, 4, 7);
    const auto s = rig.stats();
    print(adapt ? "reordering, adaptive" : "reordering, fixed threshold", s);
    return s;
  };
  const auto fixed = run(false);
  const auto adaptive = run(true);
  // The fixed threshold of 3 takes most held answers for losses, and every
  // one of them is proven spurious later.
  CHECK(fixed.retransmits_fast > 100);
  CHECK(fixed.retransmits_spurious >= fixed.retransmits_fast * 9 / 10);
  CHECK(fixed.reorder_threshold == 3);
  // Adapted: a handful while the threshold climbs past the reordering.
  CHECK(adaptive.reorder_threshold > 3);
  CHECK(adaptive.retransmits_fast * 10 < fixed.retransmits_fast);
  CHECK(adaptive.retransmits_timeout * 10 < fixed.retransmits_fast);
}

TEST_CASE("loss: real loss is still repaired by fast retransmission, not the RTO",
          "[engine][loss]") {
  WireFaults f = quiet_wire(3);
  f.drop = 0.02;
  EngineRig rig(f);
  FakeTargetOptions o = reordering_target();
  o.late_chance = 0;
  rig.target(o);
  rig.start();
  REQUIRE(rig.discovered());
  stream(rig, 4 << 20, 64 << 10, 4, 8);
  const auto s = rig.stats();
  print("2% loss", s);
  CHECK(s.retransmits_fast > 0);
  // Most losses are found by later answers; the RTO catches only tails.
  CHECK(s.retransmits_timeout * 2 < s.retransmits_fast);
}

TEST_CASE("loss: reordering and real loss together: repaired, threshold bounded",
          "[engine][loss]") {
  WireFaults f = quiet_wire(5);
  f.drop = 0.02;
  EngineRig rig(f);
  rig.target(reordering_target());
  rig.start();
  REQUIRE(rig.discovered());
  stream(rig, 4 << 20, 64 << 10, 4, 9);
  const auto s = rig.stats();
  print("reordering + 2% loss", s);
  CHECK(s.retransmits_fast > 0);
  CHECK(s.retransmits_timeout < s.retransmits_fast);
  CHECK(s.reorder_threshold <= 16);
}

TEST_CASE("rto: a target that serves a full window slowly is not retransmitted to",
          "[engine][loss]") {
  EngineRig rig(quiet_wire());
  FakeTargetOptions o;
  o.sectors = 8192;
  o.buffer_count = 20;
  o.write_service_time = 3ms;  // synchronous writes
  o.service_time = 100us;
  auto& target = rig.target(o);
  rig.start();
  REQUIRE(rig.discovered());
  std::vector<std::uint8_t> warm(8 * 512);
  REQUIRE_FALSE(rig.read(0, warm));  // fast reads first: a small RTT estimate
  stream(rig, 2 << 20, 64 << 10, 4, 10);
  const auto s = rig.stats();
  print("slow target", s);
  CHECK(s.retransmits == 0);
  CHECK(target.counters().writes == 2048);  // each write frame carried out once
}
