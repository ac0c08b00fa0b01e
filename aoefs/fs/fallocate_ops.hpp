// FUSE fallocate of the target files: a block device has every byte
// allocated, so only two modes do anything. Registered by fuse_ops.cpp.
//
// Contract (offset, length in bytes; the file size is the target's):
//  * mode 0 and FALLOC_FL_KEEP_SIZE: nothing to do within the size (0);
//    reaching past it EFBIG (mode 0, like truncate) or ENOSPC (KEEP_SIZE).
//  * FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE: whole sectors of the range go
//    to the target as TRIM (BlockDevice::discard), partial edge sectors are
//    written with zeroes; past the end is cut off. EOPNOTSUPP when the
//    target does not offer TRIM (vblade), without touching anything. What
//    trimmed sectors read back is the target's business (zeroes on targets
//    that punch holes in their backing file).
//  * FALLOC_FL_ZERO_RANGE (KEEP_SIZE or not): the range is written with
//    zeroes from one shared zero buffer, a bounded piece at a time (each
//    piece windowed by the initiator like any write); memory does not grow
//    with the range. Starting past the end ENOSPC; reaching past it is cut
//    off with KEEP_SIZE, EFBIG without.
//  * Other modes (collapse, insert, unshare) EOPNOTSUPP; on the stats file
//    or a descriptor not open for writing EBADF.
//  * The touched sectors are held in the file's RangeLock, as writes are.
#pragma once

#include "aoefs/fs/fuse_version.hpp"

namespace aoefs {

void add_fallocate_operations(fuse_lowlevel_ops& ops);

}  // namespace aoefs
