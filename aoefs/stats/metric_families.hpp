// The one table of the Prometheus metric families a mount exports (.stats,
// and metrics_listen's /metrics): each family's name, type and help, what it
// is sampled from, and how. render_stats (stats_report.hpp) writes them in
// the table's order; the docs test (tests/unit/test_docs_keys.cpp) checks
// that the man page names every one, and that the docs name no other.
//
// Labels: every target and path family carries target="e<shelf>.<slot>";
// path families add interface and mac; *_info families (value 1) carry the
// strings as labels; aoefs_target_latency_seconds adds op=read|write|flush;
// aoefs_setting has a sample per setting (name, value);
// aoefs_link_answers_refused_total has a sample per reason
// (aoe::RefusedAnswer), 0 included; aoefs_fuse_write_bytes_total has
// path=in_place|copied.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "cache/cache_config.hpp"
#include "protocol/initiator_types.hpp"

namespace aoefs {

struct TargetReport;
struct WritePathStats;
struct MountReport;
class FamilyWriter;

enum class MetricType { counter, gauge, histogram };
std::string_view metric_type_text(MetricType type);  // "counter", "gauge", "histogram"

// What a family's samples are about.
enum class MetricScope {
  target,  // a sample (or a few) per target
  path,    // a sample per path in use of each target
  mount,   // the mount itself: its settings and identity
  link,    // the mount's links together
  fuse,    // the FUSE layer
  cache,   // the block cache: the family is present only while the cache is on
};

// Everything one rendering reads.
struct StatsSnapshot {
  const std::vector<TargetReport>& targets;
  const aoe::LinkStats& link;
  const cache::CacheStats* cache;  // null: the cache is off
  const WritePathStats& writes;
  const MountReport& mount;
};

struct MetricFamily {
  std::string_view name;
  MetricType type;
  std::string_view help;
  MetricScope scope;
  // Writes the family's samples (its HELP and TYPE lines are written first).
  void (*samples)(FamilyWriter& out, const StatsSnapshot& snapshot);
};

// Every family, in the order .stats lists them.
std::span<const MetricFamily> metric_families();

}  // namespace aoefs
