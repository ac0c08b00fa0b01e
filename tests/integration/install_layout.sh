#!/bin/bash
# `cmake --install` into a temporary prefix installs every file the README
# and aoefs(8) name: bin/aoefs, the helper libexec/aoefs/aoefs-helper
# setuid root (mode 4755), the man page share/man/man8/aoefs.8, the example
# configuration share/doc/aoefs/aoefs.toml.example, the README and the
# licence (share/doc/aoefs/README.md, COPYING), the example mount unit
# and the service template lib/systemd/system/aoefs@.service (its ExecStart
# names the configured bin directory). The installed aoefs answers --help
# and --version; the man page renders with no warning from man or groff,
# and man finds the installed copy.
source "$(dirname "$0")/../fixture/lib.sh"
source "$(dirname "$0")/../tools/install_prefix.sh"
for tool in man groff cmake; do command -v "$tool" >/dev/null || fail "needs $tool (contrib/install-deps)"; done
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)

install_to_temp_prefix

note "installed files and modes"
expect() {  # PATH MODE
	[ -f "$PREFIX/$1" ] || fail "cmake --install did not install $1"
	assert_eq "$(stat -c '%U %a' "$PREFIX/$1")" "root $2" "$1 owner and mode"
}
expect bin/aoefs 755
expect libexec/aoefs/aoefs-helper 4755
expect share/man/man8/aoefs.8 644
expect share/doc/aoefs/aoefs.toml.example 644
expect share/doc/aoefs/examples/mnt-aoe.mount 644
expect lib/systemd/system/aoefs@.service 644
expect share/doc/aoefs/README.md 644
expect share/doc/aoefs/COPYING 644
cmp "$PREFIX/share/doc/aoefs/README.md" "$SOURCE_DIR/README.md" || fail "installed README differs"
cmp "$PREFIX/share/man/man8/aoefs.8" "$SOURCE_DIR/contrib/aoefs.8" || fail "installed man page differs"
cmp "$PREFIX/share/doc/aoefs/aoefs.toml.example" "$SOURCE_DIR/contrib/aoefs.toml" || fail "installed example differs"
BINDIR=$(sed -n 's/^CMAKE_INSTALL_FULL_BINDIR:[A-Z]*=//p' "$AOEFS_BUILD_DIR/CMakeCache.txt")
[ -n "$BINDIR" ] || BINDIR=$(sed -n 's/^CMAKE_INSTALL_PREFIX:[A-Z]*=//p' "$AOEFS_BUILD_DIR/CMakeCache.txt")/bin
assert_eq "$(grep '^ExecStart=' "$PREFIX/lib/systemd/system/aoefs@.service")" "ExecStart=$BINDIR/aoefs -f --instance %i %f" \
	"service template ExecStart"

note "the installed aoefs: --help, --version, the example configuration"
assert_match "$("$PREFIX/bin/aoefs" --help)" "usage: aoefs .*\[SOURCE\] MOUNTPOINT" "aoefs --help"
assert_eq "$("$PREFIX/bin/aoefs" --version)" "aoefs $(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$AOEFS_BUILD_DIR/CMakeCache.txt")" \
	"aoefs --version"
rc=0
out=$("$PREFIX/bin/aoefs" --config "$PREFIX/share/doc/aoefs/aoefs.toml.example" -o frobnicate /nonexistent 2>&1) || rc=$?
assert_eq "$rc" 2 "aoefs with the example configuration and a bad option: exit status"
assert_match "$out" "frobnicate" "the bad option is named (the example file itself was accepted)"

note "the man page renders without warnings"
for page in "$SOURCE_DIR/contrib/aoefs.8" "$PREFIX/share/man/man8/aoefs.8"; do
	err=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	assert_eq "$err" "" "man --warnings -l $page"
	err=$(groff -man -ww -z "$page" 2>&1)
	assert_eq "$err" "" "groff -man -ww -z $page"
done
assert_eq "$(MANPATH="$PREFIX/share/man" man -w aoefs)" "$PREFIX/share/man/man8/aoefs.8" "man -w aoefs"
text=$(MANPATH="$PREFIX/share/man" MANWIDTH=80 man aoefs 2>/dev/null)
assert_match "$text" "UNPRIVILEGED MOUNTS" "man aoefs shows the unprivileged mounts section"
