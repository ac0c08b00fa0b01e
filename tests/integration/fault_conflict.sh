#!/bin/bash
# Two different disks claiming one shelf.slot (a misconfiguration the AoE
# documentation warns about): the fixture's vblade e1.0 on the target
# bridge, and a twin vblade e1.0 on another bridge port (other MAC, other
# hostname so another IDENTIFY serial, same size, own backing file). aoefs
# must keep them apart: one of them is e1.0, the other a conflict that is
# never used, counted in .stats, shown by `aoefs stat` and `aoefs discover`
# and logged once. 8 MiB written through the mount must all land in ONE
# backing file; the other stays untouched (all zero).
source "$(dirname "$0")/../tools/fault_common.sh"

fs_net_up hc1 --inis 2 --targets "1.0:64M"
TWIN=$FS_DIR/twin-e1.0
truncate -s 64M "$TWIN"
fault_twin_target 1.0 "$TWIN" twinhost
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=10,cache_size=0,discovery_interval=1
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed"
for _ in $(seq 100); do
  [ "$(fault_stat "$MP" aoefs_target_conflicts_total e1.0)" -ge 1 ] && break
  sleep 0.1
done
[ "$(fault_stat "$MP" aoefs_target_conflicts_total e1.0)" = 1 ] ||
  fs_fail "the twin was not found to be a conflict: $(grep e1.0 "$MP/.stats" | grep -v '^#' | head -30)"

fs_note "dd 8 MiB into e1.0 while two disks claim it"
head -c $((8 << 20)) /dev/urandom >"$FS_TMP/random"
dd if="$FS_TMP/random" of="$MP/e1.0" bs=256k oflag=direct conv=notrunc status=none || fs_fail "dd write failed"
dd if="$MP/e1.0" of="$FS_TMP/back" bs=256k count=32 iflag=direct status=none || fs_fail "dd read failed"
cmp "$FS_TMP/random" "$FS_TMP/back" || fs_fail "data read back through the mount differs"
sync
if cmp -s -n $((8 << 20)) "$FS_TMP/random" "$FS_DIR/e1.0"; then
  USED=$FS_DIR/e1.0 OTHER=$TWIN
elif cmp -s -n $((8 << 20)) "$FS_TMP/random" "$TWIN"; then
  USED=$TWIN OTHER=$FS_DIR/e1.0
else
  A=$(cmp -l -n $((8 << 20)) "$FS_TMP/random" "$FS_DIR/e1.0" | wc -l)
  B=$(cmp -l -n $((8 << 20)) "$FS_TMP/random" "$TWIN" | wc -l)
  fs_fail "neither backing file holds the 8 MiB (bytes differing: fixture's $A, twin's $B): the write was split"
fi
cmp -s -n $((64 << 20)) "$OTHER" /dev/zero || fs_fail "$OTHER was written to: $(cmp -l -n $((64 << 20)) "$OTHER" /dev/zero | wc -l) bytes not zero"

STAT=$("$AOEFS_BINARY" stat "$MP") || fs_fail "aoefs stat failed"
echo "$STAT" | grep -q "e1.0 CONFLICT: aoe0 .* is another disk" || fs_fail "aoefs stat shows no conflict: $STAT"
DISCOVER=$(fs_run_aoefs discover -i aoe0 --wait 2000 2>&1) || fs_fail "aoefs discover failed"
echo "$DISCOVER" | grep -Eq '^e1\.0 ' || fs_fail "aoefs discover does not list e1.0: $DISCOVER"
echo "$DISCOVER" | grep -q "CONFLICT aoe0 .*another disk claims e1.0" || fs_fail "aoefs discover shows no conflict: $DISCOVER"
sleep 3  # more discovery rounds (interval 1 s): the conflict must stay one, logged once
[ "$(fault_stat "$MP" aoefs_target_conflicts_total e1.0)" = 1 ] || fs_fail "conflict counted more than once"
LOGGED=$(grep -c "CONFLICT" "$FS_TMP/aoefs.log" || true)
[ "$LOGGED" = 1 ] || fs_fail "conflict logged $LOGGED times, not once: $(grep CONFLICT "$FS_TMP/aoefs.log")"
fault_figure "used $(basename "$USED"), untouched $(basename "$OTHER"); $(grep CONFLICT "$FS_TMP/aoefs.log")"
fault_figure "e1.0: $(fault_daemon_figures "$MP" e1.0)"
