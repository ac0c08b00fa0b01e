#!/bin/bash
# A slow target: every write frame is written with fdatasync and answered
# no sooner than 3 ms later, one at a time, with 20 buffers (MTU 9000, 17
# sectors per frame). Nothing lost (fio crc32c verify, dd conv=fsync,
# acknowledged writes in the backing file, mkfs.ext4 + fsck). Figures: write
# frames the target carried out twice (same_range), daemon retransmits.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qs --mtu 9000 --targets "1.0:64M" --quirk "--slow-write-ms 3 --buffers 20"
quirk_io_unsynced
C=$(quirk_target_counters)
fault_figure "after fio 16 MiB: target writes=$(quirk_counter writes "$C") carried out twice=$(quirk_counter same_range "$C"); daemon retransmits=$(fault_stat "$MP" aoefs_target_retransmits_total "$T")"
quirk_io_synced
quirk_daemon_figures
# A slow target is not a jumbo black hole: frames that waited past the RTO
# in its queue are answered late, which undoes any fallback at once.
SPF=$(fault_stat "$MP" aoefs_target_sectors_per_frame "$T")
[ "$SPF" = 17 ] || fs_fail "frames of $SPF sectors after the slow writes, expected 17 (a stall taken for a black hole)"
fault_figure "frame size after: $SPF sectors; fallbacks $(fault_stat "$MP" aoefs_target_frame_size_fallbacks_total "$T"), restores $(fault_stat "$MP" aoefs_target_frame_size_restores_total "$T")"
