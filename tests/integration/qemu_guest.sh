#!/bin/bash
# qemu on target files of a real mount over vblade:
#  - a qemu-system-x86_64 guest (TCG) boots from e1.0 through the mount with
#    cache=none,aio=native and again with aio=io_uring. Its boot sector
#    (tests/tools/bootsum.asm, assembled with nasm) reads 1 MiB from LBA 1
#    with BIOS int 13h AH=42h and prints a hash of it to the serial port;
#    the hash must equal the one computed here over vblade's backing file,
#    and the target's read counter in .stats must have grown by at least
#    that MiB (each boot on a fresh mount: nothing cached);
#  - `qemu-img convert -n -O raw` of a qcow2 image (patterns written with
#    qemu-io, the rest unallocated) onto e1.1, which held random bytes, with
#    O_DIRECT (-t none); `qemu-img compare` finds the image identical to the
#    target file and to vblade's backing file.
source "$(dirname "$0")/../tools/fs_common.sh"
for tool in qemu-system-x86_64 qemu-img qemu-io nasm python3 timeout; do
  command -v $tool >/dev/null || fs_fail "needs $tool (contrib/install-deps)"
done
TOOLS_SRC=$(cd "$(dirname "$0")/../tools" && pwd)

fs_net_up qg1 --targets "1.0:16M 1.1:32M"

# The guest's disk: the boot sector, then 1 MiB of random bytes it hashes.
nasm -f bin -o "$FS_TMP/boot.img" "$TOOLS_SRC/bootsum.asm" || fs_fail "nasm bootsum.asm"
fs_assert_eq "$(stat -c %s "$FS_TMP/boot.img")" 512 "boot sector size"
head -c $((1 << 20)) /dev/urandom >"$FS_TMP/payload"
dd if="$FS_TMP/payload" of="$FS_DIR/e1.0" bs=512 seek=1 conv=notrunc status=none
# h = h * 33 + w over little-endian 32-bit words, as bootsum.asm does.
EXPECTED=$(python3 - "$FS_DIR/e1.0" <<'PY'
import struct, sys
with open(sys.argv[1], "rb") as f:
    f.seek(512)
    data = f.read(1 << 20)
h = 0
for (w,) in struct.iter_unpack("<I", data):
    h = (h * 33 + w) & 0xffffffff
print(f"{h:08x}")
PY
)

# metric NAME TARGET: the sample's value from a fresh read of .stats.
metric() {
  awk -v s="$1{target=\"$2\"}" '$1 == s { print $2; found = 1 } END { exit !found }' "$MP/.stats" ||
    fs_fail "no metric $1 for $2 in $MP/.stats"
}

mount_fresh() {
  fs_mkmount
  MP=$FS_MP
  fs_mount_fg "$MP" -o interfaces=aoe0
  fs_wait_file "$MP/e1.0" 5 || fs_fail "e1.0 not listed"
}

unmount() {
  umount "$MP" || fs_fail "umount $MP"
  wait "$FS_PID" || fs_fail "aoefs exited with status $? after umount"
}

mount_fresh
fs_note "the boot sector written through the mount reaches the target"
dd if="$FS_TMP/boot.img" of="$MP/e1.0" bs=512 conv=notrunc,fsync status=none
cmp -n 512 "$FS_TMP/boot.img" "$FS_DIR/e1.0" || fs_fail "the backing file does not hold the boot sector"
unmount

# boot AIO: boots the guest from $MP/e1.0 (cache=none,aio=AIO) and checks
# what it printed on its serial port.
boot() {
  local aio=$1 serial=$FS_TMP/serial-$1.log rc=0 r0 r1 t0
  mount_fresh
  r0=$(metric aoefs_target_read_bytes_total e1.0)
  t0=$SECONDS
  # 60 s is far beyond what 1 MiB through TCG needs; it only keeps a hung
  # guest (or a hung read) from stalling the suite.
  timeout -k 5 60 qemu-system-x86_64 -machine pc,accel=tcg -m 32 -nodefaults -display none \
    -no-reboot -monitor none -serial "file:$serial" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -drive "file=$MP/e1.0,format=raw,if=ide,cache=none,aio=$aio" \
    >"$FS_TMP/qemu-$aio.log" 2>&1 || rc=$?
  echo "guest (aio=$aio): exit status $rc after $((SECONDS - t0)) s, serial: $(tr '\n' ' ' <"$serial" 2>/dev/null)" >&2
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then fs_fail "aio=$aio: the guest did not finish within 60 s"; fi
  [ $rc -eq 33 ] || { cat "$FS_TMP/qemu-$aio.log" >&2; fs_fail "aio=$aio: qemu exit status $rc, expected 33 (guest printed SUM)"; }
  fs_assert_eq "$(tr -d '\r' <"$serial")" "SUM $EXPECTED" "aio=$aio: the guest's hash of LBA 1..2048"
  r1=$(metric aoefs_target_read_bytes_total e1.0)
  (( r1 - r0 >= (1 << 20) )) || fs_fail "aio=$aio: the target served $((r1 - r0)) bytes, expected >= 1 MiB"
  unmount
}

fs_note "guest boots from e1.0 with cache=none,aio=native"
boot native
fs_note "guest boots from e1.0 with cache=none,aio=io_uring"
boot io_uring

fs_note "qemu-img convert of a qcow2 image onto e1.1, then qemu-img compare"
mount_fresh
head -c $((32 << 20)) /dev/urandom >"$FS_DIR/e1.1"   # junk the convert must overwrite, zeros included
QCOW=$FS_TMP/src.qcow2
qemu-img create -q -f qcow2 "$QCOW" 32M || fs_fail "qemu-img create"
qemu-io -f qcow2 -c "write -P 0xa5 0 1M" -c "write -P 0x3c 5M 3M" -c "write -P 0x11 1234k 4k" \
  -c "write -P 0xe7 31M 1M" "$QCOW" >"$FS_TMP/qio.log" 2>&1 || { cat "$FS_TMP/qio.log" >&2; fs_fail "qemu-io writes"; }
timeout -k 5 300 qemu-img convert -p -f qcow2 -O raw -n -t none "$QCOW" "$MP/e1.1" >"$FS_TMP/convert.log" 2>&1 ||
  { cat "$FS_TMP/convert.log" >&2; fs_fail "qemu-img convert -n -O raw onto $MP/e1.1"; }
out=$(qemu-img compare -f qcow2 -F raw "$QCOW" "$MP/e1.1" 2>&1) || fs_fail "qemu-img compare with the target file: $out"
fs_note "through the mount: $out"
out=$(qemu-img compare -f qcow2 -F raw "$QCOW" "$FS_DIR/e1.1" 2>&1) || fs_fail "qemu-img compare with the backing file: $out"
fs_note "vblade's backing file: $out"
unmount
