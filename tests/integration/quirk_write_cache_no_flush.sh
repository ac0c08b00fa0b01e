#!/bin/bash
# A target that says it has a write cache, enabled (word 82/85 bit 5), but
# advertises no flush (word 83 = 0x4400) and aborts FLUSH CACHE [EXT] (status
# 0x41, error ABRT): nothing better than an acknowledged write exists, so
# fsync must succeed once every write is acknowledged (the mount says the
# data is at risk) — dd conv=fsync, fdatasync per block, mkfs.ext4 + fsck —
# and the data is in the backing file.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qw --targets "1.0:64M" --quirk "--write-cache-no-flush"
quirk_io_unsynced
quirk_io_synced
quirk_daemon_figures
