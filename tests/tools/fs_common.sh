# shellcheck shell=bash
# Shared helpers of the filesystem integration tests (tests/integration/fs_*.sh).
# Source it; it sets -euo pipefail, checks the environment (fails loudly,
# never skips) and installs a cleanup trap that unmounts everything the test
# mounted, stops daemons it started and tears its AoE network down.
#
# The daemon runs with the initiator namespace's network but the host's
# mount namespace (nsenter --net), so the mount is visible to the test's
# tools (dd, losetup, qemu-img) without entering the namespace.
set -euo pipefail

fs_fail() { echo "FAIL: $*" >&2; exit 1; }
fs_note() { echo "--- $*" >&2; }

[ "$(id -u)" = 0 ] || fs_fail "needs root (network namespaces, vblade, FUSE mounts)"
[ -c /dev/fuse ] || fs_fail "needs /dev/fuse"
: "${AOEFS_BINARY:?AOEFS_BINARY must name the built aoefs}"
: "${AOEFS_FIXTURE_DIR:?AOEFS_FIXTURE_DIR must name tests/fixture}"
: "${AOEFS_BUILD_DIR:?AOEFS_BUILD_DIR must name the build directory}"
[ -x "$AOEFS_BINARY" ] || fs_fail "no aoefs binary at $AOEFS_BINARY"
AOENET="$AOEFS_FIXTURE_DIR/aoenet"
[ -x "$AOENET" ] || fs_fail "no fixture script at $AOENET"
FS_TOOLS="$AOEFS_BUILD_DIR/tests/tools"
for tool in model_io overlap_writer; do
  [ -x "$FS_TOOLS/$tool" ] || fs_fail "test tool $FS_TOOLS/$tool not built"
done

FS_NETS=()
FS_CLEANUP_HOOKS=()  # commands run first at cleanup (e.g. detach a loop device)
FS_MOUNTS=()
FS_PIDS=()
FS_LOGS=()  # the daemons' logs (fs_mount_fg), shown when the test fails
FS_TMP=$(mktemp -d /tmp/aoefs-test.XXXXXX)

fs_cleanup() {
  local rc=$?
  set +e
  # A failed test shows what the daemons said (sanitizer reports included).
  if [ $rc -ne 0 ] && [ -s "$FS_TMP/aoefs.log" ]; then
    echo "--- aoefs log (last 60 lines):" >&2
    tail -n 60 "$FS_TMP/aoefs.log" >&2
  fi
  for log in "${FS_LOGS[@]}"; do
    [ $rc -ne 0 ] && [ "$log" != "$FS_TMP/aoefs.log" ] && [ -s "$log" ] || continue
    echo "--- $(basename "$log") (last 60 lines):" >&2
    tail -n 60 "$log" >&2
  done
  for hook in "${FS_CLEANUP_HOOKS[@]}"; do eval "$hook"; done
  for mp in "${FS_MOUNTS[@]}"; do
    # /proc/mounts, not mountpoint(1): a mount whose daemon died answers
    # ENOTCONN, and mountpoint calls that "not a mount point".
    if grep -qs " $mp fuse" /proc/mounts; then
      umount "$mp" 2>/dev/null || fusermount3 -u -z "$mp" 2>/dev/null
    fi
  done
  for pid in "${FS_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${FS_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  for net in "${FS_NETS[@]}"; do "$AOENET" down "$net" >/dev/null 2>&1; done
  for mp in "${FS_MOUNTS[@]}"; do rmdir "$mp" 2>/dev/null; done
  rm -rf "$FS_TMP"
  if [ $rc -eq 0 ]; then echo "PASS: $(basename "$0")"; else echo "FAIL: $(basename "$0") (exit $rc)" >&2; fi
  exit $rc
}
trap fs_cleanup EXIT

# fs_net_up NAME [aoenet up options...]: a private AoE network; sets FS_DIR
# (backing files) and FS_INI_NS.
fs_net_up() {
  local name=$1; shift
  FS_NETS+=("$name")
  "$AOENET" up "$name" "$@" >"$FS_TMP/aoenet-$name.log" 2>&1 ||
    { cat "$FS_TMP/aoenet-$name.log" >&2; fs_fail "aoenet up $name $*"; }
  eval "$("$AOENET" env "$name" | sed -n 's/^\(INI_NS\|DIR\|INI_IF\|TGT_NS\)=\(.*\)$/FS_\1=\2/p')"
  [ -n "${FS_DIR:-}" ] && [ -n "${FS_INI_NS:-}" ] || fs_fail "aoenet env $name gave no DIR/INI_NS"
}

# fs_mkmount: sets FS_MP to a fresh mount point directory, unmounted and
# removed at cleanup. (Not "$(fs_mkmount)": a subshell would lose FS_MOUNTS.)
fs_mkmount() {
  FS_MP=$(mktemp -d /tmp/aoefs-mnt.XXXXXX)
  FS_MOUNTS+=("$FS_MP")
}

