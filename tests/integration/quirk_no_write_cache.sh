#!/bin/bash
# A target without a write cache that advertises no flush in IDENTIFY (word
# 82/85 bit 5 clear, word 83 = 0x0400) and aborts FLUSH CACHE [EXT] (status
# 0x41, error ABRT): every acknowledged write is durable, so fsync must
# succeed once every write is acknowledged — dd conv=fsync, fdatasync per
# block, mkfs.ext4 + fsck — and the data is in the backing file.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qn --targets "1.0:64M" --quirk "--no-write-cache"
quirk_io_unsynced
quirk_io_synced
quirk_daemon_figures
