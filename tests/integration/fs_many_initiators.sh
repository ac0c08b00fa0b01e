#!/bin/bash
# Two aoefs daemons on ONE interface (aoe0) of ONE initiator namespace, both
# mounting the one vblade target e1.0 (issue 25). They share the NIC's MAC,
# so each hears every answer the target sends, the other daemon's included;
# an answer must complete only the request it answers, or a daemon hands
# out the other's bytes and acknowledges writes that were never done, with
# no error anywhere. Each daemon: `aoefs -f -o interfaces=aoe0,cache_size=0,
# direct_io` (every read reaches the target). Three rounds, each:
#  a. both mounts read the whole target at once (dd O_DIRECT; B starts in
#     the middle, so at any moment the two read different sectors and an
#     answer taken from the other's request shows as wrong bytes): each read
#     equals the backing file byte for byte. FIGURE: differing bytes per
#     mount (cmp -l | wc -l, a missing byte counts as differing).
#  b. the backing file is refilled with random bytes (a write that is lost
#     leaves garbage that no verify header can match); both mounts write
#     their own half at once with fio --verify=crc32c (randwrite, O_DIRECT,
#     libaio, verify_fatal): fio's verify through the mount passes; fio
#     --verify_only on the backing file passes for each half (what was
#     written is what vblade stored); each half re-read through the OTHER
#     mount equals the backing file.
#  c. a and b again under 2 % in-kernel loss both ways (aoenet impair drop
#     0.02, nftables at the receiving ports); the rules must have dropped
#     frames.
# Then each mount's .stats: aoefs_link_answers_foreign_total > 0 (it heard
# the other's answers and knew they were not its own) and its
# aoefs_target_duplicates_total < foreign / 4: the other's answers are not
# counted as late duplicates of its own (a few real duplicates under loss
# are fine). FIGUREs: foreign, duplicates, refused by reason, retransmits.
# FS_MANY_KEEP_GOING=1 records failures and carries on through every round
# (to measure a broken build); the test still fails at the end.
source "$(dirname "$0")/../tools/fs_common.sh"
command -v fio >/dev/null || fs_fail "needs fio"

NAME=$(basename "$0" .sh)
SIZE_MB=32
SIZE=$((SIZE_MB << 20))
HALF=$((SIZE / 2))
HALF_MB=$((SIZE_MB / 2))
ROUNDS=3
LOSS=0.02
BOUND=600  # seconds any one transfer may take (generous; no speed is asserted)
KEEP_GOING=${FS_MANY_KEEP_GOING:-0}
FAILURES=()

mi_figure() { echo "FIGURE $NAME: $*"; }
# mi_fail MSG: fails the test now, or (FS_MANY_KEEP_GOING=1) records MSG.
mi_fail() {
  [ "$KEEP_GOING" = 1 ] || fs_fail "$*"
  echo "FAIL (going on): $*" >&2
  FAILURES+=("$*")
}
# mi_wait PID WHAT: waits for a background job, at most $BOUND s; its exit
# status. (A read the daemon never answers cannot be killed; the cleanup's
# daemon kill frees it.)
mi_wait() {
  local deadline=$((SECONDS + BOUND)) rc=0
  while kill -0 "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fs_fail "$2 still running after $BOUND s"
    sleep 0.1
  done
  wait "$1" || rc=$?
  return $rc
}
# wrong_bytes FILE REFERENCE [SKIP LENGTH]: bytes of FILE that differ from
# REFERENCE's LENGTH bytes from SKIP (default: all of SIZE); bytes missing
# from FILE count as differing.
wrong_bytes() {
  local file=$1 ref=$2 skip=${3:-0} len=${4:-$SIZE} have diff
  have=$(stat -c %s "$file" 2>/dev/null || echo 0)
  diff=$(cmp -l -n "$len" "$file" <(tail -c +$((skip + 1)) "$ref" | head -c "$len") 2>/dev/null | wc -l || true)
  [ "$have" -ge "$len" ] || diff=$((diff + len - have))
  echo "$diff"
}
# stat_sum MOUNTPOINT METRIC: the sum of every sample of METRIC in .stats
# (all label sets); fails if there is none.
stat_sum() {
  [ -r "$1/.stats" ] || { mi_fail "no $1/.stats"; echo 0; return; }
  awk -v m="$2" '{ n = $1; sub(/\{.*/, "", n) } n == m { s += $2; found = 1 }
    END { if (!found) exit 1; printf "%d\n", s }' "$1/.stats" ||
    { mi_fail "metric $2 not in $1/.stats"; echo 0; }
}

