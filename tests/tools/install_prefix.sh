# shellcheck shell=bash
# install_prefix.sh - `cmake --install` of the build into a temporary prefix
# for shell integration tests that need the installed layout (setuid helper,
# man page, unit). Source it after tests/fixture/lib.sh.
#
#   install_to_temp_prefix    # sets PREFIX; removed at exit (on_exit)
#
# The prefix is a fresh root-owned directory (mode 0755, so an unprivileged
# test user can reach it) on a file system that honours the setuid bit, in a
# directory chain the helper trusts (every directory root's and not writable
# by others unless sticky: see aoefs/helper/trusted_file.hpp). It tries
# $TMPDIR, /tmp, /var/tmp and the build directory, in that order, and fails
# naming each candidate's problem when none fits.

: "${AOEFS_BUILD_DIR:?AOEFS_BUILD_DIR must name the build directory}"

# _prefix_parent_problem DIR: prints why DIR cannot hold the prefix, or nothing.
_prefix_parent_problem() {
	local dir=$1 d uid mode
	[ -d "$dir" ] || { echo "$dir: no such directory"; return; }
	if findmnt -no OPTIONS --target "$dir" | tr ',' '\n' | grep -qx nosuid; then
		echo "$dir: mounted nosuid"
		return
	fi
	d=$(realpath "$dir")
	while :; do
		read -r uid mode < <(stat -c '%u %a' "$d")
		[ "$uid" = 0 ] || { echo "$d: not owned by root"; return; }
		# group/other write bits without the sticky bit (mode in octal, e.g. 1777)
		if (( (8#$mode & 8#022) != 0 && (8#$mode & 8#1000) == 0 )); then
			echo "$d: writable by group or others"
			return
		fi
		[ "$d" = / ] && break
		d=$(dirname "$d")
	done
}

install_to_temp_prefix() {
	local parent problem problems=()
	for parent in ${TMPDIR:+"$TMPDIR"} /tmp /var/tmp "$AOEFS_BUILD_DIR"; do
		problem=$(_prefix_parent_problem "$parent")
		if [ -z "$problem" ]; then
			PREFIX=$(mktemp -d "$(realpath "$parent")/aoefs-prefix.XXXXXX")
			chmod 0755 "$PREFIX"
			on_exit "rm -rf '$PREFIX'"
			cmake --install "$AOEFS_BUILD_DIR" --prefix "$PREFIX" >"$PREFIX.install.log" 2>&1 ||
				{ cat "$PREFIX.install.log" >&2; rm -f "$PREFIX.install.log"; fail "cmake --install --prefix $PREFIX"; }
			rm -f "$PREFIX.install.log"
			return 0
		fi
		problems+=("$problem")
	done
	fail "no directory to install a setuid helper into: ${problems[*]}"
}
