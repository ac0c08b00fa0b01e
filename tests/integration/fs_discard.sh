#!/bin/bash
# Discard and write-zeroes through a real mount on vblade, which has no
# TRIM (IDENTIFY word 169 clear): `fallocate --punch-hole` fails with
# EOPNOTSUPP and changes nothing; `fallocate --zero-range` writes zeroes
# (aligned and unaligned edges, 48 MiB without the daemon's memory growing
# by the range); plain fallocate succeeds within the size and fails past it;
# blkdiscard on a loop device and fstrim on a loop-mounted ext4 fail cleanly
# or do nothing, and leave the data and the filesystem intact.
source "$(dirname "$0")/../tools/fs_common.sh"

for tool in fallocate losetup blkdiscard fstrim mkfs.ext4 fsck.ext4; do
  command -v $tool >/dev/null || fs_fail "needs $tool"
done
MiB=$((1 << 20))
fs_net_up dsc --targets "1.0:64M"
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=10
fs_wait_file "$MP/e1.0" 5 || fs_fail "e1.0 not listed"
F=$MP/e1.0

head -c $((56 * MiB)) /dev/urandom >"$FS_TMP/random"
dd if="$FS_TMP/random" of="$F" bs=1M conv=fsync,notrunc status=none

fs_note "punch-hole: EOPNOTSUPP on vblade, nothing changed"
if err=$(fallocate --punch-hole --offset 0 --length $MiB "$F" 2>&1); then
  fs_fail "punch-hole succeeded on a target without TRIM"
fi
# util-linux says "keep size mode is unsupported" for EOPNOTSUPP with KEEP_SIZE.
echo "$err" | grep -Eq "Operation not supported|unsupported" || fs_fail "punch-hole: $err"
python3 - "$F" <<'PY' || fs_fail "punch-hole did not fail with EOPNOTSUPP"
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDWR)
rc = libc.fallocate(fd, 0x02 | 0x01, ctypes.c_long(0), ctypes.c_long(1 << 20))  # PUNCH_HOLE|KEEP_SIZE
sys.exit(0 if rc == -1 and ctypes.get_errno() == errno.EOPNOTSUPP else 1)
PY
cmp -n $MiB "$FS_DIR/e1.0" "$FS_TMP/random" || fs_fail "punch-hole changed data"

fs_note "zero-range: aligned, unaligned, 48 MiB with bounded memory"
fallocate --zero-range --offset 4096 --length 8192 "$F" || fs_fail "zero-range aligned"
fallocate --zero-range --offset 100000 --length 3000 "$F" || fs_fail "zero-range unaligned"
python3 - "$FS_DIR/e1.0" "$FS_TMP/random" <<'PY' || fs_fail "zero-range result differs from the model"
import sys
got = open(sys.argv[1], 'rb').read(1 << 20)
want = bytearray(open(sys.argv[2], 'rb').read(1 << 20))
want[4096:4096 + 8192] = bytes(8192)
want[100000:103000] = bytes(3000)
if got != bytes(want):
    first = next(i for i in range(len(got)) if got[i] != want[i])
    sys.exit(f"first difference at byte {first}")
PY
cmp <(dd if="$F" bs=1M count=1 status=none) <(head -c $MiB "$FS_DIR/e1.0") || fs_fail "read through the mount differs after zero-range"
PID=$(pgrep -P "$FS_PID" -x aoefs || echo "$FS_PID")
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PID/status"; }
before=$(hwm)
fallocate --zero-range --offset $((8 * MiB)) --length $((48 * MiB)) "$F" || fs_fail "zero-range 48 MiB"
after=$(hwm)
fs_note "daemon peak RSS before/after 48 MiB zero-range: ${before} / ${after} kB"
[ $((after - before)) -lt $((24 * 1024)) ] || fs_fail "daemon memory grew by $((after - before)) kB for a 48 MiB zero-range"
cmp -n $((48 * MiB)) <(dd if="$FS_DIR/e1.0" bs=1M skip=8 count=48 status=none) /dev/zero ||
  fs_fail "48 MiB zero-range left non-zero bytes"
cmp <(dd if="$FS_DIR/e1.0" bs=1M skip=2 count=6 status=none) <(dd if="$FS_TMP/random" bs=1M skip=2 count=6 status=none) ||
  fs_fail "zero-range touched bytes before its start"
if err=$(fallocate --zero-range --offset $((64 * MiB)) --length 4096 "$F" 2>&1); then
  fs_fail "zero-range past the end succeeded"
fi

fs_note "plain fallocate: within the size 0, past it EFBIG"
fallocate --offset 0 --length $((64 * MiB)) "$F" || fs_fail "fallocate within the size"
if err=$(fallocate --offset $((63 * MiB)) --length $((2 * MiB)) "$F" 2>&1); then
  fs_fail "fallocate past the end succeeded"
fi
echo "$err" | grep -q "File too large" || fs_fail "fallocate past the end: $err"
fs_assert_eq "$(stat -c %s "$F")" $((64 * MiB)) "size after fallocate"

fs_note "blkdiscard on a loop device: fails cleanly or does nothing"
dd if="$FS_TMP/random" of="$F" bs=1M count=1 conv=fsync,notrunc status=none
LOOP=$(losetup --find --show "$F")
FS_CLEANUP_HOOKS+=('umount "$FS_TMP/ext4" 2>/dev/null; losetup -d "$LOOP" 2>/dev/null')
if out=$(blkdiscard "$LOOP" 2>&1); then
  fs_note "blkdiscard: succeeded (the kernel made it a no-op)"
else
  fs_note "blkdiscard: $out"
  echo "$out" | grep -Eqi "not supported|unsupported" || fs_fail "blkdiscard failed otherwise: $out"
fi
cmp -n $MiB "$FS_DIR/e1.0" "$FS_TMP/random" || fs_fail "data changed by blkdiscard on a target without TRIM"

fs_note "fstrim on a loop-mounted ext4"
mkfs.ext4 -q -F -E nodiscard "$LOOP" || fs_fail "mkfs.ext4"
mkdir -p "$FS_TMP/ext4"
mount "$LOOP" "$FS_TMP/ext4" || fs_fail "mount ext4"
head -c $((4 * MiB)) /dev/urandom >"$FS_TMP/ext4src"
cp "$FS_TMP/ext4src" "$FS_TMP/ext4/file"
sync
if out=$(fstrim -v "$FS_TMP/ext4" 2>&1); then
  fs_note "fstrim: $out"
else
  fs_note "fstrim: $out"
  echo "$out" | grep -Eqi "not supported|unsupported" || fs_fail "fstrim failed otherwise: $out"
fi
umount "$FS_TMP/ext4"
mount "$LOOP" "$FS_TMP/ext4" || fs_fail "mount ext4 again"
cmp "$FS_TMP/ext4/file" "$FS_TMP/ext4src" || fs_fail "file differs after fstrim and a remount"
umount "$FS_TMP/ext4"
fsck.ext4 -fn "$LOOP" >/dev/null 2>&1 || fs_fail "fsck.ext4 -fn found errors after fstrim"
losetup -d "$LOOP"
