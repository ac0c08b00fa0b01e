// The daemon's heap policy. Contract: its memory stays within the block
// cache budget plus a small constant, and the steady state does not fault
// pages in. glibc's defaults break the first: the mmap threshold rises to
// the size of the largest block ever freed (so the 1 MiB buffers of FUSE
// requests move from mmap, returned at free, into the heap, where they
// stay), and every FUSE thread may get an arena of its own that keeps freed
// cache blocks for itself. The fixed threshold alone would work against
// the second: glibc then gives memory at the top of a heap back to the
// kernel as soon as 128 KiB are free there, and the block cache frees and
// allocates 64 KiB blocks all the time, so their pages would be faulted in
// again and again.
#pragma once

namespace aoefs {

// Fixes the mmap threshold at 128 KiB (buffers above it are returned to the
// system when freed; request buffers come from aoefs/util/buffer_pool,
// which keeps a bounded number), allows two arenas, and keeps up to
// kTrimThreshold of free memory at the top of a heap instead of returning
// it at once: memory that was in use just before (so peak memory is not
// raised), taken again by the next blocks. Call once, before threads start.
void apply_memory_policy();

inline constexpr int kTrimThreshold = 64 << 20;

}  // namespace aoefs
