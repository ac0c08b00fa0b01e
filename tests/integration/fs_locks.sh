#!/bin/bash
# Target metadata as xattrs and flock(2) mapped to config-string locks, with
# two aoefs daemons on two initiator hosts (namespaces with their own MACs,
# bridged to the vblade targets). Real tools: getfattr/setfattr, flock(1),
# aoecfg (aoetools).
#  * getfattr -d lists every user.aoe.* attribute with the target's facts;
#    setfattr/getfattr round-trip the config string across hosts and aoecfg;
#    XATTR_CREATE on a set string is EBUSY; bad values EINVAL, read-only
#    names EPERM, foreign names ENOTSUP / ENODATA; reservation and mask.
#  * A takes LOCK_EX: aoecfg shows A's lock string; B's LOCK_NB gets
#    EWOULDBLOCK, a blocking B lock is interruptible (flock -w); A's local
#    second open conflicts too; A unlocks (LOCK_UN), B succeeds; a blocked B
#    gets the lock once A lets go; close releases; LOCK_SH is shared locally
#    and exclusive across hosts.
#  * a foreign string set with aoecfg makes LOCK_EX fail until cleared.
#  * SIGKILL of A keeps its lock (nothing clears it silently) until
#    `aoefs unlock e1.0 --force`; without --force the command refuses.
#  * SIGTERM of B (clean shutdown) releases what B holds.
source "$(dirname "$0")/../tools/fs_common.sh"
source "$(dirname "$0")/../tools/xattr_common.sh"

# flock(1) exit code for "lock taken" (EWOULDBLOCK for -n, timeout for -w);
# other errors exit 1 or 65+ with a message.
TAKEN=42

fs_net_up lk1 --inis 2 --targets "1.0:16M 1.1:8M"
eval "$("$AOENET" env lk1 | grep -E '^(INI_NS_2|INI_MAC|INI_MAC_2|TGT_MAC)=')"
NS_A=$FS_INI_NS NS_B=$INI_NS_2 MAC_A=$INI_MAC MAC_B=$INI_MAC_2
OPTS=interfaces=aoe0,dead_timeout=5

fs_mkmount; MPA=$FS_MP
fs_mkmount; MPB=$FS_MP
fs_mount_fg "$MPA" -o "$OPTS"; PID_A=$FS_PID
FS_INI_NS=$NS_B fs_mount_fg "$MPB" -o "$OPTS"; PID_B=$FS_PID
fs_wait_file "$MPA/e1.0" 5 && fs_wait_file "$MPB/e1.0" 5 || fs_fail "e1.0 not listed on both mounts"
FA=$MPA/e1.0 FB=$MPB/e1.0

# bounded_wait PID SECONDS: waits for PID, fails after SECONDS. A request
# the daemon never answers cannot even be killed (the kernel waits for the
# answer once the daemon has read it), so `timeout` would hang too; the
# cleanup's daemon kill aborts the connection and frees it.
bounded_wait() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fs_fail "flock still blocked after $2 s (interrupt or reply lost)"
    sleep 0.1
  done
  wait "$1"
}
# lock_rc FILE FLOCK-OPTIONS...: flock(1)'s exit code for a lock-and-release.
lock_rc() {
  local f=$1 rc=0; shift
  flock -E $TAKEN "$@" "$f" -c true </dev/null >/dev/null 2>&1 &
  bounded_wait $! 20 || rc=$?
  echo $rc
}
# eventually SECONDS CMD...: CMD succeeds within SECONDS. A close releases its
# lock asynchronously (FUSE sends RELEASE after close() returned), so a lock
# right after another process's close may still find it held for a moment.
eventually() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -lt $deadline ] || return 1; sleep 0.1; done
}
wait_cfg_empty() {  # NS SECONDS WHAT
  local deadline=$((SECONDS + $2))
  until [ -z "$(cfg "$1")" ]; do
    [ $SECONDS -lt $deadline ] || fs_fail "$3: config string still '$(cfg "$1")'"
    sleep 0.1
  done
}

