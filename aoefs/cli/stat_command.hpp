// `aoefs stat MOUNTPOINT`: the mount's statistics (MOUNTPOINT/.stats) as a
// table like aoe-stat, one row per target, then the link and cache totals.
// `aoefs stat --watch [SECONDS] MOUNTPOINT`: every SECONDS (default 1) what
// happened in the interval (cli/stat_watch.hpp), until SIGINT/SIGTERM.
// Strings that came from a target are printed through util/printable.hpp.
#pragma once

#include <string>
#include <vector>

#include "aoefs/stats/prometheus_parse.hpp"

namespace aoefs {

// argv[0] is "stat". Exit code: 0 printed (or --watch ended by SIGINT or
// SIGTERM), 2 bad arguments, 1 the stats file cannot be read or parsed
// (not an aoefs mount?).
int run_stat_command(int argc, char** argv);

// The table for parsed samples (pure; unit-tested).
std::string format_stat_table(const std::vector<MetricSample>& samples);

}  // namespace aoefs
