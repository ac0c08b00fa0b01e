// Latency histograms: the bucket arithmetic, the engine recording each
// completed read/write/flush in virtual time, and their Prometheus text.
#include <catch2/catch.hpp>

#include <optional>

#include "aoefs/stats/prometheus_parse.hpp"
#include "aoefs/stats/stats_report.hpp"
#include "protocol/engine.hpp"
#include "protocol/latency_histogram.hpp"
#include "support/sim_network.hpp"

using namespace std::chrono_literals;
using aoe::LatencyHistogram;

TEST_CASE("latency histogram: each sample in the first bucket whose bound it does not exceed",
          "[latency]") {
  LatencyHistogram h;
  h.record(0us);
  h.record(25us);   // on the bound: le="0.000025"
  h.record(26us);   // next bucket (50µs)
  h.record(999us);  // 1ms bucket
  h.record(5s);     // last finite bucket
  h.record(7s);     // +Inf only
  h.record(-3us);   // a clock that went back counts as 0
  CHECK(h.count() == 7);
  CHECK(h.sum_micros() == 25 + 26 + 999 + 5'000'000 + 7'000'000);
  CHECK(h.cumulative(0) == 3);
  CHECK(h.cumulative(1) == 4);
  CHECK(h.cumulative(4) == 4);  // 500µs
  CHECK(h.cumulative(5) == 5);  // 1ms
  CHECK(h.cumulative(LatencyHistogram::kBuckets - 1) == 6);
  CHECK(LatencyHistogram::kBoundsMicros.front() == 25);
  CHECK(LatencyHistogram::kBoundsMicros.back() == 5'000'000);
  for (std::size_t i = 1; i < LatencyHistogram::kBuckets; ++i)
    CHECK(LatencyHistogram::kBoundsMicros[i] > LatencyHistogram::kBoundsMicros[i - 1]);
}

namespace {

const aoe::MacAddress kIni{{0x02, 0, 0, 0, 0, 0x01}};

// One fake target 10 ms away each way, no jitter: every single-frame
// operation takes 20 ms of virtual time.
struct SlowWire {
  SlowWire() : net(faults()) {
    net.add_link("sim0", kIni, 1500);
    net.add_target({});
    aoe::EngineConfig c;
    c.options.dead_timeout = 10s;
    engine = std::make_unique<aoe::Engine>(net.links(), c, net.deferrer());
    net.attach(*engine);
    engine->start(net.now());
    REQUIRE(net.run_until(
        [&] {
          auto t = engine->target({1, 0});
          return t && t->up;
        },
        2s));
  }
  static aoetest::WireFaults faults() {
    aoetest::WireFaults f;
    f.latency = 10ms;
    f.jitter = 0ms;
    return f;
  }
  template <class Start>
  std::error_code run(Start start) {
    std::optional<std::error_code> result;
    start([&](std::error_code ec) { result = ec; });
    REQUIRE(net.run_until([&] { return result.has_value(); }, 60s));
    return *result;
  }
  aoetest::SimNetwork net;
  std::unique_ptr<aoe::Engine> engine;
};

}  // namespace

TEST_CASE("engine: completed reads, writes and flushes land in their histograms",
          "[latency][engine]") {
  SlowWire w;
  std::vector<std::uint8_t> block(512, 0x5a);
  for (int i = 0; i < 3; ++i)
    CHECK_FALSE(w.run([&](auto done) { w.engine->read({1, 0}, i, 1, block, done, w.net.now()); }));
  CHECK_FALSE(w.run([&](auto done) { w.engine->write({1, 0}, 9, 1, block, done, w.net.now()); }));
  CHECK_FALSE(w.run([&](auto done) { w.engine->flush({1, 0}, done, w.net.now()); }));
  // A read past the end fails: counted as an error, not as a latency.
  CHECK(w.run([&](auto done) { w.engine->read({1, 0}, 1'000'000, 1, block, done, w.net.now()); }));
  const auto s = w.engine->stats({1, 0});
  REQUIRE(s);
  CHECK(s->latency.read.count() == 3);
  CHECK(s->latency.write.count() == 1);
  CHECK(s->latency.flush.count() == 1);
  // 20 ms round trip: above the 10 ms bound, within 25 ms.
  CHECK(s->latency.read.cumulative(8) == 0);
  CHECK(s->latency.read.cumulative(9) == 3);
  CHECK(s->latency.read.sum_micros() >= 3 * 20'000);
  CHECK(s->latency.read.sum_micros() <= 3 * 25'000);
}

TEST_CASE("latency histograms render as Prometheus histograms per target and op",
          "[latency][stats]") {
  aoefs::TargetReport t;
  t.name = "e1.0";
  t.info.up = true;
  t.stats.latency.read.record(30us);
  t.stats.latency.read.record(2ms);
  t.stats.latency.flush.record(9s);
  const std::string text = aoefs::render_stats({t}, {}, std::nullopt);
  CHECK(text.find("# TYPE aoefs_target_latency_seconds histogram\n") != std::string::npos);
  CHECK(text.find("aoefs_target_buffer_count") == std::string::npos);
  CHECK(text.find("# TYPE aoefs_target_buffers gauge\n") != std::string::npos);
  auto parsed = aoefs::parse_prometheus_text(text);
  REQUIRE(parsed);
  const auto& samples = *parsed;
  auto bucket = [&](const char* op, const char* le) {
    return aoefs::find_sample(samples, "aoefs_target_latency_seconds_bucket",
                              {{"target", "e1.0"}, {"op", op}, {"le", le}});
  };
  CHECK(bucket("read", "0.000025") == 0);
  CHECK(bucket("read", "0.000050") == 1);
  CHECK(bucket("read", "0.002500") == 2);
  CHECK(bucket("read", "+Inf") == 2);
  CHECK(bucket("write", "+Inf") == 0);
  CHECK(bucket("flush", "5.000000") == 0);
  CHECK(bucket("flush", "+Inf") == 1);
  CHECK(aoefs::find_sample(samples, "aoefs_target_latency_seconds_count",
                           {{"target", "e1.0"}, {"op", "read"}}) == 2);
  CHECK(aoefs::find_sample(samples, "aoefs_target_latency_seconds_sum",
                           {{"target", "e1.0"}, {"op", "read"}}) == Approx(0.00203));
}
