#!/bin/bash
# An attacker on the segment (tests/tools/forge_answers.cpp) next to a real
# vblade e1.0: 50 random MACs claim e1.0 with forged Query Config answers
# (buffer count 1, a config string of terminal escape sequences; half of
# them answer IDENTIFY as another disk), and 20,000 forged shelves. While it
# runs, dd and fio --verify through the mount (block cache off, O_DIRECT)
# must complete with the right data; e1.0 keeps one path and its own buffer
# count; forged claimers are conflicts or candidates, never paths; forged
# shelves, which never answer IDENTIFY, are forgotten and counted; a real
# target started during the flood (vblade e2.0) is listed within 10 s
# (discovery_interval 1 s) and takes data; the daemon's RSS stays
# bounded; no escape byte reaches .stats or `aoefs stat`; unmount returns
# and the daemon exits, and a second mount ends on SIGTERM, each within a
# generous bound (30 s; it takes well under one). Speeds and RSS are printed
# as figures, not asserted (the machine is shared).
source "$(dirname "$0")/../tools/fault_common.sh"
FORGE=$FS_TOOLS/forge_answers
[ -x "$FORGE" ] || fs_fail "test tool $FORGE not built"
command -v fio >/dev/null || fs_fail "needs fio"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # utime + stime
mib_s() { python3 -c "print(f'{$1 / 1048576 / ($3 - $2):.1f}')"; }  # BYTES FROM TO

# AddressSanitizer keeps freed blocks in a 256 MiB quarantine, so the churn
# of forgotten addresses would show as RSS growth: with a small quarantine
# the RSS bound below means in that build what it means in a normal one.
if ldd "$AOEFS_BINARY" | grep -q libasan; then
  export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
fi
fs_net_up hs1 --targets "1.0:64M"
fs_mkmount
MP=$FS_MP
# max_targets at its default (1024): forged shelves never answer IDENTIFY and are forgotten.
fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=10,cache_size=0,discovery_interval=1,path_timeout=10,unmatched_log_interval=2
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed"
BUFCNT=$(fault_stat "$MP" aoefs_target_buffers e1.0)
head -c $((32 << 20)) /dev/urandom >"$FS_TMP/random"

fs_note "baseline: dd 32 MiB, no forger"
T0=$(fault_now)
dd if="$FS_TMP/random" of="$MP/e1.0" bs=256k oflag=direct conv=notrunc status=none || fs_fail "baseline dd failed"
T1=$(fault_now)
dd if="$MP/e1.0" of=/dev/null bs=256k count=128 iflag=direct status=none || fs_fail "baseline read failed"
T2=$(fault_now)
BASE_SPEED=$(mib_s $((32 << 20)) "$T0" "$T1")
BASE_READ=$(mib_s $((32 << 20)) "$T1" "$T2")
RSS_BEFORE=$(rss_kb "$FS_PID")
CPU_BEFORE=$(cpu_ticks "$FS_PID") CPU_T0=$(fault_now)

nsenter --net="/run/netns/$FS_TGT_NS" "$FORGE" tgt0 300 claim=1.0 macs=50 shelves=20000 \
  period_ms=1000 stats="$FS_TMP/forge.stats" >"$FS_TMP/forge.log" 2>&1 &
F=$!
FS_PIDS+=("$F")
for _ in $(seq 50); do grep -q "^forge_answers on" "$FS_TMP/forge.log" && break; sleep 0.1; done
grep -q "^forge_answers on" "$FS_TMP/forge.log" || { cat "$FS_TMP/forge.log" >&2; fs_fail "forge_answers did not start"; }
for _ in $(seq 200); do
  [ "$(fault_stat "$MP" aoefs_link_addresses_evicted_total)" -gt 0 ] &&
    [ "$(fault_stat "$MP" aoefs_target_conflicts_total e1.0)" -gt 0 ] && break
  sleep 0.1
done
[ "$(fault_stat "$MP" aoefs_link_addresses_evicted_total)" -gt 0 ] || fs_fail "no forged shelf was forgotten"
[ "$(fault_stat "$MP" aoefs_target_conflicts_total e1.0)" -gt 0 ] || fs_fail "no forged claimer became a conflict"

fs_note "dd 32 MiB in and out of e1.0 with the forger running"
T0=$(fault_now)
dd if="$FS_TMP/random" of="$MP/e1.0" bs=256k oflag=direct conv=notrunc status=none || fs_fail "dd write failed"
T1=$(fault_now)
dd if="$MP/e1.0" of="$FS_TMP/back" bs=256k count=128 iflag=direct status=none || fs_fail "dd read failed"
T2=$(fault_now)
cmp "$FS_TMP/random" "$FS_TMP/back" || fs_fail "data read back through the mount differs"
cmp -n $((32 << 20)) "$FS_TMP/random" "$FS_DIR/e1.0" || fs_fail "vblade's backing file differs from what dd wrote"
FORGED_W=$(mib_s $((32 << 20)) "$T0" "$T1")
FORGED_R=$(mib_s $((32 << 20)) "$T1" "$T2")

fs_note "fio write + verify (crc32c) of 24 MiB with the forger running"
fio --name=forged --filename="$MP/e1.0" --offset=32M --size=24M --rw=write --bs=64k \
  --ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c --do_verify=1 --verify_fatal=1 \
  --verify_state_save=0 --output="$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio reported errors"; }
