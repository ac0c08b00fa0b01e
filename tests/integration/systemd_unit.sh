#!/bin/bash
# aoefs@.service as systemd would run it (systemd is not PID 1 here, so the
# unit's lines are run by hand):
#  - the unit file passes `systemd-analyze verify` and `systemd-analyze
#    security --offline=yes` rates it at most 5.0 ("OK");
#  - its ExecStartPre (if any) and ExecStart lines, %i/%f expanded, run with
#    only the unit's CapabilityBoundingSet (setpriv) and NoNewPrivileges,
#    stderr a "journal stream" (JOURNAL_STREAM = its device:inode) and a
#    notify socket: the daemon mounts, says READY=1 and STATUS=...1 target
#    up, every line carries a <N> priority and the mount point;
#  - kill -9, then the same lines again (what Restart=on-failure does): the
#    dead mount is unmounted with a warning (<4>), the new mount serves the
#    data written before the crash; SIGTERM is logged as SIGTERM, STOPPING=1;
#  - a second start beside a live mount, and one on a foreign mount, are
#    refused naming why; without JOURNAL_STREAM lines carry no <N>.
source "$(dirname "$0")/../tools/fs_common.sh"
for tool in systemd-analyze systemd-escape setpriv python3; do
	command -v "$tool" >/dev/null || fs_fail "needs $tool (contrib/install-deps)"
done
UNIT=$AOEFS_BUILD_DIR/contrib/aoefs@.service
[ -f "$UNIT" ] || fs_fail "no configured unit at $UNIT"

fs_note "systemd-analyze verify and security"
# The unit as configured names the install prefix: point it at this build,
# and man at the man page (verify checks Documentation=man: pages).
mkdir -p "$FS_TMP/man/man8" "$FS_TMP/unit"
cp "$AOEFS_FIXTURE_DIR/../../contrib/aoefs.8" "$FS_TMP/man/man8/"
BINDIR=$(sed -n 's|^ExecStart=\([^ ]*\)/aoefs .*|\1|p' "$UNIT")
[ -n "$BINDIR" ] || fs_fail "no ExecStart=BINDIR/aoefs line in $UNIT"
sed "s|$BINDIR/aoefs|$AOEFS_BINARY|g; s| file:[^ ]*README.md||" "$UNIT" >"$FS_TMP/unit/aoefs@.service"
out=$(MANPATH=$FS_TMP/man systemd-analyze verify "$FS_TMP/unit/aoefs@.service" 2>&1) ||
	fs_fail "systemd-analyze verify: $out"
[ -z "$out" ] || fs_fail "systemd-analyze verify complains: $out"
out=$(systemd-analyze security --offline=yes "$FS_TMP/unit/aoefs@.service" 2>&1) ||
	fs_fail "systemd-analyze security: $out"
EXPOSURE=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$out")
[ -n "$EXPOSURE" ] || fs_fail "systemd-analyze security printed no exposure level: $out"
awk -v e="$EXPOSURE" 'BEGIN { exit !(e <= 5.0) }' || fs_fail "exposure $EXPOSURE, expected at most 5.0"
echo "FIGURE: systemd-analyze security --offline=yes aoefs@.service: exposure $EXPOSURE" >&2
for key in Type=notify Restart=on-failure StartLimitBurst= StartLimitIntervalSec= NoNewPrivileges=yes; do
	grep -q "^$key" "$UNIT" || fs_fail "the unit has no $key"
done

fs_net_up sd1 --targets "1.0:16M"
fs_mkmount
MP=$FS_MP
INSTANCE=$(systemd-escape --path "$MP")

# unit_lines KEY: the unit's KEY= command lines, %f and %i expanded, the
# leading "-" (failure ignored) kept as a word of its own.
unit_lines() {
	sed -n "s/^$1=//p" "$FS_TMP/unit/aoefs@.service" | sed "s|%f|$MP|g; s|%i|$INSTANCE|g"
}
CAPS=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
[ -n "$CAPS" ] || fs_fail "no CapabilityBoundingSet in the unit"
NOTIFY=$FS_TMP/notify.sock
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a", buffering=1)
while True:
    out.write(s.recv(4096).decode() + "\n")
' "$NOTIFY" "$FS_TMP/notify.log" &
FS_PIDS+=($!)
for _ in $(seq 50); do [ -S "$NOTIFY" ] && break; sleep 0.1; done
[ -S "$NOTIFY" ] || fs_fail "notify socket listener did not start"

