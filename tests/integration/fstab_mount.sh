#!/bin/bash
# Mounting through mount(8) and mount.fuse3, as an fstab line does:
#   mount -t fuse.aoefs aoefs MP -o interfaces=aoe0,_netdev,relatime,noatime
#   mount --fstab FILE MP   with   aoefs MP fuse.aoefs defaults,_netdev,noexec,interfaces=aoe0 0 0
# Each mounts (type fuse.aoefs, the generic flags applied), shows the
# target, writes reach the backing file and reads return it; umount ends
# the daemon. An unknown option in the fstab line fails the mount with a
# message naming it, and nothing is mounted.
#
# mount(8) runs its helpers with a reset PATH, so aoefs must be in a
# standard directory: the test installs into a temporary prefix and
# bind-mounts its bin/ over /usr/local/sbin inside a private mount
# namespace (unshare), which also holds the FUSE mounts; nothing of it is
# visible outside.
source "$(dirname "$0")/../fixture/lib.sh"
source "$(dirname "$0")/../tools/install_prefix.sh"
[ -c /dev/fuse ] || fail "needs /dev/fuse"
[ -x /sbin/mount.fuse3 ] || fail "needs /sbin/mount.fuse3 (fuse3)"
for tool in unshare nsenter mount; do command -v "$tool" >/dev/null || fail "needs $tool"; done

install_to_temp_prefix
# Any daemon left (a failed check inside the namespace) dies with the test.
# (mount.fuse3 runs it as "aoefs aoefs MP -o ..."; MP is unique to this run.)
on_exit "pkill -9 -f '^aoefs aoefs $PREFIX/mnt '"
net_up adf1 --targets "1.0:16M"
MP=$PREFIX/mnt
mkdir "$MP"
head -c $((1 << 20)) /dev/urandom >"$PREFIX/data"
head -c $((1 << 20)) /dev/urandom >"$PREFIX/target-data"
dd if="$PREFIX/target-data" of="$DIR/e1.0" bs=1M seek=2 conv=notrunc status=none

cat >"$PREFIX/fstab" <<EOF
# test fstab (mount --fstab)
aoefs  $MP  fuse.aoefs  defaults,_netdev,noexec,interfaces=aoe0  0  0
EOF
cat >"$PREFIX/fstab.bad" <<EOF
aoefs  $MP  fuse.aoefs  defaults,_netdev,interfaces=aoe0,frobnicate  0  0
EOF

# The checks run inside the namespace; the script's exit status is the verdict.
nsenter --net="/run/netns/$INI_NS" unshare --mount --propagation private \
	bash ${AOEFS_TEST_TRACE:+-x} -s -- "$PREFIX" "$MP" "$DIR" <<'INSIDE' || fail "checks in the mount namespace failed"
set -euo pipefail
PREFIX=$1 MP=$2 DIR=$3
# mount(8) turns a source naming an existing path (./aoefs in a source
# tree) into that absolute path: run where no "aoefs" exists.
cd /
fail() { echo "FAIL: $*" >&2; exit 1; }
mount --bind "$PREFIX/bin" /usr/local/sbin
[ "$(command -v aoefs)" = /usr/local/sbin/aoefs ] || fail "aoefs is not /usr/local/sbin/aoefs on PATH"

# check_mount WHAT FLAG: MP is a fuse.aoefs mount with FLAG, shows e1.0;
# a write reaches the target, a read returns what the target holds; umount
# ends the daemon.
check_mount() {
	local what=$1 flag=$2 line daemon
	line=$(awk -v mp="$MP" '$2 == mp' /proc/self/mounts)
	[[ $line == "aoefs $MP fuse.aoefs "* ]] || fail "$what: mount line '$line'"
	[[ ,$(echo "$line" | awk '{print $4}'), == *",$flag,"* ]] || fail "$what: no $flag in '$line'"
	[ "$(ls "$MP")" = e1.0 ] || fail "$what: listing '$(ls "$MP")'"
	dd if="$PREFIX/data" of="$MP/e1.0" bs=1M conv=notrunc,fsync status=none || fail "$what: write"
	cmp -n $((1 << 20)) "$PREFIX/data" "$DIR/e1.0" || fail "$what: the target does not hold what was written"
	[ "$(dd if="$MP/e1.0" bs=1M skip=2 count=1 status=none | md5sum)" = "$(md5sum <"$PREFIX/target-data")" ] ||
		fail "$what: read back differs from the target"
	daemon=$(pgrep -f "^aoefs aoefs $MP ") || fail "$what: no aoefs daemon running"
	umount "$MP" || fail "$what: umount"
	for _ in $(seq 100); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$daemon" 2>/dev/null && fail "$what: the daemon did not exit after umount"
	echo "ok: $what" >&2
}

mount -t fuse.aoefs aoefs "$MP" -o interfaces=aoe0,_netdev,relatime,noatime || fail "mount -t fuse.aoefs"
check_mount "mount -t fuse.aoefs" noatime

mount --fstab "$PREFIX/fstab" "$MP" || fail "mount --fstab"
check_mount "mount --fstab" noexec

rc=0
out=$(mount --fstab "$PREFIX/fstab.bad" "$MP" 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "an fstab line with an unknown option mounted"
[[ $out == *frobnicate* ]] || fail "the unknown option is not named: $out"
awk -v mp="$MP" '$2 == mp {exit 1}' /proc/self/mounts || fail "something is mounted after the failed mount"
echo "ok: unknown option refused: $out" >&2
INSIDE