grep -q "err= 0" "$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio job ended with an error"; }

RSS_DURING=$(rss_kb "$FS_PID")
CPU_DURING=$(cpu_ticks "$FS_PID") CPU_T1=$(fault_now)
INFO=$(grep '^aoefs_target_info{target="e1.0"' "$MP/.stats")
[[ $INFO =~ paths=\"([^\"]*)\" ]] || fs_fail "no paths label: $INFO"
PATHS=${BASH_REMATCH[1]}
[ "$(echo "$PATHS" | wc -w)" = 1 ] || fs_fail "e1.0 has more than its one path: $PATHS"
[ "$(fault_stat "$MP" aoefs_target_buffers e1.0)" = "$BUFCNT" ] || fs_fail "a forged answer changed e1.0's buffer count"
[ "$(fault_stat "$MP" aoefs_target_errors_total e1.0)" = 0 ] || fs_fail "I/O errors on e1.0"
REFUSED=$(fault_stat "$MP" aoefs_link_addresses_evicted_total)
CONFLICTS=$(fault_stat "$MP" aoefs_target_conflicts_total e1.0)
CANDIDATES=$(fault_stat "$MP" aoefs_target_candidate_paths e1.0)
DROPPED=$(fault_stat "$MP" aoefs_target_paths_dropped_total e1.0)
REFUSED_PATHS=$(fault_stat "$MP" aoefs_target_paths_refused_total e1.0)
! grep -q $'\x1b' "$MP/.stats" || fs_fail ".stats holds a raw escape byte"
STAT=$("$AOEFS_BINARY" stat "$MP") || fs_fail "aoefs stat failed"
! grep -q $'[\x1b\x07]' <<<"$STAT" || fs_fail "aoefs stat printed a raw escape byte"
grep -q "e1.0 CONFLICT" <<<"$STAT" || fs_fail "aoefs stat shows no conflict"
LISTED=$(ls "$MP" | wc -l)
[ "$(( RSS_DURING - RSS_BEFORE ))" -lt $((64 * 1024)) ] ||
  fs_fail "RSS grew from $RSS_BEFORE to $RSS_DURING KiB with forged answers"
grep -q "segment: in the last" "$FS_TMP/aoefs.log" || fs_fail "no bounded-rate segment log line"
SEGMENT_LINES=$(grep -c "segment: in the last" "$FS_TMP/aoefs.log")

fs_note "a real target started during the flood is mounted within a few discovery intervals"
T0=$(fault_now)
"$AOENET" target hs1 start 2.0 16M >/dev/null || fs_fail "cannot start vblade e2.0"
fs_wait_file "$MP/e2.0" 10 || fs_fail "e2.0, started during the flood, not listed within 10 s"
T1=$(fault_now)
head -c $((1 << 20)) /dev/urandom >"$FS_TMP/small"
dd if="$FS_TMP/small" of="$MP/e2.0" bs=64k oflag=direct conv=notrunc,fsync status=none || fs_fail "write to e2.0 failed"
cmp -n $((1 << 20)) "$FS_TMP/small" "$FS_DIR/e2.0" || fs_fail "e2.0's backing file differs from what dd wrote"
LATE_TARGET=$(fault_elapsed "$T0" "$T1")

fs_note "unmount with the forger still running"
T0=$(fault_now)
umount "$MP" || fs_fail "umount failed"
for _ in $(seq 300); do kill -0 "$FS_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$FS_PID" 2>/dev/null && fs_fail "the daemon still runs 30 s after the unmount"
T1=$(fault_now)

fs_note "mount again, then SIGTERM the daemon with the forger still running"
fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=10,cache_size=0,discovery_interval=1
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed on the second mount"
dd if="$MP/e1.0" of=/dev/null bs=256k count=16 iflag=direct status=none || fs_fail "read on the second mount failed"
T2=$(fault_now)
kill -TERM "$FS_PID"
for _ in $(seq 300); do kill -0 "$FS_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$FS_PID" 2>/dev/null && fs_fail "the daemon still runs 30 s after SIGTERM"
T3=$(fault_now)
grep -qs " $MP fuse" /proc/mounts && fs_fail "still mounted after SIGTERM"
kill -TERM $F
wait $F || fs_fail "forge_answers exited with status $?"
fault_figure "forger: $(cat "$FS_TMP/forge.stats")"
fault_figure "dd MiB/s without forger: write $BASE_SPEED read $BASE_READ; with: write $FORGED_W read $FORGED_R; 56 MiB verified"
fault_figure "RSS KiB: $RSS_BEFORE before, $RSS_DURING with 20000 forged shelves + 50 claimers (max_targets 1024: $REFUSED addresses forgotten; $LISTED files listed)"
fault_figure "e1.0 paths: $PATHS; conflicts $CONFLICTS, candidates $CANDIDATES, dropped $DROPPED, refused (max_paths) $REFUSED_PATHS"
fault_figure "daemon CPU while forged (dd + fio included): $(awk -v t=$((CPU_DURING - CPU_BEFORE)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }') s over $(fault_elapsed "$CPU_T0" "$CPU_T1") s"
fault_figure "a target started during the flood was listed after $LATE_TARGET s (discovery_interval 1 s)"
fault_figure "unmount to daemon exit: $(fault_elapsed "$T0" "$T1") s; SIGTERM to exit: $(fault_elapsed "$T2" "$T3") s; segment log lines: $SEGMENT_LINES"
