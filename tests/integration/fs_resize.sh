#!/bin/bash
# Live resize through a real mount: vblade restarted on its backing file
# grown from 64 to 128 MiB, then shrunk to 32 MiB (its start-up announcement
# makes aoefs IDENTIFY it again). With discovery_interval=2 the file's size
# follows within a few seconds without a remount, the data stays, the change
# is logged once, and past a shrunk end a read is EOF and a write ENOSPC —
# also through a descriptor opened before the shrink — without the request
# reaching the target. A storm of restarts on other sizes is logged in few
# lines: the first resize at once, then at most one line per 10 s with the
# count and the capacity it ended at.
source "$(dirname "$0")/../tools/fs_common.sh"

MiB=$((1 << 20))
fs_net_up rsz --targets "1.0:64M"
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0,discovery_interval=2,dead_timeout=10,log_level=info
fs_wait_file "$MP/e1.0" 5 || fs_fail "e1.0 not listed"
fs_assert_eq "$(stat -c %s "$MP/e1.0")" $((64 * MiB)) "size at mount"

# wait_size SIZE SECONDS: until stat shows SIZE.
wait_size() {
  local deadline=$((SECONDS + $2)) s start=$EPOCHREALTIME
  while :; do
    s=$(stat -c %s "$MP/e1.0")
    if [ "$s" = "$1" ]; then
      fs_note "size $1 seen after $(python3 -c "print(f'{$EPOCHREALTIME - $start:.1f}')") s"
      return 0
    fi
    [ $SECONDS -lt $deadline ] || fs_fail "size still $s after $2 s, expected $1"
    sleep 0.2
  done
}

head -c $MiB /dev/urandom >"$FS_TMP/a"
head -c $MiB /dev/urandom >"$FS_TMP/b"
dd if="$FS_TMP/a" of="$MP/e1.0" bs=1M conv=fsync,notrunc status=none
dd if="$FS_TMP/b" of="$MP/e1.0" bs=1M seek=60 conv=fsync,notrunc status=none
# Read it once so the kernel caches the old size and pages.
cmp <(dd if="$MP/e1.0" bs=1M skip=60 count=1 status=none) "$FS_TMP/b" || fs_fail "data at 60 MiB"

fs_note "grow: 64 -> 128 MiB (vblade restarted on the grown file)"
"$AOENET" target rsz start 1.0 128M >/dev/null
wait_size $((128 * MiB)) 12
cmp <(dd if="$MP/e1.0" bs=1M skip=60 count=1 status=none) "$FS_TMP/b" || fs_fail "data at 60 MiB after growing"
dd if="$FS_TMP/a" of="$MP/e1.0" bs=1M seek=100 conv=fsync,notrunc status=none || fs_fail "write at 100 MiB after growing"
cmp <(dd if="$FS_DIR/e1.0" bs=1M skip=100 count=1 status=none) "$FS_TMP/a" || fs_fail "backing file at 100 MiB"
cmp <(dd if="$MP/e1.0" bs=1M skip=100 count=1 status=none) "$FS_TMP/a" || fs_fail "read back at 100 MiB"
grep -q "e1.0 resized: 64.0 MiB -> 128.0 MiB" "$FS_TMP/aoefs.log" ||
  fs_fail "no resize line in the log: $(grep resized "$FS_TMP/aoefs.log")"

fs_note "shrink: 128 -> 32 MiB, with a descriptor open from before"
exec 7<"$MP/e1.0"
"$AOENET" target rsz start 1.0 32M >/dev/null
wait_size $((32 * MiB)) 12
cmp <(dd if="$MP/e1.0" bs=1M count=1 status=none) "$FS_TMP/a" || fs_fail "data at 0 after shrinking"
fs_assert_eq "$(dd if="$MP/e1.0" bs=1M skip=40 count=1 status=none | wc -c)" 0 "bytes read past the new end"
fs_assert_eq "$(dd if="$MP/e1.0" bs=4k skip=$((32 * 256 - 1)) count=4 status=none | wc -c)" 4096 "a read across the new end is short"
fs_assert_eq "$(python3 -c 'import os; print(len(os.pread(7, 65536, 40 << 20)))')" 0 \
  "bytes read past the new end through the old descriptor"
exec 7<&-
if err=$(dd if="$FS_TMP/a" of="$MP/e1.0" bs=1M seek=40 count=1 conv=notrunc status=none 2>&1); then
  fs_fail "a write past the new end succeeded"
fi
echo "$err" | grep -q "No space left on device" || fs_fail "write past the end: $err"
fs_assert_eq "$(stat -c %s "$FS_DIR/e1.0")" $((32 * MiB)) "backing file size (nothing written past the end)"
# The shrink came within 10 s of the grow's line: its own line follows when
# those 10 s are over (resize_log.hpp), not at once.
for _ in $(seq 75); do [ "$(grep -c 'e1.0 resized' "$FS_TMP/aoefs.log")" -ge 2 ] && break; sleep 0.2; done
grep -q "e1.0 resized: 128.0 MiB -> 32.0 MiB" "$FS_TMP/aoefs.log" ||
  fs_fail "no shrink line in the log: $(grep resized "$FS_TMP/aoefs.log")"
fs_assert_eq "$(grep -c 'e1.0 resized' "$FS_TMP/aoefs.log")" 2 "resize log lines (once per change)"
# The same size again (a restart without resize) logs nothing more.
"$AOENET" target rsz start 1.0 32M >/dev/null
sleep 4
fs_assert_eq "$(grep -c 'e1.0 resized' "$FS_TMP/aoefs.log")" 2 "resize log lines after a restart at the same size"
cmp <(dd if="$MP/e1.0" bs=1M count=1 status=none) "$FS_TMP/a" || fs_fail "data at 0 after the restart"

fs_note "a resize storm: vblade restarted 10 times on ever other sizes, the log says it in few lines"
# resize_lines: the log's lines about e1.0's capacity.
resize_lines() { grep -E 'e1.0 resized: |e1.0: resized ' "$FS_TMP/aoefs.log" || true; }
sleep 11  # the last line's interval is over: the storm's first resize is told at once
before=$(resize_lines | wc -l)
start=$SECONDS
for size in 40 48 40 48 40 48 40 48 40 48; do
  "$AOENET" target rsz start 1.0 ${size}M >/dev/null
  sleep 0.5
done
storm=$((SECONDS - start))
wait_size $((48 * MiB)) 12
# Within one interval (plus slack) after the storm the last line tells its
# final capacity.
for _ in $(seq 75); do resize_lines | tail -1 | grep -qE '(-> |now )48.0 MiB$' && break; sleep 0.2; done
resize_lines | tail -1 | grep -qE '(-> |now )48.0 MiB$' ||
  fs_fail "the last resize line is not the final 48 MiB: $(resize_lines | tail -3)"
told=$(($(resize_lines | wc -l) - before))
fs_note "$told resize lines for a storm of 10 restarts in $storm s"
# At most one line per 10 s after the first: the first, one per interval
# the storm lasted, and the last one's.
[ "$told" -le $((2 + storm / 10 + 1)) ] || fs_fail "$told resize lines for the storm: $(resize_lines | tail -n "$told")"
resize_lines | tail -n "$told" | grep -qE 'e1.0: resized [0-9]+ more times in the last [0-9]+ s; now ' ||
  fs_fail "no summary line with the count: $(resize_lines | tail -n "$told")"
cmp <(dd if="$MP/e1.0" bs=1M count=1 status=none) "$FS_TMP/a" || fs_fail "data at 0 after the storm"
