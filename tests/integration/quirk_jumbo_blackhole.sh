#!/bin/bash
# A jumbo black hole: both ends at MTU 9000 (vblade offers 17 sectors per
# frame), but the wire drops every frame over 1514 bytes both ways (nftables
# in the target namespace, aoenet --drop-over 1514), as a switch with a
# smaller MTU would. Discovery and IDENTIFY pass (small frames); reads and
# writes must fall back to frames that fit and succeed without an error
# reaching the caller: dd conv=fsync and fio crc32c verify, data in vblade's
# backing file. Figures: the frame size in use, how long the first write
# took (the fallback), and the dropped frames.
source "$(dirname "$0")/../tools/fault_common.sh"
for tool in fio dd cmp nft; do
  command -v $tool >/dev/null || fs_fail "needs $tool"
done

fs_net_up qb --mtu 9000 --targets "1.0:64M" --drop-over 1514
T=e1.0
fs_mkmount
MP=$FS_MP
fs_mount_fg "$MP" -o interfaces=aoe0,dead_timeout=20,cache_size=0
fs_wait_file "$MP/$T" 10 || fs_fail "$T not listed: $(ls -la "$MP")"
dropped() { ip netns exec "$FS_TGT_NS" nft list table netdev blackhole | awk '/counter/ { n += $(NF-3) } END { print n + 0 }'; }

fs_note "dd conv=fsync 4 MiB through the black hole"
head -c $((4 << 20)) /dev/urandom >"$FS_TMP/rand"
START=$(fault_now)
dd if="$FS_TMP/rand" of="$MP/$T" bs=1M seek=8 conv=fsync,notrunc status=none 2>"$FS_TMP/dd.err" ||
  fs_fail "dd conv=fsync failed: $(cat "$FS_TMP/dd.err")"
fault_figure "dd 4 MiB conv=fsync took $(fault_elapsed "$START" "$(fault_now)") s; frames dropped so far $(dropped)"
cmp -n $((4 << 20)) "$FS_TMP/rand" <(dd if="$FS_DIR/$T" bs=1M skip=8 count=4 status=none) ||
  fs_fail "vblade's backing file does not hold what dd wrote"
cmp -n $((4 << 20)) "$FS_TMP/rand" <(dd if="$MP/$T" bs=1M skip=8 count=4 iflag=direct status=none) ||
  fs_fail "reads through the mount differ from what dd wrote"

fs_note "fio write + crc32c verify of 16 MiB (O_DIRECT, libaio, 8 in flight) through the black hole"
SIZE=$((16 << 20))
fio --name=blackhole --filename="$MP/$T" --offset=$((16 << 20)) --size=$SIZE --rw=randwrite --bs=64k \
  --ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c --do_verify=1 --verify_fatal=1 \
  --verify_state_save=0 --randseed=9 --output="$FS_TMP/fio.log" ||
  { cat "$FS_TMP/fio.log" >&2; fs_fail "fio reported errors"; }
grep -q "err= 0" "$FS_TMP/fio.log" || { cat "$FS_TMP/fio.log" >&2; fs_fail "fio job ended with an error"; }
cmp <(dd if="$MP/$T" bs=1M skip=16 count=16 iflag=direct status=none) \
  <(dd if="$FS_DIR/$T" bs=1M skip=16 count=16 status=none) || fs_fail "backing file differs from reads through the mount"
[ "$(dropped)" -gt 0 ] || fs_fail "the black hole dropped nothing: is the path really jumbo?"
fault_figure "fio 16 MiB verified; frames dropped $(dropped); $(grep -E '^ *(READ|WRITE):' "$FS_TMP/fio.log" | sed 's/^ *//; s/, io=.*//; s/ (.*)//' | tr '\n' ' ')"
fault_figure "daemon: $(fault_daemon_figures "$MP" "$T") spf=$(fault_stat "$MP" aoefs_target_sectors_per_frame "$T")"
