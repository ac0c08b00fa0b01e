// The kernel read-ahead of a FUSE mount (the page cache's; the block cache's
// own read-ahead is cache/read_stream.hpp). The FUSE init reply can only lower
// the kernel's offer (fuse_ops.cpp does); to set it to any value the daemon
// writes the mount's bdi attribute, /sys/class/bdi/<major>:<minor>/read_ahead_kb,
// once the init reply has been processed.
#pragma once

#include <string>

namespace aoefs {

// Blocks until the mount answers (stat waits for FUSE init), then writes
// read_ahead_kb. Best effort (needs root): returns false if it could not.
bool set_kernel_read_ahead(const std::string& mountpoint, unsigned read_ahead_kb);

}  // namespace aoefs