fs_note "getfattr -d shows the target's metadata"
DUMP=$(getfattr --absolute-names -d "$FA")
for name in config firmware buffer_count sectors_per_frame paths model serial reserve mask; do
  grep -q "^user\.aoe\.$name=" <<<"$DUMP" || fs_fail "getfattr -d lacks user.aoe.$name: $DUMP"
done
fs_assert_eq "$(xattr "$FA" user.aoe.firmware)" 0x4019 "firmware version"
fs_assert_eq "$(xattr "$FA" user.aoe.buffer_count)" 16 "buffer count"
fs_assert_eq "$(xattr "$FA" user.aoe.sectors_per_frame)" 2 "sectors per frame at MTU 1500"
fs_assert_eq "$(xattr "$FA" user.aoe.paths)" "aoe0=$TGT_MAC" "paths"
fs_assert_eq "$(xattr "$FA" user.aoe.model)" "Coraid EtherDrive vblade" "IDENTIFY model"
[[ $(xattr "$FA" user.aoe.serial) == 1.0:* ]] || fs_fail "IDENTIFY serial: $(xattr "$FA" user.aoe.serial)"
fs_assert_eq "$(xattr "$FA" user.aoe.config)" "" "config string at start"

fs_note "config string round trip: setfattr on A, getfattr on B, aoecfg"
setfattr -n user.aoe.config -v "hello from A" "$FA"
fs_assert_eq "$(xattr "$FB" user.aoe.config)" "hello from A" "B reads A's string"
fs_assert_eq "$(cfg "$NS_B")" "hello from A" "aoecfg reads A's string"
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.aoe.config", b"mine", os.XATTR_CREATE)' "$FB" 2>"$FS_TMP/err" &&
  fs_fail "XATTR_CREATE over a set string succeeded"
grep -q "Device or resource busy" "$FS_TMP/err" || fs_fail "XATTR_CREATE refused: $(cat "$FS_TMP/err")"
setfattr -x user.aoe.config "$FB"
fs_assert_eq "$(cfg "$NS_A")" "" "removexattr clears the string"
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.aoe.config", b"set if empty", os.XATTR_CREATE)' "$FB" ||
  fs_fail "XATTR_CREATE on an empty string failed"
fs_assert_eq "$(xattr "$FA" user.aoe.config)" "set if empty" "set-if-empty result"
setfattr -n user.aoe.config -v "" "$FA"
fs_assert_eq "$(cfg "$NS_B")" "" "setfattr of the empty string clears it"

fs_note "bad values: EINVAL; read-only names EPERM; names not served ENOTSUP/ENODATA"
set_fails "$FA" user.aoe.config "$(head -c 1025 /dev/zero | tr '\0' x)" "Invalid argument"
setfattr -n user.aoe.config -v "$(head -c 1024 /dev/zero | tr '\0' y)" "$FA" || fs_fail "1024-byte config string refused"
fs_assert_eq "$(xattr "$FB" user.aoe.config | wc -c)" 1024 "1024-byte string read back by B"
setfattr -x user.aoe.config "$FA"
set_fails "$FA" user.aoe.reserve "02:00:00:00:00" "Invalid argument"
set_fails "$FA" user.aoe.mask "+02:00:00:00:00:zz" "Invalid argument"
set_fails "$FA" user.aoe.mask "02:00:00:00:00:01" "Invalid argument"
set_fails "$FA" user.aoe.model "x" "Operation not permitted"
set_fails "$FA" user.other "x" "Operation not supported"
grep -q "No such attribute" <<<"$(xattr "$FA" security.capability)" || fs_fail "security.capability is not ENODATA"
grep -q "No such attribute" <<<"$(xattr "$FA" user.aoe.nope)" || fs_fail "an unknown user.aoe name is not ENODATA"

