#!/bin/bash
# A target that advertises FLUSH CACHE EXT and answers every flush with the
# command byte as status (0xEA or 0xE7: BSY/DF bits set, ERR clear) and error
# register 0, a no-op flush: ERR clear and error 0 is success, so fsync must
# succeed — dd conv=fsync, fdatasync per block, mkfs.ext4 + fsck — and the
# data is in the backing file. The target saw the flushes and aborted none.
# Before any fsync, the flush probe after IDENTIFY settled the mode (`ext`,
# in user.aoe.flush and .stats) and its answer was the first odd one; the
# daemon's log warns of it exactly once, however many fsyncs follow.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qe --targets "1.0:64M" --quirk "--flush-echo"
fs_assert_eq "$(getfattr --only-values -n user.aoe.flush "$MP/$T")" ext "user.aoe.flush before any fsync"
grep -q "^aoefs_target_flush_info{target=\"$T\",flush=\"ext\"} 1" "$MP/.stats" ||
  fs_fail ".stats flush mode before any fsync: $(grep flush_info "$MP/.stats")"
[ "$(fault_stat "$MP" aoefs_target_flush_odd_status_total "$T")" -ge 1 ] ||
  fs_fail "the flush probe's echoed answer was not counted before any fsync"
quirk_io_unsynced
quirk_io_synced
C=$(quirk_target_counters)
[ "$(quirk_counter flushes "$C")" -gt 1 ] || fs_fail "fsync sent no flush to a target that advertises FLUSH CACHE EXT: $C"
WARNING="$T: FLUSH CACHE answered with status 0xEA (the command echoed): this target may not flush its cache"
fs_assert_eq "$(grep -cF "$WARNING" "${FS_LOGS[0]}")" 1 "no-op flush warnings in the log after $(quirk_counter flushes "$C") flushes"
quirk_daemon_figures
