// The FUSE low-level operations of the mount: a flat root directory with one
// regular file per target (target_table.hpp).
//
// Contract:
//  * No operation waits for the network on a FUSE thread: reads, writes and
//    fsync start device operations and reply from their completions
//    (fuse_reply_* on the device's completion thread).
//  * read/write at any offset and length (unaligned_io.hpp); reads past the
//    end are short; writes at or past the end fail with ENOSPC.
//  * write replies after the device acknowledged the data; fsync/fdatasync
//    after the device's flush (FLUSH CACHE for AoE).
//  * Page cache (FsOptions::direct_io == false, the default): reads go
//    through the kernel page cache with read-ahead, so small sequential reads
//    do not each cost a network round trip, and a re-read within one open
//    is served by the kernel (1.4-1.8 GB/s measured, against 0.9-1.4 GB/s
//    from the daemon's block cache through FUSE; README, Caching).
//    Writes are write-through (no writeback cache): write() returns after the
//    target acknowledged, so durability is unchanged. The cache is dropped
//    at every open (keep_cache = 0), so data another host wrote is seen by
//    the next open; an already open descriptor may read stale cached pages.
//    With direct_io == true every read and write reaches the daemon.
//  * MOUNTPOINT/.stats (not listed by readdir, read-only) holds the mount's
//    statistics (stats_report.hpp), a snapshot taken at open.
//  * The size of a file is the target's capacity and cannot change: truncate
//    to a larger size fails (EFBIG); to a smaller size is accepted and does
//    nothing, as for a block device (so `dd of=FILE` without conv=notrunc
//    and O_TRUNC opens work).
#pragma once

#define FUSE_USE_VERSION 35
#include <fuse_lowlevel.h>

#include <ctime>
#include <mutex>
#include <unordered_set>
#include <vector>
#include <optional>
#include <string>

#include "aoefs/target_table.hpp"

namespace aoe {
class Initiator;
}
namespace cache {
class BlockCache;
}

namespace aoefs {

class ConfigLocks;

struct FsOptions {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t file_mode = 0600;         // permission bits of every target file
  bool read_only = false;
  unsigned max_io_bytes = 1u << 20;  // max_read / max_write asked of the kernel
  unsigned read_ahead_kb = 1024;     // kernel read-ahead (can only be lowered here)
  unsigned max_background = 256;     // kernel's limit of background (async, O_DIRECT) requests
  bool debug = false;
  bool direct_io = false;          // see the page-cache contract above
  std::time_t mount_time = 0;
};

// The session's userdata: must outlive the session.
// The handles of files open on the mount. A file still open when the
// daemon stops never gets its RELEASE; the session's destroy frees what is
// left here, so nothing the handles hold (devices, streams) outlives it.
class OpenFileRegistry {
 public:
  void add(void* handle) {
    std::lock_guard lock(mutex_);
    handles_.insert(handle);
  }
  void remove(void* handle) {
    std::lock_guard lock(mutex_);
    handles_.erase(handle);
  }
  std::vector<void*> take_all() {
    std::lock_guard lock(mutex_);
    std::vector<void*> all(handles_.begin(), handles_.end());
    handles_.clear();
    return all;
  }

 private:
  std::mutex mutex_;
  std::unordered_set<void*> handles_;
};

struct FsContext {
  TargetTable* table = nullptr;
  // The AoE initiator behind the files: target metadata, config-string
  // locks, stats. Null when the table's devices are not AoE targets (test
  // tools serving memory devices); operations needing it then fail ENOTSUP.
  aoe::Initiator* initiator = nullptr;
  // The block cache the devices read through; may be null (no cache).
  // Each open file reads through its own read-ahead stream over it.
  cache::BlockCache* cache = nullptr;
  std::uint64_t max_read_ahead_bytes = 0;  // per open file, for the stream
  // flock(2) mapped to config-string locks (flock_ops.hpp), also asked by
  // the stats file who holds what; null: the kernel keeps flock local.
  ConfigLocks* locks = nullptr;
  FsOptions options;
  OpenFileRegistry open_files;
};

const fuse_lowlevel_ops& filesystem_operations();

}  // namespace aoefs
