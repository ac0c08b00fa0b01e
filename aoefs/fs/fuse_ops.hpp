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

#include "aoefs/fs/fs_context.hpp"

namespace aoefs {

const fuse_lowlevel_ops& filesystem_operations();

}  // namespace aoefs