fs_net_up mi1 --targets "1.0:${SIZE_MB}M"
fs_note "filling e1.0 ($SIZE_MB MiB) with random bytes"
head -c $SIZE /dev/urandom | dd of="$FS_DIR/e1.0" bs=1M conv=notrunc,fsync iflag=fullblock status=none
OPTS=interfaces=aoe0,cache_size=0,direct_io
fs_mkmount; MPA=$FS_MP
fs_mkmount; MPB=$FS_MP
FS_LOG=$FS_TMP/aoefs-a.log fs_mount_fg "$MPA" -o "$OPTS"; PID_A=$FS_PID
FS_LOG=$FS_TMP/aoefs-b.log fs_mount_fg "$MPB" -o "$OPTS"; PID_B=$FS_PID
fs_wait_file "$MPA/e1.0" 10 && fs_wait_file "$MPB/e1.0" 10 || fs_fail "e1.0 not listed on both mounts"
fs_assert_eq "$(stat -c %s "$MPA/e1.0")" $SIZE "size of e1.0 on mount A"
fs_assert_eq "$(stat -c %s "$MPB/e1.0")" $SIZE "size of e1.0 on mount B"
START=$SECONDS

# read_round LABEL: part a.
read_round() {
  local label=$1 t0=$SECONDS pa pb ra=0 rb=0 wa wb
  rm -f "$FS_TMP/read-a" "$FS_TMP/read-b"
  dd if="$MPA/e1.0" of="$FS_TMP/read-a" iflag=direct bs=1M count=$SIZE_MB status=none 2>"$FS_TMP/dd-a.err" &
  pa=$!
  {
    dd if="$MPB/e1.0" of="$FS_TMP/read-b" iflag=direct bs=1M skip=$HALF_MB seek=$HALF_MB count=$HALF_MB conv=notrunc status=none &&
      dd if="$MPB/e1.0" of="$FS_TMP/read-b" iflag=direct bs=1M count=$HALF_MB conv=notrunc status=none
  } 2>"$FS_TMP/dd-b.err" &
  pb=$!
  mi_wait $pa "read through A ($label)" || ra=$?
  mi_wait $pb "read through B ($label)" || rb=$?
  wa=$(wrong_bytes "$FS_TMP/read-a" "$FS_DIR/e1.0")
  wb=$(wrong_bytes "$FS_TMP/read-b" "$FS_DIR/e1.0")
  mi_figure "$label read: A wrong_bytes=$wa B wrong_bytes=$wb of $SIZE each (dd rc A=$ra B=$rb) seconds=$((SECONDS - t0))"
  [ $ra = 0 ] || mi_fail "$label: dd through mount A failed (rc $ra): $(cat "$FS_TMP/dd-a.err")"
  [ $rb = 0 ] || mi_fail "$label: dd through mount B failed (rc $rb): $(cat "$FS_TMP/dd-b.err")"
  [ "$wa" = 0 ] || mi_fail "$label: mount A read $wa wrong bytes"
  [ "$wb" = 0 ] || mi_fail "$label: mount B read $wb wrong bytes"
}

# fio_half WHO MOUNT OFFSET SEED [fio options]: fio's randwrite+verify job on one half.
fio_half() {
  local who=$1 file=$2 off=$3 seed=$4; shift 4
  fio --name="half-$who" --filename="$file" --offset="$off" --size=$HALF --rw=randwrite --bs=64k \
    --verify=crc32c --verify_fatal=1 --verify_state_save=0 --randseed="$seed" "$@"
}

