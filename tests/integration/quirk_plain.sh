#!/bin/bash
# quirk_target without quirks (write cache, FLUSH CACHE and EXT advertised
# and done with fdatasync): the baseline of the quirk suite, and a check
# of the target itself. Unsynced and synced I/O through the mount (dd,
# fio crc32c verify, acked_writer checked in the backing file, mkfs.ext4 +
# fsck); the target saw the flushes.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qp --targets "1.0:64M" --quirk ""
quirk_io_unsynced
quirk_io_synced
C=$(quirk_target_counters)
[ "$(quirk_counter flushes "$C")" -gt 0 ] || fs_fail "fsync sent no flush to a target that advertises one: $C"
[ "$(quirk_counter flushes_aborted "$C")" = 0 ] || fs_fail "flushes aborted by a target that supports them: $C"
quirk_daemon_figures