LOG=$FS_TMP/journal.log
: >"$LOG"
JOURNAL_STREAM=$(stat -c '%d:%i' "$LOG")
# unit_start: ExecStartPre lines, then ExecStart in the background (FS_PID),
# as the unit runs them: the unit's capabilities only, no new privileges.
unit_start() {
	local line ignore
	while read -r line; do
		[ -n "$line" ] || continue
		ignore=false
		[[ $line == -* ]] && { ignore=true; line=${line#-}; }
		# shellcheck disable=SC2086 # the unit's words
		JOURNAL_STREAM=$JOURNAL_STREAM nsenter --net="/run/netns/$FS_INI_NS" $line >>"$LOG" 2>&1 || $ignore ||
			fs_fail "ExecStartPre $line failed"
	done < <(unit_lines ExecStartPre)
	line=$(unit_lines ExecStart)
	# shellcheck disable=SC2086
	JOURNAL_STREAM=$JOURNAL_STREAM NOTIFY_SOCKET=$NOTIFY nsenter --net="/run/netns/$FS_INI_NS" \
		setpriv --bounding-set=-all,"$CAPS" --inh-caps=-all --no-new-privs $line >>"$LOG" 2>&1 &
	FS_PID=$!
	FS_PIDS+=("$FS_PID")
}
wait_ready() {  # COUNT: the COUNTth READY=1
	for _ in $(seq 150); do
		[ "$(grep -c '^READY=1' "$FS_TMP/notify.log" 2>/dev/null)" -ge "$1" ] && return 0
		kill -0 "$FS_PID" 2>/dev/null || { cat "$LOG" >&2; fs_fail "aoefs exited before READY=1"; }
		sleep 0.1
	done
	cat "$LOG" >&2
	fs_fail "no READY=1 within 15 s"
}

fs_note "ExecStart with the unit's capabilities only"
unit_start
wait_ready 1
mountpoint -q "$MP" || fs_fail "READY=1 but $MP is not mounted"
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed"
CAPEFF=$(awk '/^CapEff:/ {print $2}' "/proc/$FS_PID/status")
fs_assert_eq "$CAPEFF" 0000000000202000 "the daemon's effective capabilities (CAP_SYS_ADMIN, CAP_NET_RAW)"
for _ in $(seq 50); do grep -q '^STATUS=mounted on .*: 1 target up' "$FS_TMP/notify.log" && break; sleep 0.1; done
grep -q "^STATUS=mounted on $MP: 1 target up" "$FS_TMP/notify.log" ||
	fs_fail "no STATUS=mounted on $MP: 1 target up: $(cat "$FS_TMP/notify.log")"
grep -q "^<6>$MP: mounted on $MP" "$LOG" || fs_fail "no '<6>$MP: mounted on' line: $(cat "$LOG")"
if grep -v '^<[3-7]>' "$LOG" | grep -q .; then fs_fail "lines without a <N> priority: $(grep -v '^<[3-7]>' "$LOG")"; fi
head -c $((4 << 20)) /dev/urandom >"$FS_TMP/data"
dd if="$FS_TMP/data" of="$MP/e1.0" bs=1M conv=notrunc,fsync status=none || fs_fail "dd write"

fs_note "a second start beside the live mount is refused"
rc=0
out=$(nsenter --net="/run/netns/$FS_INI_NS" "$AOEFS_BINARY" -f "$MP" 2>&1) || rc=$?
fs_assert_eq "$rc" 1 "second aoefs on a live mount: exit status"
[[ $out == *"aoefs is mounted there and answers"* ]] || fs_fail "second aoefs: '$out'"

fs_note "kill -9, then the unit's lines again"
kill -9 "$FS_PID"
wait "$FS_PID" 2>/dev/null || true  # 137: killed
ERR=$(stat "$MP" 2>&1) && fs_fail "stat on the dead mount succeeded"
[[ $ERR == *"Transport endpoint is not connected"* ]] || fs_fail "dead mount: '$ERR', expected ENOTCONN"
unit_start
wait_ready 2
grep -q "^<4>.*a dead aoefs mount was there" "$LOG" || fs_fail "no <4> line about the dead mount: $(cat "$LOG")"
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed after the restart"
fs_assert_eq "$(dd if="$MP/e1.0" bs=1M count=4 iflag=direct status=none | md5sum)" "$(md5sum <"$FS_TMP/data")" \
	"data written before the crash, read after the restart"
kill -TERM "$FS_PID"
rc=0
wait "$FS_PID" || rc=$?
fs_assert_eq "$rc" 0 "exit status after SIGTERM"
grep -q "^<6>$MP: SIGTERM: flushing and unmounting" "$LOG" || fs_fail "SIGTERM not named: $(tail -n 5 "$LOG")"
grep -q '^STOPPING=1' "$FS_TMP/notify.log" || fs_fail "no STOPPING=1"
mountpoint -q "$MP" && fs_fail "still mounted after SIGTERM"

fs_note "a foreign mount is refused; no JOURNAL_STREAM, no priorities"
mount -t tmpfs -o size=1M aoefs-test-foreign "$MP" || fs_fail "mount tmpfs"
rc=0
out=$(nsenter --net="/run/netns/$FS_INI_NS" "$AOEFS_BINARY" -f "$MP" 2>&1) || rc=$?
umount "$MP"
fs_assert_eq "$rc" 1 "aoefs on a tmpfs: exit status"
[[ $out == *"something is already mounted there: tmpfs from aoefs-test-foreign"* ]] || fs_fail "aoefs on a tmpfs: '$out'"
[[ $out == "aoefs: "* ]] || fs_fail "without JOURNAL_STREAM the line is 'aoefs: ...': '$out'"
rc=0
out=$(JOURNAL_STREAM=0:0 nsenter --net="/run/netns/$FS_INI_NS" "$AOEFS_BINARY" -f -o frobnicate "$MP" 2>&1) || rc=$?
fs_assert_eq "$rc" 2 "a bad option: exit status"
[[ $out == "aoefs: "* ]] || fs_fail "JOURNAL_STREAM naming another file: no <N>: '$out'"
