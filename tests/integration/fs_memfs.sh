#!/bin/bash
# The FUSE layer alone, over in-memory disks (tests/tools/aoefs_memfs, no
# network): listing, odd-offset I/O against a model with O_DIRECT, racing
# overlapping unaligned writers, ext4 on a loop device. Complements (never
# replaces) the vblade tests fs_data/fs_tools.
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root"
[ -c /dev/fuse ] || fail "needs /dev/fuse"
: "${AOEFS_BUILD_DIR:?}"
T="$AOEFS_BUILD_DIR/tests/tools"
TMP=$(mktemp -d /tmp/aoefs-memfs.XXXXXX)
MP="$TMP/mnt"
mkdir "$MP"
cleanup() {
  rc=$?
  set +e
  [ -n "${LOOP:-}" ] && { umount "$TMP/ext4" 2>/dev/null; losetup -d "$LOOP" 2>/dev/null; }
  mountpoint -q "$MP" && fusermount3 -u "$MP"
  [ -n "${PID:-}" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
"$T/aoefs_memfs" "$MP" --target 1.0:65536 --target 7.12:8192 --delay-us 20 >"$TMP/log" 2>&1 &
PID=$!
for _ in $(seq 50); do mountpoint -q "$MP" && break; sleep 0.1; done
mountpoint -q "$MP" || { cat "$TMP/log"; fail "memfs did not mount"; }
[ "$(ls "$MP" | tr '\n' ' ')" = "e1.0 e7.12 " ] || fail "listing: $(ls "$MP")"
[ "$(stat -c %s "$MP/e7.12")" = $((8192 * 512)) ] || fail "size"
"$T/model_io" "$MP/e1.0" $((65536 * 512)) 1500 3 --direct || fail "model_io"
"$T/overlap_writer" "$MP/e7.12" 100 2000 0xAA 300 & A=$!
"$T/overlap_writer" "$MP/e7.12" 1000 2000 0xBB 300 & B=$!
wait $A; wait $B
python3 - "$MP/e7.12" <<'PY' || fail "torn sector"
import sys
d = open(sys.argv[1], 'rb').read(4096)
a, b = set(range(100, 2100)), set(range(1000, 3000))
for s in range(8):
    sec = range(s * 512, s * 512 + 512)
    def want(i, last):
        first, second = (b, a) if last == 'A' else (a, b)
        val = {id(a): 0xAA, id(b): 0xBB}
        if i in second: return val[id(second)]
        if i in first: return val[id(first)]
        return 0
    if not any(all(d[i] == want(i, l) for i in sec) for l in 'AB'):
        sys.exit(1)
PY
LOOP=$(losetup --find --show "$MP/e1.0")
mkfs.ext4 -q -F "$LOOP"
mkdir "$TMP/ext4"
mount "$LOOP" "$TMP/ext4"
head -c 3000000 /dev/urandom >"$TMP/f"
cp "$TMP/f" "$TMP/ext4/f"
umount "$TMP/ext4"
fsck.ext4 -n -f "$LOOP" >/dev/null 2>&1 || fail "fsck"
mount "$LOOP" "$TMP/ext4"
cmp "$TMP/f" "$TMP/ext4/f" || fail "file differs"
umount "$TMP/ext4"
losetup -d "$LOOP"; LOOP=
fusermount3 -u "$MP"
wait "$PID" || fail "memfs exit status"
PID=
echo "PASS: fs_memfs"
