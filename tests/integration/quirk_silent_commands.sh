#!/bin/bash
# An older target that implements only ATA and Query Config: quirk_target
# --silent-mask-reserve leaves MAC Mask List and Reserve/Release
# unanswered (issue 30: getfattr -d waited 60 s per attribute, in D state,
# and all data I/O to the target stalled meanwhile). Asserts: `getfattr -d`
# returns within 2 x the control commands' patience (3 s each at most) plus
# a margin, while a 32 MiB dd O_DIRECT to the same target runs and writes the
# right bytes without waiting for it (bound 10 s; it stalled for the dead
# timeout before); the daemon says once that the target does not answer
# each command; afterwards user.aoe.mask and user.aoe.reserve give
# EOPNOTSUPP at once; user.aoe.config still works; a getxattr waiting for
# such a command ends at once on a signal (EINTR). Figures: dd alone and
# beside getfattr, getfattr's time, first and second.
source "$(dirname "$0")/../tools/quirk_common.sh"
command -v getfattr >/dev/null || fs_fail "needs getfattr"

quirk_mount qs --targets "1.0:64M" --quirk "--silent-mask-reserve"
head -c $((32 << 20)) /dev/urandom >"$FS_TMP/data"

fs_note "a getxattr waiting for a silent command is interruptible"
# SIGALRM after 0.2 s, its handler raising: the call must end by the
# signal (FUSE INTERRUPT answered with EINTR), long before the command's
# patience (at least 1 s) would end it with an answer.
INTR=$(python3 -c '
import os, signal, sys, time
class Interrupted(Exception): pass
def on_alarm(*_): raise Interrupted()
signal.signal(signal.SIGALRM, on_alarm)
start = time.monotonic()
signal.setitimer(signal.ITIMER_REAL, 0.2)
try:
    os.getxattr(sys.argv[1], "user.aoe.mask")
    print("answered", time.monotonic() - start)
except Interrupted:
    print("interrupted", time.monotonic() - start)
except OSError as e:
    print("failed", time.monotonic() - start, e.strerror)' "$MP/$T")
echo "getxattr: $INTR" >&2
read -r HOW INTR_S _ <<<"$INTR"
fs_assert_eq "$HOW" interrupted "how the interrupted getxattr ended"
python3 -c "import sys; sys.exit(0 if $INTR_S < 0.9 else 1)" ||
  fs_fail "the interrupted getxattr returned after $INTR_S s: it waited for the command"

fs_note "dd alone"
T0=$(fault_now)
dd if="$FS_TMP/data" of="$MP/$T" bs=1M oflag=direct conv=notrunc,fsync status=none || fs_fail "dd alone failed"
T1=$(fault_now)
ALONE=$(fault_elapsed "$T0" "$T1")

fs_note "getfattr -d beside dd"
T0=$(fault_now)
(
  dd if="$FS_TMP/data" of="$MP/$T" bs=1M oflag=direct conv=notrunc,fsync status=none || exit 1
  fault_now >"$FS_TMP/dd.end"
) &
DD=$!
getfattr -d -m '^user\.aoe\.' "$MP/$T" >"$FS_TMP/getfattr.out" 2>"$FS_TMP/getfattr.err" || true
T1=$(fault_now)
wait $DD || fs_fail "dd beside getfattr failed"
T2=$(cat "$FS_TMP/dd.end")
cat "$FS_TMP/getfattr.err" >&2
GETFATTR=$(fault_elapsed "$T0" "$T1")
BESIDE=$(fault_elapsed "$T0" "$T2")
python3 -c "import sys; sys.exit(0 if $GETFATTR <= 2 * 3 + 2 else 1)" ||
  fs_fail "getfattr -d took $GETFATTR s (bound 8 s: two commands' patience + 2 s)"
python3 -c "import sys; sys.exit(0 if $BESIDE <= 10 else 1)" ||
  fs_fail "dd beside getfattr took $BESIDE s (alone $ALONE s): data waited for the silent commands"
cmp -n $((32 << 20)) "$FS_TMP/data" "$FS_DIR/$T" || fs_fail "the backing file differs from what dd wrote"
grep -q '^user.aoe.config=' "$FS_TMP/getfattr.out" || fs_fail "getfattr -d lost user.aoe.config: $(cat "$FS_TMP/getfattr.out")"

for what in "MAC Mask List" "Reserve/Release"; do
  N=$(grep -c "$T: the target does not answer $what" "$FS_TMP/aoefs.log" || true)
  fs_assert_eq "$N" 1 "log lines about $what"
done
fs_assert_eq "$(fault_stat "$MP" aoefs_target_retransmits_fast_total "$T")" 0 "fast retransmits"

fs_note "afterwards: EOPNOTSUPP at once"
T0=$(fault_now)
for attr in mask reserve; do
  OUT=$(getfattr --only-values -n user.aoe.$attr "$MP/$T" 2>&1) && fs_fail "user.aoe.$attr read: '$OUT'"
  [[ $OUT == *"Operation not supported"* ]] || fs_fail "user.aoe.$attr: '$OUT', expected EOPNOTSUPP"
done
T1=$(fault_now)
AGAIN=$(fault_elapsed "$T0" "$T1")
python3 -c "import sys; sys.exit(0 if $AGAIN <= 2 else 1)" || fs_fail "known-unsupported reads took $AGAIN s"
fault_figure "getxattr interrupted 0.2 s in: returned after $INTR_S s"
fault_figure "dd 32 MiB alone $ALONE s, beside getfattr -d $BESIDE s; getfattr -d $GETFATTR s, then both reads $AGAIN s"
