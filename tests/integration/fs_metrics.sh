#!/bin/bash
# Latency you can see, scraped by a real Prometheus, through a real mount on
# a vblade target:
#  * MOUNTPOINT/.stats passes `promtool check metrics` with no warning;
#  * N O_DIRECT reads / writes add exactly N to the read / write latency
#    histograms' counts (buckets cumulative, +Inf = count); fsync adds a flush;
#  * 1 MiB O_DIRECT writes are sent from their FUSE request buffer (no copy:
#    aoefs_fuse_write_bytes_total{path="in_place"}), 4 KiB ones are copied,
#    and both read back;
#  * `aoefs stat --watch 1` under load prints per-interval rows and ends with
#    status 0 on SIGINT;
#  * metrics_listen serves the same text at /metrics (404, 405, 413 for the
#    rest; 421 for a Host such as evil.example, against DNS rebinding; a dozen
#    silent connections, more than its cap, do not delay a scrape), and Debian's
#    Prometheus server scraping it answers a PromQL query with the bytes just
#    read through the mount.
source "$(dirname "$0")/../tools/fs_common.sh"

for tool in promtool prometheus; do
  command -v $tool >/dev/null || fs_fail "$tool not installed (contrib/install-deps: prometheus)"
done

fs_net_up fm1 --targets "1.0:16M"
ip -n "$FS_INI_NS" link set lo up  # the metrics port and Prometheus live on its loopback
METRICS_PORT=19101
PROM_PORT=19090
fs_mkmount
MP=$FS_MP
# No block cache: every read below reaches the target as one operation.
fs_mount_fg "$MP" -o interfaces=aoe0,cache_size=0,metrics_listen=127.0.0.1:$METRICS_PORT
DAEMON=$FS_PID

# http METHOD URL [extra header bytes]: "STATUS\nBODY" from inside the
# initiator's network namespace (python3: no client beyond the test deps).
# HTTP_HOST replaces the Host header; HTTP_TIMEOUT (s, default 20) bounds
# each wait for the server.
http() {
  nsenter --net="/run/netns/$FS_INI_NS" python3 - "$@" <<'PY'
import os, sys, urllib.request, urllib.error
method, url = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url, method=method)
if len(sys.argv) > 3:
    req.add_header("X-Padding", "x" * int(sys.argv[3]))
if os.environ.get("HTTP_HOST"):
    req.add_header("Host", os.environ["HTTP_HOST"])
try:
    with urllib.request.urlopen(req, timeout=float(os.environ.get("HTTP_TIMEOUT", "20"))) as r:
        print(r.status); sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code)
except Exception as e:
    print("error", e)
PY
}

# metric SELECTOR: a sample's value from a fresh read of .stats.
metric() {
  awk -v s="$1" '$1 == s { print $2; found = 1 } END { exit !found }' "$MP/.stats" ||
    fs_fail "no metric $1 in $MP/.stats"
}
count_of() { metric "aoefs_target_latency_seconds_count{target=\"e1.0\",op=\"$1\"}"; }

fs_note "promtool check metrics: no error, no warning"
cp "$MP/.stats" "$FS_TMP/stats.txt"
promtool check metrics <"$FS_TMP/stats.txt" >"$FS_TMP/promtool.out" 2>&1 ||
  { cat "$FS_TMP/promtool.out" >&2; fs_fail "promtool check metrics failed"; }
[ ! -s "$FS_TMP/promtool.out" ] || { cat "$FS_TMP/promtool.out" >&2; fs_fail "promtool warned"; }
grep -q '^# TYPE aoefs_target_latency_seconds histogram$' "$FS_TMP/stats.txt" ||
  fs_fail "no latency histogram"
grep -q '^aoefs_target_buffers{target="e1.0"} ' "$FS_TMP/stats.txt" || fs_fail "no aoefs_target_buffers"

