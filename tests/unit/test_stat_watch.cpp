// `aoefs stat --watch`: rates and quantiles from two snapshots (pure).
#include <catch2/catch.hpp>

#include "aoefs/cli/stat_watch.hpp"
#include "aoefs/stats/sample_index.hpp"
#include "aoefs/stats/stats_report.hpp"
#include "aoefs/util/wire_text.hpp"

using namespace aoefs;
using namespace std::chrono_literals;

namespace {

std::vector<MetricSample> snapshot(const std::vector<TargetReport>& targets,
                                   std::optional<cache::CacheStats> cache = std::nullopt) {
  auto p = parse_prometheus_text(render_stats(targets, {}, cache));
  REQUIRE(p);
  return *p;
}

TargetReport target(const char* name) {
  TargetReport t;
  t.name = name;
  t.info.up = true;
  return t;
}

}  // namespace

TEST_CASE("watch: per-second rates and gauges from two snapshots", "[watch]") {
  auto a = target("e1.0");
  a.stats.bytes_read = 1'000'000;
  a.stats.retransmits = 4;
  for (int i = 0; i < 10; ++i) a.stats.latency.read.record(100us);
  cache::CacheStats c1;
  c1.hits = 10;
  c1.misses = 10;
  auto b = a;
  b.stats.bytes_read += 4'000'000;
  b.stats.bytes_written = 2'000'000;
  b.stats.retransmits += 6;
  b.stats.window = 12;
  b.stats.outstanding = 3;
  for (int i = 0; i < 200; ++i) b.stats.latency.read.record(200us);
  for (int i = 0; i < 20; ++i) b.stats.latency.write.record(3ms);
  b.stats.latency.flush.record(40ms);
  auto c2 = c1;
  c2.hits += 30;
  c2.misses += 10;
  const auto w = compute_watch_interval(snapshot({a}, c1), snapshot({b}, c2), 2.0);
  REQUIRE(w.targets.size() == 1);
  const auto& r = w.targets[0];
  CHECK(r.target == "e1.0");
  CHECK(r.read_iops == Approx(100));
  CHECK(r.write_iops == Approx(10));
  CHECK(r.flush_iops == Approx(0.5));
  CHECK(r.read_mb_per_s == Approx(2.0));
  CHECK(r.write_mb_per_s == Approx(1.0));
  CHECK(r.retransmits_per_s == Approx(3));
  CHECK(r.window == 12);
  CHECK(r.outstanding == 3);
  // Only the 200 reads of the interval count (the 10 at 100µs were before):
  // all in the (100µs, 250µs] bucket.
  REQUIRE(r.read_p50);
  CHECK(*r.read_p50 > 100e-6);
  CHECK(*r.read_p50 <= 250e-6);
  REQUIRE(r.write_p99);
  CHECK(*r.write_p99 > 2.5e-3);
  CHECK(*r.write_p99 <= 5e-3);
  REQUIRE(w.cache_hit_rate);
  CHECK(*w.cache_hit_rate == Approx(0.75));
  const std::string text = format_watch_interval(w, "12:00:00");
  CHECK(text.rfind("12:00:00\nTARGET", 0) == 0);
  CHECK(text.find("e1.0") != std::string::npos);
  CHECK(text.find("100.0") != std::string::npos);
  CHECK(text.find("2.00") != std::string::npos);
  CHECK(text.find("cache: 75.0% hits of 40 lookups") != std::string::npos);
}

TEST_CASE("watch: quantiles interpolate inside the bucket, as histogram_quantile", "[watch]") {
  auto a = target("e1.0");
  auto b = a;
  // 100 reads: 50 in (0, 25µs], 49 in (25, 50µs], 1 at 9 s (+Inf only).
  for (int i = 0; i < 50; ++i) b.stats.latency.read.record(20us);
  for (int i = 0; i < 49; ++i) b.stats.latency.read.record(40us);
  b.stats.latency.read.record(9s);
  const auto before_samples = snapshot({a}), after_samples = snapshot({b});
  const SampleIndex before(before_samples), after(after_samples);
  CHECK(*latency_quantile(before, after, "e1.0", "read", 0.5) == Approx(25e-6));
  CHECK(*latency_quantile(before, after, "e1.0", "read", 0.25) == Approx(12.5e-6));
  CHECK(*latency_quantile(before, after, "e1.0", "read", 0.99) == Approx(50e-6));
  // Beyond every finite bound: the last bound, not a made-up number.
  CHECK(*latency_quantile(before, after, "e1.0", "read", 1.0) == Approx(5.0));
  CHECK_FALSE(latency_quantile(before, after, "e1.0", "write", 0.5));
  CHECK_FALSE(latency_quantile(before, after, "e9.9", "read", 0.5));
}

TEST_CASE("watch: no activity, a restarted mount, no cache, hostile names", "[watch]") {
  auto a = target("e1.0");
  a.stats.bytes_read = 5'000'000;
  for (int i = 0; i < 10; ++i) a.stats.latency.read.record(1ms);
  auto restarted = target("e1.0");  // counters back at 0: no negative rates
  auto odd = target("e2.0\x1b[2J");
  const auto w = compute_watch_interval(snapshot({a}), snapshot({restarted, odd}), 1.0);
  REQUIRE(w.targets.size() == 2);
  CHECK(w.targets[0].read_mb_per_s == 0);
  CHECK(w.targets[0].read_iops == 0);
  CHECK_FALSE(w.targets[0].read_p50);
  CHECK_FALSE(w.cache_on);
  const std::string text = format_watch_interval(w, "t");
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find("e2.0\\x1b[2J") != std::string::npos);
  CHECK(text.find(" - ") != std::string::npos);
  CHECK(text.find("cache: off") != std::string::npos);
}

TEST_CASE("printable: control bytes and high bytes escaped, backslash doubled", "[watch]") {
  CHECK(printable("Coraid vblade 1.0") == "Coraid vblade 1.0");
  CHECK(printable(std::string("a\nb\x7f\xff\\", 6)) == "a\\x0ab\\x7f\\xff\\\\");
}
