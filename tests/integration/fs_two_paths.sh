#!/bin/bash
# Two real paths to one target: the fixture's dual-ported target (aoenet up
# --paths 2: two vblade processes serving one backing file on target ports
# tgt0 and tgt1, each its own MAC; the initiator has aoe0 and aoe1), mounted
# with interfaces=aoe0:aoe1.
#  - user.aoe.paths lists both paths;
#  - frames go over both: the frames each target port received (its kernel
#    counter; the daemon has no per-path counters) both grow during 16 MiB
#    of O_DIRECT writes and reads;
#  - fio --verify rounds run while tgt0 is taken down (carrier lost on aoe0)
#    and brought back: no round fails verification, no operation fails,
#    I/O continues on tgt1 while tgt0 is down, and tgt0 carries frames again
#    after it is back. The time from the cut until 1 MiB more has been
#    transferred is printed (a figure, not a threshold).
source "$(dirname "$0")/../tools/fs_common.sh"
for tool in fio getfattr python3; do
  command -v $tool >/dev/null || fs_fail "needs $tool"
done

fs_net_up tp2 --paths 2 --targets "1.0:64M"
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0:aoe1
fs_wait_file "$MP/e1.0" 5 || fs_fail "e1.0 not listed"

# rx PORT: frames received by target port tgtPORT, i.e. sent on that path.
rx() {
  ip -n "$FS_TGT_NS" -j -s link show dev "tgt$1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'
}
# tx PORT: frames target port tgtPORT sent (answers: the port is in use; a
# cut port, whose ingress drops everything, sends none).
tx() {
  ip -n "$FS_TGT_NS" -j -s link show dev "tgt$1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["packets"])'
}
# metric NAME: the e1.0 sample of NAME from a fresh read of .stats.
metric() {
  awk -v s="$1{target=\"e1.0\"}" '$1 == s { print $2; found = 1 } END { exit !found }' "$MP/.stats" ||
    fs_fail "no metric $1 in $MP/.stats"
}
moved() { echo $(($(metric aoefs_target_read_bytes_total) + $(metric aoefs_target_written_bytes_total))); }
# path_metric NAME IF: the daemon's per-path counter NAME for the path on
# interface IF (.stats: aoefs_path_*{target,interface,mac}).
path_metric() {
  awk -v n="$1" -v i="interface=\"$2\"" 'index($1, n "{") == 1 && index($1, i) { print $2; found = 1 }
    END { exit !found }' "$MP/.stats" || fs_fail "no $1 for $2 in $MP/.stats"
}

fs_note "user.aoe.paths lists both paths"
paths=""
for _ in $(seq 50); do
  paths=$(getfattr --only-values -n user.aoe.paths "$MP/e1.0" 2>/dev/null || true)
  [[ $paths == *aoe0=* && $paths == *aoe1=* ]] && break
  sleep 0.2
done
[[ $paths == *aoe0=* && $paths == *aoe1=* ]] || fs_fail "user.aoe.paths does not list aoe0 and aoe1: '$paths'"
echo "paths: $paths" >&2

fs_note "frames go over both paths"
a0=$(rx 0) a1=$(rx 1)
head -c $((16 << 20)) /dev/urandom >"$FS_TMP/data"
dd if="$FS_TMP/data" of="$MP/e1.0" bs=1M oflag=direct conv=fsync status=none || fs_fail "dd write"
cmp "$FS_TMP/data" <(dd if="$MP/e1.0" bs=1M count=16 iflag=direct status=none) || fs_fail "read-back differs"
cmp -n $((16 << 20)) "$FS_TMP/data" "$FS_DIR/e1.0" || fs_fail "the backing file differs"
d0=$(($(rx 0) - a0)) d1=$(($(rx 1) - a1))
echo "32 MiB moved: $d0 frames on path tgt0, $d1 on tgt1" >&2
p0=$(path_metric aoefs_path_answers_total aoe0) p1=$(path_metric aoefs_path_answers_total aoe1)
echo "the daemon's per-path counters: aoe0 answered $p0, aoe1 $p1" >&2
(( p0 > 0 && p1 > 0 )) || fs_fail "per-path counters: aoe0 $p0, aoe1 $p1 answers: not both paths used"
(( d0 > 0 && d1 > 0 )) || fs_fail "frames did not use both paths: tgt0 $d0, tgt1 $d1"

fs_note "fio --verify while tgt0 goes down and comes back"
# Rounds of write-then-verify over 32 MiB until told to stop; the first
# failing round ends the loop with its status.
(
  round=0
  while [ ! -e "$FS_TMP/stop" ]; do
    round=$((round + 1))
    fio --name=paths --filename="$MP/e1.0" --rw=randwrite --bs=64k --size=32M --direct=1 \
      --ioengine=psync --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 --randseed=$round \
      --output="$FS_TMP/fio-$round.log" || { tail -n 20 "$FS_TMP/fio-$round.log" >&2; echo "fio round $round failed" >&2; exit 1; }
  done
  echo "$round" >"$FS_TMP/rounds"
) &
FIO=$!
FS_CLEANUP_HOOKS+=('touch "$FS_TMP/stop"; wait $FIO 2>/dev/null')

# wait_moved BYTES SECONDS: waits until BYTES more have been read or
# written, fails after SECONDS (a generous bound: only a hang trips it).
wait_moved() {
  local start deadline=$((SECONDS + $2))
  start=$(moved)
  while (( $(moved) - start < $1 )); do
    kill -0 $FIO 2>/dev/null || fs_fail "the fio loop ended early (see above)"
    [ $SECONDS -lt $deadline ] || fs_fail "I/O did not move $1 bytes within $2 s"
    sleep 0.05
  done
}
wait_moved $((4 << 20)) 60
t_cut=$(date +%s%N)
"$AOENET" link tp2 down 0
wait_moved $((1 << 20)) 60
t_resumed=$(date +%s%N)
echo "tgt0 down: 1 MiB more transferred $(((t_resumed - t_cut) / 1000000)) ms after the cut" >&2
b0=$(rx 0) b1=$(rx 1)
wait_moved $((8 << 20)) 120
echo "while tgt0 is down: tgt0 +$(($(rx 0) - b0)) frames, tgt1 +$(($(rx 1) - b1))" >&2
(( $(rx 1) > b1 )) || fs_fail "no frames on tgt1 while tgt0 was down"

"$AOENET" link tp2 up 0
c0=$(tx 0)
deadline=$((SECONDS + 60))
while (( $(tx 0) - c0 < 100 )); do
  kill -0 $FIO 2>/dev/null || fs_fail "the fio loop ended early (see above)"
  [ $SECONDS -lt $deadline ] || fs_fail "tgt0 back up: not used again within 60 s (+$(($(tx 0) - c0)) answers)"
  sleep 0.1
done
echo "tgt0 back up: +$(($(tx 0) - c0)) answers from it" >&2
e0=$(rx 0) e1=$(rx 1)
wait_moved $((4 << 20)) 60
echo "the next 4 MiB after tgt0 is back: tgt0 +$(($(rx 0) - e0)) frames, tgt1 +$(($(rx 1) - e1))" >&2

touch "$FS_TMP/stop"
wait $FIO || fs_fail "fio verification failed across the cut"
echo "fio rounds: $(cat "$FS_TMP/rounds"), retransmits $(metric aoefs_target_retransmits_total)" >&2
fs_assert_eq "$(metric aoefs_target_errors_total)" 0 "operations failed"
