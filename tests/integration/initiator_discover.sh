#!/usr/bin/env bash
# `aoefs discover` against real vblade at MTU 1500 and 9000: finds both
# targets with their byte sizes, buffer count and sectors per frame; the
# default interface set (no -i) finds them too; a bad interface name and a
# namespace without usable interfaces exit non-zero with a clear message.
# Env (from ctest): AOEFS_BINARY, AOEFS_FIXTURE_DIR.
set -euo pipefail
: "${AOEFS_BINARY:?AOEFS_BINARY not set}" "${AOEFS_FIXTURE_DIR:?AOEFS_FIXTURE_DIR not set}"
AOENET=$AOEFS_FIXTURE_DIR/aoenet
NET=indsc
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (network namespaces, raw sockets)"
[ -x "$AOENET" ] || fail "fixture $AOENET missing"
ERR=$(mktemp)
trap '"$AOENET" down "$NET" >/dev/null 2>&1 || true; ip netns del "${AOENET_PREFIX:-}$NET-empty" 2>/dev/null || true; rm -f "$ERR"' EXIT

for mtu in 1500 9000; do
	"$AOENET" up "$NET" --mtu "$mtu" --targets "1.0:64M 1.1:16M" >/dev/null
	spf=$([ "$mtu" = 9000 ] && echo 17 || echo 2)
	for args in "-i aoe0" ""; do
		# shellcheck disable=SC2086
		out=$(ip netns exec "${AOENET_PREFIX:-}$NET-ini" "$AOEFS_BINARY" discover $args --wait 500 \
			-o TARGET,SIZE,STATE,BUFCNT,SPF,PATH_LIST,MODEL --bytes) ||
			fail "discover $args exited $? at MTU $mtu"
		echo "$out"
		line10=$(grep -E '^e1\.0 ' <<<"$out") || fail "e1.0 missing (MTU $mtu, args '$args')"
		line11=$(grep -E '^e1\.1 ' <<<"$out") || fail "e1.1 missing (MTU $mtu, args '$args')"
		read -r _ size10 state10 bufcnt10 spf10 _ <<<"$line10"
		read -r _ size11 state11 _ _ _ <<<"$line11"
		[ "$size10" = 67108864 ] || fail "e1.0 size $size10, want 67108864"
		[ "$size11" = 16777216 ] || fail "e1.1 size $size11, want 16777216"
		[ "$state10" = up ] && [ "$state11" = up ] || fail "targets not up"
		[ "$bufcnt10" = 16 ] || fail "e1.0 buffer count $bufcnt10, want 16"
		[ "$spf10" = "$spf" ] || fail "e1.0 sectors/frame $spf10, want $spf at MTU $mtu"
		grep -q "Coraid EtherDrive vblade" <<<"$out" || fail "model missing"
		grep -qE " aoe0/([0-9a-f]{2}:){5}[0-9a-f]{2} " <<<"$line10" || fail "interface/MAC missing"
		# One line per target (a header, then e1.0 and e1.1).
		[ "$(wc -l <<<"$out")" = 3 ] || fail "discover printed more than a line per target"
		json=$(ip netns exec "${AOENET_PREFIX:-}$NET-ini" "$AOEFS_BINARY" discover $args --wait 500 --json --bytes)
		python3 -c 'import json,sys; t={x["target"]: x for x in json.load(sys.stdin)["targets"]}; assert t["e1.0"]["size"] == 67108864 and t["e1.1"]["bufcnt"] == 16, t' <<<"$json" ||
			fail "discover --json: $json"
	done
	"$AOENET" down "$NET" >/dev/null
done

# A bad interface: non-zero exit, message names it.
ip netns add "${AOENET_PREFIX:-}$NET-empty"
set +e
err=$(ip netns exec "${AOENET_PREFIX:-}$NET-empty" "$AOEFS_BINARY" discover -i nosuch0 2>&1 >/dev/null); rc=$?
set -e
[ $rc -ne 0 ] || fail "bad interface exited 0"
grep -q "nosuch0" <<<"$err" || fail "message does not name the interface: $err"
# An interface that exists but is down: non-zero, says so.
set +e
err=$(ip netns exec "${AOENET_PREFIX:-}$NET-empty" "$AOEFS_BINARY" discover -i lo 2>&1 >/dev/null); rc=$?
set -e
[ $rc -ne 0 ] || fail "down interface exited 0"
grep -q "down" <<<"$err" || fail "message does not say the interface is down: $err"
# Nothing usable (only loopback, and it is down): non-zero, clear message.
set +e
err=$(ip netns exec "${AOENET_PREFIX:-}$NET-empty" "$AOEFS_BINARY" discover 2>&1 >/dev/null); rc=$?
set -e
[ $rc -ne 0 ] || fail "no interface exited 0"
grep -qi "interface" <<<"$err" || fail "unclear message: $err"

# An up interface where no target answers: exit 1, said on stderr, stdout
# empty (JSON: an empty array).
ip -n "${AOENET_PREFIX:-}$NET-empty" link add dsc0 type veth peer name dsc1
ip -n "${AOENET_PREFIX:-}$NET-empty" link set dsc0 up
ip -n "${AOENET_PREFIX:-}$NET-empty" link set dsc1 up
in_empty() { ip netns exec "${AOENET_PREFIX:-}$NET-empty" "$AOEFS_BINARY" "$@"; }
set +e
out=$(in_empty discover -i dsc0 --wait 200 2>"$ERR"); rc=$?
set -e
[ $rc = 1 ] || fail "no target: exit $rc, want 1"
[ -z "$out" ] || fail "no target: stdout '$out', want nothing"
grep -qx "aoefs discover: no AoE target answered on dsc0 within 200 ms" "$ERR" || fail "no target: $(cat "$ERR")"
set +e
out=$(in_empty discover -i dsc0 --wait 200 --json 2>/dev/null); rc=$?
set -e
[ $rc = 1 ] || fail "no target --json: exit $rc"
python3 -c 'import json,sys; assert json.load(sys.stdin) == {"targets": []}' <<<"$out" || fail "no target --json: '$out'"
# --help: real help on stdout, exit 0; --wait without its value: a usage error.
out=$(in_empty discover --help) || fail "discover --help exited $?"
grep -q "^usage: aoefs discover " <<<"$out" && grep -q -- "--list-columns" <<<"$out" || fail "discover --help: $out"
set +e
err=$(in_empty discover -i dsc0 --wait 2>&1 >/dev/null); rc=$?
set -e
[ $rc = 2 ] || fail "--wait without a value: exit $rc, want 2"
grep -q "^aoefs discover: --wait needs a value (milliseconds)$" <<<"$err" || fail "--wait without a value: $err"
echo "PASS"
