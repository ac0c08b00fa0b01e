#!/bin/bash
# aoefs shares its interface with aoetools: aoeping and aoecfg (which need
# no kernel aoe driver) run in loops against the same target e1.0, from the
# same port aoe0 of the same initiator namespace, while the mount is busy.
# Every answer reaches every packet socket of aoe0, so aoefs hears the
# answers to aoetools' requests and aoetools hear aoefs's; neither may take
# the other's for its own. Mount: -o interfaces=aoe0,cache_size=0,direct_io.
# Asserted, all while both loops run (aoeping -i: Query Config and IDENTIFY):
#  * fio --verify=crc32c (randwrite, O_DIRECT, libaio) on the first half,
#    repeated; before each pass that half of the backing file is refilled
#    with random bytes (a lost write leaves garbage): fio's verify through
#    the mount passes, and fio --verify_only on the backing file passes;
#  * dd O_DIRECT reads of the second half, repeated, equal the backing file
#    byte for byte (FIGURE: differing bytes, must be 0);
#  * flock(2) on the target file still works: LOCK_EX|LOCK_NB succeeds and
#    sets the lock string (aoefs-lock/1 ... daemon=PID); a second open's
#    LOCK_NB gets EWOULDBLOCK; every aoecfg answer in the loop that was
#    asked after the lock was taken shows that string (at least 3 of them),
#    and every one asked after LOCK_UN returned shows the empty string (at
#    least 3);
#  * aoeping and aoecfg got answers (each at least once: they really ran
#    beside the mount, not just timed out). FIGUREs: answers and timeouts
#    of each loop, passes, aoefs's foreign-answer count if it has one.
source "$(dirname "$0")/../tools/fs_common.sh"
for tool in fio flock aoeping aoecfg; do
  command -v $tool >/dev/null || fs_fail "needs $tool"
done

NAME=$(basename "$0" .sh)
SIZE_MB=32
SIZE=$((SIZE_MB << 20))
HALF=$((SIZE / 2))
HALF_MB=$((SIZE_MB / 2))
BOUND=300      # seconds for any one wait (generous; no speed is asserted)
MIN_PASSES=2   # I/O passes at least (more while the lock checks run)
ab_figure() { echo "FIGURE $NAME: $*"; }

fs_net_up ab1 --targets "1.0:${SIZE_MB}M"
head -c $SIZE /dev/urandom | dd of="$FS_DIR/e1.0" bs=1M conv=notrunc,fsync iflag=fullblock status=none
fs_mkmount; MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0,cache_size=0,direct_io; PID=$FS_PID
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed: $(ls -la "$MP")"
STOP=$FS_TMP/stop
LOOPS=()
# Each background loop ends when $STOP exists; the cleanup stops them first
# (a process made by `ip netns exec` holds a copy of the mount).
FS_CLEANUP_HOOKS+=('touch "$STOP"; for p in "${LOOPS[@]}"; do kill "$p" 2>/dev/null; done; sleep 1')

# aoeping loop: Query Config, then ATA IDENTIFY (-i: an answer with data,
# like aoefs's reads); every other try with a random tag with bit 31 set,
# as aoefs's tags have. One line per try: "ok" (the IDENTIFY dump came) or
# "rc N" (aoeping's -s timeout is SIGALRM: rc 142, reported by that inner
# bash, to the log).
(
  n=0
  while [ ! -e "$STOP" ]; do
    n=$((n + 1)) tag=()
    [ $((n % 2)) = 1 ] || tag=(-t $((0x80000000 | ((RANDOM << 15 | RANDOM) & 0x7ffffffe))))
    rc=0
    out=$(bash -c 'timeout 10 ip netns exec "$0" aoeping -s 2 -i "$@" 1 0 aoe0; exit $?' "$FS_INI_NS" "${tag[@]}" 2>/dev/null) ||
      rc=$?
    if [ $rc = 0 ] && [[ $out == *"device identify response"* ]]; then echo ok; else echo "rc $rc"; fi
  done
) >"$FS_TMP/aoeping.log" 2>&1 &
LOOPS+=($!)
# aoecfg loop: one line per try, "ans STRING" (STRING may be empty) or
# "none" (aoecfg prints nothing and exits 0 when no answer came).
(
  while [ ! -e "$STOP" ]; do
    out=$(timeout 10 ip netns exec "$FS_INI_NS" aoecfg -t 2 -c read 1 0 aoe0 2>/dev/null; echo .)
    if [ "$out" = . ]; then echo none; else out=${out%.}; echo "ans ${out%$'\n'}"; fi
  done
) >"$FS_TMP/aoecfg.log" 2>&1 &
LOOPS+=($!)

