#!/bin/bash
# The Debian package an admin installs (contrib/package):
#  - it builds (contrib/package: dpkg-buildpackage of the source package
#    contrib/debian in its build directory build-deb/) and lintian, pedantic
#    and info tags included, reports nothing (contrib/debian overrides what
#    it must, with a reason);
#  - the licence (GPL-2+, machine-readable debian/copyright) and the real
#    control fields; conffiles /etc/aoefs/aoefs.toml and helper.toml;
#  - `apt-get install ./aoefs_*.deb` installs it without the network (every
#    dependency is already there through contrib/install-deps): /usr/bin/aoefs,
#    the helper /usr/libexec/aoefs/aoefs-helper made setuid root by postinst,
#    the man page (man finds it), the example configuration, the helper's
#    policy /etc/aoefs/helper.toml (a conffile) and the service template
#    whose ExecStart is /usr/bin/aoefs;
#  - a throwaway user listed in the policy mounts a vblade target with the
#    installed /usr/bin/aoefs through the installed helper (no CAP_NET_RAW),
#    writes and reads it (checked against the backing file), unmounts;
#  - `apt-get purge aoefs` removes every file `dpkg -L` listed, the modified
#    conffile, a per-instance configuration an admin added and /etc/aoefs.
# Touches /usr/bin, /usr/libexec/aoefs, /etc/aoefs and the package database:
# it refuses to run when an aoefs package or those paths exist already, and
# purges what it installed at exit, on failure too.
source "$(dirname "$0")/../fixture/lib.sh"
: "${AOEFS_BUILD_DIR:?AOEFS_BUILD_DIR must name the build directory}"
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
for tool in dpkg-buildpackage dh dpkg-deb dpkg-shlibdeps apt-get lintian man setpriv useradd userdel fusermount3 cmake; do
	command -v "$tool" >/dev/null || fail "needs $tool (contrib/install-deps)"
done
[ -c /dev/fuse ] || fail "needs /dev/fuse"

# pkg_state: aoefs's dpkg status (installed, config-files, ...), empty when dpkg has no record.
pkg_state() { dpkg-query -W -f='${db:Status-Status}' aoefs 2>/dev/null | grep -vx not-installed || true; }
installed() { [ "$(pkg_state)" = installed ]; }
[ -z "$(pkg_state)" ] || fail "dpkg has an aoefs package already ($(pkg_state)): not touching it"
for p in /usr/bin/aoefs /usr/libexec/aoefs /etc/aoefs /lib/systemd/system/aoefs@.service; do
	[ ! -e "$p" ] || fail "$p exists already (not from a package this test installed): not touching it"
done

TMP=$(mktemp -d /tmp/aoefs-pkg.XXXXXX)
chmod 0755 "$TMP"
on_exit "rm -rf '$TMP'"

note "contrib/package builds the .deb"
# The package's own build directory (contrib/package's default, build-deb/
# in the source tree): one for the normal and the sanitizer suite, reused
# between runs, as a package is built without sanitizers.
DEB=$("$SOURCE_DIR/contrib/package" -o "$TMP" | tail -n 1) || fail "contrib/package failed"
[ -f "$DEB" ] || fail "contrib/package made no .deb ($DEB)"
assert_match "$(basename "$DEB")" '^aoefs_[0-9.]+_[a-z0-9]+\.deb$' "package file name"
CONTENTS=$(dpkg-deb -c "$DEB")
assert_match "$CONTENTS" '-rwxr-xr-x root/root +[0-9]+ [-0-9]+ [0-9:]+ \./usr/libexec/aoefs/aoefs-helper' \
	"the helper is shipped 0755 (postinst makes it setuid)"

note "control fields, licence, conffiles"
CONTROL=$(dpkg-deb -f "$DEB")
assert_match "$CONTROL" $'\nMaintainer: aoefs developers <aoefs@aoefs.dev>\n' "Maintainer"
assert_match "$CONTROL" $'\nHomepage: https://aoefs.dev\n' "Homepage"
if grep -q example.org <<<"$CONTROL"; then fail "a placeholder example.org in the control fields: $CONTROL"; fi
dpkg-deb -x "$DEB" "$TMP/x"
COPYRIGHT=$TMP/x/usr/share/doc/aoefs/copyright
assert_match "$(head -n 1 "$COPYRIGHT")" '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
	"copyright is machine-readable"
