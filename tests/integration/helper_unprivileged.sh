#!/bin/bash
# Unprivileged mounts through the setuid helper (aoefs-helper), installed
# with `cmake --install` into a temporary prefix (root-owned, mode 4755) with
# its own policy <prefix>/etc/aoefs/helper.toml:
#  - a throwaway user listed in the policy runs aoefs without CAP_NET_RAW in
#    the initiator namespace's network; aoefs says (--debug) that it uses the
#    helper, mounts through fusermount3 on a directory the user owns, and the
#    user writes and reads a vblade target (checked against the backing file);
#    `aoefs discover` finds the target through the helper too;
#  - the helper refuses: an interface the policy does not list, a user it
#    does not list, a policy (or its directory) writable by others, a policy
#    not owned by root, bad arguments, and running without setuid root;
#    aoefs reports the helper's refusal and mounts nothing;
#  - a socket handed out by the helper (even re-bound to ETH_P_ALL by its
#    holder) delivers AoE frames but not IPv4 or ARP frames injected on the
#    peer veth, which an unfiltered socket on the same port does see;
#  - a tun device (no Ethernet header: bytes 12-13 are inside the IPv4
#    source address) is refused even with policy "*", and the aoe0 socket
#    re-bound to it receives none of the IPv4 packets from 136.162.0.0/16
#    that an unfiltered socket there sees;
#  - group rights come from the caller's groups: a member of the policy's
#    group gets a socket, the same user after dropping its groups does not;
#  - a second hard link of the helper is refused; aoefs started with stdin
#    closed still hands the helper its socket (descriptor 3 case).
source "$(dirname "$0")/../fixture/lib.sh"
source "$(dirname "$0")/../tools/install_prefix.sh"

[ -c /dev/fuse ] || fail "needs /dev/fuse"
for tool in setpriv useradd userdel fusermount3 python3; do
	command -v "$tool" >/dev/null || fail "needs $tool"
done
PROBE=$AOEFS_BUILD_DIR/tests/helper_probe/helper-probe
[ -x "$PROBE" ] || fail "helper-probe not built at $PROBE"

# libfuse opens /dev/fuse itself before it falls back to fusermount3, so an
# unprivileged mount needs it readable and writable by everyone, as
# Debian's udev rule for fuse3 makes it (mode 0666). Containers without udev
# often leave it 0600: set 0666 for the test, restore the mode at exit.
FUSE_MODE=$(stat -c %a /dev/fuse)
if [ "$FUSE_MODE" != 666 ]; then
	note "/dev/fuse is mode $FUSE_MODE; setting 0666 (Debian's udev default) for this test"
	chmod 0666 /dev/fuse
	on_exit "chmod $FUSE_MODE /dev/fuse"
fi

# A throwaway system user (and its group) the policy allows; `nobody` is
# the user it does not list.
USER_NAME=aoefs-helper-test
if id "$USER_NAME" >/dev/null 2>&1; then userdel "$USER_NAME" >/dev/null 2>&1 || true; fi
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$USER_NAME" ||
	fail "useradd $USER_NAME"
on_exit "userdel '$USER_NAME' >/dev/null 2>&1"
USER_ID=$(id -u "$USER_NAME")

install_to_temp_prefix
HELPER=$PREFIX/libexec/aoefs/aoefs-helper
AOEFS=$PREFIX/bin/aoefs
assert_eq "$(stat -c '%U %a' "$HELPER")" "root 4755" "installed helper owner and mode"
install -m 0755 "$PROBE" "$PREFIX/bin/helper-probe"
PROBE=$PREFIX/bin/helper-probe
POLICY=$PREFIX/etc/aoefs/helper.toml
mkdir -p "$PREFIX/etc/aoefs"
chmod 0755 "$PREFIX/etc" "$PREFIX/etc/aoefs"
cat >"$POLICY" <<EOF
[[allow]]
interfaces = ["aoe0"]
users = ["$USER_NAME"]
EOF
chmod 0644 "$POLICY"

net_up adh1 --targets "1.0:16M"

