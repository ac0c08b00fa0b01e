#!/bin/bash
# Stale copies of old writes must never undo newer writes to the same
# sectors (protocol/write_guard.hpp). The relay's targeted stale=P mode
# holds back a copy of picked write frames and releases it to vblade right
# after vblade answered a newer write to those sectors (or after
# stale_hold_ms if none came). rewrite_check writes generation 1 then 2 of
# each 4 KiB block (O_DIRECT) and reads it back; the block must hold 2.
#  1. stale_mode=orig: the original frame is held, so aoefs retransmits it;
#     the held original is the stale copy (the guard's own case: it must
#     keep the newer write off the wire until such a copy cannot arrive;
#     held up to 800 ms < the guard's minimum hold of 1 s).
#  2. stale_mode=dup: a duplicate made by the network (the original got
#     through and was answered), held up to 800 ms.
# Both: every block reads back generation 2, and vblade's backing file holds
# generation 2 after every held copy was released.
source "$(dirname "$0")/../tools/fault_common.sh"
BLOCKS=24

stale_scenario() {  # NET MODE PROBABILITY
  local net=$1 mode=$2 p=$3 start counters
  fs_net_up "$net" --targets "1.0:16M" --relay "stale=$p stale_mode=$mode stale_hold_ms=800 seed=11"
  fs_mkmount
  fs_mount_fg "$FS_MP" -o interfaces=aoe0,dead_timeout=20
  fs_wait_file "$FS_MP/e1.0" 10 || fs_fail "e1.0 not listed"
  fs_note "stale_mode=$mode: $BLOCKS blocks, generation 1 then 2, read back"
  start=$SECONDS
  python3 "$(dirname "$0")/../tools/rewrite_check.py" "$FS_MP/e1.0" $BLOCKS >"$FS_TMP/rw-$mode.log" 2>&1 ||
    { cat "$FS_TMP/rw-$mode.log" >&2; fault_figure "$mode: relay $(fault_relay_counters)"; fs_fail "stale_mode=$mode: a stale write undid a newer one (read back through the mount)"; }
  sleep 1  # every held copy is released by now (stale_hold_ms=800)
  counters=$(fault_relay_counters)
  python3 "$(dirname "$0")/../tools/rewrite_check.py" --expect "$FS_DIR/e1.0" $BLOCKS >/dev/null ||
    fs_fail "stale_mode=$mode: vblade's backing file does not hold the newer writes"
  fault_figure "$mode: $(cat "$FS_TMP/rw-$mode.log") bytes_verified=$((BLOCKS * 4096)) seconds=$((SECONDS - start))"
  fault_figure "$mode: relay $counters"
  fault_figure "$mode: daemon $(fault_daemon_figures "$FS_MP" e1.0)"
  [ "$(fault_relay_get stale_held "$counters")" -gt 0 ] || fs_fail "stale_mode=$mode: the relay held no write copies"
}

stale_scenario ft2 orig 0.08
stale_scenario ft3 dup 0.15
# In dup mode nothing stops the newer write (no retransmission happened), so
# held copies must have been released after a newer write: the attack ran.