# write_round LABEL SEED: part b.
write_round() {
  local label=$1 seed=$2 t0=$SECONDS pa pb ra=0 rb=0 rc who off mp other wrong s
  head -c $SIZE /dev/urandom | dd of="$FS_DIR/e1.0" bs=1M conv=notrunc,fsync iflag=fullblock status=none
  fio_half a "$MPA/e1.0" 0 "$seed" --ioengine=libaio --iodepth=8 --direct=1 --do_verify=1 \
    --output="$FS_TMP/fio-a.log" &
  pa=$!
  fio_half b "$MPB/e1.0" $HALF $((seed + 1)) --ioengine=libaio --iodepth=8 --direct=1 --do_verify=1 \
    --output="$FS_TMP/fio-b.log" &
  pb=$!
  mi_wait $pa "fio through A ($label)" || ra=$?
  mi_wait $pb "fio through B ($label)" || rb=$?
  mi_figure "$label write: fio rc A=$ra B=$rb ($((HALF >> 20)) MiB each, crc32c) seconds=$((SECONDS - t0))"
  for who in a b; do
    if [ $who = a ]; then rc=$ra; else rc=$rb; fi
    if [ "$rc" != 0 ] || ! grep -q "err= 0" "$FS_TMP/fio-$who.log"; then
      grep -m3 -i 'verify\|err=' "$FS_TMP/fio-$who.log" >&2 || true
      mi_fail "$label: fio write+verify through mount ${who^^} failed (rc $rc)"
    fi
  done
  # What vblade stored, checked on the backing file itself; then each half
  # read through the mount that did not write it.
  for who in a b; do
    if [ $who = a ]; then off=0 mp=$MPB other=B s=$seed; else off=$HALF mp=$MPA other=A s=$((seed + 1)); fi
    fio_half "$who" "$FS_DIR/e1.0" "$off" "$s" \
      --verify_only=1 --output="$FS_TMP/fio-$who-backing.log" >/dev/null 2>&1 ||
      { grep -m3 -i 'verify\|err=' "$FS_TMP/fio-$who-backing.log" >&2 || true
        mi_fail "$label: the backing file does not hold what mount ${who^^} wrote (fio --verify_only)"; }
    rm -f "$FS_TMP/cross"
    dd if="$mp/e1.0" of="$FS_TMP/cross" iflag=direct bs=1M skip=$((off >> 20)) count=$HALF_MB status=none ||
      mi_fail "$label: reading ${who^^}'s half through mount $other failed"
    wrong=$(wrong_bytes "$FS_TMP/cross" "$FS_DIR/e1.0" "$off" $HALF)
    mi_figure "$label write: ${who^^}'s half re-read through $other wrong_bytes=$wrong of $HALF"
    [ "$wrong" = 0 ] || mi_fail "$label: ${who^^}'s half read through mount $other differs from the backing file in $wrong bytes"
  done
}

for round in $(seq $ROUNDS); do
  fs_note "round $round/$ROUNDS: no loss"
  read_round "round $round clean"
  write_round "round $round clean" $((round * 10))
  fs_note "round $round/$ROUNDS: $LOSS loss both ways"
  "$AOENET" impair mi1 drop $LOSS both || fs_fail "aoenet impair drop $LOSS"
  read_round "round $round lossy"
  write_round "round $round lossy" $((round * 10 + 5))
  SHOW=$("$AOENET" impair mi1 show)
  "$AOENET" impair mi1 clear || fs_fail "aoenet impair clear"
  DROPPED=$(awk '{ sub(/dropped=/, "", $5); printf "%s%s:%s=%s", (NR > 1 ? " " : ""), $3, $2, $5 }' <<<"$SHOW")
  mi_figure "round $round lossy: frames dropped $DROPPED"
  awk '{ sub(/dropped=/, "", $5) } $5 + 0 == 0 { bad = 1 } END { exit bad }' <<<"$SHOW" ||
    fs_fail "round $round: the loss rules dropped nothing on some port ($SHOW)"
done

kill -0 "$PID_A" 2>/dev/null || mi_fail "daemon A is gone"
kill -0 "$PID_B" 2>/dev/null || mi_fail "daemon B is gone"
for m in A B; do
  if [ $m = A ]; then mp=$MPA; else mp=$MPB; fi
  foreign=$(stat_sum "$mp" aoefs_link_answers_foreign_total)
  dups=$(stat_sum "$mp" aoefs_target_duplicates_total)
  retx=$(stat_sum "$mp" aoefs_target_retransmits_total)
  refused=$(awk '$1 ~ /^aoefs_link_answers_refused_total\{/ { r = $1; sub(/.*reason="/, "", r); sub(/".*/, "", r); printf "%s=%s ", r, $2 }' "$mp/.stats" 2>/dev/null || true)
  mi_figure "mount $m .stats: foreign=$foreign duplicates=$dups retransmits=$retx refused: ${refused:-none}"
  [ "$foreign" -gt 0 ] || mi_fail "mount $m counted no foreign answers (it must have heard the other mount's)"
  [ $((dups * 4)) -lt "$foreign" ] ||
    mi_fail "mount $m: duplicates ($dups) not well below foreign answers ($foreign): the other's answers counted as its own"
done
mi_figure "total seconds=$((SECONDS - START)) (${ROUNDS} rounds, $SIZE_MB MiB target)"
[ ${#FAILURES[@]} = 0 ] || fs_fail "${#FAILURES[@]} failure(s): $(printf '%s; ' "${FAILURES[@]}")"
