#!/bin/bash
# The mount's life on real vblade targets: `aoefs MOUNTPOINT` returns once
# mounted (background daemon) with every target listed (e<shelf>.<slot>,
# size = capacity, owner = mounting user, mode 0600); statfs reports the
# total size; a target started after mount shows up within the discovery
# interval; a stopped one fails I/O with EIO after the dead timeout and
# stays listed with its size (a new open gets EIO, .stats says down and
# why); when it returns an already open descriptor works again, and so does
# a new open; `setfattr -n user.aoe.forget` removes a down target's file
# (EBUSY while it answers); a missing or busy mount point is a clear error; SIGTERM flushes and
# unmounts.
source "$(dirname "$0")/../tools/fs_common.sh"

fs_net_up fs3 --targets "1.0:64M 1.1:16M"
fs_mkmount
MP=$FS_MP

fs_note "missing and busy mount points"
if out=$(fs_run_aoefs -o interfaces=aoe0 /nonexistent/aoefs-mp 2>&1); then fs_fail "mounting on a missing directory succeeded"; fi
echo "$out" | grep -q "/nonexistent/aoefs-mp" || fs_fail "missing mount point message does not name it: $out"

fs_note "background mount"
fs_run_aoefs -o interfaces=aoe0,discovery_interval=1,dead_timeout=3 "$MP" || fs_fail "aoefs exited with $?"
mountpoint -q "$MP" || fs_fail "not mounted after aoefs returned"
DAEMON=$(pgrep -f -x "$AOEFS_BINARY -o interfaces=aoe0,discovery_interval=1,dead_timeout=3 $MP" || true)
[ -n "$DAEMON" ] || fs_fail "no background daemon found"
FS_PIDS+=("$DAEMON")
fs_assert_eq "$(ls "$MP" | tr '\n' ' ')" "e1.0 e1.1 " "listing right after mount"
fs_assert_eq "$(stat -c '%s %a %u %g %F' "$MP/e1.0")" "$((64 << 20)) 600 0 0 regular file" "e1.0 attributes"
fs_assert_eq "$(stat -c '%s' "$MP/e1.1")" "$((16 << 20))" "e1.1 size"
read -r blocks bsize < <(stat -f -c '%b %S' "$MP")
fs_assert_eq "$((blocks * bsize))" "$((80 << 20))" "statfs total size"

if out=$(fs_run_aoefs -o interfaces=aoe0 "$MP" 2>&1); then fs_fail "mounting twice on $MP succeeded"; fi
echo "$out" | grep -qi "busy" || fs_fail "busy mount point message unclear: $out"

fs_note "a target started after mount appears within the discovery interval"
"$AOENET" target fs3 start 1.2 8M >/dev/null
START=$SECONDS
fs_wait_file "$MP/e1.2" 4 || fs_fail "e1.2 did not appear within the discovery interval (1 s) + slack"
echo "e1.2 appeared after $((SECONDS - START)) s" >&2
fs_assert_eq "$(stat -c '%s' "$MP/e1.2")" "$((8 << 20))" "e1.2 size"

fs_note "a stopped target: EIO after the dead timeout, then back"
# Hold a descriptor open across the outage; the python helper reports each step.
cat >"$FS_TMP/holder.py" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
os.pwrite(fd, b"before", 0)
print("opened", flush=True)
for line in sys.stdin:
    cmd = line.strip()
    start = time.monotonic()
    try:
        if cmd == "read":
            data = os.pread(fd, 6, 0)
            print("ok", data.decode(errors="replace"), round(time.monotonic() - start, 1), flush=True)
        elif cmd == "read-uncached":  # 4 MiB on: never read, so not in the block cache
            data = os.pread(fd, 6, 4 << 20)
            print("ok", data.decode(errors="replace"), round(time.monotonic() - start, 1), flush=True)
        elif cmd == "write":
            os.pwrite(fd, b"after!", 0)
            print("ok written", round(time.monotonic() - start, 1), flush=True)
    except OSError as e:
        print("error", e.errno, round(time.monotonic() - start, 1), flush=True)
