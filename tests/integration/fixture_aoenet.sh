#!/usr/bin/env bash
# The test network itself (tests/fixture/aoenet): up at MTU 1500 and 9000
# with every target answering; --inis 2 gives two initiators with their own
# MACs on a bridge; targets stop, get killed and come back with their data;
# --relay puts aoe-relay on the wire; `down` leaves no namespace, vblade or
# state behind and is idempotent; `up` over a crashed run cleans it up.
source "$(dirname "$0")/../fixture/lib.sh"
NET=ifx
FULL=${AOENET_PREFIX:-}$NET  # the name aoenet gives it

leftovers() {  # prints anything of network $NET still on the machine
	ip netns list | awk '{print $1}' | grep -E "^$FULL-(ini[0-9]*|tgt|mid)$" || true
	pgrep -a vblade | grep "aoenet-$FULL/" || true
	pgrep -a aoe-relay | grep "aoenet-$FULL/" || true
	[ ! -e "/tmp/aoenet-$FULL" ] || echo "/tmp/aoenet-$FULL"
}
answers() {  # NS SHELF SLOT: one aoeping round trip
	# (in its own bash: aoeping's timeout dies by SIGALRM, and that bash, not
	# ours, reports "Alarm clock" - to /dev/null)
	bash -c 'timeout 5 ip netns exec "$0" aoeping -s 2 "$1" "$2" aoe0; exit $?' "$1" "$2" "$3" >/dev/null 2>&1
}

for mtu in 1500 9000; do
	note "MTU $mtu"
	net_up $NET --mtu "$mtu" --targets "1.0:8M 1.1:4M"
	assert_eq "$MTU" "$mtu" "env MTU"
	assert_eq "$INI_NS" "$FULL-ini" "env INI_NS"
	assert_eq "$TGT_NS" "$FULL-tgt" "env TGT_NS"
	assert_eq "$INI_IF" aoe0 "env INI_IF"
	assert_eq "$(ip netns exec "$INI_NS" cat /sys/class/net/aoe0/mtu)" "$mtu" "aoe0 MTU"
	assert_match "$INI_MAC" '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' "INI_MAC"
	assert_eq "$(stat -c %s "$DIR/e1.0")" $((8 << 20)) "backing file size"
	assert_eq "$(tr -d '\0' <"$DIR/e1.1" | wc -c)" 0 "fresh backing file is all zeros"
	assert_ok "e1.0 answers" answers "$INI_NS" 1 0
	assert_ok "e1.1 answers" answers "$INI_NS" 1 1
	assert_eq "$(ip netns exec "$INI_NS" sysctl -n net.ipv6.conf.all.disable_ipv6)" 1 "IPv6 off"
done

note "targets: stop, kill, restart keeps data"
printf 'keep me' | dd of="$DIR/e1.0" conv=notrunc status=none
"$AOENET" target $NET stop 1.0 >/dev/null
assert_fails "stopped e1.0 still answers" answers "$INI_NS" 1 0
"$AOENET" target $NET start 1.0 8M >/dev/null
assert_ok "restarted e1.0 answers" answers "$INI_NS" 1 0
assert_eq "$(head -c 7 "$DIR/e1.0")" "keep me" "data after restart"
"$AOENET" target $NET kill 1.1 >/dev/null
assert_fails "killed e1.1 still answers" answers "$INI_NS" 1 1
"$AOENET" target $NET start 2.5 1M -r >/dev/null
assert_ok "new e2.5 answers" answers "$INI_NS" 2 5

note "down leaves nothing, twice"
"$AOENET" down $NET
assert_eq "$(leftovers)" "" "left after down"
"$AOENET" down $NET || fail "second down failed"

note "--inis 2: two initiators on a bridge"
net_up $NET --inis 2 --targets "1.0:4M"
assert_eq "$INIS" 2 "env INIS"
assert_eq "$INI_NS_2" "$FULL-ini2" "env INI_NS_2"
[ "$INI_MAC" != "$INI_MAC_2" ] || fail "both initiators have MAC $INI_MAC"
assert_ok "e1.0 answers ini" answers "$FULL-ini" 1 0
assert_ok "e1.0 answers ini2" answers "$FULL-ini2" 1 0

note "up over a crashed run (state dir gone, vblade and namespaces left)"
rm -rf "/tmp/aoenet-$FULL"
net_up $NET --targets "1.0:4M"
assert_eq "$(pgrep -c -f "vblade .*aoenet-$FULL/")" 1 "vblade processes after re-up"
assert_eq "$(ip netns list | grep -c "^$FULL-ini2")" 0 "stale second initiator namespace"
assert_ok "e1.0 answers after re-up" answers "$INI_NS" 1 0

note "--relay"
: "${AOENET_RELAY:?AOENET_RELAY (aoe-relay binary) not set by ctest}"
net_up $NET --relay "drop=0 seed=1" --targets "1.0:4M"
assert_eq "$MID_NS" "$FULL-mid" "env MID_NS"
assert_ok "e1.0 answers through the relay" answers "$INI_NS" 1 0
pgrep -f "aoe-relay m0 m1" >/dev/null || fail "no relay process"
"$AOENET" down $NET
assert_eq "$(leftovers)" "" "left after down with relay"
