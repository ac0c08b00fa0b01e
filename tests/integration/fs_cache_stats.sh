#!/bin/bash
# The block cache and the stats file on real vblade targets through a real
# mount: MOUNTPOINT/.stats is hidden from readdir and parses; its byte
# counters match the I/O done; a sequential read is served by read-ahead
# (hits and read_ahead_used in the stats); a write is seen by the next read;
# a change made by "another host" (the backing file behind vblade) shows
# after cache_expiry; the daemon's memory stays within the cache budget
# plus a constant; cache_size=0 turns the cache off; `aoefs stat` prints
# the table.
source "$(dirname "$0")/../tools/fs_common.sh"

fs_net_up fc1 --targets "1.0:64M 1.1:16M"
fs_mkmount
MP=$FS_MP
BUDGET_MB=16
fs_mount_fg "$MP" -o interfaces=aoe0,cache_size=${BUDGET_MB}M,cache_expiry=1
DAEMON=$FS_PID

# metric NAME [TARGET]: the sample's value from a fresh read of .stats.
metric() {
  local sel=$1
  [ $# -gt 1 ] && sel="$1{target=\"$2\"}"
  awk -v s="$sel" '$1 == s { print $2; found = 1 } END { exit !found }' "$MP/.stats" ||
    fs_fail "no metric $sel in $MP/.stats"
}

fs_note "the stats file: hidden, read-only, parseable"
fs_assert_eq "$(ls -a "$MP" | tr '\n' ' ')" ". .. e1.0 e1.1 " "readdir does not list .stats"
[ -r "$MP/.stats" ] || fs_fail ".stats not readable"
if echo x >"$MP/.stats" 2>/dev/null; then fs_fail ".stats accepted a write"; fi
grep -q '^# TYPE aoefs_target_read_bytes_total counter$' "$MP/.stats" || fs_fail "no TYPE line"
fs_assert_eq "$(metric aoefs_target_up e1.0)" 1 "e1.0 up"
fs_assert_eq "$(metric aoefs_target_capacity_bytes e1.1)" $((16 << 20)) "e1.1 capacity"

fs_note "written bytes counted exactly"
head -c $((4 << 20)) /dev/urandom >"$FS_TMP/a"
w0=$(metric aoefs_target_written_bytes_total e1.0)
dd if="$FS_TMP/a" of="$MP/e1.0" bs=1M oflag=direct conv=notrunc status=none
w1=$(metric aoefs_target_written_bytes_total e1.0)
fs_assert_eq "$((w1 - w0))" $((4 << 20)) "written bytes after a 4 MiB write"

fs_note "write then read: the new data, straight away"
cmp <(dd if="$MP/e1.0" bs=1M count=4 iflag=direct status=none) "$FS_TMP/a" ||
  fs_fail "read after write returned other data"

fs_note "sequential read is served by read-ahead"
head -c $((16 << 20)) /dev/urandom >"$FS_TMP/b"
dd if="$FS_TMP/b" of="$MP/e1.0" bs=1M seek=8 oflag=direct conv=notrunc status=none
r0=$(metric aoefs_target_read_bytes_total e1.0)
h0=$(metric aoefs_cache_hits_total)
u0=$(metric aoefs_cache_read_ahead_used_total)
cmp <(dd if="$MP/e1.0" bs=128K skip=64 count=128 iflag=direct status=none) "$FS_TMP/b" ||
  fs_fail "sequential read through the cache returned other data"
r1=$(metric aoefs_target_read_bytes_total e1.0)
h1=$(metric aoefs_cache_hits_total)
u1=$(metric aoefs_cache_read_ahead_used_total)
echo "16 MiB sequential read: $((r1 - r0)) bytes from the target, $((h1 - h0)) block hits, $((u1 - u0)) read-ahead blocks used" >&2
[ $((r1 - r0)) -ge $((16 << 20)) ] || fs_fail "read $((r1 - r0)) bytes from the target for a 16 MiB cold read"
[ $((u1 - u0)) -gt 0 ] || fs_fail "no read-ahead block was used by a sequential read"
[ $((h1 - h0)) -gt 0 ] || fs_fail "no cache hit during a sequential read"

fs_note "another host's write shows after cache_expiry (1 s)"
# A sequential read caches blocks 1.. (only sequential reads fill blocks:
# the first read of a stream is not yet known to be one); a re-read of
# block 1 is then a hit.
dd if="$MP/e1.0" of=/dev/null bs=64K count=4 iflag=direct status=none
h0=$(metric aoefs_cache_hits_total)
dd if="$MP/e1.0" of=/dev/null bs=64K skip=1 count=1 iflag=direct status=none
[ "$(metric aoefs_cache_hits_total)" -gt "$h0" ] || fs_fail "re-reading a block was not a cache hit"
x0=$(metric aoefs_cache_expirations_total)
head -c 65536 /dev/urandom >"$FS_TMP/c"
dd if="$FS_TMP/c" of="$FS_DIR/e1.0" bs=64K seek=1 conv=notrunc status=none  # behind vblade's back
sleep 1.5
cmp <(dd if="$MP/e1.0" bs=64K skip=1 count=1 iflag=direct status=none) "$FS_TMP/c" ||
  fs_fail "a change made behind the cache is not visible after cache_expiry"
[ "$(metric aoefs_cache_expirations_total)" -gt "$x0" ] || fs_fail "no expiration counted"

fs_note "random reads are not cached: just the bytes asked for"
r0=$(metric aoefs_target_read_bytes_total e1.1)
n0=$(metric aoefs_cache_uncached_total)
for off in 977 13 2221 409 3001 1777; do  # 4 KiB blocks, far apart, each its own open
  dd if="$MP/e1.1" of=/dev/null bs=4K skip=$off count=1 iflag=direct status=none
done
r1=$(metric aoefs_target_read_bytes_total e1.1)
fs_assert_eq "$((r1 - r0))" $((6 * 4096)) "bytes read from the target for six random 4 KiB reads"
[ "$(metric aoefs_cache_uncached_total)" -ge $((n0 + 6)) ] || fs_fail "random reads not counted as uncached"

fs_note "memory stays within the cache budget plus a constant"
for _ in 1 2; do dd if="$MP/e1.0" of=/dev/null bs=1M iflag=direct status=none; done
held=$(metric aoefs_cache_held_bytes)
[ "$held" -le $((BUDGET_MB << 20)) ] || fs_fail "cache holds $held bytes, budget ${BUDGET_MB} MiB"
hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DAEMON/status")
echo "daemon VmHWM after reading 128 MiB with a ${BUDGET_MB} MiB cache: $((hwm_kb / 1024)) MiB; cache holds $((held >> 20)) MiB" >&2
if ldd "$AOEFS_BINARY" | grep -q libasan; then
  # AddressSanitizer's shadow memory and quarantine dwarf the heap: the
  # budget check means something only in a normal build (contrib/test).
  echo "peak RSS bound not checked: this aoefs is built with AddressSanitizer" >&2
else
  [ "$hwm_kb" -le $(((BUDGET_MB + 48) * 1024)) ] ||
    fs_fail "daemon peak RSS $((hwm_kb / 1024)) MiB exceeds the ${BUDGET_MB} MiB budget + 48 MiB"
fi

fs_note "aoefs stat prints the table"
out=$("$AOEFS_BINARY" stat "$MP") || fs_fail "aoefs stat exited $?"
echo "$out" >&2
echo "$out" | grep -q '^TARGET ' || fs_fail "aoefs stat: no header"
echo "$out" | grep -Eq '^e1\.0 +up +64\.0 MiB' || fs_fail "aoefs stat: no e1.0 row"
echo "$out" | grep -q '^cache: [0-9]* hits' || fs_fail "aoefs stat: no cache line"
if "$AOEFS_BINARY" stat "$FS_TMP" 2>"$FS_TMP/stat.err"; then fs_fail "aoefs stat on a plain directory succeeded"; fi
grep -q "aoefs mount" "$FS_TMP/stat.err" || fs_fail "aoefs stat on a plain directory: $(cat "$FS_TMP/stat.err")"

fs_note "cache_size=0: no cache"
umount "$MP"
wait "$DAEMON" || fs_fail "daemon exited with $? after umount"
fs_mount_fg "$MP" -o interfaces=aoe0,cache_size=0
if grep -q '^aoefs_cache_' "$MP/.stats"; then fs_fail "cache metrics with cache_size=0"; fi
"$AOEFS_BINARY" stat "$MP" | grep -q '^cache: off$' || fs_fail "aoefs stat does not say cache: off"
cmp <(dd if="$MP/e1.0" bs=64K skip=1 count=1 iflag=direct status=none) "$FS_TMP/c" || fs_fail "uncached read"
true
