# shellcheck shell=bash
# Shared helpers of the fault suite (tests/integration/fault_*.sh), on top of
# fs_common.sh (daemon under nsenter --net, mount visible on the host,
# cleanup trap). Every scenario prints its figures as lines starting with
# "FIGURE " (relay counters, daemon counters from MOUNTPOINT/.stats, bytes
# verified, seconds to EIO), so a ctest log shows what was exercised.
source "$(dirname "${BASH_SOURCE[0]}")/fs_common.sh"

fault_figure() { echo "FIGURE $(basename "$0" .sh): $*"; }

# fault_relay_counters: the relay's counters now, one line of KEY=VALUE
# (asks the relay to write them with SIGUSR1; it also does so every second).
fault_relay_counters() {
  local pid
  pid=$(cat "$FS_DIR/relay.pid" 2>/dev/null) || fs_fail "no relay on this network"
  rm -f "$FS_DIR/relay.stats"
  kill -USR1 "$pid" || fs_fail "relay (pid $pid) is gone"
  for _ in $(seq 50); do [ -s "$FS_DIR/relay.stats" ] && break; sleep 0.05; done
  [ -s "$FS_DIR/relay.stats" ] || fs_fail "relay wrote no counters"
  tr '\n' ' ' <"$FS_DIR/relay.stats"
}

# fault_relay_get KEY [COUNTERS]: one counter from a fault_relay_counters line.
fault_relay_get() {
  local line=${2:-$(fault_relay_counters)}
  [[ " $line " =~ \ $1=([0-9]+)\  ]] || fs_fail "relay counter $1 missing in '$line'"
  echo "${BASH_REMATCH[1]}"
}

# fault_stat MOUNTPOINT METRIC [TARGET]: a value from the daemon's
# Prometheus text MOUNTPOINT/.stats (per target with label target="eS.L").
fault_stat() {
  local mp=$1 metric=$2 target=${3:-} value
  [ -r "$mp/.stats" ] || fs_fail "no $mp/.stats (the daemon's counters)"
  if [ -n "$target" ]; then
    value=$(awk -v m="$metric{target=\"$target\"}" '$1 == m { print $2; exit }' "$mp/.stats")
  else
    value=$(awk -v m="$metric" '$1 == m { print $2; exit }' "$mp/.stats")
  fi
  [ -n "$value" ] || fs_fail "metric $metric${target:+{target=\"$target\"\}} not in $mp/.stats"
  echo "$value"
}

# fault_daemon_figures MOUNTPOINT TARGET: the daemon's view of one target.
fault_daemon_figures() {
  local mp=$1 t=$2 m out=""
  for m in requests frames_sent frames_received retransmits duplicates errors; do
    out+="$m=$(fault_stat "$mp" "aoefs_target_${m}_total" "$t") "
  done
  echo "${out}srtt_s=$(fault_stat "$mp" aoefs_target_srtt_seconds "$t")"
}

WRITER=$FS_TOOLS/acked_writer  # tests/tools/acked_writer.cpp
FAULT_TOOLS_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -x "$WRITER" ] || fs_fail "test tool $WRITER not built"

fault_now() { date +%s.%N; }
fault_elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }  # FROM TO: seconds, 3 decimals

