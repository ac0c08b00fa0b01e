// The per-stage histograms (protocol/request_stages.hpp): their buckets, the
// engine's queued and wire stages in virtual time, and their Prometheus text.
#include <catch2/catch.hpp>

#include <optional>

#include "aoefs/stats/prometheus_parse.hpp"
#include "aoefs/stats/stats_report.hpp"
#include "protocol/engine.hpp"
#include "protocol/request_stages.hpp"
#include "support/sim_network.hpp"

using namespace std::chrono_literals;
using aoe::RequestStage;
using aoe::StageHistogram;

namespace {

std::size_t at(RequestStage s) { return static_cast<std::size_t>(s); }

}  // namespace

TEST_CASE("stage histogram: each sample in the first bucket whose bound it does not exceed",
          "[stages]") {
  StageHistogram h;
  h.record(0ns);
  h.record(1us);     // on the first bound
  h.record(1001ns);  // the 2 µs bucket
  h.record(7s);      // +Inf only
  h.record(-5ns);    // counts as 0
  const auto s = h.snapshot();
  CHECK(s.count == 5);
  CHECK(s.sum_nanos == 1'000 + 1'001 + 7'000'000'000ull);
  CHECK(s.cumulative(0) == 3);
  CHECK(s.cumulative(1) == 4);
  CHECK(s.cumulative(StageHistogram::kBuckets - 1) == 4);
  for (std::size_t i = 1; i < StageHistogram::kBuckets; ++i)
    CHECK(StageHistogram::kBoundsNanos[i] > StageHistogram::kBoundsNanos[i - 1]);
}

TEST_CASE("engine: a read's queued and wire stages, in virtual time", "[stages][engine]") {
  aoetest::WireFaults faults;
  faults.latency = 10ms;  // each way: a 20 ms round trip
  faults.jitter = 0ms;
  aoetest::SimNetwork net(faults);
  net.add_link("sim0", aoe::MacAddress{{0x02, 0, 0, 0, 0, 0x01}}, 1500);
  net.add_target({});
  aoe::RequestStages stages;
  aoe::EngineConfig c;
  c.options.dead_timeout = 10s;
  c.stages = &stages;
  aoe::Engine engine(net.links(), c, net.deferrer());
  net.attach(engine);
  engine.start(net.now());
  REQUIRE(net.run_until(
      [&] {
        auto t = engine.target({1, 0});
        return t && t->up;
      },
      2s));
  std::vector<std::uint8_t> block(512);
  std::optional<std::error_code> result;
  engine.read(
      {1, 0}, 3, 1, block, [&](std::error_code ec) { result = ec; }, net.now());
  REQUIRE(net.run_until([&] { return result.has_value(); }, 5s));
  CHECK_FALSE(*result);
  const auto s = stages.snapshot();
  CHECK(s[at(RequestStage::queued)].count == 1);
  CHECK(s[at(RequestStage::queued)].sum_nanos == 0);  // sent at once: the window was free
  CHECK(s[at(RequestStage::wire)].count == 1);
  CHECK(s[at(RequestStage::wire)].sum_nanos >= 20'000'000);
  CHECK(s[at(RequestStage::wire)].sum_nanos <= 25'000'000);
  // The engine times only its own stages.
  CHECK(s[at(RequestStage::submit)].count == 0);
  CHECK(s[at(RequestStage::request)].count == 0);
}

TEST_CASE("stage histograms render as aoefs_request_stage_seconds per stage", "[stages][stats]") {
  aoe::RequestStages stages;
  stages.record(RequestStage::wire, 30us);
  stages.record(RequestStage::wire, 3ms);
  stages.record(RequestStage::completion, 4us);
  aoe::LinkStats link;
  link.stages = stages.snapshot();
  const std::string text = aoefs::render_stats({}, link, std::nullopt);
  CHECK(text.find("# TYPE aoefs_request_stage_seconds histogram\n") != std::string::npos);
  auto parsed = aoefs::parse_prometheus_text(text);
  REQUIRE(parsed);
  auto bucket = [&](const char* stage, const char* le) {
    return aoefs::find_sample(*parsed, "aoefs_request_stage_seconds_bucket",
                              {{"stage", stage}, {"le", le}});
  };
  CHECK(bucket("wire", "0.000020000") == 0);
  CHECK(bucket("wire", "0.000050000") == 1);
  CHECK(bucket("wire", "0.005000000") == 2);
  CHECK(bucket("wire", "+Inf") == 2);
  CHECK(bucket("completion", "0.000005000") == 1);
  CHECK(bucket("request", "+Inf") == 0);
  CHECK(aoefs::find_sample(*parsed, "aoefs_request_stage_seconds_sum", {{"stage", "wire"}}) ==
        Approx(0.00303));
  CHECK(aoefs::find_sample(*parsed, "aoefs_request_stage_seconds_count", {{"stage", "submit"}}) ==
        0);
}
