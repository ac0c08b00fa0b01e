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
//    through the kernel page cache, dropped at every open (keep_cache = 0);
//    writes are write-through (no writeback cache). The policy and the
//    measurements behind it: cache/README.md, "The kernel page cache".
//    With direct_io == true every read and write reaches the daemon.
//  * MOUNTPOINT/.stats (not listed by readdir, read-only) holds the mount's
//    statistics (stats_report.hpp), a snapshot taken at open.
//  * The size of a file is the target's capacity and cannot change: truncate
//    to a larger size fails (EFBIG); to a smaller size is accepted and does
//    nothing, as for a block device (so `dd of=FILE` without conv=notrunc
//    and O_TRUNC opens work).
#pragma once

#include "aoefs/fs/fs_context.hpp"
#include "aoefs/stats/stats_report.hpp"

namespace aoefs {

const fuse_lowlevel_ops& filesystem_operations();

// Bytes written through filesystem_operations() in this process, by path.
WritePathStats write_path_stats();

}  // namespace aoefs