# Writer: fio write+verify through the mount on [0, HALF), then verify_only
# on the backing file; the half refilled with random bytes before each pass.
fio_half() {  # FILE SEED [fio options]
  local file=$1 seed=$2; shift 2
  fio --name=beside --filename="$file" --offset=0 --size=$HALF --rw=randwrite --bs=64k \
    --verify=crc32c --verify_fatal=1 --verify_state_save=0 --randseed="$seed" "$@"
}
(
  n=0
  while [ $n -lt $MIN_PASSES ] || [ ! -e "$STOP" ]; do
    n=$((n + 1))
    head -c $HALF /dev/urandom | dd of="$FS_DIR/e1.0" bs=1M conv=notrunc,fsync iflag=fullblock status=none
    fio_half "$MP/e1.0" $((n * 7)) --ioengine=libaio --iodepth=8 --direct=1 --do_verify=1 \
      --output="$FS_TMP/fio.log" ||
      { grep -m3 -i 'verify\|err=' "$FS_TMP/fio.log"; echo "fio pass $n through the mount failed"; exit 1; }
    grep -q "err= 0" "$FS_TMP/fio.log" || { echo "fio pass $n: job error"; exit 1; }
    fio_half "$FS_DIR/e1.0" $((n * 7)) --verify_only=1 --output="$FS_TMP/fio-backing.log" >/dev/null 2>&1 ||
      { grep -m3 -i 'verify\|err=' "$FS_TMP/fio-backing.log"; echo "pass $n: the backing file does not hold what fio wrote"; exit 1; }
    echo "pass $n ok"
  done
) >"$FS_TMP/writer.log" 2>&1 &
WRITER=$!
# Reader: dd O_DIRECT of [HALF, SIZE) through the mount, compared with the
# backing file (which nobody writes there), repeated.
(
  n=0
  while [ $n -lt $MIN_PASSES ] || [ ! -e "$STOP" ]; do
    n=$((n + 1))
    rm -f "$FS_TMP/read"
    dd if="$MP/e1.0" of="$FS_TMP/read" iflag=direct bs=1M skip=$HALF_MB count=$HALF_MB status=none ||
      { echo "pass $n: dd through the mount failed"; exit 1; }
    have=$(stat -c %s "$FS_TMP/read")
    wrong=$(cmp -l "$FS_TMP/read" <(tail -c +$((HALF + 1)) "$FS_DIR/e1.0") 2>/dev/null | wc -l || true)
    [ "$have" = $HALF ] || wrong=$((wrong + HALF - have))
    echo "pass $n wrong_bytes=$wrong"
    [ "$wrong" = 0 ] || exit 1
  done
) >"$FS_TMP/reader.log" 2>&1 &
READER=$!

# cfg_lines_after N: the aoecfg loop's lines after its first N+1 (the try
# that may have been under way at the moment line N was counted is skipped).
cfg_lines_after() { tail -n +$(($1 + 2)) "$FS_TMP/aoecfg.log"; }
# wait_cfg_lines N COUNT WHAT: until the loop logged COUNT answers after N+1.
wait_cfg_lines() {
  local deadline=$((SECONDS + BOUND))
  until [ "$(cfg_lines_after "$1" | grep -c '^ans')" -ge "$2" ]; do
    [ $SECONDS -lt $deadline ] || fs_fail "$3: the aoecfg loop got fewer than $2 answers in $BOUND s"
    sleep 0.2
  done
}
lines() { wc -l <"$FS_TMP/aoecfg.log"; }

fs_note "flock while aoeping, aoecfg, fio and dd run"
wait_cfg_lines 0 1 "before the lock"
exec 7<"$MP/e1.0"
flock -n -x 7 || fs_fail "LOCK_EX|LOCK_NB on e1.0 failed"
N_LOCK=$(lines)
HELD=$(getfattr --absolute-names --only-values -n user.aoe.config "$MP/e1.0")
[[ $HELD =~ ^aoefs-lock/1\ host=[^\ ]+\ mac=[0-9a-f:]+\ pid=[0-9]+\ since=[0-9T:-]+Z\ daemon=$PID$ ]] ||
  fs_fail "lock string: '$HELD'"