fs_note "N reads, N writes, one fsync: the histogram counts follow"
N=37
r0=$(count_of read); w0=$(count_of write); f0=$(count_of flush)
dd if="$MP/e1.0" of=/dev/null bs=4K count=$N iflag=direct status=none
head -c $((N * 4096)) /dev/urandom >"$FS_TMP/w"
dd if="$FS_TMP/w" of="$MP/e1.0" bs=4K count=$N seek=100 oflag=direct conv=notrunc status=none
r1=$(count_of read); w1=$(count_of write)
fs_assert_eq "$((r1 - r0))" $N "read histogram count after $N reads"
fs_assert_eq "$((w1 - w0))" $N "write histogram count after $N writes"
python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_WRONLY); os.fsync(fd); os.close(fd)' "$MP/e1.0"
[ "$(count_of flush)" -gt "$f0" ] || fs_fail "fsync added no flush to the flush histogram"
inf=$(metric "aoefs_target_latency_seconds_bucket{target=\"e1.0\",op=\"read\",le=\"+Inf\"}")
fs_assert_eq "$inf" "$r1" "+Inf bucket equals count"
le5=$(metric "aoefs_target_latency_seconds_bucket{target=\"e1.0\",op=\"read\",le=\"5.000000\"}")
le25us=$(metric "aoefs_target_latency_seconds_bucket{target=\"e1.0\",op=\"read\",le=\"0.000025\"}")
if [ "$le25us" -gt "$le5" ] || [ "$le5" -gt "$inf" ]; then fs_fail "buckets not cumulative"; fi
echo "read latency buckets: $(grep -E '^aoefs_target_latency_seconds_bucket\{target="e1.0",op="read"' "$MP/.stats" |
  sed -E 's/.*le="([^"]*)"\} ([0-9]+)/\1:\2/' | tr '\n' ' ')" >&2

fs_note "write payloads: 1 MiB O_DIRECT writes go out from their request buffer, 4 KiB ones are copied"
wbytes() { metric "aoefs_fuse_write_bytes_total{path=\"$1\"}"; }
in0=$(wbytes in_place); cp0=$(wbytes copied)
head -c $((4 << 20)) /dev/urandom >"$FS_TMP/big"
dd if="$FS_TMP/big" of="$MP/e1.0" bs=1M count=4 seek=2 oflag=direct conv=notrunc status=none
dd if="$FS_TMP/w" of="$MP/e1.0" bs=4K count=8 seek=100 oflag=direct conv=notrunc status=none
fs_assert_eq "$(($(wbytes in_place) - in0))" $((4 << 20)) "bytes of 1 MiB writes sent in place"
fs_assert_eq "$(($(wbytes copied) - cp0))" $((8 * 4096)) "bytes of 4 KiB writes copied"
dd if="$MP/e1.0" of="$FS_TMP/big.back" bs=1M count=4 skip=2 iflag=direct status=none
cmp -s "$FS_TMP/big" "$FS_TMP/big.back" || fs_fail "the 1 MiB writes did not read back"

fs_note "aoefs stat --watch 1 under load, ended by SIGINT"
( while :; do dd if="$MP/e1.0" of=/dev/null bs=64K count=64 iflag=direct status=none || break; done ) &
LOAD=$!
FS_CLEANUP_HOOKS+=("kill $LOAD 2>/dev/null")
rc=0
timeout --preserve-status -s INT 3.5 "$AOEFS_BINARY" stat --watch 1 "$MP" >"$FS_TMP/watch.out" 2>"$FS_TMP/watch.err" || rc=$?
kill $LOAD 2>/dev/null; wait $LOAD 2>/dev/null || true
cat "$FS_TMP/watch.out" >&2
fs_assert_eq "$rc" 0 "aoefs stat --watch exit status after SIGINT"
[ ! -s "$FS_TMP/watch.err" ] || { cat "$FS_TMP/watch.err" >&2; fs_fail "--watch wrote to stderr"; }
intervals=$(grep -c '^TARGET ' "$FS_TMP/watch.out" || true)
[ "$intervals" -ge 2 ] || fs_fail "--watch printed $intervals intervals in 3.5 s, expected at least 2"
grep -q '^TARGET  *R/S  *W/S  *RMB/S  *WMB/S  *R50_MS  *R99_MS  *W50_MS  *W99_MS  *RXMT/S  *OUT$' \
  "$FS_TMP/watch.out" || fs_fail "--watch header"
