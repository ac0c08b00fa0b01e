#!/bin/bash
# A target with other Query Config and IDENTIFY values: 5 buffers, 1 sector
# per frame, firmware 0x4019, IDENTIFY strings not byte-swapped. Discovery
# shows the advertised values, the mount uses them (1 sector per frame),
# and I/O is correct, synced and not. The config string (initially "qt-1")
# through user.aoe.config: read, force set, set-if-empty refused (EBUSY)
# for another string and accepted for the same, cleared.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qi --targets "1.0:64M" --quirk "--buffers 5 --sectors 1 --firmware 0x4019 --unswapped-strings --config qt-1"
OUT=$(fs_run_aoefs discover -i aoe0 2>&1) || fs_fail "aoefs discover failed: $OUT"
LINE=$(grep "^$T " <<<"$OUT") || fs_fail "discover does not list $T: $OUT"
read -r _ _ _ _ STATE BUFCNT SPF FW _ <<<"$LINE"
fs_assert_eq "$STATE" up "discover state"
fs_assert_eq "$BUFCNT" 5 "discover buffer count"
fs_assert_eq "$SPF" 1 "discover sectors per frame"
[[ $FW == *0x4019* ]] || fs_fail "discover firmware: got '$FW', expected 0x4019"
fs_assert_eq "$(fault_stat "$MP" aoefs_target_sectors_per_frame "$T")" 1 "sectors per frame in .stats"
fs_assert_eq "$(fault_stat "$MP" aoefs_target_buffers "$T")" 5 "buffer count in .stats"

fs_note "config string"
config() { getfattr --only-values -n user.aoe.config "$MP/$T" 2>/dev/null || true; }
set_if_empty() {  # VALUE: prints 0 or the errno name
  python3 -c 'import os, sys, errno
try:
    os.setxattr(sys.argv[1], "user.aoe.config", sys.argv[2].encode(), os.XATTR_CREATE); print(0)
except OSError as e:
    print(errno.errorcode[e.errno])' "$MP/$T" "$1"
}
fs_assert_eq "$(config)" qt-1 "initial config string"
setfattr -n user.aoe.config -v host-a "$MP/$T" || fs_fail "force set of the config string failed"
fs_assert_eq "$(config)" host-a "config string after force set"
fs_assert_eq "$(set_if_empty host-b)" EBUSY "set-if-empty over another string"
fs_assert_eq "$(set_if_empty host-a)" 0 "set-if-empty with the same string"
setfattr -x user.aoe.config "$MP/$T" || fs_fail "clearing the config string failed"
fs_assert_eq "$(config)" "" "config string after clear"
fs_assert_eq "$(set_if_empty host-c)" 0 "set-if-empty on an empty string"
fs_assert_eq "$(config)" host-c "config string after set-if-empty"

quirk_io_unsynced
quirk_io_synced
quirk_daemon_figures