# as USER CMD...: CMD as USER (no groups, no capabilities) with the
# initiator namespace's network and the host's mounts.
as() {
	local user=$1; shift
	nsenter --net="/run/netns/$INI_NS" setpriv --reuid="$user" --regid="$(id -g "$user")" \
		--clear-groups "$@"
}
# mounted DIR: whether DIR is a mount point (by /proc/mounts: root may not
# stat a FUSE mount of another user without allow_other).
mounted() { awk -v mp="$1" '$2 == mp {found = 1} END {exit !found}' /proc/mounts; }
# probe_refused WHAT EXPECTED_MESSAGE USER ARGS...: the helper must refuse.
probe_refused() {
	local what=$1 expect=$2 user=$3 out rc=0; shift 3
	out=$(as "$user" "$PROBE" "$@" 2>&1) || rc=$?
	[ $rc -ne 0 ] || fail "$what: the helper handed out a socket"
	[[ $out == *"$expect"* ]] || fail "$what: expected '$expect' in: $out"
	echo "refused ($what): $(echo "$out" | head -1)" >&2
}

note "the listed user gets a socket for aoe0"
out=$(as "$USER_NAME" "$PROBE" "$HELPER" aoe0 10) || fail "helper-probe as $USER_NAME: $out"
assert_match "$out" "received socket for aoe0" "probe as the listed user"

note "the helper refuses what the policy does not allow"
probe_refused "interface not in the policy" "may not use interface 'lo'" "$USER_NAME" "$HELPER" lo 10
probe_refused "user not in the policy" "user 'nobody' may not use interface 'aoe0'" nobody "$HELPER" aoe0 10
chmod 0666 "$POLICY"
probe_refused "policy writable by others" "$POLICY: writable by group or others" "$USER_NAME" "$HELPER" aoe0 10
chmod 0644 "$POLICY"
chmod 0777 "$PREFIX/etc/aoefs"
probe_refused "policy directory writable by others" "$PREFIX/etc/aoefs: writable by group or others" \
	"$USER_NAME" "$HELPER" aoe0 10
chmod 0755 "$PREFIX/etc/aoefs"
chown "$USER_NAME" "$POLICY"
probe_refused "policy owned by the user" "$POLICY: not owned by root" "$USER_NAME" "$HELPER" aoe0 10
chown root "$POLICY"
mv "$POLICY" "$POLICY.away"
probe_refused "no policy" "$POLICY: No such file" "$USER_NAME" "$HELPER" aoe0 10
mv "$POLICY.away" "$POLICY"
probe_refused "helper not setuid root" "not running as root" "$USER_NAME" \
	"$AOEFS_BUILD_DIR/aoefs/helper/aoefs-helper" aoe0 10

note "the helper validates its arguments (exit status 2)"
for args in "" "--fd" "--fd 3" "--fd 1 aoe0" "--fd x aoe0" "--fd 3 aoe0" "--frob 3 aoe0"; do
	rc=0
	# fd 3 is /dev/null, not a Unix socket.
	# shellcheck disable=SC2086  # splitting $args is the point
	out=$(as "$USER_NAME" "$HELPER" $args 3<>/dev/null 2>&1) || rc=$?
	assert_eq "$rc" 2 "aoefs-helper $args: exit status ($out)"
	assert_match "$out" "^aoefs-helper: " "aoefs-helper $args: message"
done
for name in "a/b" "0123456789abcdef" "a:b" "-x y" ".."; do
	probe_refused "interface name '$name'" "invalid interface name" "$USER_NAME" "$HELPER" "$name" 10
done

note "unprivileged aoefs mounts through the helper and fusermount3"
MP=$PREFIX/mnt
mkdir "$MP"
chown "$USER_NAME:" "$MP"
on_exit "mounted '$MP' && umount -l '$MP'"
LOG=$PREFIX/aoefs.log
# Not through as(): $! must be aoefs itself (nsenter and setpriv exec it).
nsenter --net="/run/netns/$INI_NS" setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --clear-groups \
	"$AOEFS" -d -o interfaces=aoe0 "$MP" >"$LOG" 2>&1 &
