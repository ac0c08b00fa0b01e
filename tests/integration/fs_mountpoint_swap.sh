#!/bin/bash
# The mount point is opened once and mounted through that descriptor (issue
# 27 item 3). The daemon checks P/D, then waits for discovery before it
# mounts; in that window the owner of P (nobody) renames D away and puts a
# symbolic link to a root-owned directory in its place. The swap is made
# deterministic by stopping the daemon (SIGSTOP) as soon as it has opened its
# AoE port, which it does after the check and before the discovery wait, and
# letting it go on once the swap is done. Asserted: the mount is on the
# directory that was checked (now P/D.orig), never on the link's target (its
# marker file is still there, nothing mounted on it); the log names P/D.orig
# and never P/D; SIGTERM unmounts it (through the descriptor) and the daemon
# exits 0. Once as root mounting itself, once with auto_unmount (libfuse then
# mounts through fusermount3, given the directory's real path). A symbolic link given as the mount point, or in its path, is
# refused with a message naming it, and nothing is mounted.
source "$(dirname "$0")/../tools/fs_common.sh"
command -v setpriv >/dev/null || fs_fail "needs setpriv (util-linux)"

fs_net_up mps1 --targets "1.0:16M"
LOG=$FS_TMP/aoefs.log
P=$(mktemp -d /tmp/aoefs-swap.XXXXXX)
TARGET=$(mktemp -d /tmp/aoefs-swap-target.XXXXXX)
echo root-owned >"$TARGET/marker"
chown nobody: "$P"
as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"; }

swap_cleanup() {
  local m
  for m in "$P/D.orig" "$P/E.orig" "$TARGET" "$P/D" "$P/E"; do
    if grep -qs " $m fuse" /proc/mounts; then umount -l "$m"; fi
  done
  rm -rf --one-file-system "$P" "$TARGET"
}
FS_CLEANUP_HOOKS+=(swap_cleanup)

# mounted_type DIR: the type of the mount whose mount point is DIR, or nothing.
mounted_type() {
  awk -v mp="$1" '$5 == mp { for (i = 6; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }' \
    /proc/self/mountinfo
}

# swap_round NAME OPTIONS: aoefs -f -o OPTIONS on P/NAME; the swap of
# P/NAME for a link to $TARGET while the daemon waits for discovery; the
# asserts above; SIGTERM. P/NAME is the link afterwards.
swap_round() {
  local d=$P/$1 opts=$2 pid stopped=0 rc=0
  as_nobody mkdir "$d"
  : >"$LOG"
  nsenter --net="/run/netns/$FS_INI_NS" "$AOEFS_BINARY" -f -o "$opts" "$d" >"$LOG" 2>&1 &
  pid=$!
  FS_PIDS+=("$pid")
  for _ in $(seq 1000); do
    kill -0 "$pid" 2>/dev/null || { cat "$LOG" >&2; fs_fail "aoefs exited before it opened its port"; }
    if find "/proc/$pid/fd" -lname 'socket:*' 2>/dev/null | grep -q .; then
      kill -STOP "$pid"
      stopped=1
      break
    fi
    sleep 0.01
  done
  [ $stopped = 1 ] || fs_fail "aoefs did not open its AoE port within 10 s"
  [ -z "$(mounted_type "$d")" ] ||
    fs_fail "aoefs had mounted before it could be stopped (the discovery wait is at least 0.5 s)"
  as_nobody mv "$d" "$d.orig"
  as_nobody ln -s "$TARGET" "$d"
  kill -CONT "$pid"

  for _ in $(seq 100); do
    [ -n "$(mounted_type "$d.orig")$(mounted_type "$TARGET")" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$LOG" >&2
  [ -z "$(mounted_type "$TARGET")" ] || fs_fail "the mount landed on the symbolic link's target $TARGET"
  fs_assert_eq "$(cat "$TARGET/marker")" root-owned "the link target's own file"
  fs_assert_eq "$(mounted_type "$d.orig")" fuse.aoefs "mount on the directory that was checked"
  fs_assert_eq "$(ls "$d.orig")" e1.0 "listing of the mount"
  grep -qF "mounted on $d.orig (" "$LOG" || fs_fail "the log does not name $d.orig as mounted"
  if grep -qF "$d " "$LOG" || grep -qF "$d (" "$LOG"; then
    fs_fail "the log names $d, where nothing is mounted"
  fi

  kill -TERM "$pid"
  wait "$pid" || rc=$?
  fs_assert_eq "$rc" 0 "aoefs exit status after SIGTERM"
  [ -z "$(mounted_type "$d.orig")" ] || fs_fail "$d.orig still mounted after SIGTERM"
  [ -z "$(mounted_type "$TARGET")" ] || fs_fail "$TARGET mounted after SIGTERM"
}

fs_note "swapped during the discovery wait: mounted through the descriptor, unmounted by SIGTERM"
swap_round D interfaces=aoe0
# With auto_unmount libfuse mounts through fusermount3 (a process of its own),
# which gets the directory's real path as of the mount, then checked.
fs_note "the same with auto_unmount (through fusermount3)"
swap_round E interfaces=aoe0,auto_unmount

fs_note "a symbolic link in the mount point's path is refused"
rc=0
out=$(fs_run_aoefs -f -o interfaces=aoe0 "$P/D" 2>&1) || rc=$?
fs_assert_eq "$rc" 1 "aoefs exit status on a symbolic link"
echo "$out" | grep -qF "mount point $P/D: $P/D is a symbolic link; give the real path" ||
  fs_fail "symbolic link message unclear: $out"
mkdir "$TARGET/sub"
rc=0
out=$(fs_run_aoefs -f -o interfaces=aoe0 "$P/D/sub" 2>&1) || rc=$?
fs_assert_eq "$rc" 1 "aoefs exit status on a link inside the path"
echo "$out" | grep -qF "mount point $P/D/sub: $P/D is a symbolic link; give the real path" ||
  fs_fail "symbolic link (inside the path) message unclear: $out"
[ -z "$(mounted_type "$TARGET")$(mounted_type "$TARGET/sub")" ] ||
  fs_fail "something was mounted after the refusals"