fs_note "reservation (e1.1): A reserves, B is refused (EACCES), A releases"
setfattr -n user.aoe.reserve -v "$MAC_A" "$MPA/e1.1"
fs_assert_eq "$(xattr "$MPB/e1.1" user.aoe.reserve)" "$MAC_A" "reservation list read by B"
set_fails "$MPB/e1.1" user.aoe.reserve "$MAC_B" "Permission denied"
setfattr -n user.aoe.reserve -v "" "$MPA/e1.1"
fs_assert_eq "$(xattr "$MPB/e1.1" user.aoe.reserve)" "" "reservation released"
fs_note "MAC mask (e1.1): two adds (vblade 25's edit breaks beyond that), read back"
setfattr -n user.aoe.mask -v "+$MAC_A +$MAC_B" "$MPA/e1.1"
fs_assert_eq "$(xattr "$MPB/e1.1" user.aoe.mask)" "$MAC_A $MAC_B" "mask list"

fs_note "A takes LOCK_EX: aoecfg shows A's string, B's LOCK_NB gets EWOULDBLOCK"
exec 7<"$FA"
flock -n -x 7 || fs_fail "A's LOCK_EX failed"
HELD=$(cfg "$NS_B")
[[ $HELD =~ ^aoefs-lock/1\ host=[^\ ]+\ mac=$MAC_A\ pid=[0-9]+\ since=[0-9T:-]+Z\ daemon=$PID_A$ ]] ||
  fs_fail "lock string of A as aoecfg shows it: '$HELD'"
fs_assert_eq "$(xattr "$FB" user.aoe.config)" "$HELD" "B's getfattr shows A's string"
grep -qF "aoefs_target_lock_held{target=\"e1.0\",holder=\"$HELD\"} 1" "$MPA/.stats" ||
  fs_fail "A's .stats does not show the held lock: $(grep lock_held "$MPA/.stats")"
grep -q 'aoefs_target_lock_held{target="e1.0",holder=""} 0' "$MPB/.stats" ||
  fs_fail "B's .stats shows a lock it does not hold: $(grep lock_held "$MPB/.stats")"
fs_assert_eq "$(lock_rc "$FB" -n -x)" $TAKEN "B's LOCK_EX|LOCK_NB while A holds"
fs_assert_eq "$(lock_rc "$FB" -n -s)" $TAKEN "B's LOCK_SH|LOCK_NB while A holds (exclusive across hosts)"
fs_assert_eq "$(lock_rc "$FA" -n -x)" $TAKEN "a second open file on A (local flock semantics)"
fs_note "a blocking lock on B is interruptible (flock -w: SIGALRM -> EINTR)"
START=$SECONDS
fs_assert_eq "$(lock_rc "$FB" -w 1 -x)" $TAKEN "B's blocking LOCK_EX with a 1 s timeout"
[ $((SECONDS - START)) -le 4 ] || fs_fail "interrupted lock took $((SECONDS - START)) s"
fs_assert_eq "$(cfg "$NS_B")" "$HELD" "A's string untouched by B's attempts"

fs_note "A unlocks (LOCK_UN): the string is cleared, B succeeds"
flock -u 7
fs_assert_eq "$(cfg "$NS_B")" "" "string after A's LOCK_UN"
fs_assert_eq "$(lock_rc "$FB" -n -x)" 0 "B's LOCK_NB after A unlocked"
eventually 3 flock -n -x "$FA" -c true || fs_fail "A cannot lock again after B closed"

fs_note "a blocked B gets the lock once A lets go (backoff retry)"
eventually 3 flock -n -x 7 || fs_fail "A's LOCK_EX (2nd) failed"
flock -E $TAKEN -w 15 -x "$FB" -c "getfattr --absolute-names --only-values -n user.aoe.config '$FB'" >"$FS_TMP/b-got" &
WAITER=$!
sleep 1.5
kill -0 $WAITER 2>/dev/null || fs_fail "B's blocking lock returned while A held it"
flock -u 7
bounded_wait $WAITER 20 || fs_fail "B's blocking lock failed after A unlocked (exit $?)"
[[ $(cat "$FS_TMP/b-got") == "aoefs-lock/1 host="*" mac=$MAC_B "* ]] || fs_fail "B held with: $(cat "$FS_TMP/b-got")"
exec 7<&-