DAEMON=$!
on_exit "kill $DAEMON 2>/dev/null"
for _ in $(seq 100); do
	mounted "$MP" && break
	kill -0 "$DAEMON" 2>/dev/null || { cat "$LOG" >&2; fail "aoefs as $USER_NAME exited before mounting"; }
	sleep 0.1
done
mounted "$MP" || { cat "$LOG" >&2; fail "aoefs as $USER_NAME did not mount within 10 s"; }
grep -q "no CAP_NET_RAW: asking the setuid helper $PREFIX/bin/../libexec/aoefs/aoefs-helper" "$LOG" ||
	{ cat "$LOG" >&2; fail "aoefs --debug did not say it uses the helper"; }
grep -q "the helper handed over 1 filtered AoE socket" "$LOG" || fail "aoefs --debug: no socket from the helper"
assert_eq "$(awk '/^CapEff:/ {print $2}' "/proc/$DAEMON/status")" 0000000000000000 "the daemon's capabilities"
assert_eq "$(stat -c %u "/proc/$DAEMON")" "$USER_ID" "the daemon's user"
MOUNT_LINE=$(awk -v mp="$MP" '$2 == mp' /proc/mounts)
assert_match "$MOUNT_LINE" "fuse.aoefs .*user_id=$USER_ID" "mount owned by the user"

head -c $((1 << 20)) /dev/urandom >"$PREFIX/target-data"
dd if="$PREFIX/target-data" of="$DIR/e1.0" conv=notrunc status=none
head -c $((4 << 20)) /dev/urandom >"$PREFIX/data"
chmod 0644 "$PREFIX/data"
as "$USER_NAME" dd if="$PREFIX/data" of="$MP/e1.0" bs=1M seek=3 conv=notrunc,fsync status=none ||
	fail "dd write as $USER_NAME"
cmp -n $((4 << 20)) "$PREFIX/data" <(tail -c +$(((3 << 20) + 1)) "$DIR/e1.0") ||
	fail "the backing file does not hold what the user wrote"
assert_eq "$(as "$USER_NAME" dd if="$MP/e1.0" bs=1M count=1 status=none | md5sum)" \
	"$(md5sum <"$PREFIX/target-data")" "what the target holds, read by the user"

as "$USER_NAME" fusermount3 -u "$MP" || fail "fusermount3 -u as $USER_NAME"
rc=0
wait "$DAEMON" || rc=$?
assert_eq "$rc" 0 "aoefs exit status after fusermount3 -u"

note "unprivileged aoefs discover through the helper"
out=$(as "$USER_NAME" "$AOEFS" discover -i aoe0 --wait 500 2>&1) || fail "aoefs discover as $USER_NAME: $out"
assert_match "$out" "e1\.0 " "aoefs discover as $USER_NAME lists the target"