grep -qx 'License: GPL-2+' "$COPYRIGHT" || fail "copyright names no GPL-2+ licence"
grep -q '/usr/share/common-licenses/GPL-2' "$COPYRIGHT" || fail "copyright does not point to the licence text"
[ -f "$TMP/x/usr/share/doc/aoefs/README.md.gz" ] || [ -f "$TMP/x/usr/share/doc/aoefs/README.md" ] ||
	fail "the README (that --help and aoefs(8) name) is not in the package"
dpkg-deb -e "$DEB" "$TMP/ctl"
assert_eq "$(sort "$TMP/ctl/conffiles")" "$(printf '/etc/aoefs/aoefs.toml\n/etc/aoefs/helper.toml')" "conffiles"

note "lintian --pedantic -I: nothing to report"
# lintian exits 0 with warnings and 2 with errors; anything else is a failure to run.
rc=0
lintian -I --pedantic --tag-display-limit 0 "$DEB" >"$TMP/lintian.log" 2>&1 || rc=$?
sed 's/^/lintian: /' "$TMP/lintian.log" >&2
if grep -q '^[EWIPX]: ' "$TMP/lintian.log"; then fail "lintian reports tags"; fi
assert_eq "$rc" 0 "lintian exit status"

# From here on the machine has a package installed: purge it at exit, on
# failure too, and remove /etc/aoefs (it did not exist before).
on_exit "[ -z \"\$(pkg_state)\" ] || DEBIAN_FRONTEND=noninteractive apt-get purge -y -q aoefs >/dev/null 2>&1; rm -rf /etc/aoefs"

note "apt-get install ./$(basename "$DEB") (nothing to download)"
(cd "$TMP" && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"./$(basename "$DEB")" </dev/null >"$TMP/install.log" 2>&1) || { cat "$TMP/install.log" >&2; fail "apt-get install"; }
# Nothing fetched: every dependency was installed already.
grep -q '^Need to get 0 B' "$TMP/install.log" || { cat "$TMP/install.log" >&2; fail "apt-get install had packages to download"; }
installed || fail "dpkg does not list aoefs as installed after apt-get install"
FILES=$(dpkg -L aoefs)
for f in /usr/bin/aoefs /usr/libexec/aoefs/aoefs-helper /usr/share/man/man8/aoefs.8.gz \
	/usr/share/doc/aoefs/aoefs.toml.example /usr/share/doc/aoefs/copyright /etc/aoefs/helper.toml \
	/lib/systemd/system/aoefs@.service /usr/share/doc/aoefs/examples/mnt-aoe.mount; do
	grep -qx "$f" <<<"$FILES" || fail "dpkg -L aoefs does not list $f"
	[ -f "$f" ] || fail "$f not installed"
done
assert_eq "$(stat -c '%U %G %a' /usr/libexec/aoefs/aoefs-helper)" "root root 4755" "installed helper owner and mode"
assert_eq "$(stat -c '%U %a' /etc/aoefs/helper.toml)" "root 644" "shipped policy owner and mode"
assert_eq "$(grep '^ExecStart=' /lib/systemd/system/aoefs@.service)" "ExecStart=/usr/bin/aoefs -f --instance %i %f" "service ExecStart"
out=$(systemd-analyze verify /lib/systemd/system/aoefs@.service 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify on the installed unit complains: $out"
assert_eq "$(stat -c '%U %a' /etc/aoefs/aoefs.toml)" "root 644" "shipped configuration owner and mode"
assert_eq "$(/usr/bin/aoefs --version)" "aoefs $(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$AOEFS_BUILD_DIR/CMakeCache.txt")" \
	"installed aoefs --version"
assert_eq "$(man -w aoefs)" /usr/share/man/man8/aoefs.8.gz "man -w aoefs"
zcmp /usr/share/man/man8/aoefs.8.gz "$SOURCE_DIR/contrib/aoefs.8" || fail "installed man page differs from contrib/aoefs.8"

# As helper_unprivileged.sh: /dev/fuse usable by everyone, as Debian's udev
# rule makes it; a throwaway user (another name than that test's).
FUSE_MODE=$(stat -c %a /dev/fuse)
if [ "$FUSE_MODE" != 666 ]; then
	note "/dev/fuse is mode $FUSE_MODE; setting 0666 (Debian's udev default) for this test"
	chmod 0666 /dev/fuse
	on_exit "chmod $FUSE_MODE /dev/fuse"
