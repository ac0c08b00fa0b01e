#!/bin/bash
# An outage as the admin sees it, on real vblade targets through the mount:
#  1. bad settings and interfaces are clear errors: discovery_interval below
#     0.1 s, an interface listed twice, `lo` (not Ethernet) for a mount and
#     for `aoefs discover -i lo`; root without CAP_NET_RAW is told it lacks
#     CAP_NET_RAW; a user without it and no helper at AOEFS_HELPER is told
#     the helper is not installed there, once;
#  2. the mount logs the interfaces it uses and their state, and names them
#     in its "mounted on" line; -d says root opened the sockets itself, not
#     that a helper handed them over;
#  3. dead_timeout=0 retries for ever: with vblade stopped a read (block
#     cache off, O_DIRECT) is still waiting well past the outage log's
#     threshold (5 s), the log says "no answer for N s, retrying" (at most
#     twice in that time), .stats says waiting; a signal to a writer (a
#     handler, not fatal: FUSE INTERRUPT) ends its write with EINTR while
#     the target is still away; vblade back, the read
#     completes with the data written before, and the log says "answering
#     again";
#  4. the initiator's link taken down and up is logged both ways;
#  5. mounting with the interface down says so (and mounts); once it is up
#     the target appears.
source "$(dirname "$0")/../tools/fs_common.sh"

fs_net_up ou1 --targets "1.0:16M"
fs_mkmount
MP=$FS_MP
LOG=$FS_TMP/aoefs.log

# refused WHAT EXPECTED-TEXT ARGS... [--capsh|--setpriv]: aoefs ARGS fails,
# says EXPECTED-TEXT once, mounts nothing; --capsh runs it as root without
# CAP_NET_RAW, --setpriv as nobody with no helper at AOEFS_HELPER.
# shellcheck disable=SC2016  # "$0" "$@" are the inner shell's
refused() {
  local what=$1 expect=$2 out; shift 2
  local run=(fs_run_aoefs)
  case "${*: -1}" in
    --capsh) set -- "${@:1:$#-1}"; run=(nsenter --net="/run/netns/$FS_INI_NS" capsh --drop=cap_net_raw -- -c '"$0" "$@"' "$AOEFS_BINARY") ;;
    --setpriv) set -- "${@:1:$#-1}"; run=(env AOEFS_HELPER=/nonexistent/aoefs-helper nsenter --net="/run/netns/$FS_INI_NS" setpriv --reuid=65534 --regid=65534 --clear-groups "$AOEFS_BINARY") ;;
  esac
  if out=$("${run[@]}" "$@" 2>&1); then fs_fail "$what: accepted"; fi
  grep -qF -- "$expect" <<<"$out" || fs_fail "$what: expected '$expect', got: $out"
  [ "$(grep -cF -- "$expect" <<<"$out")" = 1 ] || fs_fail "$what: said more than once: $out"
  mountpoint -q "$MP" && fs_fail "$what: mounted" || true
}

fs_note "1. settings and interfaces: clear errors"
refused "discovery_interval=0.001" "discovery_interval=0.001: at least 0.1 seconds" \
  -o interfaces=aoe0,discovery_interval=0.001 "$MP"
refused "interfaces=aoe0:aoe0" "interface 'aoe0' is listed twice" -o interfaces=aoe0:aoe0 "$MP"
refused "interfaces=lo" "lo is not an Ethernet interface" -o interfaces=lo "$MP"
refused "discover -i lo" "lo is not an Ethernet interface" discover -i lo
refused "root without CAP_NET_RAW" "runs as root but lacks the capability CAP_NET_RAW" \
  discover -i aoe0 --capsh
refused "no helper" "the setuid helper aoefs-helper is not installed at /nonexistent/aoefs-helper" \
  discover --setpriv

fs_note "2. the interfaces in use, logged at mount"
fs_mount_fg "$MP" -d -o interfaces=aoe0,dead_timeout=0,discovery_interval=1,cache_size=0
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed"
grep -q 'opened 1 raw AoE socket(s) on aoe0 directly (CAP_NET_RAW; no helper)' "$LOG" ||
  fs_fail "-d does not say the sockets were opened directly"
grep 'helper' "$LOG" | grep -qv 'no helper' && fs_fail "-d names a helper that was not used"
grep -Eq 'aoefs: using aoe0 \(up, mtu [0-9]+\)$' "$LOG" || fs_fail "no 'using aoe0 (up, mtu N)' line"
grep -q "aoefs: mounted on $MP (1 target on aoe0, cache off)" "$LOG" || fs_fail "the mounted line does not name aoe0"

