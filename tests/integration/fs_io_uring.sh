#!/bin/bash
# FUSE over io_uring (-o io_uring) through a real mount on vblade targets;
# the fuse module's enable_uring is set by the test and restored at exit.
#  1. enable_uring=N: the mount serves over /dev/fuse, the log says why, no
#     ring thread exists, data written reaches the backing file (fallback).
#  2. enable_uring=Y: the log names the io_uring transport, and the ring
#     threads (aoefs-ring-N, one per possible CPU) serve: a reader pinned to
#     each CPU makes that CPU's ring thread wake (its context switches grow).
#     dd 32 MiB in and back equal to the backing file; fio crc32c verify
#     (libaio, O_DIRECT, 16 in flight, 4-128 KiB) through the mount and
#     --verify_only on the backing file; qemu-img convert -t none + compare
#     (mkfs.ext4 + fsck over io_uring: fs_tools and fault_lossy_io, rerun
#     over io_uring by tests/CMakeLists.txt).
#  3. Teardown under load (fio running, each bound 30 s, no hang): SIGTERM
#     ends the daemon and unmounts; a lazy unmount ends it once fio closes;
#     kill -9: fio fails instead of hanging, stat gives ENOTCONN,
#     fusermount3 -u clears the mount.
source "$(dirname "$0")/../tools/fs_common.sh"
for tool in fio qemu-img qemu-io taskset; do
  command -v $tool >/dev/null || fs_fail "needs $tool"
done

fs_net_up fu1 --targets "1.0:64M 1.1:32M"
fs_mkmount
MP=$FS_MP

# ring_switches PID CPU: context switches of the daemon's ring thread of queue CPU.
ring_switches() {
  local t
  for t in /proc/"$1"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = "aoefs-ring-$2" ] || continue
    awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n }' "$t/status"
    return 0
  done
  echo missing
}
# daemon_gone PID SECONDS
daemon_gone() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}
# load_start FILE: fio randrw with verify headers, 30 s, in the background; sets LOAD.
load_start() {
  fio --name=load --filename="$1" --size=16M --rw=randrw --bs=64k --ioengine=libaio --iodepth=16 \
    --direct=1 --time_based --runtime=30 --output="$FS_TMP/load.log" >/dev/null 2>&1 &
  LOAD=$!
  sleep 1.5
  kill -0 $LOAD 2>/dev/null || { cat "$FS_TMP/load.log" >&2; fs_fail "the load did not start"; }
}

fs_note "enable_uring=N: -o io_uring falls back to /dev/fuse"
fs_set_enable_uring N
FS_LOG=$FS_TMP/classic.log fs_mount_fg "$MP" -o interfaces=aoe0,io_uring,dead_timeout=10
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed: $(ls -la "$MP")"
fs_wait_log "FUSE transport: /dev/fuse \(io_uring asked for, but the kernel does not offer it" 10 \
  "$FS_TMP/classic.log" || fs_fail "the log does not say the mount fell back to /dev/fuse"
grep -q "FUSE transport: io_uring" "$FS_TMP/classic.log" && fs_fail "io_uring claimed with enable_uring=N"
fs_assert_eq "$(ring_switches "$FS_PID" 0)" missing "ring thread with enable_uring=N"
head -c $((4 << 20)) /dev/urandom >"$FS_TMP/small"
dd if="$FS_TMP/small" of="$MP/e1.0" bs=1M conv=fsync,notrunc status=none
cmp -n $((4 << 20)) "$FS_TMP/small" "$FS_DIR/e1.0" || fs_fail "classic fallback: backing file differs"
fusermount3 -u "$MP"
daemon_gone "$FS_PID" 10 || fs_fail "daemon still running after fusermount3 -u (classic)"
wait "$FS_PID" || fs_fail "daemon exit status $? after fusermount3 -u (classic)"

fs_note "enable_uring=Y: the io_uring transport serves"
fs_set_enable_uring Y
FS_LOG=$FS_TMP/uring.log fs_mount_fg "$MP" -o interfaces=aoe0,io_uring,dead_timeout=10
fs_wait_file "$MP/e1.1" 10 || fs_fail "e1.1 not listed: $(ls -la "$MP")"
fs_wait_log "FUSE transport: io_uring" 10 "$FS_TMP/uring.log" || fs_fail "no io_uring transport line"
QUEUES=$(grep -oE "io_uring \([0-9]+ queues" "$FS_TMP/uring.log" | grep -oE "[0-9]+")
fs_assert_eq "$QUEUES" "$(nproc --all)" "queues (one per CPU)"
for cpu in $(seq 0 $((QUEUES - 1))); do
  before=$(ring_switches "$FS_PID" "$cpu")
  [ "$before" != missing ] || fs_fail "no ring thread for queue $cpu"
  taskset -c "$cpu" dd if="$MP/e1.0" of=/dev/null bs=64k count=256 iflag=direct status=none ||
    fs_fail "reader on CPU $cpu failed"
  after=$(ring_switches "$FS_PID" "$cpu")
  # 256 requests issued on this CPU: its ring thread woke for (most of) them.
  [ $((after - before)) -ge 64 ] ||
    fs_fail "ring thread $cpu woke $((after - before)) times for 256 requests issued on its CPU"
  fs_note "queue $cpu: ring thread woke $((after - before)) times for 256 reads"
