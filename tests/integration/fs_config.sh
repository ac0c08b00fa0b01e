#!/bin/bash
# Configuration on a real mount: a config typo (file or -o) exits 2 naming the
# key (and line) with nothing mounted, as do a missing --config file, a
# directory as --config and a cache_size above the machine's memory; control
# bytes in a key, an interface name or a mount point reach the message
# escaped (\xHH); --help lists every option; the file's settings apply and
# -o overrides them (owner, mode, read-only).
source "$(dirname "$0")/../tools/fs_common.sh"

fs_note "--help lists every option"
HELP=$("$AOEFS_BINARY" --help)
for key in interfaces discovery_interval dead_timeout ro allow_other uid gid umask cache_size \
           foreground debug --config -o -f -d --version discover; do
  grep -q -- "$key" <<<"$HELP" || fs_fail "--help does not mention $key"
done
"$AOEFS_BINARY" --version | grep -q '^aoefs ' || fs_fail "--version"

fs_net_up fs4 --targets "1.0:16M"
fs_mkmount
MP=$FS_MP

fs_note "config file typo: exit 2, key and line named, nothing mounted"
printf 'interfaces = ["aoe0"]\n\ndead_timout = 5\n' >"$FS_TMP/typo.toml"
set +e
out=$(fs_run_aoefs --config "$FS_TMP/typo.toml" "$MP" 2>&1); rc=$?
set -e
fs_assert_eq "$rc" 2 "exit code for a config typo"
grep -q "dead_timout" <<<"$out" || fs_fail "message does not name the key: $out"
grep -q ":3:" <<<"$out" || fs_fail "message does not name the line: $out"
[ "$(echo "$out" | wc -l)" -eq 1 ] || fs_fail "expected one message line, got: $out"
mountpoint -q "$MP" && fs_fail "mounted despite the config error"

fs_note "-o typo and bad value: exit 2"
set +e
out=$(fs_run_aoefs -o interfaces=aoe0,dead_timeout=soon "$MP" 2>&1); rc=$?
set -e
fs_assert_eq "$rc" 2 "exit code for a bad -o value"
grep -q "dead_timeout" <<<"$out" || fs_fail "message does not name the key: $out"
set +e
out=$(fs_run_aoefs --config /nonexistent/aoefs.toml "$MP" 2>&1); rc=$?
set -e
fs_assert_eq "$rc" 2 "exit code for a missing --config file"
grep -q -- "--config /nonexistent/aoefs.toml: cannot read configuration file: No such file" <<<"$out" ||
  fs_fail "missing --config file: $out"
mountpoint -q "$MP" && fs_fail "mounted despite errors"

fs_note "--config DIR: exit 2, not an empty configuration"
set +e
out=$(fs_run_aoefs --config "$FS_TMP" -o interfaces=aoe0 "$MP" 2>&1); rc=$?
set -e
fs_assert_eq "$rc" 2 "exit code for --config DIR"
fs_assert_eq "$out" "aoefs: --config $FS_TMP: is a directory, expected a TOML file" "--config DIR message"
mountpoint -q "$MP" && fs_fail "mounted with a directory as --config"

fs_note "cache_size above the machine's memory: exit 2, the memory named"
set +e
out=$(fs_run_aoefs -o interfaces=aoe0,cache_size=16384T "$MP" 2>&1); rc=$?
set -e
fs_assert_eq "$rc" 2 "exit code for cache_size=16384T"
grep -q "cache_size=16384T: 16.0 PiB is more than this machine's .* of memory" <<<"$out" ||
  fs_fail "cache_size message: $out"
mountpoint -q "$MP" && fs_fail "mounted with cache_size=16384T"

