#!/bin/bash
# Data path through a real mount on real vblade targets: 32 MiB of random
# data written with dd and read back, compared with vblade's backing file;
# random pwrite/pread at odd offsets and lengths (and O_DIRECT) checked
# against an in-memory model; two processes writing overlapping unaligned
# ranges leave one writer's bytes per sector, never a mix; fsync works.
source "$(dirname "$0")/../tools/fs_common.sh"

fs_net_up fs1 --targets "1.0:64M 1.1:16M"
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=10
fs_wait_file "$MP/e1.0" 5 || fs_fail "e1.0 not listed: $(ls -la "$MP")"
fs_wait_file "$MP/e1.1" 5 || fs_fail "e1.1 not listed: $(ls -la "$MP")"

fs_note "dd 32 MiB in and back"
head -c $((32 << 20)) /dev/urandom >"$FS_TMP/random"
dd if="$FS_TMP/random" of="$MP/e1.0" bs=1M conv=fsync,notrunc status=none
cmp -n $((32 << 20)) "$FS_TMP/random" "$FS_DIR/e1.0" || fs_fail "backing file differs from what dd wrote"
dd if="$MP/e1.0" of="$FS_TMP/back" bs=1M count=32 status=none
cmp "$FS_TMP/random" "$FS_TMP/back" || fs_fail "data read back differs"
# With odd block sizes too (several unaligned requests per call).
dd if="$MP/e1.0" of="$FS_TMP/back2" bs=12345 count=100 status=none
cmp "$FS_TMP/back2" <(head -c 1234500 "$FS_TMP/random") || fs_fail "bs=12345 read differs"

fs_note "random odd-offset I/O against a model (with O_DIRECT)"
"$FS_TOOLS/model_io" "$MP/e1.1" $((16 << 20)) 600 7 --direct || fs_fail "model_io found a difference"
cmp "$MP/e1.1" "$FS_DIR/e1.1" || fs_fail "e1.1 differs from its backing file after model_io"

fs_note "two writers, overlapping unaligned ranges"
dd if=/dev/zero of="$MP/e1.1" bs=64k count=1 conv=notrunc status=none
# A: bytes 100..2100, B: 1000..3000 — both partial in sectors 1..4 (512..2559 overlap region).
"$FS_TOOLS/overlap_writer" "$MP/e1.1" 100 2000 0xAA 200 &
A=$!
"$FS_TOOLS/overlap_writer" "$MP/e1.1" 1000 2000 0xBB 200 &
B=$!
wait $A || fs_fail "writer A failed"
wait $B || fs_fail "writer B failed"
cat >"$FS_TMP/torn.py" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read(8192)
A = set(range(100, 2100)); B = set(range(1000, 3000))
for s in range(0, 8192 // 512):
    sec = range(s * 512, s * 512 + 512)
    ok = False
    # The sector must equal "A last" or "B last" applied over zeros.
    for last in ('A', 'B'):
        good = True
        for i in sec:
            want = 0
            if last == 'A':
                want = 0xAA if i in A else (0xBB if i in B else 0)
            else:
                want = 0xBB if i in B else (0xAA if i in A else 0)
            if d[i] != want:
                good = False
                break
        ok = ok or good
    if not ok:
        print("sector", s, "is torn:", d[s*512:s*512+512].hex()[:80], file=sys.stderr)
        sys.exit(1)
PY
python3 "$FS_TMP/torn.py" "$FS_DIR/e1.1" || fs_fail "a sector holds a mix of the two writers"

fs_note "fsync and fdatasync"
python3 - "$MP/e1.0" <<'PY' || fs_fail "fsync/fdatasync failed"
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
os.pwrite(fd, b"durable", 12345)
os.fsync(fd)
os.fdatasync(fd)
os.close(fd)
PY
[ "$(dd if="$FS_DIR/e1.0" bs=1 skip=12345 count=7 status=none)" = durable ] || fs_fail "fsynced data not in the backing file"

fs_note "unmount with fusermount3 -u: daemon exits cleanly"
fusermount3 -u "$MP"
for _ in $(seq 50); do kill -0 "$FS_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$FS_PID" 2>/dev/null && fs_fail "daemon still running after fusermount3 -u"
wait "$FS_PID" || fs_fail "daemon exited with status $? after fusermount3 -u"

fs_note "again with -o direct_io (no kernel page cache)"
fs_mount_fg "$MP" -o interfaces=aoe0,direct_io
fs_wait_file "$MP/e1.1" 5 || fs_fail "e1.1 not listed"
"$FS_TOOLS/model_io" "$MP/e1.1" $((16 << 20)) 400 11 --direct || fs_fail "model_io (direct_io) found a difference"
cmp "$MP/e1.1" "$FS_DIR/e1.1" || fs_fail "e1.1 differs from its backing file (direct_io)"
dd if="$MP/e1.0" bs=1M count=32 status=none | cmp - <(head -c $((32 << 20)) "$FS_DIR/e1.0") || fs_fail "direct_io read back differs"
dd if=/dev/zero of="$MP/e1.1" bs=64k count=1 conv=notrunc status=none
"$FS_TOOLS/overlap_writer" "$MP/e1.1" 100 2000 0xAA 200 & A=$!
"$FS_TOOLS/overlap_writer" "$MP/e1.1" 1000 2000 0xBB 200 & B=$!
wait $A && wait $B || fs_fail "writers failed (direct_io)"
python3 "$FS_TMP/torn.py" "$FS_DIR/e1.1" || fs_fail "a sector holds a mix of the two writers (direct_io)"

fs_note "SIGINT flushes and unmounts"
kill -INT "$FS_PID"
for _ in $(seq 100); do kill -0 "$FS_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$FS_PID" 2>/dev/null && fs_fail "daemon still running 10 s after SIGINT"
wait "$FS_PID" || fs_fail "daemon exited with status $? after SIGINT"
mountpoint -q "$MP" && fs_fail "still mounted after SIGINT"
true
