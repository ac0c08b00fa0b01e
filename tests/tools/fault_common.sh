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
[ -x "$WRITER" ] || fs_fail "test tool $WRITER not built"

fault_now() { date +%s.%N; }
fault_elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }  # FROM TO: seconds, 3 decimals

# fault_wait_acked LOG N PID: until acked_writer's LOG lists N blocks.
fault_wait_acked() {
  for _ in $(seq 200); do
    [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
    kill -0 "$3" 2>/dev/null || fs_fail "writer ended before $2 blocks"
    sleep 0.05
  done
  fs_fail "writer did not reach $2 blocks in 10 s"
}
