// TargetEvents: the initiator's target listener of the daemon. Turns what
// the initiator learns about targets into files of the mount, and tells the
// log once per event.
//
// Contract (runs on the io thread, the only caller):
//  * A target's device is made (and wrapped in the block cache) on first
//    sight; one AoeBlockDevice per target for the mount's lifetime, so a
//    resize reaches files already open.
//  * A new capacity is set on that device, its cached blocks are dropped (a
//    restarted target may serve other data), and once mounted the kernel
//    forgets the file's attributes and pages.
//  * Logged once per change: found / back / down, a flush mode that
//    gives fsync no FLUSH CACHE to wait for (`none ...`: fsync completes once
//    every write was acknowledged), a flush answered with a status no disk
//    gives after flushing (TargetInfo::flush_odd_status: BSY/DF set, e.g.
//    the command byte echoed; a warning, once per target for the mount's
//    lifetime), frames smaller than the target and path
//    allow (a jumbo black hole) and their return to full size. A resize is
//    logged by SegmentWatch::resize_seen() (at a bounded rate), not here.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>

#include "aoefs/daemon/aoe_block_device.hpp"
#include "aoefs/fs/fuse_mount.hpp"
#include "aoefs/fs/target_table.hpp"
#include "cache/block_cache.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {

struct TargetEvents {
  TargetTable& table;
  aoe::Initiator& initiator;
  cache::BlockCache& block_cache;
  std::map<aoe::TargetAddress, std::shared_ptr<AoeBlockDevice>> devices;
  std::atomic<FuseMount*> mount{nullptr};
  // What was last logged of each target, so each change is told once.
  struct Told {
    std::optional<aoe::FlushMode> flush;
    bool flush_odd_status = false;  // the warning of a no-op flush answer
    unsigned sectors_per_frame = 0;
    unsigned largest_sectors_per_frame = 0;
  };
  std::map<aoe::TargetAddress, Told> told;
};

void on_target_event(TargetEvents& ev, const aoe::TargetInfo& info);

}  // namespace aoefs