# fs_run_aoefs ARGS...: runs aoefs in the initiator namespace's network.
fs_run_aoefs() { nsenter --net="/run/netns/$FS_INI_NS" "$AOEFS_BINARY" "$@"; }

# fs_set_enable_uring Y|N: the fuse module's enable_uring (FUSE over
# io_uring; machine-wide: run tests under /tmp/aoefs-net.lock), restored to
# what it was at cleanup, also when the test fails.
FS_URING_PARAM=/sys/module/fuse/parameters/enable_uring
fs_set_enable_uring() {
  [ -w "$FS_URING_PARAM" ] || fs_fail "this kernel has no FUSE over io_uring ($FS_URING_PARAM)"
  if [ -z "${FS_URING_SAVED:-}" ]; then
    FS_URING_SAVED=$(cat "$FS_URING_PARAM")
    FS_CLEANUP_HOOKS+=('echo "$FS_URING_SAVED" >"$FS_URING_PARAM"')
  fi
  echo "$1" >"$FS_URING_PARAM"
}

# fs_wait_log PATTERN SECONDS [LOG]: waits until the daemon's log has a line
# matching PATTERN (grep -E).
fs_wait_log() {
  local deadline=$((SECONDS + $2)) log=${3:-${FS_LOG:-$FS_TMP/aoefs.log}}
  until grep -qE "$1" "$log" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# AOEFS_TEST_IO_URING=1 (the "(io_uring)" registrations in tests/CMakeLists.txt):
# every fs_mount_fg mounts with -o io_uring, enable_uring is Y, and a mount
# that does not log the io_uring transport fails the test.
if [ "${AOEFS_TEST_IO_URING:-0}" = 1 ]; then
  fs_set_enable_uring Y
fi

# fs_mount_fg MOUNTPOINT ARGS...: starts `aoefs -f ARGS MOUNTPOINT` in the
# background (log in $FS_TMP/aoefs.log, or in $FS_LOG if set: one log per
# daemon when a test runs several), waits until mounted; sets FS_PID. Every
# daemon started is stopped at cleanup; call it once per daemon (each its
# own mount point) and keep each FS_PID.
fs_mount_fg() {
  local mp=$1 log=${FS_LOG:-$FS_TMP/aoefs.log}; shift
  [[ " ${FS_LOGS[*]} " == *" $log "* ]] || FS_LOGS+=("$log")
  local uring=()
  [ "${AOEFS_TEST_IO_URING:-0}" = 1 ] && uring=(-o io_uring)
  # AOEFS_TEST_ANSWER_ON_CALLER=1 (the "(answer_on_caller)" registrations
  # in tests/CMakeLists.txt): every mount with -o answer_on_caller.
  local extra=()
  [ "${AOEFS_TEST_ANSWER_ON_CALLER:-0}" = 1 ] && extra=(-o answer_on_caller)
  local transports
  transports=$(grep -c "FUSE transport: io_uring" "$log" 2>/dev/null || true)
  nsenter --net="/run/netns/$FS_INI_NS" "$AOEFS_BINARY" -f "${uring[@]}" "${extra[@]}" "$@" "$mp" >>"$log" 2>&1 &
  FS_PID=$!
  FS_PIDS+=("$FS_PID")
  for _ in $(seq 100); do
    if mountpoint -q "$mp"; then
      if [ ${#extra[@]} != 0 ] && ! grep -qx 'aoefs_setting{name="answer_on_caller",value="true"} 1' "$mp/.stats"; then
        fs_fail "mounted with -o answer_on_caller, but .stats does not show it on"
      fi
      [ ${#uring[@]} = 0 ] && return 0
      local deadline=$((SECONDS + 10))
      until [ "$(grep -c "FUSE transport: io_uring" "$log" 2>/dev/null || true)" -gt "${transports:-0}" ]; do
        [ $SECONDS -lt $deadline ] || { cat "$log" >&2; fs_fail "mounted with -o io_uring, but the log names no io_uring transport"; }
        sleep 0.1
      done
      return 0
    fi
    kill -0 "$FS_PID" 2>/dev/null || { cat "$log" >&2; fs_fail "aoefs exited before mounting"; }
    sleep 0.1
  done
  cat "$log" >&2
  fs_fail "aoefs did not mount $mp within 10 s"
}

# fs_wait_file PATH SECONDS: waits until PATH exists.
fs_wait_file() {
  local deadline=$((SECONDS + $2))
  while [ ! -e "$1" ]; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

fs_assert_eq() {  # ACTUAL EXPECTED WHAT
  [ "$1" = "$2" ] || fs_fail "$3: got '$1', expected '$2'"
}
