// `aoefs stat --watch`: what happened between two snapshots of .stats, per
// target and per second, like `iostat -x INTERVAL`.
//
// Rates come from counter deltas divided by the interval; IOPS from the
// latency histograms' _count (successful operations), MB/s from the byte
// counters (10^6 bytes), p50/p99 from the histogram bucket deltas with
// linear interpolation inside the bucket (as PromQL's histogram_quantile).
// A counter that went down (the mount restarted in between) counts as 0.
// window and outstanding are the gauges of the later snapshot.
//
// The text table has a fixed width per column (widths do not move between
// intervals; the default columns fit 80 characters), latencies in
// milliseconds in every cell; its columns: watch_columns().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aoefs/cli/stat_table.hpp"
#include "aoefs/stats/prometheus_parse.hpp"

namespace aoefs {

class SampleIndex;

struct WatchRow {
  std::string target;  // as in the label, not yet made printable
  double read_iops = 0, write_iops = 0, flush_iops = 0;
  double read_mb_per_s = 0, write_mb_per_s = 0;
  // Seconds; empty when no operation of that kind completed in the interval.
  std::optional<double> read_p50, read_p99, write_p50, write_p99;
  double retransmits_per_s = 0;
  double window = 0, outstanding = 0;

  // Operations completed in the interval, or frames in flight at its end
  // (--active shows only these).
  bool active() const;
};

struct WatchInterval {
  std::vector<WatchRow> targets;  // in the order of the later snapshot
  bool cache_on = false;
  std::optional<double> cache_hit_rate;  // 0..1; empty: cache off or no lookups
  double cache_lookups = 0;
};

// The quantile q (0..1) of the `op` latencies of `target` that completed
// between the snapshots; empty when none did. Above the last finite bucket
// it answers that bound (the histogram cannot say more).
std::optional<double> latency_quantile(const SampleIndex& before, const SampleIndex& after,
                                       const std::string& target, const std::string& op, double q);

// REQUIRES seconds > 0.
WatchInterval compute_watch_interval(const SampleIndex& before, const SampleIndex& after,
                                     double seconds);
WatchInterval compute_watch_interval(const std::vector<MetricSample>& before,
                                     const std::vector<MetricSample>& after, double seconds);

std::span<const ColumnSpec> watch_columns();

// One interval: a time line, the table of the targets `view` keeps (names
// made printable), the cache line; with --json or --raw the table alone.
// REQUIRES view.format.columns chosen well (choose_columns(watch_columns(), ...)).
std::string format_watch_interval(const WatchInterval& interval, const std::string& clock_text,
                                  const StatView& view = {});

}  // namespace aoefs
