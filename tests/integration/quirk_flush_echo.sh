#!/bin/bash
# A target that advertises FLUSH CACHE EXT and answers every flush with the
# command byte as status (0xEA or 0xE7: BSY/DF bits set, ERR clear) and error
# register 0, a no-op flush: ERR clear and error 0 is success, so fsync must
# succeed — dd conv=fsync, fdatasync per block, mkfs.ext4 + fsck — and the
# data is in the backing file. The target saw the flushes and aborted none.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qe --targets "1.0:64M" --quirk "--flush-echo"
quirk_io_unsynced
quirk_io_synced
C=$(quirk_target_counters)
[ "$(quirk_counter flushes "$C")" -gt 0 ] || fs_fail "fsync sent no flush to a target that advertises FLUSH CACHE EXT: $C"
quirk_daemon_figures
