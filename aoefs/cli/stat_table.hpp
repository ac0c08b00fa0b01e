// `aoefs stat MOUNTPOINT`'s table: a row per target from the mount's
// .stats (its columns: stat_columns(), `aoefs stat --list-columns`), then,
// in the text table only, lines for what does not fit a row: config
// strings, conflicts, refused targets, the link and cache totals. --json and
// --raw print the rows alone.
//
// Sizes are KiB/MiB/GiB (bytes with --bytes), times milliseconds.
// Strings that came from a target are printed through util/wire_text.hpp.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "aoefs/cli/table_output.hpp"
#include "aoefs/cli/target_filter.hpp"
#include "aoefs/stats/prometheus_parse.hpp"

namespace aoefs {

class SampleIndex;

// Which rows and how: the table options, the target filter, and whether
// only targets that had requests are shown (--active).
struct StatView {
  TableFormat format;
  TargetFilter filter;
  bool active_only = false;
};

std::span<const ColumnSpec> stat_columns();

// "up", "waiting" or "down": aoefs_target_state's state label, or from
// aoefs_target_up for a daemon without that family.
std::string target_state(const SampleIndex& index, const std::string& target);

// The whole output for parsed samples (pure; unit-tested). REQUIRES
// view.format.columns chosen well (choose_columns(stat_columns(), ...)).
std::string format_stat_table(const std::vector<MetricSample>& samples, const StatView& view = {});

}  // namespace aoefs