# Some interval saw the load: reads per second and a read p50.
awk '$1 == "e1.0" && $2 > 0 && $4 > 0 && $6 != "-" { ok = 1 } END { exit !ok }' "$FS_TMP/watch.out" ||
  fs_fail "no --watch interval shows the reads"
grep -q '^cache: off$' "$FS_TMP/watch.out" || fs_fail "--watch cache line"
rc=0
"$AOEFS_BINARY" stat --watch 0 "$MP" >/dev/null 2>&1 || rc=$?
fs_assert_eq "$rc" 2 "--watch 0 is a usage error"

fs_note "/metrics over HTTP: the same text; 404, 405, 413"
base="http://127.0.0.1:$METRICS_PORT"
http GET "$base/metrics" >"$FS_TMP/http.out"
fs_assert_eq "$(head -1 "$FS_TMP/http.out")" 200 "GET /metrics"
grep -q '^aoefs_target_up{target="e1.0"} 1$' "$FS_TMP/http.out" || fs_fail "/metrics lacks aoefs_target_up"
tail -n +2 "$FS_TMP/http.out" | promtool check metrics >"$FS_TMP/promtool.out" 2>&1 ||
  { cat "$FS_TMP/promtool.out" >&2; fs_fail "promtool on /metrics failed"; }
[ ! -s "$FS_TMP/promtool.out" ] || { cat "$FS_TMP/promtool.out" >&2; fs_fail "promtool warned on /metrics"; }
fs_assert_eq "$(http GET "$base/" | head -1)" 404 "GET /"
fs_assert_eq "$(http POST "$base/metrics" | head -1)" 405 "POST /metrics"
fs_assert_eq "$(http GET "$base/metrics" 20000 | head -1)" 413 "a 20 kB header"
fs_note "/metrics: Host checked against DNS rebinding"
fs_assert_eq "$(HTTP_HOST=evil.example http GET "$base/metrics" | head -1)" 421 "Host: evil.example"
fs_assert_eq "$(HTTP_HOST=evil.example:$METRICS_PORT http GET "$base/metrics" | head -1)" 421 \
  "Host: evil.example:$METRICS_PORT"
fs_assert_eq "$(HTTP_HOST=localhost:$METRICS_PORT http GET "$base/metrics" | head -1)" 200 \
  "Host: localhost:$METRICS_PORT"

fs_note "/metrics: silent connections, more than the cap of 8, do not delay a scrape"
# Each round holds 12 connections that say nothing (bash /dev/tcp inside the
# namespace), then scrapes with 2 s to answer; before issue 27 a scrape
# queued behind each silent client for its 5 s.
for round in 1 2 3; do
  rm -f "$FS_TMP/silent.ready"
  nsenter --net="/run/netns/$FS_INI_NS" bash -c '
    for fd in {3..14}; do eval "exec $fd<>/dev/tcp/127.0.0.1/$1" || exit 1; done
    echo >"$2"
    exec sleep 30' _ "$METRICS_PORT" "$FS_TMP/silent.ready" &
  SILENT=$!
  FS_CLEANUP_HOOKS+=("kill $SILENT 2>/dev/null")
  for _ in $(seq 50); do [ -e "$FS_TMP/silent.ready" ] && break; sleep 0.1; done
  [ -e "$FS_TMP/silent.ready" ] || fs_fail "round $round: could not open 12 connections to /metrics"
  t0=$(date +%s%N)
  fs_assert_eq "$(HTTP_TIMEOUT=2 http GET "$base/metrics" | head -1)" 200 \
    "round $round: GET /metrics behind 12 silent connections"
  ms=$((($(date +%s%N) - t0) / 1000000))
  echo "round $round: scrape behind 12 silent connections answered in $ms ms" >&2
  [ "$ms" -lt 2000 ] || fs_fail "round $round: the scrape took $ms ms (expected under 2 s)"
  kill $SILENT 2>/dev/null || true
  wait $SILENT 2>/dev/null || true
