// The daemon's heap policy. Contract: its memory stays within the block
// cache budget plus a small constant. glibc's defaults break that: the
// mmap threshold rises to the size of the largest block ever freed (so the
// 1 MiB buffers of FUSE requests move from mmap, returned at free, into
// the heap, where they stay), and every FUSE thread may get an arena of
// its own that keeps freed cache blocks for itself.
#pragma once

namespace aoefs {

// Fixes the mmap threshold at 128 KiB (buffers above it are returned to the
// system when freed) and allows two arenas. Call once, before threads start.
void apply_memory_policy();

}  // namespace aoefs