done

fs_note "dd 32 MiB in and back"
head -c $((32 << 20)) /dev/urandom >"$FS_TMP/random"
dd if="$FS_TMP/random" of="$MP/e1.0" bs=1M conv=fsync,notrunc status=none
cmp -n $((32 << 20)) "$FS_TMP/random" "$FS_DIR/e1.0" || fs_fail "backing file differs from what dd wrote"
dd if="$MP/e1.0" of="$FS_TMP/back" bs=1M count=32 iflag=direct status=none
cmp "$FS_TMP/random" "$FS_TMP/back" || fs_fail "data read back differs"
dd if="$MP/e1.0" of="$FS_TMP/back2" bs=12345 count=100 status=none
cmp "$FS_TMP/back2" <(head -c 1234500 "$FS_TMP/random") || fs_fail "bs=12345 read differs"

fs_note "fio crc32c verify, 16 in flight"
fio --name=verify --filename="$MP/e1.1" --size=24M --rw=randwrite --bsrange=4k-128k --ioengine=libaio \
  --iodepth=16 --direct=1 --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_state_save=0 \
  --randseed=28 --output="$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio reported errors"; }
grep -q "err= 0" "$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio job ended with an error"; }
fio --name=verify --filename="$FS_DIR/e1.1" --size=24M --rw=randwrite --bsrange=4k-128k --ioengine=psync \
  --verify=crc32c --verify_only --verify_fatal=1 --verify_state_save=0 --randseed=28 \
  --output="$FS_TMP/fio2.log" || { cat "$FS_TMP/fio2.log" >&2; fs_fail "backing file fails fio's verify"; }
cmp -n $((24 << 20)) "$MP/e1.1" "$FS_DIR/e1.1" || fs_fail "reads differ from the backing file after fio"

fs_note "qemu-img convert -t none + compare"
qemu-img create -q -f qcow2 "$FS_TMP/img.qcow2" 32M
qemu-io -f qcow2 -c "write -P 0xa5 0 3M" -c "write -P 0x5a 17M 5M" "$FS_TMP/img.qcow2" >/dev/null
qemu-img convert -n -O raw -t none "$FS_TMP/img.qcow2" "$MP/e1.1" || fs_fail "qemu-img convert failed"
qemu-img compare -q -f qcow2 -F raw "$FS_TMP/img.qcow2" "$MP/e1.1" || fs_fail "qemu-img compare: image differs"

fs_note "teardown under load: SIGTERM"
load_start "$MP/e1.0"
kill -TERM "$FS_PID"
daemon_gone "$FS_PID" 30 || fs_fail "daemon still running 30 s after SIGTERM under load"
wait "$FS_PID" || fs_fail "daemon exit status $? after SIGTERM under load"
timeout 30 tail --pid=$LOAD -f /dev/null || fs_fail "fio still running 30 s after SIGTERM (hang)"
wait $LOAD || true
grep -qs " $MP fuse" /proc/mounts && fs_fail "still mounted after SIGTERM"

fs_note "teardown under load: lazy unmount"
FS_LOG=$FS_TMP/uring2.log fs_mount_fg "$MP" -o interfaces=aoe0,io_uring,dead_timeout=10
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed"
load_start "$MP/e1.0"
fusermount3 -u -z "$MP" || fs_fail "lazy unmount failed"
timeout 40 tail --pid=$LOAD -f /dev/null || fs_fail "fio still running after its 30 s (hang)"
wait $LOAD || true
daemon_gone "$FS_PID" 30 || fs_fail "daemon still running 30 s after the lazy unmount's last user"
wait "$FS_PID" || fs_fail "daemon exit status $? after the lazy unmount"

fs_note "teardown under load: kill -9"
FS_LOG=$FS_TMP/uring3.log fs_mount_fg "$MP" -o interfaces=aoe0,io_uring,dead_timeout=10
fs_wait_file "$MP/e1.0" 10 || fs_fail "e1.0 not listed"
load_start "$MP/e1.0"
kill -9 "$FS_PID"
timeout 20 tail --pid=$LOAD -f /dev/null || fs_fail "fio still blocked 20 s after the daemon was killed (hang)"
wait $LOAD && fs_fail "fio succeeded although the daemon was killed under it"
ERR=$(stat "$MP" 2>&1) && fs_fail "stat on the dead mount succeeded: $ERR"
[[ $ERR == *"Transport endpoint is not connected"* ]] || fs_fail "stat on the dead mount: '$ERR'"
fusermount3 -u "$MP" || fs_fail "fusermount3 -u on the dead mount failed"
mountpoint -q "$MP" && fs_fail "still a mount point after fusermount3 -u"
true
