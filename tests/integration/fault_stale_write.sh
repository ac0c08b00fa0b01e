#!/bin/bash
# Stale copies of old writes must never undo newer writes to the same
# sectors (protocol/write_guard.hpp, rule 2). The relay's targeted stale=P
# mode (stale_mode=orig) holds back the original of picked write frames, so
# aoefs retransmits them, and releases the held original to vblade right
# after vblade answered a newer write to those sectors — or after
# stale_hold_ms=800 (< the guard's minimum hold of 1 s, i.e. within the
# guard's contract) if no newer write came. rewrite_check writes generation
# 1 then 2 of each 4 KiB block (O_DIRECT, block cache off) and reads it
# back: every block must hold generation 2, through the mount and in
# vblade's backing file after every held copy was released.
# (fault_stale_duplicate.sh: the same attack with a network duplicate.)
source "$(dirname "$0")/../tools/fault_common.sh"
fault_stale_scenario ft2 orig 0.08 800
