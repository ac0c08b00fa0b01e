#include "aoefs/stats/stats_report.hpp"

#include "aoefs/stats/metric_families.hpp"
#include "aoefs/stats/prometheus_text.hpp"

namespace aoefs {

std::string render_stats(const std::vector<TargetReport>& targets, const aoe::LinkStats& link,
                         const std::optional<cache::CacheStats>& cache,
                         const WritePathStats& writes, const MountReport& mount) {
  const StatsSnapshot snapshot{targets, link, cache ? &*cache : nullptr, writes, mount};
  std::string out;
  for (const MetricFamily& family : metric_families()) {
    if (family.scope == MetricScope::cache && !snapshot.cache) continue;
    FamilyWriter writer(out, family.name, metric_type_text(family.type), family.help);
    family.samples(writer, snapshot);
  }
  return out;
}

}  // namespace aoefs
