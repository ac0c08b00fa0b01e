// CacheStats as Prometheus text exposition format (version 0.0.4), for the
// daemon to export. Counters end in _total; byte gauges in _bytes.
#pragma once

#include <string>
#include <string_view>

#include "cache/cache_config.hpp"

namespace cache {

// One "# HELP", "# TYPE" and sample line per counter, names prefixed with
// `prefix` (e.g. "aoefs_cache_hits_total 12\n").
std::string to_prometheus_text(const CacheStats& stats, std::string_view prefix = "aoefs_cache_");

}  // namespace cache