rc=0; flock -n -x -E 42 "$MP/e1.0" -c true </dev/null >/dev/null 2>&1 || rc=$?
fs_assert_eq "$rc" 42 "a second open's LOCK_NB while the lock is held (EWOULDBLOCK)"
wait_cfg_lines "$N_LOCK" 3 "while the lock is held"
SEEN_HELD=$(cfg_lines_after "$N_LOCK" | grep -c '^ans' || true)
BAD=$(cfg_lines_after "$N_LOCK" | grep '^ans' | grep -vxF "ans $HELD" || true)
[ -z "$BAD" ] || fs_fail "aoecfg answers while the lock was held do not show it: $(head -n 3 <<<"$BAD")"
flock -u 7
N_UNLOCK=$(lines)
exec 7<&-
wait_cfg_lines "$N_UNLOCK" 3 "after the unlock"
SEEN_FREE=$(cfg_lines_after "$N_UNLOCK" | grep -c '^ans' || true)
BAD=$(cfg_lines_after "$N_UNLOCK" | grep '^ans' | grep -vx 'ans ' || true)
[ -z "$BAD" ] || fs_fail "aoecfg answers after LOCK_UN still show a string: $(head -n 3 <<<"$BAD")"
rc=0; flock -n -x -E 42 "$MP/e1.0" -c true </dev/null >/dev/null 2>&1 || rc=$?
fs_assert_eq "$rc" 0 "LOCK_NB after the unlock"
ab_figure "lock: aoecfg saw the lock string $SEEN_HELD times while held, the empty string $SEEN_FREE times after"

# aoeping must have had an answer too before the loops stop.
DEADLINE=$((SECONDS + BOUND))
until grep -q '^ok$' "$FS_TMP/aoeping.log"; do
  [ $SECONDS -lt $DEADLINE ] || fs_fail "aoeping got no answer in $BOUND s: $(sort "$FS_TMP/aoeping.log" | uniq -c | tr '\n' ' ')"
  sleep 0.2
done

touch "$STOP"
for job in "writer $WRITER" "reader $READER"; do
  read -r what pid <<<"$job"
  deadline=$((SECONDS + BOUND))
  while kill -0 "$pid" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fs_fail "the $what still running $BOUND s after the stop"
    sleep 0.1
  done
  rc=0; wait "$pid" || rc=$?
  [ $rc = 0 ] || { cat "$FS_TMP/$what.log" >&2; fs_fail "the $what failed (rc $rc)"; }
done
for p in "${LOOPS[@]}"; do
  deadline=$((SECONDS + 30))
  while kill -0 "$p" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fs_fail "an aoetools loop did not stop"
    sleep 0.1
  done
done
LOOPS=()
kill -0 "$PID" 2>/dev/null || fs_fail "the aoefs daemon is gone"

PINGS_OK=$(grep -c '^ok$' "$FS_TMP/aoeping.log" || true)
PINGS_BAD=$(grep -vc '^ok$' "$FS_TMP/aoeping.log" || true)
CFG_OK=$(grep -c '^ans' "$FS_TMP/aoecfg.log" || true)
CFG_NONE=$(grep -c '^none$' "$FS_TMP/aoecfg.log" || true)
ab_figure "aoeping: $PINGS_OK answered, $PINGS_BAD without answer ($(grep -v '^ok$' "$FS_TMP/aoeping.log" | sort | uniq -c | tr -s ' \n' ' '))"
ab_figure "aoecfg: $CFG_OK answered, $CFG_NONE without answer"
ab_figure "fio: $(grep -c ok "$FS_TMP/writer.log") passes of $((HALF >> 20)) MiB written and verified (mount and backing file)"
ab_figure "dd: $(grep -c wrong_bytes "$FS_TMP/reader.log") passes of $((HALF >> 20)) MiB read, $(grep -o 'wrong_bytes=[0-9]*' "$FS_TMP/reader.log" | tr '\n' ' ')"
FOREIGN=$(awk '{ n = $1; sub(/\{.*/, "", n) } n == "aoefs_link_answers_foreign_total" { s += $2; f = 1 } END { print f ? s : "absent" }' "$MP/.stats")
ab_figure "aoefs: foreign answers $FOREIGN, duplicates $(awk '$1 ~ /^aoefs_target_duplicates_total/ { s += $2 } END { print s + 0 }' "$MP/.stats"), unmatched $(awk '$1 == "aoefs_link_frames_unmatched_total" { print $2 }' "$MP/.stats")"
[ "$PINGS_OK" -gt 0 ] || fs_fail "aoeping never got an answer"
[ "$CFG_OK" -gt 0 ] || fs_fail "aoecfg never got an answer"
