// FsContext: everything the FUSE operations of the mount share — the
// session's userdata, reached from a request with context(req). Every file
// of fs/ that serves FUSE requests includes this header (and through it the
// one FUSE version, fuse_version.hpp); none includes another's operations.
//
// Contract: the context outlives the FUSE session; the pointers it holds are
// set before the session starts and not changed while it runs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>

#include "aoefs/fs/fuse_version.hpp"
#include "aoefs/fs/open_file.hpp"
#include "aoefs/fs/target_table.hpp"
#include "aoefs/stats/stats_report.hpp"

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
  mode_t file_mode = 0600;  // permission bits of every target file
  bool read_only = false;
  unsigned max_io_bytes = 1u << 20;  // max_read / max_write asked of the kernel
  unsigned read_ahead_kb = 1024;     // kernel read-ahead (can only be lowered here)
  unsigned max_background = 256;     // kernel's limit of background (async, O_DIRECT) requests
  bool debug = false;
  bool direct_io = false;  // page cache off (fuse_ops.hpp, the page-cache contract)
  bool io_uring = false;   // FUSE over io_uring when the kernel offers it (uring_transport.hpp)
  // Reads, writes and fsyncs answer a FUSE INTERRUPT with EINTR at once
  // (interruptible_reply.hpp): with dead_timeout=0 nothing else ends their
  // wait. (The kernel sends none for the requests it sends asynchronously:
  // read-ahead, O_DIRECT.) Off otherwise: the dead timeout does, and the hot path skips the
  // token's lock.
  bool interruptible_io = false;
  std::time_t mount_time = 0;
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
  // What .stats tells of the mount itself (its pid is filled in at each read).
  MountReport mount_report;
  OpenFileRegistry open_files;
};

inline FsContext& context(fuse_req_t req) {
  return *static_cast<FsContext*>(fuse_req_userdata(req));
}

}  // namespace aoefs
