#!/bin/bash
# A target that says it has a write cache, enabled (word 82/85 bit 5), but
# advertises no flush (word 83 = 0x4400) and aborts FLUSH CACHE [EXT] (status
# 0x41, error ABRT): nothing better than an acknowledged write exists, so
# fsync must succeed once every write is acknowledged (the mount says the
# data is at risk) — dd conv=fsync, fdatasync per block, mkfs.ext4 + fsck —
# and the data is in the backing file. The mode is known before the first
# fsync (the flush probe after IDENTIFY was aborted): user.aoe.flush,
# .stats and the log say so at once, and no fsync sends a flush after it.
source "$(dirname "$0")/../tools/quirk_common.sh"

AT_RISK="none (write cache on: data at risk)"
quirk_mount qw --targets "1.0:64M" --quirk "--write-cache-no-flush"
fs_assert_eq "$(getfattr --only-values -n user.aoe.flush "$MP/$T")" "$AT_RISK" "user.aoe.flush before any fsync"
grep -qF "aoefs_target_flush_info{target=\"$T\",flush=\"$AT_RISK\"} 1" "$MP/.stats" ||
  fs_fail ".stats flush mode before any fsync: $(grep flush_info "$MP/.stats")"
grep -qF "$T flush: $AT_RISK" "${FS_LOGS[0]}" || fs_fail "the log does not tell the flush mode at mount"
fs_assert_eq "$(quirk_counter flushes_aborted "$(quirk_target_counters)")" 1 "flushes aborted before any fsync (the probe)"
quirk_io_unsynced
quirk_io_synced
fs_assert_eq "$(quirk_counter flushes_aborted "$(quirk_target_counters)")" 1 "flushes sent after the mode was known"
fs_assert_eq "$(getfattr --only-values -n user.aoe.flush "$MP/$T")" "$AT_RISK" "user.aoe.flush after fsyncs"
quirk_daemon_figures
