#!/bin/bash
# A target with other Query Config and IDENTIFY values: 5 buffers, 1 sector
# per frame, firmware 0x4019, IDENTIFY strings not byte-swapped (plain C
# strings, NUL-padded, as an older target writes them). Discovery shows the
# advertised values and the strings read right ("aoefs quirk_target",
# "QT1.0", not "oaef sqiurkt_raegt"), as do .stats (aoefs_target_info) and
# the xattrs, the two firmwares apart (user.aoe.firmware_version = Query
# Config's 0x4019, user.aoe.firmware_revision = the IDENTIFY string, here
# "0x4019" too); the idle mount counts no duplicates; the mount uses the
# values (1 sector per frame), and I/O is correct, synced and not. The
# config string (initially "qt-1") through user.aoe.config: read, force set, set-if-empty refused (EBUSY)
# for another string and accepted for the same, cleared.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qi --targets "1.0:64M" --quirk "--buffers 5 --sectors 1 --firmware 0x4019 --unswapped-strings --config qt-1"
# Idle, freshly mounted (the start-up discovery rounds answered): nothing
# was a duplicate.
sleep 1.5
fs_assert_eq "$(fault_stat "$MP" aoefs_target_duplicates_total "$T")" 0 "duplicates on the idle mount"
INFO=$(grep "^aoefs_target_info{target=\"$T\"" "$MP/.stats") || fs_fail "no aoefs_target_info for $T"
label() { [[ $INFO =~ [{,]$1=\"([^\"]*)\" ]] || fs_fail "no $1 label: $INFO"; echo "${BASH_REMATCH[1]}"; }
fs_assert_eq "$(label model)" "aoefs quirk_target" ".stats model label"
fs_assert_eq "$(label serial)" "QT1.0" ".stats serial label"
fs_assert_eq "$(label firmware_revision)" "0x4019" ".stats firmware_revision label"
fs_assert_eq "$(label firmware_version)" "0x4019" ".stats firmware_version label"
xattr() { getfattr --only-values -n "$1" "$MP/$T" 2>/dev/null || true; }
fs_assert_eq "$(xattr user.aoe.model)" "aoefs quirk_target" "user.aoe.model"
fs_assert_eq "$(xattr user.aoe.serial)" "QT1.0" "user.aoe.serial"
fs_assert_eq "$(xattr user.aoe.firmware_version)" 0x4019 "user.aoe.firmware_version"
fs_assert_eq "$(xattr user.aoe.firmware)" 0x4019 "user.aoe.firmware (old name of firmware_version)"
fs_assert_eq "$(xattr user.aoe.firmware_revision)" 0x4019 "user.aoe.firmware_revision"
OUT=$(fs_run_aoefs discover -i aoe0 -o TARGET,STATE,BUFCNT,SPF,FIRMWARE,SERIAL,MODEL,CONFIG 2>&1) ||
  fs_fail "aoefs discover failed: $OUT"
LINE=$(grep "^$T " <<<"$OUT") || fs_fail "discover does not list $T: $OUT"
read -r _ STATE BUFCNT SPF FW _ <<<"$LINE"
fs_assert_eq "$STATE" up "discover state"
fs_assert_eq "$BUFCNT" 5 "discover buffer count"
fs_assert_eq "$SPF" 1 "discover sectors per frame"
fs_assert_eq "$FW" "0x4019/0x4019" "discover firmware (IDENTIFY revision/Query Config version)"
grep -q " aoefs quirk_target " <<<"$LINE" || fs_fail "discover model not 'aoefs quirk_target': $LINE"
grep -q " QT1\.0 " <<<"$LINE" || fs_fail "discover serial not 'QT1.0': $LINE"
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
