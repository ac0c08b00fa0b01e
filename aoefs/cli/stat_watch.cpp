#include "aoefs/cli/stat_watch.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <utility>

#include "aoefs/stats/sample_index.hpp"
#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

constexpr const char* kLatency = "aoefs_target_latency_seconds";
constexpr auto number = CellKind::number;

// Fixed widths: 10 for the name (e65535.255), 6 or 4 for the numbers; the
// default ones and their separators take 77 characters.
constexpr ColumnSpec kColumns[] = {
    {"TARGET", "the target, e<shelf>.<slot>", CellKind::text, true, 10, true},
    {"R/S", "reads completed per second", number, true, 6},
    {"W/S", "writes completed per second", number, true, 6},
    {"F/S", "flushes completed per second", number, false, 6},
    {"RMB/S", "MB (10^6 bytes) read per second", number, true, 6},
    {"WMB/S", "MB (10^6 bytes) written per second", number, true, 6},
    {"R50_MS", "median read latency, milliseconds (- : no read)", number, true, 6},
    {"R99_MS", "99th percentile read latency, milliseconds", number, true, 6},
    {"W50_MS", "median write latency, milliseconds (- : no write)", number, true, 6},
    {"W99_MS", "99th percentile write latency, milliseconds", number, true, 6},
    {"RXMT/S", "frames sent again per second", number, true, 6},
    {"WINDOW", "congestion window, frames", number, false, 6},
    {"OUT", "frames in flight at the end of the interval", number, true, 4},
};

double delta(double before, double after) { return after >= before ? after - before : 0; }

double rate(const SampleIndex& before, const SampleIndex& after, const std::string& name,
            const std::map<std::string, std::string>& match, double seconds) {
  return delta(before.value(name, match).value_or(0), after.value(name, match).value_or(0)) /
         seconds;
}

// Upper bound -> cumulative count, +Inf as infinity, of one target's `op` histogram.
std::map<double, double> buckets(const SampleIndex& samples, const std::string& target,
                                 const std::string& op) {
  std::map<double, double> out;
  for (const MetricSample* s : samples.of_target(std::string(kLatency) + "_bucket", target)) {
    auto o = s->labels.find("op"), le = s->labels.find("le");
    if (o == s->labels.end() || le == s->labels.end() || o->second != op) continue;
    const double bound = le->second == "+Inf" ? std::numeric_limits<double>::infinity()
                                              : std::strtod(le->second.c_str(), nullptr);
    out[bound] = s->value;
  }
  return out;
}

// `v` in at most `width` characters: up to `decimals` decimals, fewer
// when the number is large, k/M beyond that (the column's width is fixed).
std::string fit(double v, std::size_t width, int decimals) {
  char buf[32];
  for (int d = decimals; d >= 0; --d) {
    std::snprintf(buf, sizeof buf, "%.*f", d, v);
    if (std::string_view(buf).size() <= width) return buf;
  }
  for (const auto& [scale, suffix] : {std::pair{1e3, "k"}, std::pair{1e6, "M"}}) {
    std::snprintf(buf, sizeof buf, "%.0f%s", v / scale, suffix);
    if (std::string_view(buf).size() <= width) return buf;
  }
  return buf;
}

std::string millis(const std::optional<double>& seconds) {
  return seconds ? fit(*seconds * 1e3, 6, 3) : "-";
}

std::vector<std::string> watch_row(const WatchRow& r) {
  return {sanitized(r.target),
          fit(r.read_iops, 6, 1),
          fit(r.write_iops, 6, 1),
          fit(r.flush_iops, 6, 1),
          fit(r.read_mb_per_s, 6, 2),
          fit(r.write_mb_per_s, 6, 2),
          millis(r.read_p50),
          millis(r.read_p99),
          millis(r.write_p50),
          millis(r.write_p99),
          fit(r.retransmits_per_s, 6, 1),
          fit(r.window, 6, 0),
          fit(r.outstanding, 4, 0)};
}

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

bool WatchRow::active() const {
  return read_iops > 0 || write_iops > 0 || flush_iops > 0 || outstanding > 0;
}

