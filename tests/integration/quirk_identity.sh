#!/bin/bash
# A target with other Query Config and IDENTIFY values: 5 buffers, 1 sector
# per frame, firmware 0x4019, IDENTIFY strings not byte-swapped. Discovery
# shows the advertised values, the mount uses them (1 sector per frame),
# and I/O is correct, synced and not.
source "$(dirname "$0")/../tools/quirk_common.sh"

quirk_mount qi --targets "1.0:64M" --quirk "--buffers 5 --sectors 1 --firmware 0x4019 --unswapped-strings"
OUT=$(fs_run_aoefs discover -i aoe0 2>&1) || fs_fail "aoefs discover failed: $OUT"
LINE=$(grep "^$T " <<<"$OUT") || fs_fail "discover does not list $T: $OUT"
read -r _ _ _ _ STATE BUFCNT SPF FW _ <<<"$LINE"
fs_assert_eq "$STATE" up "discover state"
fs_assert_eq "$BUFCNT" 5 "discover buffer count"
fs_assert_eq "$SPF" 1 "discover sectors per frame"
[[ $FW == *0x4019* ]] || fs_fail "discover firmware: got '$FW', expected 0x4019"
fs_assert_eq "$(fault_stat "$MP" aoefs_target_sectors_per_frame "$T")" 1 "sectors per frame in .stats"
fs_assert_eq "$(fault_stat "$MP" aoefs_target_buffer_count "$T")" 5 "buffer count in .stats"
quirk_io_unsynced
quirk_io_synced
quirk_daemon_figures
