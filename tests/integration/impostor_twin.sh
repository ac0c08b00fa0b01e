#!/bin/bash
# Impostors with the target's own identity, on a second port of the segment
# (aoenet --paths 2: the initiator has aoe0 and aoe1; nothing serves tgt1 at
# first). e1.0 is mounted through aoe0 alone, then written, then:
#  1. a twin: a second vblade exporting e1.0 on tgt1 from another backing
#     file of the same size, in the same namespace, so with the same
#     hostname and therefore the same IDENTIFY serial, model, firmware and
#     capacity: everything IDENTIFY shows matches;
#  2. a clone: quirk_target on tgt1 (a new MAC) answering IDENTIFY with the
#     serial, model and firmware copied from what the mount shows for e1.0,
#     from a backing file of random bytes.
# Each must become a conflict with reason "content" (sectors read through it
# differ), never a path: user.aoe.paths stays aoe0 only, 8 MiB written
# through the mount afterwards land in e1.0's backing file and the
# impostor's file is unchanged, and the daemon logs why once.
source "$(dirname "$0")/../tools/fault_common.sh"
QUIRK=$FS_TOOLS/quirk_target
[ -x "$QUIRK" ] || fs_fail "test tool $QUIRK not built"

fs_net_up it2 --paths 2 --targets "1.0:64M"
# The fixture serves e1.0 on both ports; the second port starts empty here.
P1=$(cat "$FS_DIR/e1.0.p1.pid") || fs_fail "no second-port vblade pid"
kill "$P1"
for _ in $(seq 50); do kill -0 "$P1" 2>/dev/null || break; sleep 0.1; done
kill -0 "$P1" 2>/dev/null && fs_fail "the second-port vblade did not stop"
rm -f "$FS_DIR/e1.0.p1.pid"

fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0:aoe1,discovery_interval=1,cache_size=0
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed"
head -c $((8 << 20)) /dev/urandom >"$FS_TMP/first"
dd if="$FS_TMP/first" of="$MP/e1.0" bs=1M oflag=direct conv=notrunc,fsync status=none ||
  fs_fail "first write failed"

paths() { getfattr --only-values -n user.aoe.paths "$MP/e1.0" 2>/dev/null; }
[[ $(paths) == *aoe0=* && $(paths) != *aoe1* ]] || fs_fail "e1.0 paths before the impostors: $(paths)"
INFO=$(grep '^aoefs_target_info{target="e1.0"' "$MP/.stats") || fs_fail "no aoefs_target_info for e1.0"
label() { [[ $INFO =~ $1=\"([^\"]*)\" ]] || fs_fail "no $1 label: $INFO"; echo "${BASH_REMATCH[1]}"; }
SERIAL=$(label serial) MODEL=$(label model) FIRMWARE=$(label firmware)
echo "e1.0 identity: serial '$SERIAL' model '$MODEL' firmware '$FIRMWARE'" >&2

# content_conflict MAC: waits (20 s at most) for a conflict on aoe1 from MAC
# with reason "content".
content_conflict() {
  for _ in $(seq 200); do
    grep -q "^aoefs_target_conflict_info{target=\"e1.0\",interface=\"aoe1\",mac=\"$1\".*reason=\"content\"" \
      "$MP/.stats" && return 0
    sleep 0.1
  done
  grep conflict_info "$MP/.stats" >&2
  fs_fail "no content conflict for $1 on aoe1"
}

# written_apart IMPOSTOR_FILE: 8 MiB through the mount land in e1.0's file,
# none in the impostor's, and e1.0 kept its one path.
written_apart() {
  local before
  before=$(sha256sum <"$1")
  head -c $((8 << 20)) /dev/urandom >"$FS_TMP/data"
  dd if="$FS_TMP/data" of="$MP/e1.0" bs=256k seek=32 oflag=direct conv=notrunc,fsync status=none ||
    fs_fail "write with the impostor present failed"
  cmp -n $((8 << 20)) "$FS_TMP/data" <(tail -c +$(((8 << 20) + 1)) "$FS_DIR/e1.0") ||
    fs_fail "e1.0's backing file does not hold what was written"
  [ "$(sha256sum <"$1")" = "$before" ] || fs_fail "the impostor's backing file was written"
  dd if="$MP/e1.0" of="$FS_TMP/back" bs=256k skip=32 count=32 iflag=direct status=none ||
    fs_fail "read back failed"
  cmp "$FS_TMP/data" "$FS_TMP/back" || fs_fail "read back differs from what was written"
  [[ $(paths) == *aoe0=* && $(paths) != *aoe1* ]] || fs_fail "e1.0 paths with the impostor: $(paths)"
  [ "$(fault_stat "$MP" aoefs_target_errors_total e1.0)" = 0 ] || fs_fail "I/O errors on e1.0"
}

mac_of() { ip -n "$FS_TGT_NS" -j link show dev tgt1 | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["address"])'; }

fs_note "a twin vblade: same shelf.slot, size and hostname, another backing file"
head -c $((64 << 20)) /dev/urandom >"$FS_TMP/twin"
nsenter --net="/run/netns/$FS_TGT_NS" vblade 1 0 tgt1 "$FS_TMP/twin" >"$FS_TMP/twin.log" 2>&1 &
FS_PIDS+=($!)
TWIN=$!
MAC1=$(mac_of)
content_conflict "$MAC1"
grep -q "e1.0: CONFLICT: $MAC1 on aoe1 answers IDENTIFY as this target.*serves other sectors" \
  "$FS_TMP/aoefs.log" || fs_fail "no log line saying the twin serves other sectors"
written_apart "$FS_TMP/twin"
"$AOEFS_BINARY" stat "$MP" | grep -q "e1.0 CONFLICT: aoe1 $MAC1 has the same identity but other sectors" ||
  fs_fail "aoefs stat does not show the twin"
kill "$TWIN"
wait "$TWIN" 2>/dev/null || true  # ended by SIGTERM

fs_note "a clone: quirk_target with e1.0's serial, model and firmware, on a new MAC"
ip -n "$FS_TGT_NS" link set tgt1 address 02:00:5e:00:71:01 || fs_fail "cannot change tgt1's MAC"
MAC2=$(mac_of)
[ "$MAC2" != "$MAC1" ] || fs_fail "tgt1 kept its MAC"
head -c $((64 << 20)) /dev/urandom >"$FS_TMP/clone"
nsenter --net="/run/netns/$FS_TGT_NS" "$QUIRK" --serial "$SERIAL" --model "$MODEL" --firmware "$FIRMWARE" \
  1 0 tgt1 "$FS_TMP/clone" >"$FS_TMP/clone.log" 2>&1 &
FS_PIDS+=($!)
content_conflict "$MAC2"
written_apart "$FS_TMP/clone"
fault_figure "conflicts $(fault_stat "$MP" aoefs_target_conflicts_total e1.0); paths: $(paths)"