note "aoefs reports the helper's refusal"
mkdir "$PREFIX/mnt-nobody"
chown nobody "$PREFIX/mnt-nobody"
rc=0
out=$(as nobody "$AOEFS" -f -o interfaces=aoe0 "$PREFIX/mnt-nobody" 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "aoefs as nobody succeeded"
assert_match "$out" "user 'nobody' may not use interface 'aoe0'" "aoefs as nobody: the helper's reason"
assert_match "$out" "no permission to open raw sockets \(CAP_NET_RAW\) and the helper .* refused" \
	"aoefs as nobody: its own message"

# aoefs itself refuses an interface named twice (issue 29); the helper's own
# bound on the list is asked directly.
rc=0
out=$(as "$USER_NAME" "$AOEFS" -f -o "interfaces=aoe0$(printf ':aoe0%.0s' $(seq 16))" "$MP" 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "aoefs asking for aoe0 17 times succeeded"
assert_match "$out" "interface 'aoe0' is listed twice" "aoe0 17 times: aoefs's reason"
rc=0
# shellcheck disable=SC2046  # one word per interface
out=$(as "$USER_NAME" /usr/bin/python3 -c 'import os, socket, sys
a, b = socket.socketpair()
os.dup2(a.fileno(), 3)
os.execv(sys.argv[1], sys.argv[1:])' "$HELPER" --fd 3 $(printf 'aoe0 %.0s' $(seq 17)) 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "the helper handed out 17 sockets"
assert_match "$out" "aoefs-helper: too many interfaces" "17 interfaces: the helper's reason"
mounted "$MP" && fail "something is mounted on $MP after refusals"

note "a socket from the helper delivers AoE frames only"
# Counted for 3 s each: the helper's socket held by the user (re-bound to
# ETH_P_ALL by the probe) and, as the control, an unfiltered root socket.
as "$USER_NAME" "$PROBE" "$HELPER" aoe0 3000 >"$PREFIX/probe-helper.out" 2>&1 &
PROBE_HELPER=$!
nsenter --net="/run/netns/$INI_NS" "$PROBE" --direct aoe0 3000 >"$PREFIX/probe-direct.out" 2>&1 &
PROBE_DIRECT=$!
for _ in $(seq 50); do
	grep -q "rebind to ETH_P_ALL" "$PREFIX/probe-helper.out" 2>/dev/null &&
		grep -q "rebind to ETH_P_ALL" "$PREFIX/probe-direct.out" 2>/dev/null && break
	sleep 0.1
done
# 20 IPv4, 20 ARP and 20 AoE frames from the target side to aoe0. The AoE
# ones are Query Config responses from shelf 0x4444 (vblade ignores them).
ip netns exec "$TGT_NS" python3 - "$TGT_IF" "$INI_MAC" <<'PY' || fail "injecting frames on $TGT_IF"
import socket, struct, sys
iface, dst = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
src = bytes.fromhex("020000000001")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
def frame(ethertype, payload):
    return (dst + src + struct.pack("!H", ethertype) + payload).ljust(60, b"\0")
ipv4 = bytes.fromhex("450000140000400040110000c0000201c0000202")
arp = bytes.fromhex("0001080006040001") + src + bytes(4) + bytes(6) + bytes(4)
aoe = struct.pack("!BBHBBI", 0x18, 0, 0x4444, 9, 1, 0x12345678) + bytes(8)
for _ in range(20):
    for f in (frame(0x0800, ipv4), frame(0x0806, arp), frame(0x88A2, aoe)):
        s.send(f)
PY
wait "$PROBE_HELPER" || { cat "$PREFIX/probe-helper.out" >&2; fail "helper-probe (helper socket)"; }
wait "$PROBE_DIRECT" || { cat "$PREFIX/probe-direct.out" >&2; fail "helper-probe --direct"; }
echo "helper socket:  $(tr '\n' ';' <"$PREFIX/probe-helper.out")" >&2
echo "direct control: $(tr '\n' ';' <"$PREFIX/probe-direct.out")" >&2
count() { awk -v t="$2" '$1 == "ethertype" && $2 == t {print $4}' "$1"; }
(( $(count "$PREFIX/probe-direct.out" 0x0800) >= 20 )) || fail "control: the IPv4 frames did not reach aoe0"
(( $(count "$PREFIX/probe-direct.out" 0x0806) >= 20 )) || fail "control: the ARP frames did not reach aoe0"
(( $(count "$PREFIX/probe-helper.out" 0x88a2) >= 20 )) || fail "the helper's socket missed AoE frames"
if grep -v '^ethertype 0x88a2 ' "$PREFIX/probe-helper.out" | grep -q '^ethertype'; then
	fail "the helper's socket delivered non-AoE frames: $(grep '^ethertype' "$PREFIX/probe-helper.out")"
fi

note "a tun device is refused, and the filter drops what arrives on one"
ip -n "$INI_NS" tuntap add dev tunx mode tun || fail "ip tuntap add"
ip -n "$INI_NS" link set tunx up
printf '[[allow]]\ninterfaces = ["*"]\nusers = ["%s"]\n' "$USER_NAME" >"$POLICY"
probe_refused "tun device" "tunx: not an Ethernet interface" "$USER_NAME" "$HELPER" tunx 10
as "$USER_NAME" "$PROBE" "$HELPER" aoe0 3000 tunx >"$PREFIX/probe-tun-helper.out" 2>&1 &
PROBE_HELPER=$!
nsenter --net="/run/netns/$INI_NS" "$PROBE" --direct tunx 3000 >"$PREFIX/probe-tun-direct.out" 2>&1 &
PROBE_DIRECT=$!
for _ in $(seq 50); do
	grep -q "rebind to ETH_P_ALL" "$PREFIX/probe-tun-helper.out" 2>/dev/null &&
		grep -q "rebind to ETH_P_ALL" "$PREFIX/probe-tun-direct.out" 2>/dev/null && break
	sleep 0.1
done
# IPv4 packets from 136.162.1.1 (so bytes 12-13 are 0x88a2) written into
# tunx arrive as received on tunx.
ip netns exec "$INI_NS" python3 -c '
import fcntl, os, struct
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"tunx", IFF_TUN | IFF_NO_PI))
packet = bytes.fromhex("4500001c000040004011000088a20101c0000202") + bytes(8)
for _ in range(20):
    os.write(fd, packet)
' || fail "writing packets into tunx"
wait "$PROBE_HELPER" || { cat "$PREFIX/probe-tun-helper.out" >&2; fail "helper-probe (re-bound to tunx)"; }
wait "$PROBE_DIRECT" || { cat "$PREFIX/probe-tun-direct.out" >&2; fail "helper-probe --direct tunx"; }
echo "helper socket on tunx:  $(tr '\n' ';' <"$PREFIX/probe-tun-helper.out")" >&2
echo "direct control on tunx: $(tr '\n' ';' <"$PREFIX/probe-tun-direct.out")" >&2
(( $(count "$PREFIX/probe-tun-direct.out" 0x88a2) >= 20 )) || fail "control: the packets did not reach tunx"
if grep -q '^ethertype' "$PREFIX/probe-tun-helper.out"; then
	fail "the helper's socket re-bound to tunx delivered: $(grep '^ethertype' "$PREFIX/probe-tun-helper.out")"
fi

note "group rights come from the caller's own groups"
GROUP_NAME=aoefs-helper-grp
GROUP_USER=aoefs-helper-gu
if id "$GROUP_USER" >/dev/null 2>&1; then userdel "$GROUP_USER" >/dev/null 2>&1 || true; fi
if getent group "$GROUP_NAME" >/dev/null; then groupdel "$GROUP_NAME" || true; fi
groupadd --system "$GROUP_NAME" || fail "groupadd $GROUP_NAME"
on_exit "groupdel '$GROUP_NAME' >/dev/null 2>&1"
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
	-G "$GROUP_NAME" "$GROUP_USER" || fail "useradd $GROUP_USER"
on_exit "userdel '$GROUP_USER' >/dev/null 2>&1"
printf '[[allow]]\ninterfaces = ["aoe0"]\ngroups = ["%s"]\n' "$GROUP_NAME" >"$POLICY"
out=$(nsenter --net="/run/netns/$INI_NS" setpriv --reuid="$GROUP_USER" --regid="$GROUP_USER" \
	--init-groups "$PROBE" "$HELPER" aoe0 10 2>&1) || fail "member of the policy's group refused: $out"
assert_match "$out" "received socket for aoe0" "probe as a member of the policy's group"
probe_refused "group dropped by the caller" "may not use interface 'aoe0'" "$GROUP_USER" "$HELPER" aoe0 10
printf '[[allow]]\ninterfaces = ["aoe0"]\nusers = ["%s"]\n' "$USER_NAME" >"$POLICY"

note "a second hard link of the helper is refused"
ln "$HELPER" "$PREFIX/libexec/aoefs/aoefs-helper-link" || fail "ln"
probe_refused "second hard link" "hard links" "$USER_NAME" "$HELPER" aoe0 10
rm "$PREFIX/libexec/aoefs/aoefs-helper-link"

note "aoefs discover with stdin closed gets its socket on descriptor 3"
out=$(as "$USER_NAME" bash -c 'exec "$0" discover -i aoe0 --wait 500 <&-' "$AOEFS" 2>&1) ||
	fail "aoefs discover with stdin closed: $out"
assert_match "$out" "e1\.0 " "aoefs discover with stdin closed lists the target"