PY
coproc HOLDER { python3 -u "$FS_TMP/holder.py" "$MP/e1.1"; }
read -r -u "${HOLDER[0]}" line
fs_assert_eq "$line" "opened" "holder"
"$AOENET" target fs3 stop 1.1 >/dev/null
echo read-uncached >&"${HOLDER[1]}"
read -r -t 20 -u "${HOLDER[0]}" line || fs_fail "read on a stopped target did not return within 20 s"
echo "read on stopped target: $line" >&2
set -- $line
[ "$1" = error ] && [ "$2" = 5 ] || fs_fail "read on a stopped target: expected EIO (5), got '$line'"
awk -v t="$3" 'BEGIN { exit !(t >= 1.5 && t <= 10) }' || fs_fail "EIO after $3 s, expected about the dead timeout (3 s)"
sleep 1.5  # past the kernel's entry and attribute timeouts (1 s)
fs_assert_eq "$(ls "$MP" | tr '\n' ' ')" "e1.0 e1.1 e1.2 " "listing with e1.1 down"
fs_assert_eq "$(stat -c '%s %F' "$MP/e1.1")" "$((16 << 20)) regular file" "e1.1 attributes while down"
out=$(dd if="$MP/e1.1" of=/dev/null bs=4k count=1 2>&1) && fs_fail "open of a down target succeeded"
echo "$out" | grep -q "Input/output error" || fs_fail "open of a down target: expected EIO, got: $out"
grep -q '^aoefs_target_state{target="e1.1",state="down",reason="no answer within the dead timeout"} 1$' "$MP/.stats" ||
  fs_fail ".stats does not say e1.1 is down and why: $(grep aoefs_target_state "$MP/.stats")"
"$AOENET" target fs3 start 1.1 16M >/dev/null
for _ in $(seq 50); do grep -q '^aoefs_target_up{target="e1.1"} 1$' "$MP/.stats" && break; sleep 0.2; done
grep -q '^aoefs_target_state{target="e1.1",state="up",reason=""} 1$' "$MP/.stats" || fs_fail "e1.1 did not come back"
dd if="$MP/e1.1" of=/dev/null bs=4k count=1 status=none || fs_fail "open of e1.1 after its return failed"
echo write >&"${HOLDER[1]}"
read -r -t 20 -u "${HOLDER[0]}" line || fs_fail "write after return hung"
[[ "$line" == "ok written"* ]] || fs_fail "write on the open descriptor after return: $line"
echo read >&"${HOLDER[1]}"
read -r -t 20 -u "${HOLDER[0]}" line || fs_fail "read after return hung"
[[ "$line" == "ok after!"* ]] || fs_fail "read on the open descriptor after return: $line"
holder_in=${HOLDER[1]}
exec {holder_in}>&-
wait "$HOLDER_PID" 2>/dev/null || true

fs_note "user.aoe.forget: refused while up, removes the file of a down target"
out=$(setfattr -n user.aoe.forget "$MP/e1.2" 2>&1) && fs_fail "forgetting a target that answers succeeded"
echo "$out" | grep -q "busy" || fs_fail "forgetting a target that answers: expected EBUSY, got: $out"
"$AOENET" target fs3 stop 1.2 >/dev/null
for _ in $(seq 50); do grep -q '^aoefs_target_up{target="e1.2"} 0$' "$MP/.stats" && break; sleep 0.2; done
[ -e "$MP/e1.2" ] || fs_fail "e1.2 not listed while down"
setfattr -n user.aoe.forget "$MP/e1.2" || fs_fail "forgetting the down e1.2 failed"
sleep 1.5  # the kernel's entry timeout
[ -e "$MP/e1.2" ] && fs_fail "e1.2 still listed after user.aoe.forget"
grep -q 'target="e1.2"' "$MP/.stats" && fs_fail ".stats still lists the forgotten e1.2"
fs_assert_eq "$(ls "$MP" | tr '\n' ' ')" "e1.0 e1.1 " "listing after forgetting e1.2"

fs_note "SIGTERM flushes and unmounts"
kill -TERM "$DAEMON"
for _ in $(seq 100); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.1; done
kill -0 "$DAEMON" 2>/dev/null && fs_fail "daemon still running 10 s after SIGTERM"
mountpoint -q "$MP" && fs_fail "still mounted after SIGTERM"
true
