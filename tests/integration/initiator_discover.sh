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
trap '"$AOENET" down "$NET" >/dev/null 2>&1 || true; ip netns del "${AOENET_PREFIX:-}$NET-empty" 2>/dev/null || true' EXIT

for mtu in 1500 9000; do
	"$AOENET" up "$NET" --mtu "$mtu" --targets "1.0:64M 1.1:16M" >/dev/null
	spf=$([ "$mtu" = 9000 ] && echo 17 || echo 2)
	for args in "-i aoe0" ""; do
		# shellcheck disable=SC2086
		out=$(ip netns exec "${AOENET_PREFIX:-}$NET-ini" "$AOEFS_BINARY" discover $args --wait 500) ||
			fail "discover $args exited $? at MTU $mtu"
		echo "$out"
		line10=$(grep -E '^e1\.0 ' <<<"$out") || fail "e1.0 missing (MTU $mtu, args '$args')"
		line11=$(grep -E '^e1\.1 ' <<<"$out") || fail "e1.1 missing (MTU $mtu, args '$args')"
		read -r _ size10 _ _ state10 bufcnt10 spf10 _ <<<"$line10"
		read -r _ size11 _ _ state11 _ _ _ <<<"$line11"
		[ "$size10" = 67108864 ] || fail "e1.0 size $size10, want 67108864"
		[ "$size11" = 16777216 ] || fail "e1.1 size $size11, want 16777216"
		[ "$state10" = up ] && [ "$state11" = up ] || fail "targets not up"
		[ "$bufcnt10" = 16 ] || fail "e1.0 buffer count $bufcnt10, want 16"
		[ "$spf10" = "$spf" ] || fail "e1.0 sectors/frame $spf10, want $spf at MTU $mtu"
		grep -q "Coraid EtherDrive vblade" <<<"$out" || fail "model missing"
		grep -qE "path aoe0 ([0-9a-f]{2}:){5}[0-9a-f]{2}" <<<"$out" || fail "interface/MAC missing"
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
echo "PASS"
