# shellcheck shell=bash
# Shared steps of the quirk suite (tests/integration/quirk_*.sh): aoefs
# against the project's own quirk_target (tests/tools/quirk_target.cpp) in
# one of its modes, through the real mount. On top of fault_common.sh
# (figures, .stats values, acked_writer) and fs_common.sh (cleanup trap).
#
#   quirk_mount NET [aoenet up options]   network + mount; sets MP, T (=e1.0)
#   quirk_io_unsynced                     I/O without fsync: dd O_DIRECT and
#                                         fio crc32c verify, backing file compared
#   quirk_io_synced                       dd conv=fsync, acked_writer
#                                         (pwrite+fdatasync each block) checked in
#                                         the backing file, mkfs.ext4 + files + fsck
#   quirk_target_counters                 the target's counters (one line)
#   quirk_daemon_figures                  FIGURE lines from MOUNTPOINT/.stats
source "$(dirname "${BASH_SOURCE[0]}")/fault_common.sh"
for tool in fio losetup mkfs.ext4 fsck.ext4 dd cmp; do
  command -v $tool >/dev/null || fs_fail "needs $tool"
done
: "${AOENET_QUIRK_TARGET:=$AOEFS_BUILD_DIR/tests/tools/quirk_target}"
export AOENET_QUIRK_TARGET
[ -x "$AOENET_QUIRK_TARGET" ] || fs_fail "no quirk_target binary at $AOENET_QUIRK_TARGET"

T=e1.0
QUIRK_NET=""

quirk_mount() {
  QUIRK_NET=$1
  fs_net_up "$@"
  fs_mkmount
  MP=$FS_MP
  fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=20,cache_size=0
  fs_wait_file "$MP/$T" 10 || fs_fail "$T not listed: $(ls -la "$MP")"
  fs_note "$QUIRK_NET: $(sed -n 1p "$FS_DIR/$T.log")"
}

# quirk_target_counters: asks the target for its counters (SIGUSR1).
quirk_target_counters() {
  local pid stats=$FS_DIR/$T.stats
  pid=$(cat "$FS_DIR/$T.pid") || fs_fail "no pid file of $T"
  rm -f "$stats"
  kill -USR1 "$pid" || fs_fail "quirk_target $T (pid $pid) is gone"
  for _ in $(seq 50); do [ -s "$stats" ] && break; sleep 0.05; done
  [ -s "$stats" ] || fs_fail "quirk_target wrote no counters"
  cat "$stats"
}

# quirk_counter KEY LINE: one value of a quirk_target_counters line.
quirk_counter() {
  [[ " $2 " =~ \ $1=([0-9]+)[[:space:]] ]] || fs_fail "quirk_target counter $1 missing in '$2'"
  echo "${BASH_REMATCH[1]}"
}

quirk_daemon_figures() {
  fault_figure "daemon: $(fault_daemon_figures "$MP" "$T") spf=$(fault_stat "$MP" aoefs_target_sectors_per_frame "$T")"
  fault_figure "target: $(quirk_target_counters)"
}

# The target answers, reads and writes, nothing asks for durability: what
# works whatever the engine makes of the target's flush.
quirk_io_unsynced() {
  local size=$((16 << 20))
  fs_note "dd oflag=direct 4 MiB at 32 MiB (no fsync), compared with the backing file"
  head -c $((4 << 20)) /dev/urandom >"$FS_TMP/rand"
  dd if="$FS_TMP/rand" of="$MP/$T" bs=1M seek=32 oflag=direct conv=notrunc status=none ||
    fs_fail "dd oflag=direct failed"
  cmp -n $((4 << 20)) "$FS_TMP/rand" <(dd if="$FS_DIR/$T" bs=1M skip=32 count=4 status=none) ||
    fs_fail "backing file does not hold what dd oflag=direct wrote"

  fs_note "fio write + crc32c verify of 16 MiB (O_DIRECT, libaio, 8 in flight, no fsync)"
  fio --name=quirk --filename="$MP/$T" --size=$size --rw=randwrite --bs=64k \
    --ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c --do_verify=1 --verify_fatal=1 \
    --verify_state_save=0 --randseed=7 --output="$FS_TMP/fio.log" ||
    { cat "$FS_TMP/fio.log" >&2; fs_fail "fio reported errors"; }
  grep -q "err= 0" "$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio job ended with an error"; }
  cmp -n $size "$MP/$T" "$FS_DIR/$T" || fs_fail "backing file differs from reads through the mount"
  fault_figure "fio: 16 MiB written and verified (crc32c), backing file equal"
}

