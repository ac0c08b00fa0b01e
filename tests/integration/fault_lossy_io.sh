#!/bin/bash
# Nothing lost under a bad wire: the aoe-relay between aoefs and vblade drops
# 5 %, duplicates 2 % and reorders 5 % of the frames (both directions, seeded).
# Through the real mount:
#  1. fio writes 32 MiB with crc32c verify headers (libaio, O_DIRECT, 8 in
#     flight) and reads them back: zero verify errors, and vblade's backing
#     file equals what reads through the mount return.
#  2. mkfs.ext4 on a loop device over the target file, a tree of files
#     copied in, umount, fsck -n clean (through the mount and on the backing
#     file), remount: every file identical.
# Prints relay counters, the daemon's retransmits/duplicates and bytes verified.
source "$(dirname "$0")/../tools/fault_common.sh"
for tool in fio losetup mkfs.ext4 fsck.ext4; do
  command -v $tool >/dev/null || fs_fail "needs $tool"
done

fs_net_up ft1 --targets "1.0:64M" --relay "drop=0.05 dup=0.02 reorder=0.05 delay_ms=0 seed=7"
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=20,cache_size=0
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed: $(ls -la "$MP")"

SIZE=$((32 << 20))
fs_note "fio write + verify (crc32c) of $((SIZE >> 20)) MiB under drop/dup/reorder"
fio --name=lossy --filename="$MP/e1.0" --size=$SIZE --rw=write --bs=64k \
  --ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
  --output="$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio reported errors"; }
grep -q "err= 0" "$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio job ended with an error"; }
grep -qi "verify.*fail\|bad magic\|crc32c: verify failed" "$FS_TMP/fio.log" &&
  { cat "$FS_TMP/fio.log" >&2; fs_fail "fio verify errors"; }
# What reads return is what vblade stored.
cmp -n $SIZE "$MP/e1.0" "$FS_DIR/e1.0" || fs_fail "backing file differs from reads through the mount"
fault_figure "fio: $((SIZE >> 20)) MiB written and verified (crc32c), 0 verify errors"
RELAY=$(fault_relay_counters)
DAEMON=$(fault_daemon_figures "$MP" e1.0)
fault_figure "relay after fio: $RELAY"
fault_figure "daemon after fio: $DAEMON"

fs_note "ext4 on a loop device: tree copy, umount, fsck -n, remount, compare"
TREE=$FS_TMP/tree
mkdir -p "$TREE/deep/er/still"
for i in $(seq 40); do head -c $((RANDOM * 3 + i)) /dev/urandom >"$TREE/f$i"; done
head -c $((2 << 20)) /dev/urandom >"$TREE/deep/big"
for i in $(seq 100); do echo "small $i" >"$TREE/deep/er/still/s$i"; done
ln -s ../f1 "$TREE/deep/link"
TREE_BYTES=$(du -sb "$TREE" | cut -f1)
LOOP=$(losetup --find --show "$MP/e1.0")
FS_CLEANUP_HOOKS+=('umount "$FS_TMP/ext4" 2>/dev/null; losetup -d "$LOOP" 2>/dev/null')
mkfs.ext4 -q -F "$LOOP" || fs_fail "mkfs.ext4 failed"
mkdir -p "$FS_TMP/ext4"
mount "$LOOP" "$FS_TMP/ext4"
cp -a "$TREE" "$FS_TMP/ext4/tree"
umount "$FS_TMP/ext4"
fsck.ext4 -n -f "$LOOP" >"$FS_TMP/fsck.log" 2>&1 || { cat "$FS_TMP/fsck.log" >&2; fs_fail "fsck -n through the mount found problems"; }
losetup -d "$LOOP"
fsck.ext4 -n -f "$FS_DIR/e1.0" >"$FS_TMP/fsck2.log" 2>&1 || { cat "$FS_TMP/fsck2.log" >&2; fs_fail "fsck -n on vblade's backing file found problems"; }
LOOP=$(losetup --find --show "$MP/e1.0")
mount -o ro "$LOOP" "$FS_TMP/ext4"
diff -r --no-dereference "$TREE" "$FS_TMP/ext4/tree" || fs_fail "files differ after remount"
umount "$FS_TMP/ext4"
losetup -d "$LOOP"
fault_figure "ext4: tree of $TREE_BYTES bytes ($(find "$TREE" -type f | wc -l) files) copied, fsck -n clean twice, identical after remount"
RELAY=$(fault_relay_counters)
DAEMON=$(fault_daemon_figures "$MP" e1.0)
fault_figure "relay at end: $RELAY"
fault_figure "daemon at end: $DAEMON"
for k in dropped duplicated reordered; do
  n=$(fault_relay_get $k "$RELAY")
  [ "$n" -gt 0 ] || fs_fail "the relay $k no frames"
done
RETX=$(fault_stat "$MP" aoefs_target_retransmits_total e1.0)
[ "$RETX" -gt 0 ] || fs_fail "no retransmits under 5 % drop"