fs_note "close of the last descriptor releases; LOCK_SH is shared locally"
exec 8<"$FA" 9<"$FA"
eventually 3 flock -n -s 8 && flock -n -s 9 || fs_fail "two shared locks on A"
fs_assert_eq "$(lock_rc "$FA" -n -x)" $TAKEN "LOCK_EX on A while shared locks are held"
fs_assert_eq "$(lock_rc "$FB" -n -s)" $TAKEN "B's LOCK_SH while A holds shared"
exec 8<&-
[[ $(cfg "$NS_B") == aoefs-lock/1* ]] || fs_fail "A's claim went with one of two shared holders"
exec 9<&-
wait_cfg_empty "$NS_B" 3 "after the close of A's last descriptor"

fs_note "a foreign string set with aoecfg makes LOCK_EX fail"
ip netns exec "$NS_B" aoecfg -t 3 -c set -s "held by aoecfg" 1 0 aoe0 >/dev/null
fs_assert_eq "$(cfg "$NS_A")" "held by aoecfg" "foreign string"
fs_assert_eq "$(lock_rc "$FA" -n -x)" $TAKEN "A's LOCK_NB against a foreign string"
fs_assert_eq "$(lock_rc "$FA" -w 1 -x)" $TAKEN "A's blocking lock against a foreign string (timeout)"
fs_assert_eq "$(cfg "$NS_A")" "held by aoecfg" "foreign string left alone"
setfattr -x user.aoe.config "$FB"
fs_assert_eq "$(lock_rc "$FA" -n -x)" 0 "A's lock once the foreign string is cleared"

fs_note "SIGKILL of A keeps its lock until aoefs unlock --force"
exec 7<"$FA"
eventually 3 flock -n -x 7 || fs_fail "A's LOCK_EX (3rd) failed"
HELD=$(cfg "$NS_B")
kill -9 "$PID_A"
wait "$PID_A" 2>/dev/null || true
exec 7<&-
fusermount3 -u -z "$MPA" 2>/dev/null || umount -l "$MPA"
sleep 1
fs_assert_eq "$(cfg "$NS_B")" "$HELD" "A's string after SIGKILL"
fs_assert_eq "$(lock_rc "$FB" -n -x)" $TAKEN "B's LOCK_NB against the crashed holder"
set +e
out=$(ip netns exec "$NS_B" "$AOEFS_BINARY" unlock e1.0 2>&1); rc=$?
set -e
fs_assert_eq "$rc" 2 "aoefs unlock without --force"
grep -q -- "--force" <<<"$out" || fs_fail "refusal does not say why: $out"
fs_assert_eq "$(cfg "$NS_B")" "$HELD" "string after the refused unlock"
out=$(ip netns exec "$NS_B" "$AOEFS_BINARY" unlock e1.0 --force -i aoe0) || fs_fail "aoefs unlock --force failed"
grep -qF "$HELD" <<<"$out" || fs_fail "unlock --force does not say what it cleared: $out"
fs_assert_eq "$(cfg "$NS_B")" "" "string after the forced unlock"
fs_assert_eq "$(lock_rc "$FB" -n -x)" 0 "B's LOCK_NB after the forced unlock"

fs_note "clean shutdown (SIGTERM) of B releases what B holds"
exec 7<"$FB"
eventually 3 flock -n -x 7 || fs_fail "B's LOCK_EX failed"
[[ $(cfg "$NS_B") == "aoefs-lock/1 host="*" mac=$MAC_B "* ]] || fs_fail "B's string: $(cfg "$NS_B")"
kill -TERM "$PID_B"
wait_cfg_empty "$NS_B" 5 "after B's clean shutdown"
exec 7<&-
wait "$PID_B" || fs_fail "B's daemon exit status $?"