std::optional<double> latency_quantile(const SampleIndex& before, const SampleIndex& after,
                                       const std::string& target, const std::string& op, double q) {
  const auto b = buckets(before, target, op);
  const auto a = buckets(after, target, op);
  std::vector<std::pair<double, double>> cumulative;  // bound, count in the interval
  for (const auto& [bound, count] : a) {
    auto it = b.find(bound);
    cumulative.emplace_back(bound, delta(it == b.end() ? 0 : it->second, count));
  }
  if (cumulative.empty() || cumulative.back().second <= 0) return std::nullopt;
  const double rank = std::clamp(q, 0.0, 1.0) * cumulative.back().second;
  double lower = 0, below = 0;
  for (const auto& [bound, count] : cumulative) {
    if (count >= rank && count > below) {
      if (bound == std::numeric_limits<double>::infinity()) return lower;
      return lower + (bound - lower) * (rank - below) / (count - below);
    }
    lower = bound;
    below = count;
  }
  return lower;
}

WatchInterval compute_watch_interval(const SampleIndex& before, const SampleIndex& after,
                                     double seconds) {
  WatchInterval out;
  for (const auto& name : after.targets()) {
    WatchRow r;
    r.target = name;
    const std::map<std::string, std::string> t{{"target", name}};
    auto ops = [&](const char* op) {
      return rate(before, after, std::string(kLatency) + "_count", {{"target", name}, {"op", op}},
                  seconds);
    };
    r.read_iops = ops("read");
    r.write_iops = ops("write");
    r.flush_iops = ops("flush");
    r.read_mb_per_s = rate(before, after, "aoefs_target_read_bytes_total", t, seconds) / 1e6;
    r.write_mb_per_s = rate(before, after, "aoefs_target_written_bytes_total", t, seconds) / 1e6;
    r.read_p50 = latency_quantile(before, after, name, "read", 0.50);
    r.read_p99 = latency_quantile(before, after, name, "read", 0.99);
    r.write_p50 = latency_quantile(before, after, name, "write", 0.50);
    r.write_p99 = latency_quantile(before, after, name, "write", 0.99);
    r.retransmits_per_s = rate(before, after, "aoefs_target_retransmits_total", t, seconds);
    r.window = after.value("aoefs_target_window_frames", t).value_or(0);
    r.outstanding = after.value("aoefs_target_outstanding_frames", t).value_or(0);
    out.targets.push_back(std::move(r));
  }
  if (after.value("aoefs_cache_hits_total")) {
    out.cache_on = true;
    auto counted = [&](const char* name) {
      return delta(before.value(name).value_or(0), after.value(name).value_or(0));
    };
    const double hits = counted("aoefs_cache_hits_total");
    out.cache_lookups = hits + counted("aoefs_cache_misses_total");
    if (out.cache_lookups > 0) out.cache_hit_rate = hits / out.cache_lookups;
  }
  return out;
}

WatchInterval compute_watch_interval(const std::vector<MetricSample>& before,
                                     const std::vector<MetricSample>& after, double seconds) {
  return compute_watch_interval(SampleIndex(before), SampleIndex(after), seconds);
}

std::span<const ColumnSpec> watch_columns() { return kColumns; }

std::string format_watch_interval(const WatchInterval& interval, const std::string& clock_text,
                                  const StatView& view) {
  auto chosen = choose_columns(kColumns, view.format.columns);
  Table table("targets", kColumns, chosen ? *chosen : std::vector<std::size_t>{0}, view.format);
  for (const auto& r : interval.targets)
    if (view.filter.accepts(r.target) && (!view.active_only || r.active()))
      table.add_row(watch_row(r));
  if (view.format.json || view.format.raw) return table.render();
  std::string out = clock_text + "\n" + table.render();
  if (interval.cache_hit_rate)
    out += "cache: " + percent(*interval.cache_hit_rate * 100) + "% hits of " +
           fit(interval.cache_lookups, 12, 0) + " lookups\n";
  else
    out += interval.cache_on ? "cache: no lookups\n" : "cache: off\n";
  return out + "\n";
}

}  // namespace aoefs
