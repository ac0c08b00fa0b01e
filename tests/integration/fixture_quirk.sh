#!/usr/bin/env bash
# The fixture's quirk targets and black hole (tests/fixture/aoenet): `up
# --quirk FLAGS` serves every target with quirk_target, which answers
# aoeping with the flags' values; `target start-quirk` and `target start`
# switch one target between quirk_target and vblade, keeping its data;
# stop / kill / list know which is which; `drop-over` drops large frames
# both ways and small ones pass; `down` leaves no quirk_target, namespace or
# state behind.
source "$(dirname "$0")/../fixture/lib.sh"
: "${AOENET_QUIRK_TARGET:?AOENET_QUIRK_TARGET (quirk_target binary) not set by ctest}"
NET=ifq
FULL=${AOENET_PREFIX:-}$NET

leftovers() {
	ip netns list | awk '{print $1}' | grep -E "^$FULL-(ini[0-9]*|tgt|mid)$" || true
	pgrep -a quirk_target | grep "aoenet-$FULL/" || true
	pgrep -a vblade | grep "aoenet-$FULL/" || true
	[ ! -e "/tmp/aoenet-$FULL" ] || echo "/tmp/aoenet-$FULL"
}
answers() {  # SHELF SLOT: one aoeping round trip (Query Config + IDENTIFY)
	bash -c 'timeout 5 ip netns exec "$0" aoeping -s 2 "$1" "$2" aoe0; exit $?' "$INI_NS" "$1" "$2" >/dev/null 2>&1
}
# config_reply SHELF SLOT: aoeping -v's Query Config answer, as hex bytes on one line.
config_reply() {
	bash -c 'timeout 5 ip netns exec "$0" aoeping -v -s 2 "$1" "$2" aoe0; exit 0' "$INI_NS" "$1" "$2" 2>/dev/null |
		sed -n '/config query response/,/^found/p' | grep -E '^[0-9a-f]{2} ' | tr '\n' ' '
}
kind_of() { "$AOENET" target $NET list | awk -v t="e$1" '$1 == t { print $4 " " $5 }'; }

note "up --quirk at MTU 9000"
net_up $NET --mtu 9000 --targets "1.0:8M 1.1:4M" --quirk "--buffers 7 --firmware 0x4019"
assert_eq "$(kind_of 1.0)" "running quirk_target" "e1.0 in target list"
assert_eq "$(kind_of 1.1)" "running quirk_target" "e1.1 in target list"
assert_ok "e1.0 answers" answers 1 0
assert_ok "e1.1 answers" answers 1 1
# Query Config argument from byte 24: buffer count, firmware, sectors, version.
REPLY=$(config_reply 1 0)
read -ra B <<<"$REPLY"
[ ${#B[@]} -ge 32 ] || fail "no Query Config answer from aoeping -v: '$REPLY'"
assert_eq "${B[24]}${B[25]}" 0007 "buffer count"
assert_eq "${B[26]}${B[27]}" 4019 "firmware version"
assert_eq "${B[28]}" 11 "sectors per frame at MTU 9000 (17)"
assert_eq "${B[29]:0:1}" 1 "AoE version"

note "switch e1.1 to vblade and back, data kept"
printf 'keep me' | dd of="$DIR/e1.1" conv=notrunc status=none
"$AOENET" target $NET start 1.1 4M >/dev/null
assert_eq "$(kind_of 1.1)" "running vblade" "e1.1 after target start"
assert_eq "$(pgrep -c -f "quirk_target .*aoenet-$FULL/e1.1")" 0 "quirk_target of e1.1 left running"
assert_ok "vblade e1.1 answers" answers 1 1
"$AOENET" target $NET start-quirk 1.1 4M -- --flush-echo >/dev/null
assert_eq "$(kind_of 1.1)" "running quirk_target" "e1.1 after start-quirk"
assert_eq "$(pgrep -c -f "vblade .*aoenet-$FULL/e1.1")" 0 "vblade of e1.1 left running"
pgrep -f "quirk_target .*--flush-echo.*aoenet-$FULL/e1.1" >/dev/null || fail "start-quirk flags not passed"
assert_ok "quirk e1.1 answers" answers 1 1
assert_eq "$(head -c 7 "$DIR/e1.1")" "keep me" "data after the switches"
"$AOENET" target $NET stop 1.1 >/dev/null
assert_fails "stopped e1.1 still answers" answers 1 1
grep -q '^requests=[0-9]* ' "$DIR/e1.1.stats" || fail "no counters from quirk_target at stop: $(cat "$DIR/e1.1.stats" 2>&1)"
"$AOENET" target $NET kill 1.0 >/dev/null
assert_fails "killed e1.0 still answers" answers 1 0
"$AOENET" target $NET start-quirk 1.0 8M >/dev/null
assert_ok "restarted e1.0 answers" answers 1 0

note "drop-over: large frames dropped both ways, small ones pass"
"$AOENET" drop-over $NET 1514
ip netns exec "$TGT_NS" nft list table netdev blackhole >/dev/null || fail "no blackhole table"
assert_ok "e1.0 answers through the black hole (small frames)" answers 1 0
big() {  # DIRECTION: sends one 2000-byte frame across, prints the drops
	python3 - "$@" <<-'PY'
		import socket, sys
		s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
		s.bind((sys.argv[1], 0))
		try:
		    s.send(b'\xff' * 6 + b'\x02' * 6 + b'\x88\xb5' + bytes(2000 - 14))
		except OSError:
		    pass  # ENOBUFS: dropped at egress, which tells the sender
	PY
}
dropped() { ip netns exec "$TGT_NS" nft list table netdev blackhole | awk '/counter/ { n += $(NF-3) } END { print n + 0 }'; }
D0=$(dropped)
ip netns exec "$INI_NS" bash -c "$(declare -f big); big aoe0"
ip netns exec "$TGT_NS" bash -c "$(declare -f big); big tgt0"
assert_eq "$(dropped)" $((D0 + 2)) "large frames dropped (one each way)"
"$AOENET" drop-over $NET off
assert_fails "blackhole table still there" ip netns exec "$TGT_NS" nft list table netdev blackhole

note "down leaves nothing, twice"
"$AOENET" down $NET
assert_eq "$(leftovers)" "" "left after down"
"$AOENET" down $NET || fail "second down failed"