fs_note "3. dead_timeout=0: a read waits through the outage and completes"
head -c 65536 /dev/urandom >"$FS_TMP/block"
dd if="$FS_TMP/block" of="$MP/e1.0" bs=64k seek=3 oflag=direct conv=notrunc status=none
"$AOENET" target ou1 stop 1.0 >/dev/null
T0=$SECONDS
dd if="$MP/e1.0" of="$FS_TMP/back" bs=64k skip=3 count=1 iflag=direct status=none &
READER=$!
for _ in $(seq 60); do grep -q 'e1.0: no answer for' "$LOG" && break; sleep 0.2; done
grep -Eq 'aoefs: e1\.0: no answer for [0-9]+ s, retrying; 1 request waiting$' "$LOG" ||
  fs_fail "no outage line within 12 s: $(grep 'e1.0' "$LOG")"
sleep 3
kill -0 $READER 2>/dev/null || fs_fail "the read ended during the outage (dead_timeout=0 is for ever)"
grep -q '^aoefs_target_state{target="e1.0",state="waiting",reason="no answer, retrying"} 1$' "$MP/.stats" ||
  fs_fail ".stats does not say waiting: $(grep 'aoefs_target_state' "$MP/.stats")"
grep -q '^aoefs_target_waiting_requests{target="e1.0"} 1$' "$MP/.stats" || fs_fail ".stats: not 1 request waiting"
lines=$(grep -c 'e1.0: no answer for' "$LOG")
[ "$lines" -le 2 ] || fs_fail "$lines outage lines in $((SECONDS - T0)) s: not rate-limited"
grep -q 'e1.0 down' "$LOG" && fs_fail "the target was marked down with dead_timeout=0"
cat >"$FS_TMP/interrupted.py" <<'PY'
import os, signal, sys
class Stop(Exception):
    pass
def stop(*_):
    raise Stop()
signal.signal(signal.SIGUSR1, stop)
fd = os.open(sys.argv[1], os.O_WRONLY)
print("writing", flush=True)
try:
    os.pwrite(fd, b"x" * 4096, 7 * 65536)
    print("completed", flush=True)
except Stop:
    print("interrupted", flush=True)
PY
python3 "$FS_TMP/interrupted.py" "$MP/e1.0" >"$FS_TMP/interrupted.out" 2>&1 &
INTR=$!
for _ in $(seq 50); do grep -q writing "$FS_TMP/interrupted.out" && break; sleep 0.1; done
sleep 1
kill -USR1 $INTR
timeout 5 tail --pid=$INTR -f /dev/null || fs_fail "a write waiting on the target did not end within 5 s of a signal"
fs_assert_eq "$(tail -n 1 "$FS_TMP/interrupted.out")" interrupted "the signalled writer"
"$AOENET" target ou1 start 1.0 16M >/dev/null
timeout 20 tail --pid=$READER -f /dev/null || fs_fail "the read did not complete within 20 s of the target's return"
wait $READER || fs_fail "the read failed after the target returned"
cmp -s "$FS_TMP/block" "$FS_TMP/back" || fs_fail "the read returned other data than was written"
echo "read waited $((SECONDS - T0)) s through the outage" >&2
for _ in $(seq 30); do grep -q 'e1.0: answering again after' "$LOG" && break; sleep 0.2; done
grep -Eq 'aoefs: e1\.0: answering again after [0-9]+ s$' "$LOG" || fs_fail "no 'answering again' line"

fs_note "4. the local link going down and up is logged"
ip -n "$FS_INI_NS" link set aoe0 down
for _ in $(seq 30); do grep -q 'interface aoe0 is down' "$LOG" && break; sleep 0.2; done
grep -q 'aoefs: interface aoe0 is down: targets reached only through it stop answering' "$LOG" ||
  fs_fail "no line for aoe0 going down"
ip -n "$FS_INI_NS" link set aoe0 up
for _ in $(seq 30); do grep -q 'interface aoe0 is up again' "$LOG" && break; sleep 0.2; done
grep -Eq 'aoefs: interface aoe0 is up again \(up, mtu [0-9]+\)$' "$LOG" || fs_fail "no line for aoe0 coming up"
umount "$MP"
wait "$FS_PID" || fs_fail "daemon exit status $?"

fs_note "5. mounting with the interface down says so; the target appears once it is up"
ip -n "$FS_INI_NS" link set aoe0 down
: >"$LOG"
fs_mount_fg "$MP" -o interfaces=aoe0,discovery_interval=1
grep -q "interface 'aoe0' is down; using it anyway (it may come up)" "$LOG" || fs_fail "no warning for the down interface"
grep -q 'aoefs: using aoe0 (down)$' "$LOG" || fs_fail "no 'using aoe0 (down)' line"
grep -q "aoefs: mounted on $MP (0 targets on aoe0, " "$LOG" || fs_fail "the mounted line: $(grep 'mounted on' "$LOG")"
ip -n "$FS_INI_NS" link set aoe0 up
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 did not appear within 10 s of aoe0 coming up"
grep -q 'interface aoe0 is up again' "$LOG" || fs_fail "no line for aoe0 coming up"
umount "$MP"
wait "$FS_PID" || fs_fail "daemon exit status $?"
