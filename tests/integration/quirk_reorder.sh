#!/bin/bash
# A target that answers out of order, as one serving requests from several
# threads: quirk_target --reorder 0.05 holds back 5 % of its answers until
# three later answers were sent (seeded). Nothing may be lost or corrupted
# (fio crc32c verify, dd conv=fsync, acknowledged writes in the backing
# file, mkfs.ext4 + fsck). Figures: retransmits and duplicates per 1,000
# frames and fio throughput (benchmark figures, not asserted).
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qr --targets "1.0:64M" --quirk "--reorder 0.05:3 --seed 3"
quirk_io_unsynced
C=$(quirk_target_counters)
[ "$(quirk_counter held "$C")" -gt 0 ] || fs_fail "the target reordered no answer: $C"
SENT=$(fault_stat "$MP" aoefs_target_frames_sent_total "$T")
RETX=$(fault_stat "$MP" aoefs_target_retransmits_total "$T")
DUPS=$(fault_stat "$MP" aoefs_target_duplicates_total "$T")
fault_figure "after fio 16 MiB: frames_sent=$SENT retransmits=$RETX ($((RETX * 1000 / SENT)) per 1000 frames) duplicates=$DUPS; $(grep -E '^ *(READ|WRITE):' "$FS_TMP/fio.log" | sed 's/^ *//; s/, io=.*//' | tr '\n' ' ')"
quirk_io_synced
quirk_daemon_figures
