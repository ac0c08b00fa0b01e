#!/bin/bash
# A network duplicate of an old write must not undo a newer write to the same
# sectors. The relay (stale=0.15 stale_mode=dup) lets the original through —
# aoefs sends it once and gets its answer — and holds a copy back until
# vblade answered the next, newer write to those sectors, or 5 ms: within
# the bound write_guard.hpp promises for a once-sent, answered write
# (last_sent + RTO, RTO >= 10 ms), so aoefs must keep the newer write off the
# wire until the copy has landed. rewrite_check writes generation 1 then 2
# of each 4 KiB block and reads it back; the backing file must hold
# generation 2 everywhere. (A copy delayed past that bound can undo a newer
# write; no initiator can tell it from a fresh frame — see write_guard.hpp.)
# (fault_stale_write.sh: the retransmitted case, copies up to 800 ms late.)
source "$(dirname "$0")/../tools/fault_common.sh"
fault_stale_scenario ft3 dup 0.15 5