# fault_wait_acked LOG N PID: until acked_writer's LOG lists N blocks.
fault_wait_acked() {
  for _ in $(seq 200); do
    [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
    kill -0 "$3" 2>/dev/null || fs_fail "writer ended before $2 blocks"
    sleep 0.05
  done
  fs_fail "writer did not reach $2 blocks in 10 s"
}

# fault_stale_scenario NET MODE PROBABILITY HOLD_MS: a network with the relay
# in stale=PROBABILITY stale_mode=MODE (held copies released after a newer
# write to their sectors was answered, or after HOLD_MS), a mount with the block
# cache off, rewrite_check over 24 blocks through it; fails if any block
# does not end with the newer write (read back, and in the backing file).
fault_stale_scenario() {
  local net=$1 mode=$2 p=$3 hold=$4 start counters blocks=24 daemon
  fs_net_up "$net" --targets "1.0:16M" --relay "stale=$p stale_mode=$mode stale_hold_ms=$hold seed=11"
  fs_mkmount
  fs_mount_fg "$FS_MP" -o interfaces=aoe0,dead_timeout=20,cache_size=0
  fs_wait_file "$FS_MP/e1.0" 10 || fs_fail "e1.0 not listed"
  fs_note "stale_mode=$mode: $blocks blocks, generation 1 then 2, read back"
  start=$SECONDS
  python3 "$FAULT_TOOLS_SRC/rewrite_check.py" "$FS_MP/e1.0" $blocks >"$FS_TMP/rw-$mode.log" 2>&1 ||
    { cat "$FS_TMP/rw-$mode.log" >&2; fault_figure "$mode: relay $(fault_relay_counters)"; fs_fail "stale_mode=$mode: a stale write undid a newer one (read back through the mount)"; }
  sleep 1  # every held copy is released by now (HOLD_MS <= 800)
  counters=$(fault_relay_counters)
  python3 "$FAULT_TOOLS_SRC/rewrite_check.py" --expect "$FS_DIR/e1.0" $blocks >/dev/null ||
    { fault_figure "$mode: relay $counters"; fs_fail "stale_mode=$mode: vblade's backing file does not hold the newer writes"; }
  daemon=$(fault_daemon_figures "$FS_MP" e1.0)
  fault_figure "$mode: $(cat "$FS_TMP/rw-$mode.log") bytes_verified=$((blocks * 4096)) seconds=$((SECONDS - start))"
  fault_figure "$mode: relay $counters"
  fault_figure "$mode: daemon $daemon"
  [ "$(fault_relay_get stale_held "$counters")" -gt 0 ] || fs_fail "stale_mode=$mode: the relay held no write copies"
  # Within the guard's bounds no newer write may reach the wire while a held
  # copy of an older one is still waiting.
  [ "$(fault_relay_get stale_after_newer "$counters")" = 0 ] ||
    fs_fail "stale_mode=$mode: a newer write was sent while a stale copy was still held"
}


# On failure, the daemon's log tells why (fs_cleanup's $rc is in scope).
FS_CLEANUP_HOOKS+=('[ "$rc" -eq 0 ] || { echo "--- aoefs log (tail):" >&2; tail -n 150 "$FS_TMP/aoefs.log" >&2 2>/dev/null; }')

# fault_twin_target ADDR FILE HOST: a second vblade claiming ADDR (which a
# target of the network already has) with its own backing FILE, on its own
# port dx1 of the target namespace's bridge (aoenet up --inis N, N >= 2),
# so with its own MAC, and its own hostname HOST in a UTS namespace:
# vblade's IDENTIFY serial is "SHELF.SLOT:hostname", so the twin is another
# disk by serial even with the same size. Sets FAULT_TWIN_PID.
fault_twin_target() {
  local addr=$1 file=$2 host=$3 line=""
  ip -n "$FS_TGT_NS" link add dx0 type veth peer name dx1 || fs_fail "veth for the twin target"
  ip -n "$FS_TGT_NS" link set dx0 master br0 || fs_fail "the twin needs aoenet up --inis 2 (bridge br0)"
  ip -n "$FS_TGT_NS" link set dx0 up
  ip -n "$FS_TGT_NS" link set dx1 up
  nsenter --net="/run/netns/$FS_TGT_NS" unshare --uts sh -c \
    'hostname "$0" && exec setsid -f vblade "$1" "$2" dx1 "$3"' "$host" "${addr%%.*}" "${addr#*.}" \
    "$file" </dev/null >"$FS_TMP/twin.log" 2>&1
  for _ in $(seq 50); do
    line=$(grep -m1 '^pid [0-9]*:' "$FS_TMP/twin.log" 2>/dev/null || true)
    [ -n "$line" ] && break
    sleep 0.1
  done
  [ -n "$line" ] || { cat "$FS_TMP/twin.log" >&2; fs_fail "twin vblade did not start"; }
  FAULT_TWIN_PID=${line#pid }; FAULT_TWIN_PID=${FAULT_TWIN_PID%%:*}
  FS_PIDS+=("$FAULT_TWIN_PID")
}