done

fs_note "a real Prometheus scrapes it"
cat >"$FS_TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: aoefs
    static_configs:
      - targets: ['127.0.0.1:$METRICS_PORT']
YML
nsenter --net="/run/netns/$FS_INI_NS" /usr/bin/prometheus --config.file="$FS_TMP/prometheus.yml" \
  --storage.tsdb.path="$FS_TMP/tsdb" --web.listen-address=127.0.0.1:$PROM_PORT \
  >"$FS_TMP/prometheus.log" 2>&1 &
PROM=$!
FS_PIDS+=("$PROM")
FS_CLEANUP_HOOKS+=("[ \$rc -eq 0 ] || tail -n 20 $FS_TMP/prometheus.log >&2")
prom="http://127.0.0.1:$PROM_PORT"
deadline=$((SECONDS + 60))
until [ "$(http GET "$prom/-/ready" | head -1)" = 200 ]; do
  kill -0 $PROM 2>/dev/null || { cat "$FS_TMP/prometheus.log" >&2; fs_fail "prometheus exited"; }
  [ $SECONDS -lt $deadline ] || fs_fail "prometheus not ready within 60 s"
  sleep 0.5
done
# query PromQL: the value of its first result, or nothing.
query() {
  http GET "$prom/api/v1/query?query=$1" | tail -n +2 |
    python3 -c 'import json,sys
d = json.load(sys.stdin)
r = d["data"]["result"] if d.get("status") == "success" else []
print(r[0]["value"][1] if r else "")' 2>/dev/null || true
}
# wait_for_scrape VALUE: until Prometheus's latest read_bytes_total is VALUE.
READ_BYTES='aoefs_target_read_bytes_total%7Btarget%3D%22e1.0%22%7D'
wait_for_scrape() {
  local deadline=$((SECONDS + 60)) got=""
  until [ "$got" = "$1" ]; do
    [ $SECONDS -lt $deadline ] || fs_fail "Prometheus says read_bytes_total=$got, expected $1 (after 60 s)"
    sleep 0.5
    got=$(query "$READ_BYTES")
  done
}
READ=$((3 << 20))
b0=$(metric 'aoefs_target_read_bytes_total{target="e1.0"}')
wait_for_scrape "$b0"
dd if="$MP/e1.0" of=/dev/null bs=64K count=$((READ / 65536)) skip=16 iflag=direct status=none
b1=$(metric 'aoefs_target_read_bytes_total{target="e1.0"}')
fs_assert_eq "$((b1 - b0))" $READ "read bytes in .stats"
wait_for_scrape "$b1"
echo "Prometheus: aoefs_target_read_bytes_total{target=\"e1.0\"} went from $b0 to $b1" >&2
fs_assert_eq "$(query 'up%7Bjob%3D%22aoefs%22%7D')" 1 "up{job=\"aoefs\"}"
# The scraped range covers the read: its increase is at least the bytes read.
inc=$(query 'max_over_time(aoefs_target_read_bytes_total%7Btarget%3D%22e1.0%22%7D%5B5m%5D)-min_over_time(aoefs_target_read_bytes_total%7Btarget%3D%22e1.0%22%7D%5B5m%5D)')
echo "Prometheus: read bytes over its scrapes: $inc" >&2
fs_assert_eq "$inc" "$READ" "PromQL: bytes read over its scrapes"
[ -n "$inc" ] || fs_fail "Prometheus saw $inc bytes read over its scrapes, expected >= $READ"
q=$(query 'histogram_quantile(0.5%2Crate(aoefs_target_latency_seconds_bucket%7Bop%3D%22read%22%7D%5B1m%5D))')
echo "Prometheus: read latency p50 = ${q}s" >&2

fs_note "stop: Prometheus, then the mount"
kill $PROM
wait $PROM 2>/dev/null || true
umount "$MP"
for _ in $(seq 100); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$DAEMON" 2>/dev/null; then fs_fail "aoefs still running after umount"; fi
wait "$DAEMON" || fs_fail "aoefs exited with status $?"
