#!/bin/bash
# A target that stalls: every 300th read or write frame it stops for 15 ms
# (quirk_target --stall-ms 15:300, MTU 9000, 17 sectors per frame), between
# one and two of the initiator's RTOs (10 ms floor). Every full-size frame in
# flight times out at once, as behind a jumbo black hole, but is answered
# late: the path must stay at (or come back to) full-size frames, no error,
# the data right. Seen against vblade on a cold backing file: the mount fell
# back to 2 sectors per frame, a quarter of the throughput, for 30 s and
# again at the next stall. Figures: retransmits, fallbacks and restores.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qt --mtu 9000 --targets "1.0:64M" --quirk "--stall-ms 15:300"
head -c $((64 << 20)) /dev/urandom >"$FS_TMP/rand"
fs_note "dd oflag=direct 64 MiB, then read back iflag=direct, through a stalling target"
dd if="$FS_TMP/rand" of="$MP/$T" bs=1M oflag=direct conv=notrunc status=none ||
  fs_fail "dd oflag=direct failed"
cmp "$FS_TMP/rand" <(dd if="$MP/$T" bs=1M iflag=direct status=none) ||
  fs_fail "reads through the mount differ from what dd wrote"
cmp "$FS_TMP/rand" "$FS_DIR/$T" || fs_fail "backing file does not hold what dd wrote"

C=$(quirk_target_counters)
STALLS=$(quirk_counter stalls "$C")
REXMIT=$(fault_stat "$MP" aoefs_target_retransmits_total "$T")
SPF=$(fault_stat "$MP" aoefs_target_sectors_per_frame "$T")
FALLBACKS=$(fault_stat "$MP" aoefs_target_frame_size_fallbacks_total "$T")
RESTORES=$(fault_stat "$MP" aoefs_target_frame_size_restores_total "$T")
fault_figure "target stalls=$STALLS; daemon retransmits=$REXMIT spf=$SPF fallbacks=$FALLBACKS restores=$RESTORES"
# The stalls happened and cost timeouts: the case was exercised.
[ "$STALLS" -ge 20 ] || fs_fail "only $STALLS stalls: the target did not stall as asked"
[ "$REXMIT" -gt 0 ] || fs_fail "no retransmits: the stalls never outlasted the RTO"
[ "$SPF" = 17 ] || fs_fail "frames of $SPF sectors after the stalls, expected 17 (stalls taken for a black hole)"
[ "$(fault_stat "$MP" aoefs_target_errors_total "$T")" = 0 ] || fs_fail "errors reached the daemon's counters"
