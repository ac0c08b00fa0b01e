#include "aoefs/fs/stats_file.hpp"

#include <unistd.h>

#include "aoefs/fs/fs_context.hpp"
#include "aoefs/fs/fuse_ops.hpp"
#include "aoefs/locks/config_lock.hpp"
#include "aoefs/stats/stats_report.hpp"
#include "cache/block_cache.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {

std::string collect_stats(const FsContext& context) {
  std::vector<TargetReport> targets;
  aoe::LinkStats link;
  if (context.initiator) {
    link = context.initiator->link_stats();
    for (const auto& f : context.table->listed_files()) {
      TargetReport t;
      t.name = f.name;
      if (auto info = context.initiator->target(f.address)) t.info = *info;
      t.info.address = f.address;
      if (auto stats = context.initiator->stats(f.address)) t.stats = *stats;
      if (context.locks) t.lock_holder = context.locks->held_lock_string(f.address);
      targets.push_back(std::move(t));
    }
  }
  std::optional<cache::CacheStats> cache;
  if (context.cache && context.cache->enabled()) cache = context.cache->stats();
  MountReport mount = context.mount_report;
  mount.pid = ::getpid();  // the daemon's, after it went to the background
  return render_stats(targets, link, cache, write_path_stats(), mount);
}

}  // namespace aoefs
