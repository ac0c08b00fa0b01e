// The live statistics of a mount as Prometheus text exposition format
// (version 0.0.4): what MOUNTPOINT/.stats reads, metrics_listen serves and
// `aoefs stat` prints.
//
// The families, their help, type and labels: the table of
// metric_families.hpp, written in its order; the block cache's only while
// the cache is on. Label values are escaped as the format requires (\\, \",
// \n); strings that came off the wire (model, serial, firmware, config) are
// first made printable ASCII (aoefs/util/wire_text.hpp).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cache/cache_config.hpp"
#include "protocol/initiator_types.hpp"

namespace aoefs {

struct TargetReport {
  std::string name;  // e<shelf>.<slot>
  aoe::TargetInfo info;
  aoe::TargetStats stats;
  std::optional<std::string> lock_holder;  // our lock string, while we hold it
};

// How the payloads of FUSE writes reached the frames (fuse_ops.cpp).
struct WritePathStats {
  std::uint64_t in_place_bytes = 0;  // sent from the request buffer the kernel filled
  std::uint64_t copied_bytes = 0;    // copied into a pooled buffer first (small writes)
};

// The mount itself (aoefs_mount_info, aoefs_setting): what `aoefs list`
// shows of each mount.
struct MountReport {
  std::string mount_point;              // as mounted on (the real path)
  std::vector<std::string> interfaces;  // the interfaces in use, not the setting
  std::string version;                  // aoefs's
  long pid = 0;                         // the daemon's; 0: not told
  // Every setting in effect: name, value as -o takes it (settings/setting_text.hpp).
  std::vector<std::pair<std::string, std::string>> settings;
};

// Pure: renders the given snapshots.
std::string render_stats(const std::vector<TargetReport>& targets, const aoe::LinkStats& link,
                         const std::optional<cache::CacheStats>& cache,
                         const WritePathStats& writes = {}, const MountReport& mount = {});

}  // namespace aoefs
