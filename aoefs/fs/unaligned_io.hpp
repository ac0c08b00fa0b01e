// Byte-addressed reads and writes on a sector device (blockdev::BlockDevice).
//
// Contract:
//  * read_bytes: any offset and length. A read reaching past the end of the
//    device is short (0 bytes at or past the end). `done` gets the data as
//    parts (ReadParts), valid only during the call.
//  * write_bytes: any offset and length. The whole sector range the write
//    touches is held in `lock` for the duration, so overlapping writes (two
//    unaligned ones read-modify-writing the same edge sector, or an aligned
//    one racing a read-modify-write) never tear each other: every sector ends
//    up holding exactly one writer's bytes over what was there. Whole sectors
//    go to the device straight from `data`; partial edge sectors are read,
//    patched and written with the body in one device write. A write starting
//    at or past the end fails with std::errc::no_space_on_device; one
//    crossing the end writes what fits and reports that count (short write).
//  * Request data lives in buffers of BufferPool::requests() (the read
//    buffer the device fills is the one `done` sees: no copy in between, and
//    none either for what a cache holds: BlockDevice::read_view; the write
//    data is the caller's pooled buffer, sent from there).
//  * `done` runs exactly once, usually on the device's completion thread;
//    inline only for zero-length or past-the-end requests. Device errors are
//    passed through unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <system_error>
#include <vector>

#include "aoefs/fs/range_lock.hpp"
#include "aoefs/util/buffer_pool.hpp"
#include "blockdev/block_device.hpp"

namespace aoefs {

// A read's bytes, in order: one part, or several when a cache left them in
// its blocks (no copy). Valid during the call only.
using ReadParts = std::span<const std::span<const std::uint8_t>>;
using ReadBytesDone = std::function<void(std::error_code, ReadParts)>;
using WriteBytesDone = std::function<void(std::error_code, std::size_t written)>;

void read_bytes(std::shared_ptr<blockdev::BlockDevice> device, std::uint64_t offset,
                std::size_t length, ReadBytesDone done);

void write_bytes(std::shared_ptr<blockdev::BlockDevice> device, std::shared_ptr<RangeLock> lock,
                 std::uint64_t offset, BufferPool::Buffer data, WriteBytesDone done);
// The same from a vector (copied into a pooled buffer).
void write_bytes(std::shared_ptr<blockdev::BlockDevice> device, std::shared_ptr<RangeLock> lock,
                 std::uint64_t offset, const std::vector<std::uint8_t>& data, WriteBytesDone done);

// The sector geometry of a byte range, exposed for tests.
struct SectorSpan {
  std::uint64_t first = 0;      // first sector touched
  std::uint64_t count = 0;      // sectors touched
  std::uint32_t head_skip = 0;  // bytes of the first sector before the range
  bool head_partial = false;    // first sector only partly covered
  bool tail_partial = false;    // last sector, when not the first, only partly covered
};
SectorSpan sector_span(std::uint64_t offset, std::size_t length);

}  // namespace aoefs
