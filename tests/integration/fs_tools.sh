#!/bin/bash
# Standard tools on target files of a real mount over vblade: a loop device
# with an ext4 filesystem (mkfs, mount, write files, umount, fsck -n clean,
# files read back after a remount), and qemu-img / qemu-io on a target.
source "$(dirname "$0")/../tools/fs_common.sh"
for tool in losetup mkfs.ext4 fsck.ext4 qemu-img qemu-io; do
  command -v $tool >/dev/null || fs_fail "needs $tool"
done

fs_net_up fs2 --targets "1.0:64M 1.1:32M"
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0
fs_wait_file "$MP/e1.0" 5 || fs_fail "e1.0 not listed"
fs_wait_file "$MP/e1.1" 5 || fs_fail "e1.1 not listed"

fs_note "losetup + mkfs.ext4 + mount + files + umount + fsck -n"
LOOP=$(losetup --find --show "$MP/e1.0")
FS_CLEANUP_HOOKS+=('umount "$FS_TMP/ext4" 2>/dev/null; losetup -d "$LOOP" 2>/dev/null')
mkfs.ext4 -q -F "$LOOP" || fs_fail "mkfs.ext4 failed"
mkdir -p "$FS_TMP/ext4"
mount "$LOOP" "$FS_TMP/ext4"
head -c $((5 << 20)) /dev/urandom >"$FS_TMP/big"
for i in $(seq 20); do echo "file $i" >"$FS_TMP/ext4/small$i"; done
cp "$FS_TMP/big" "$FS_TMP/ext4/big"
umount "$FS_TMP/ext4"
losetup -d "$LOOP"
# fsck on the backing file of vblade itself: what reached the target.
fsck.ext4 -n -f "$FS_DIR/e1.0" >"$FS_TMP/fsck.log" 2>&1 || { cat "$FS_TMP/fsck.log" >&2; fs_fail "fsck -n found problems"; }
LOOP=$(losetup --find --show "$MP/e1.0")
fsck.ext4 -n -f "$LOOP" >"$FS_TMP/fsck2.log" 2>&1 || { cat "$FS_TMP/fsck2.log" >&2; fs_fail "fsck -n through the mount found problems"; }
mount -o ro "$LOOP" "$FS_TMP/ext4"
cmp "$FS_TMP/big" "$FS_TMP/ext4/big" || fs_fail "file on ext4 differs after remount"
fs_assert_eq "$(cat "$FS_TMP/ext4/small17")" "file 17" "small file content"
umount "$FS_TMP/ext4"
losetup -d "$LOOP"

fs_note "qemu-img info + qemu-io write/read-back"
SIZE=$(qemu-img info --output=json -f raw "$MP/e1.1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')
fs_assert_eq "$SIZE" $((32 << 20)) "qemu-img virtual size"
qemu-io -f raw -c "write -P 0x5a 1000 100000" -c "write -P 0xc3 3M 1M" "$MP/e1.1" >"$FS_TMP/qio.log" 2>&1 ||
  { cat "$FS_TMP/qio.log" >&2; fs_fail "qemu-io write failed"; }
qemu-io -f raw -c "read -P 0x5a 1000 100000" -c "read -P 0xc3 3M 1M" -c "read -P 0 101000 1000" "$MP/e1.1" >"$FS_TMP/qio2.log" 2>&1 ||
  { cat "$FS_TMP/qio2.log" >&2; fs_fail "qemu-io read-back failed"; }
grep -q "Pattern verification failed" "$FS_TMP/qio2.log" && { cat "$FS_TMP/qio2.log" >&2; fs_fail "qemu-io pattern mismatch"; }
# O_DIRECT through qemu (cache=none) too.
qemu-io -f raw -t none -c "read -P 0xc3 3M 1M" "$MP/e1.1" >"$FS_TMP/qio3.log" 2>&1 ||
  { cat "$FS_TMP/qio3.log" >&2; fs_fail "qemu-io O_DIRECT read failed"; }
grep -q "Pattern verification failed" "$FS_TMP/qio3.log" && fs_fail "qemu-io O_DIRECT pattern mismatch"
python3 -c "
import sys
d=open('$FS_DIR/e1.1','rb').read()
assert d[1000:101000]==b'\x5a'*100000 and d[3<<20:4<<20]==b'\xc3'*(1<<20) and d[101000:102000]==bytes(1000)
" || fs_fail "vblade's backing file does not hold what qemu-io wrote"
