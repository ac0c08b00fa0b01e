#!/bin/bash
# Discard through the mount against a target that has TRIM (quirk_target
# --trim: IDENTIFY word 169 bit 0; DATA SET MANAGEMENT punches holes in its
# backing file). fallocate --punch-hole frees the range on the target (du of
# the backing file drops), the range reads zeroes through the mount and in
# the backing file, the data around it is intact; blkdiscard on a loop
# device over the file reaches the target as TRIM too.
source "$(dirname "$0")/../tools/quirk_common.sh"
command -v fallocate >/dev/null || fs_fail "needs fallocate (util-linux)"

quirk_mount qt --targets "1.0:64M" --quirk "--trim"
B=$FS_DIR/$T
fs_note "fill 32 MiB with data, through the mount"
head -c $((32 << 20)) /dev/urandom >"$FS_TMP/data"
dd if="$FS_TMP/data" of="$MP/$T" bs=1M oflag=direct conv=notrunc,fsync status=none || fs_fail "dd failed"
used_before=$(du -k "$B" | cut -f1)

fs_note "punch 8 MiB at 8 MiB"
fallocate --punch-hole --keep-size --offset $((8 << 20)) --length $((8 << 20)) "$MP/$T" ||
  fs_fail "fallocate --punch-hole failed on a target with TRIM"
used_after=$(du -k "$B" | cut -f1)
freed=$((used_before - used_after))
fault_figure "punch-hole 8 MiB: backing file used ${used_before} KiB -> ${used_after} KiB"
[ "$freed" -ge $((7 << 10)) ] || fs_fail "backing file freed only $freed KiB of 8 MiB"
cmp -s -n $((8 << 20)) <(dd if="$MP/$T" bs=1M skip=8 count=8 iflag=direct status=none) /dev/zero ||
  fs_fail "the punched range does not read zeroes through the mount"
cmp -s -n $((8 << 20)) <(dd if="$B" bs=1M skip=8 count=8 status=none) /dev/zero ||
  fs_fail "the punched range is not zero in the backing file"
for r in "0 8" "16 16"; do
  set -- $r
  cmp -s <(dd if="$MP/$T" bs=1M skip="$1" count="$2" iflag=direct status=none) \
    <(dd if="$FS_TMP/data" bs=1M skip="$1" count="$2" status=none) ||
    fs_fail "data around the hole changed (MiB $1 + $2)"
done

fs_note "blkdiscard on a loop device over the file"
LOOP=$(losetup --find --show --direct-io=on "$MP/$T") || fs_fail "losetup failed"
FS_CLEANUP_HOOKS+=('losetup -d "$LOOP" 2>/dev/null')
before=$(quirk_counter trims "$(quirk_target_counters)")
blkdiscard --offset $((16 << 20)) --length $((4 << 20)) "$LOOP" || fs_fail "blkdiscard failed"
losetup -d "$LOOP"
after=$(quirk_counter trims "$(quirk_target_counters)")
[ "$after" -gt "$before" ] || fs_fail "blkdiscard sent no TRIM (trims $before -> $after)"
cmp -s -n $((4 << 20)) <(dd if="$B" bs=1M skip=16 count=4 status=none) /dev/zero ||
  fs_fail "blkdiscard's range is not zero in the backing file"
fault_figure "blkdiscard 4 MiB: target trims $before -> $after"
quirk_daemon_figures
