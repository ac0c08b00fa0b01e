#include "aoefs/cli/stat_watch.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <utility>

#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

constexpr const char* kLatency = "aoefs_target_latency_seconds";

double delta(double before, double after) { return after >= before ? after - before : 0; }

double value_of(const std::vector<MetricSample>& samples, const std::string& name,
                const std::map<std::string, std::string>& match = {}) {
  return find_sample(samples, name, match).value_or(0);
}

double rate(const std::vector<MetricSample>& before, const std::vector<MetricSample>& after,
            const std::string& name, const std::map<std::string, std::string>& match,
            double seconds) {
  return delta(value_of(before, name, match), value_of(after, name, match)) / seconds;
}

// Upper bound -> cumulative count, +Inf as infinity, of one target's `op` histogram.
std::map<double, double> buckets(const std::vector<MetricSample>& samples,
                                 const std::string& target, const std::string& op) {
  std::map<double, double> out;
  const std::string name = std::string(kLatency) + "_bucket";
  for (const auto& s : samples) {
    if (s.name != name) continue;
    auto t = s.labels.find("target"), o = s.labels.find("op"), le = s.labels.find("le");
    if (t == s.labels.end() || o == s.labels.end() || le == s.labels.end()) continue;
    if (t->second != target || o->second != op) continue;
    const double bound = le->second == "+Inf" ? std::numeric_limits<double>::infinity()
                                              : std::strtod(le->second.c_str(), nullptr);
    out[bound] = s.value;
  }
  return out;
}

std::string latency_text(const std::optional<double>& seconds) {
  if (!seconds) return "-";
  char buf[32];
  const double s = *seconds;
  if (s < 1e-3)
    std::snprintf(buf, sizeof buf, "%.0fus", s * 1e6);
  else if (s < 1)
    std::snprintf(buf, sizeof buf, "%.1fms", s * 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.2fs", s);
  return buf;
}

std::string number(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::optional<double> latency_quantile(const std::vector<MetricSample>& before,
                                       const std::vector<MetricSample>& after,
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

WatchInterval compute_watch_interval(const std::vector<MetricSample>& before,
                                     const std::vector<MetricSample>& after, double seconds) {
  WatchInterval out;
  std::vector<std::string> names;
  for (const auto& s : after)
    if (s.name == "aoefs_target_up" && s.labels.count("target"))
      names.push_back(s.labels.at("target"));
  for (const auto& name : names) {
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
    r.window = value_of(after, "aoefs_target_window_frames", t);
    r.outstanding = value_of(after, "aoefs_target_outstanding_frames", t);
    out.targets.push_back(std::move(r));
  }
  if (find_sample(after, "aoefs_cache_hits_total")) {
    out.cache_on = true;
    const double hits = delta(value_of(before, "aoefs_cache_hits_total"),
                              value_of(after, "aoefs_cache_hits_total"));
    const double misses = delta(value_of(before, "aoefs_cache_misses_total"),
                                value_of(after, "aoefs_cache_misses_total"));
    out.cache_lookups = hits + misses;
    if (out.cache_lookups > 0) out.cache_hit_rate = hits / out.cache_lookups;
  }
  return out;
}

std::string format_watch_interval(const WatchInterval& interval, const std::string& clock_text) {
  std::vector<std::vector<std::string>> rows = {{"target", "r/s", "w/s", "f/s", "rMB/s", "wMB/s",
                                                 "r_p50", "r_p99", "w_p50", "w_p99", "rexmit/s",
                                                 "window", "out"}};
  for (const auto& r : interval.targets)
    rows.push_back({sanitized(r.target), number(r.read_iops, 1), number(r.write_iops, 1),
                    number(r.flush_iops, 1), number(r.read_mb_per_s, 2),
                    number(r.write_mb_per_s, 2), latency_text(r.read_p50), latency_text(r.read_p99),
                    latency_text(r.write_p50), latency_text(r.write_p99),
                    number(r.retransmits_per_s, 1), number(r.window, 0), number(r.outstanding, 0)});
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  std::string out = clock_text + "\n";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      // The name left-aligned, numbers right-aligned, as iostat does.
      const std::string pad(widths[i] - row[i].size(), ' ');
      out += i == 0 ? row[i] + pad : "  " + pad + row[i];
    }
    out += "\n";
  }
  if (interval.cache_hit_rate)
    out += "cache: " + number(*interval.cache_hit_rate * 100, 1) + "% hits of " +
           number(interval.cache_lookups, 0) + " lookups\n";
  else
    out += interval.cache_on ? "cache: no lookups\n" : "cache: off\n";
  return out + "\n";
}

}  // namespace aoefs
