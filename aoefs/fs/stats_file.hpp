// The .stats file of the mount: snapshots of a live mount (every target the
// table knows, present or not; the link; the block cache) rendered by
// stats/stats_report.hpp. Taken at open, so one read sees one instant.
#pragma once

#include <string>

namespace aoefs {

struct FsContext;

std::string collect_stats(const FsContext& context);

}  // namespace aoefs