# has_control_bytes TEXT: true if TEXT holds a byte below 0x20 other than \n.
has_control_bytes() { LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' <<<"$1"; }

fs_note "control bytes in a TOML key, an interface name and a mount point are shown escaped"
printf '"\\u001b]0;owned\\u0007" = 1\n' >"$FS_TMP/esc.toml"
set +e
out=$(fs_run_aoefs --config "$FS_TMP/esc.toml" "$MP" 2>&1); rc=$?
set -e
fs_assert_eq "$rc" 2 "exit code for a key with ESC"
has_control_bytes "$out" && fs_fail "raw control bytes in: $(cat -v <<<"$out")"
grep -qF "unknown key '\x1b]0;owned\x07'" <<<"$out" || fs_fail "key not escaped: $(cat -v <<<"$out")"
set +e
out=$(fs_run_aoefs -o $'interfaces=e\x1b[31mx' "$MP" 2>&1); rc=$?
set -e
fs_assert_eq "$rc" 1 "exit code for a missing interface"
has_control_bytes "$out" && fs_fail "raw control bytes in: $(cat -v <<<"$out")"
grep -qF 'interface e\x1b[31mx: no such interface' <<<"$out" || fs_fail "interface not escaped: $(cat -v <<<"$out")"
set +e
out=$(fs_run_aoefs -o interfaces=aoe0 $'/nonexistent/\x1b[2Jmp' 2>&1); rc=$?
set -e
fs_assert_eq "$rc" 1 "exit code for a missing mount point"
has_control_bytes "$out" && fs_fail "raw control bytes in: $(cat -v <<<"$out")"
grep -qF 'mount point /nonexistent/\x1b[2Jmp: No such file or directory' <<<"$out" ||
  fs_fail "mount point not escaped: $(cat -v <<<"$out")"

fs_note "file settings apply, -o overrides them"
cat >"$FS_TMP/good.toml" <<'TOML'
interfaces = ["aoe0"]
read_only = true
uid = 1234
gid = 4321
umask = "027"
dead_timeout = 5
discovery_interval = 2
TOML
fs_mount_fg "$MP" --config "$FS_TMP/good.toml"
fs_wait_file "$MP/e1.0" 5 || fs_fail "e1.0 not listed"
fs_assert_eq "$(stat -c '%u %g %a' "$MP/e1.0")" "1234 4321 440" "owner/mode from the file (read-only)"
if echo x | dd of="$MP/e1.0" conv=notrunc status=none 2>/dev/null; then fs_fail "write on a read-only mount succeeded"; fi
dd if="$MP/e1.0" bs=4k count=1 status=none >/dev/null || fs_fail "read on a read-only mount failed"
AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
$AS_NOBODY stat "$MP/e1.0" >/dev/null 2>&1 && fs_fail "another user sees the mount without allow_other"
fusermount3 -u "$MP"
wait "$FS_PID" || fs_fail "daemon exit status $?"

fs_mount_fg "$MP" --config "$FS_TMP/good.toml" -o rw,uid=0,umask=077,read_ahead_kb=512
fs_assert_eq "$(stat -c '%u %g %a' "$MP/e1.0")" "0 4321 600" "-o overrides the file"
BDI=/sys/class/bdi/$(mountpoint -d "$MP")/read_ahead_kb
for _ in $(seq 20); do [ "$(cat "$BDI")" = 512 ] && break; sleep 0.1; done
fs_assert_eq "$(cat "$BDI")" 512 "kernel read-ahead of the mount ($BDI)"
# max_background, read through fusectl mounted in a private mount namespace
# (the host's mounts stay untouched).
CONN=$(mountpoint -d "$MP"); CONN=${CONN#*:}
BG=$(unshare -m sh -c "mount -t fusectl none /sys/fs/fuse/connections && cat /sys/fs/fuse/connections/$CONN/max_background") ||
  fs_fail "cannot read max_background through fusectl"
[ "$BG" -ge 128 ] || fs_fail "max_background is $BG, expected well above libfuse's 12"
fusermount3 -u "$MP"
wait "$FS_PID" || fs_fail "daemon exit status $?"

fs_note "allow_other: other users see the files; permissions still apply"
fs_mount_fg "$MP" --config "$FS_TMP/good.toml" -o rw,uid=0,umask=077,allow_other
$AS_NOBODY stat "$MP/e1.0" >/dev/null || fs_fail "another user cannot stat with allow_other"
$AS_NOBODY head -c 1 "$MP/e1.0" >/dev/null 2>&1 && fs_fail "another user read a 0600 root file"
echo hello | dd of="$MP/e1.0" conv=notrunc status=none || fs_fail "write with -o rw failed"
fs_assert_eq "$(head -c 5 "$FS_DIR/e1.0")" "hello" "data on the target"
fusermount3 -u "$MP"
wait "$FS_PID" || fs_fail "daemon exit status $?"