# Durability asked for: fsync / fdatasync must succeed and every write they
# acknowledged must be in the backing file.
quirk_io_synced() {
  fs_note "dd conv=fsync 4 MiB at 40 MiB"
  head -c $((4 << 20)) /dev/urandom >"$FS_TMP/rand2"
  dd if="$FS_TMP/rand2" of="$MP/$T" bs=1M seek=40 conv=fsync,notrunc status=none 2>"$FS_TMP/dd.err" ||
    fs_fail "dd conv=fsync failed: $(cat "$FS_TMP/dd.err")"
  cmp -n $((4 << 20)) "$FS_TMP/rand2" <(dd if="$FS_DIR/$T" bs=1M skip=40 count=4 status=none) ||
    fs_fail "backing file does not hold what dd conv=fsync wrote"

  fs_note "acked_writer: 48 blocks of 64 KiB at 0, pwrite + fdatasync each, checked in the backing file"
  local log=$FS_TMP/acked.log
  "$WRITER" write "$MP/$T" 65536 48 5 "$log" >"$FS_TMP/acked.out" 2>&1 ||
    fs_fail "acked_writer: $(cat "$FS_TMP/acked.out")"
  "$WRITER" verify "$FS_DIR/$T" 65536 5 "$log" >"$FS_TMP/verify.out" 2>&1 ||
    fs_fail "acknowledged blocks missing from the backing file: $(cat "$FS_TMP/verify.out")"
  fault_figure "acked_writer: $(cat "$FS_TMP/verify.out") in the backing file"

  fs_note "mkfs.ext4 on a loop device, files, umount, fsck -n (mount and backing file)"
  local tree=$FS_TMP/tree loop
  mkdir -p "$tree/d"
  for i in $(seq 20); do head -c $((RANDOM * 3 + i)) /dev/urandom >"$tree/f$i"; done
  head -c $((2 << 20)) /dev/urandom >"$tree/d/big"
  loop=$(losetup --find --show "$MP/$T")
  QUIRK_LOOP=$loop
  FS_CLEANUP_HOOKS+=('umount "$FS_TMP/ext4" 2>/dev/null; losetup -d "$QUIRK_LOOP" 2>/dev/null')
  mkfs.ext4 -q -F "$loop" 2>"$FS_TMP/mkfs.err" || fs_fail "mkfs.ext4 failed: $(cat "$FS_TMP/mkfs.err")"
  mkdir -p "$FS_TMP/ext4"
  mount "$loop" "$FS_TMP/ext4"
  cp -a "$tree" "$FS_TMP/ext4/tree"
  sync -f "$FS_TMP/ext4/tree" || fs_fail "sync of the ext4 filesystem failed"
  umount "$FS_TMP/ext4" || fs_fail "umount of ext4 failed"
  fsck.ext4 -n -f "$loop" >"$FS_TMP/fsck.log" 2>&1 || { cat "$FS_TMP/fsck.log" >&2; fs_fail "fsck -n through the mount found problems"; }
  losetup -d "$loop"
  fsck.ext4 -n -f "$FS_DIR/$T" >"$FS_TMP/fsck2.log" 2>&1 || { cat "$FS_TMP/fsck2.log" >&2; fs_fail "fsck -n on the backing file found problems"; }
  loop=$(losetup --find --show "$MP/$T")
  # shellcheck disable=SC2034  # read by the cleanup hook above, when it runs
  QUIRK_LOOP=$loop
  mount -o ro "$loop" "$FS_TMP/ext4"
  diff -r "$tree" "$FS_TMP/ext4/tree" || fs_fail "files differ after remount"
  umount "$FS_TMP/ext4"
  losetup -d "$loop"
  fault_figure "ext4: mkfs, $(find "$tree" -type f | wc -l) files, fsck -n clean twice, identical after remount"
}
