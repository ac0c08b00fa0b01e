#!/bin/bash
# A hostile "target" on the wire next to a real vblade (tests/tools/
# hostile_target.cpp): it impersonates e7.7 (one valid Query Config answer,
# garbage for everything else: truncated IDENTIFY data, garbage error codes
# and status, absurd lengths, wrong commands) and bursts garbage at every
# 8th request to the real e1.0 (wrong tags, wrong shelf/slot, foreign source
# MAC, error flag with a garbage code, truncated frames, a bad version,
# undecodable config lengths, the Response flag clear) — read answers full
# of 0xa5 that would show up as corrupt data if taken. While it runs, dd and
# fio --verify=crc32c through the mount (block cache off, O_DIRECT) against
# e1.0 must come out identical; aoefs must stay up, and its .stats must have
# counted (malformed + unmatched) at least every frame the tool sent that
# can match no request of aoefs's.
source "$(dirname "$0")/../tools/fault_common.sh"
HOSTILE=$FS_TOOLS/hostile_target
[ -x "$HOSTILE" ] || fs_fail "test tool $HOSTILE not built"
command -v fio >/dev/null || fs_fail "needs fio"

fs_net_up ft6 --targets "1.0:64M"
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=10,cache_size=0,discovery_interval=1
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed"
stranger_frames() {
  echo $(($(fault_stat "$MP" aoefs_link_frames_malformed_total) + $(fault_stat "$MP" aoefs_link_frames_unmatched_total)))
}
BEFORE=$(stranger_frames)

nsenter --net="/run/netns/$FS_TGT_NS" "$HOSTILE" tgt0 120 own=7.7 real=1.0 every=8 \
  stats="$FS_TMP/hostile.stats" >"$FS_TMP/hostile.log" 2>&1 &
H=$!
FS_PIDS+=("$H")
for _ in $(seq 50); do grep -q "^hostile_target on" "$FS_TMP/hostile.log" && break; sleep 0.1; done
grep -q "^hostile_target on" "$FS_TMP/hostile.log" || { cat "$FS_TMP/hostile.log" >&2; fs_fail "hostile_target did not start"; }

fs_note "dd 16 MiB in and out of e1.0 while the hostile target answers too"
head -c $((16 << 20)) /dev/urandom >"$FS_TMP/random"
dd if="$FS_TMP/random" of="$MP/e1.0" bs=256k oflag=direct conv=notrunc status=none || fs_fail "dd write failed"
dd if="$MP/e1.0" of="$FS_TMP/back" bs=256k count=64 iflag=direct status=none || fs_fail "dd read failed"
cmp "$FS_TMP/random" "$FS_TMP/back" || fs_fail "data read back through the mount differs"
cmp -n $((16 << 20)) "$FS_TMP/random" "$FS_DIR/e1.0" || fs_fail "vblade's backing file differs from what dd wrote"

fs_note "fio write + verify (crc32c) of 32 MiB"
fio --name=hostile --filename="$MP/e1.0" --offset=16M --size=32M --rw=write --bs=64k \
  --ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c --do_verify=1 --verify_fatal=1 \
  --verify_state_save=0 --output="$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio reported errors"; }
grep -q "err= 0" "$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio job ended with an error"; }
# Every variant needs its turn (the impersonated target's answers rotate
# over four, one per IDENTIFY that aoefs sends it, about one per discovery
# round): wait until the tool's running counters show each one sent, with
# a bound far above what any machine needs, rather than a fixed time.
all_variants_sent() {
  [ -s "$FS_TMP/hostile.stats" ] || return 1
  local name n
  while IFS='=' read -r name n; do
    [[ $name == *" "* || $name == sent ]] && continue
    [ "$n" -gt 0 ] || return 1
  done <"$FS_TMP/hostile.stats"
}
for _ in $(seq 1200); do all_variants_sent && break; sleep 0.1; done
all_variants_sent || { cat "$FS_TMP/hostile.stats" >&2; fs_fail "hostile_target did not send every variant within 120 s"; }

kill -TERM $H
wait $H || fs_fail "hostile_target exited with status $?"
sleep 0.5  # the daemon reads what is still queued
kill -0 "$FS_PID" || { tail "$FS_TMP/aoefs.log" >&2; fs_fail "aoefs died"; }
mountpoint -q "$MP" && ls "$MP" >/dev/null || fs_fail "the mount point does not answer"
cmp -n $((48 << 20)) "$MP/e1.0" "$FS_DIR/e1.0" || fs_fail "e1.0 through the mount differs from its backing file"
AFTER=$(stranger_frames)
SUMMARY=$(tail -1 "$FS_TMP/hostile.stats")
[[ $SUMMARY =~ sent=([0-9]+)\ counted=([0-9]+)\ consumed=([0-9]+) ]] || fs_fail "no summary from hostile_target: $SUMMARY"
SENT=${BASH_REMATCH[1]} COUNTED=${BASH_REMATCH[2]}
while IFS='=' read -r name n; do
  [[ $name == *" "* || $name == sent ]] && continue
  [ "$n" -gt 0 ] || fs_fail "hostile_target never sent variant $name"
done <"$FS_TMP/hostile.stats"
DAEMON=$(fault_daemon_figures "$MP" e1.0)
fault_figure "hostile_target: $(head -n -1 "$FS_TMP/hostile.stats" | tr '\n' ' ')"
fault_figure "hostile_target: $SUMMARY"
fault_figure "daemon counted $((AFTER - BEFORE)) malformed+unmatched frames (>= $COUNTED expected); e1.0: $DAEMON"
fault_figure "mount lists: $(ls -l "$MP" | awk 'NR > 1 { printf "%s (%s bytes) ", $NF, $5 }'); 48 MiB verified (dd 16 MiB + fio 32 MiB crc32c)"
[ $((AFTER - BEFORE)) -ge "$COUNTED" ] || fs_fail "daemon counted $((AFTER - BEFORE)) stranger frames, the tool sent $COUNTED that match nothing"
[ "$SENT" -gt 0 ] || fs_fail "hostile_target sent nothing"