fi
USER_NAME=aoefs-pkg-test
if id "$USER_NAME" >/dev/null 2>&1; then userdel "$USER_NAME" >/dev/null 2>&1 || true; fi
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$USER_NAME" ||
	fail "useradd $USER_NAME"
on_exit "userdel '$USER_NAME' >/dev/null 2>&1"

note "the packaged policy allows no one"
net_up pkg1 --targets "1.0:16M"
as_user() {
	nsenter --net="/run/netns/$INI_NS" setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --clear-groups "$@"
}
rc=0
out=$(as_user /usr/bin/aoefs discover -i aoe0 --wait 500 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "aoefs discover as $USER_NAME succeeded under the shipped policy: $out"
assert_match "$out" "may not use interface 'aoe0'" "shipped policy refuses"

note "an ordinary user mounts through /usr/bin/aoefs and the installed helper"
cat >/etc/aoefs/helper.toml <<EOF
[[allow]]
interfaces = ["aoe0"]
users = ["$USER_NAME"]
EOF
MP=$TMP/mnt
mkdir "$MP"
chown "$USER_NAME:" "$MP"
mounted() { awk -v mp="$1" '$2 == mp {found = 1} END {exit !found}' /proc/mounts; }
on_exit "mounted '$MP' && umount -l '$MP'"
nsenter --net="/run/netns/$INI_NS" setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --clear-groups \
	/usr/bin/aoefs -d -o interfaces=aoe0 "$MP" >"$TMP/aoefs.log" 2>&1 &
DAEMON=$!
on_exit "kill $DAEMON 2>/dev/null"
for _ in $(seq 100); do
	mounted "$MP" && break
	kill -0 "$DAEMON" 2>/dev/null || { cat "$TMP/aoefs.log" >&2; fail "aoefs as $USER_NAME exited before mounting"; }
	sleep 0.1
done
mounted "$MP" || { cat "$TMP/aoefs.log" >&2; fail "aoefs as $USER_NAME did not mount within 10 s"; }
grep -q "no CAP_NET_RAW: asking the setuid helper /usr/bin/../libexec/aoefs/aoefs-helper" "$TMP/aoefs.log" ||
	{ cat "$TMP/aoefs.log" >&2; fail "aoefs --debug did not say it uses the installed helper"; }
assert_eq "$(awk '/^CapEff:/ {print $2}' "/proc/$DAEMON/status")" 0000000000000000 "the daemon's capabilities"
assert_eq "$(stat -c %u "/proc/$DAEMON")" "$(id -u "$USER_NAME")" "the daemon's user"
head -c $((2 << 20)) /dev/urandom >"$TMP/data"
chmod 0644 "$TMP/data"
as_user dd if="$TMP/data" of="$MP/e1.0" bs=1M seek=1 conv=notrunc,fsync status=none || fail "dd write as $USER_NAME"
cmp -n $((2 << 20)) "$TMP/data" <(tail -c +$(((1 << 20) + 1)) "$DIR/e1.0") ||
	fail "the backing file does not hold what the user wrote"
assert_eq "$(as_user dd if="$MP/e1.0" bs=1M skip=1 count=2 status=none | md5sum)" "$(md5sum <"$TMP/data")" \
	"what the user reads back"
as_user fusermount3 -u "$MP" || fail "fusermount3 -u as $USER_NAME"
rc=0
wait "$DAEMON" || rc=$?
assert_eq "$rc" 0 "aoefs exit status after fusermount3 -u"

note "apt-get purge aoefs removes every file"
# An admin's per-instance configuration and an edited shared one go too.
echo 'dead_timeout = 20' >/etc/aoefs/mnt-aoe.toml
echo 'dead_timeout = 30' >>/etc/aoefs/aoefs.toml
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q aoefs </dev/null >"$TMP/purge.log" 2>&1 ||
	{ cat "$TMP/purge.log" >&2; fail "apt-get purge aoefs"; }
[ -z "$(pkg_state)" ] || fail "dpkg still has aoefs after purge: $(pkg_state)"
left=()
while read -r f; do
	# Directories other packages share (/usr, /usr/share/man, /lib -> usr/lib) stay.
	[ -d "$f" ] && continue
	if [ -e "$f" ] || [ -L "$f" ]; then left+=("$f"); fi
done <<<"$FILES"
[ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
for d in /etc/aoefs /usr/libexec/aoefs /usr/share/doc/aoefs; do
	[ ! -e "$d" ] || fail "$d left after purge"
done
