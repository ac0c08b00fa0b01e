#!/bin/bash
# The daemon's log on real vblade targets: in the foreground it goes to
# stderr, each target event once (found, down, back), never per frame at the
# default level, and log_level=error silences the info lines; in the
# background it goes to syslog, each line naming the mount point, or, when
# the journal's socket exists, to the journal (native protocol: PRIORITY,
# SYSLOG_IDENTIFIER=aoefs, AOEFS_MOUNT). Each background half runs in a
# private mount namespace whose /dev (or /run) is a fresh tmpfs with a test
# listener on /dev/log (/run/systemd/journal/socket); the host's are not
# touched.
source "$(dirname "$0")/../tools/fs_common.sh"

fs_net_up lg1 --targets "1.0:16M 1.1:16M"
fs_mkmount
MP=$FS_MP
LOG=$FS_TMP/aoefs.log

count() { grep -c -- "$1" "$LOG" || true; }

fs_note "foreground: stderr, each event once"
fs_mount_fg "$MP" -o interfaces=aoe0,discovery_interval=0.5,dead_timeout=2
dd if=/dev/zero of="$MP/e1.0" bs=1M count=4 oflag=direct conv=notrunc status=none
sleep 2  # four discovery rounds
fs_assert_eq "$(count 'aoefs: e1.0 found: 16.0 MiB')" 1 "e1.0 found lines"
fs_assert_eq "$(count 'aoefs: mounted on ')" 1 "mounted lines"
"$AOENET" target lg1 stop 1.1 >/dev/null
for _ in $(seq 50); do [ "$(count 'e1.1 down')" = 1 ] && break; sleep 0.2; done
sleep 1.5
fs_assert_eq "$(count 'aoefs: e1.1 down')" 1 "e1.1 down lines"
"$AOENET" target lg1 start 1.1 16M >/dev/null
for _ in $(seq 50); do [ "$(count 'e1.1 back')" = 1 ] && break; sleep 0.2; done
sleep 1.5
fs_assert_eq "$(count 'aoefs: e1.1 back: 16.0 MiB')" 1 "e1.1 back lines"
lines=$(wc -l <"$LOG")
[ "$lines" -le 9 ] || { cat "$LOG" >&2; fs_fail "$lines log lines for 4 MiB of I/O and 3 events: per-request logging at the default level?"; }
umount "$MP"
wait "$FS_PID" || fs_fail "daemon exit status $?"
fs_assert_eq "$(count 'aoefs: unmounted ')" 1 "unmounted lines"

fs_note "log_level=error: no info lines"
: >"$LOG"
fs_mount_fg "$MP" -o interfaces=aoe0,log_level=error
umount "$MP"
wait "$FS_PID" || fs_fail "daemon exit status $?"
[ ! -s "$LOG" ] || { cat "$LOG" >&2; fs_fail "log_level=error still logged"; }

fs_note "background: syslog"
SYSLOG=$FS_TMP/syslog
cat >"$FS_TMP/listener.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
print("ready", flush=True)
with open(sys.argv[1], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536) + b"\n")
PY
# The private namespace's part, shared by the two runs below (sourced):
# mount_and_log SOCKET NETNS_DIR OUT waits for the listener's SOCKET, mounts
# in the background in the initiator's namespace (under NETNS_DIR), checks
# the file, unmounts, waits until OUT has the "unmounted" line and stops the
# listener (the script's job %1).
cat >"$FS_TMP/mount_and_log.sh" <<'SH'
mount_and_log() {
  for _ in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
  nsenter --net="$2/$INI_NS" "$AOEFS_BINARY" -o interfaces=aoe0 "$MP"
  [ -e "$MP/e1.0" ]
  umount "$MP"
  for _ in $(seq 50); do grep -q 'unmounted' "$3" && break; sleep 0.1; done
  kill %1
}
SH
cat >"$FS_TMP/in-private-dev.sh" <<'SH'
set -eu
source "$TMPD/mount_and_log.sh"
mount -t tmpfs -o mode=755 aoefs-test-dev /dev
mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/urandom c 1 9; mknod -m 666 /dev/fuse c 10 229
python3 -u "$TMPD/listener.py" "$TMPD/syslog" >"$TMPD/listener.out" &
mount_and_log /dev/log /run/netns "$TMPD/syslog"
SH
TMPD=$FS_TMP INI_NS=$FS_INI_NS MP=$MP AOEFS_BINARY=$AOEFS_BINARY \
  unshare -m --propagation private bash "$FS_TMP/in-private-dev.sh" ||
  fs_fail "background mount with a private /dev/log failed"
cat "$SYSLOG" >&2
grep -Eq "^<30>.*aoefs\[[0-9]+\]: $MP: e1\.0 found: 16\.0 MiB" "$SYSLOG" ||
  fs_fail "no '$MP: e1.0 found' at daemon.info (<30>) in syslog"
grep -Eq "^<30>.*aoefs\[[0-9]+\]: $MP: mounted on " "$SYSLOG" || fs_fail "no 'mounted on' in syslog"
grep -Eq "^<30>.*aoefs\[[0-9]+\]: $MP: unmounted " "$SYSLOG" || fs_fail "no 'unmounted' in syslog"

fs_note "background: the journal, when its socket exists"
JOURNAL=$FS_TMP/journal
cat >"$FS_TMP/journal_listener.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/run/systemd/journal/socket")
with open(sys.argv[1], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536) + b"--\n")
PY
cat >"$FS_TMP/in-private-run.sh" <<'SH'
set -eu
source "$TMPD/mount_and_log.sh"
# /run/netns (the fixture's namespaces) kept through a fresh /run.
mkdir "$TMPD/netns"
mount --rbind /run/netns "$TMPD/netns"
mount -t tmpfs -o mode=755 aoefs-test-run /run
mkdir -p /run/systemd/journal
python3 -u "$TMPD/journal_listener.py" "$TMPD/journal" &
mount_and_log /run/systemd/journal/socket "$TMPD/netns" "$TMPD/journal"
SH
TMPD=$FS_TMP INI_NS=$FS_INI_NS MP=$MP AOEFS_BINARY=$AOEFS_BINARY \
  unshare -m --propagation private bash "$FS_TMP/in-private-run.sh" ||
  fs_fail "background mount with a private journal socket failed"
cat "$JOURNAL" >&2
# One datagram per line: its fields, then "--".
ENTRY=$(awk -v mp="$MP" '/^--$/ { if (e ~ "MESSAGE=" mp ": mounted on ") print e; e = ""; next } { e = e $0 "\n" }' "$JOURNAL")
[ -n "$ENTRY" ] || fs_fail "no 'mounted on' entry in the journal"
for field in PRIORITY=6 SYSLOG_IDENTIFIER=aoefs "AOEFS_MOUNT=$MP"; do
  grep -qx -- "$field" <<<"$ENTRY" || fs_fail "the journal entry has no $field: $ENTRY"
done
true
