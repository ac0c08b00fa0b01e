#!/bin/bash
# aoefs SIGKILLed mid-write, through the real mount: the writer (pwrite +
# fdatasync of numbered 64 KiB blocks through the page cache) fails instead
# of hanging; the mount point reports ENOTCONN ("Transport endpoint is not
# connected"); fusermount3 -u clears it; a new daemon mounts at the same
# place and reads back every block whose write + fdatasync had returned.
source "$(dirname "$0")/../tools/fault_common.sh"
BS=65536 BLOCKS=384

fs_net_up ft5 --targets "1.0:32M"
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=10
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed"
"$WRITER" write "$MP/e1.0" $BS $BLOCKS 43 "$FS_TMP/acked" >"$FS_TMP/writer.log" 2>&1 &
W=$!
fault_wait_acked "$FS_TMP/acked" 48 $W
kill -9 "$FS_PID"
T0=$(fault_now)
rc=0
timeout 20 tail --pid=$W -f /dev/null || fs_fail "writer still blocked 20 s after the daemon was killed (hang)"
wait $W || rc=$?
T1=$(fault_now)
fs_assert_eq "$rc" 3 "writer exit status (3 = a call failed)"
ACKED=$(wc -l <"$FS_TMP/acked")
fault_figure "writer: $ACKED of $BLOCKS blocks acknowledged; $(cat "$FS_TMP/writer.log") ($(fault_elapsed "$T0" "$T1") s after the kill)"

ERR=$(stat "$MP" 2>&1) && fs_fail "stat on the dead mount succeeded: $ERR"
[[ $ERR == *"Transport endpoint is not connected"* ]] || fs_fail "stat on the dead mount: '$ERR', expected ENOTCONN"
fault_figure "stat after kill -9: $ERR"
fusermount3 -u "$MP" || fs_fail "fusermount3 -u on the dead mount failed"
mountpoint -q "$MP" && fs_fail "still a mount point after fusermount3 -u"
stat "$MP" >/dev/null || fs_fail "mount point directory not usable after fusermount3 -u"

fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=10
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed after the new mount"
V1=$("$WRITER" verify "$MP/e1.0" $BS 43 "$FS_TMP/acked") || fs_fail "new mount: $V1"
V2=$("$WRITER" verify "$FS_DIR/e1.0" $BS 43 "$FS_TMP/acked") || fs_fail "backing file: $V2"
[ "$ACKED" -gt 0 ] || fs_fail "nothing was acknowledged before the kill"
fault_figure "new mount: $V1 (every acknowledged block)"
