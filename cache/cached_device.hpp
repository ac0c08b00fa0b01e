// CachedDevice: one target's blockdev::BlockDevice seen through the shared
// BlockCache (created by BlockCache::wrap). Honors the BlockDevice contract.
//
//  * read: answered from cached blocks, by waiting on fills in flight, or by
//    filling whole blocks from the backing device; requests reaching past the
//    end of the device go to the backing device unchanged (it fails them).
//  * write: write-through (see block_cache.hpp); `done` runs after the cache
//    has been brought up to date, so a read started after `done` sees the
//    written data.
//  * lookup_or_fill with fill_misses false (ReadStream's choice): the same,
//    but misses are not cached (random access). read is fill_misses true.
//  * read_view, lookup_or_fill_view: the same, leaving cached bytes in their
//    blocks (pinned parts, no copy; see BlockDevice::read_view).
//  * flush: passed through.
//  * capabilities: read_ahead (read_ahead_stream() opens a ReadStream over
//    this device), and discard as the backing device has it.
//  * prefetch: starts fills of blocks neither cached nor in flight, counted
//    as read-ahead. Like any fill it may evict least recently used blocks;
//    it stops (never waits) when the budget is full of in-flight data.
#pragma once

#include <cstdint>
#include <memory>

#include "blockdev/block_device.hpp"
#include "cache/block_cache.hpp"

namespace cache {

class CachedDevice final : public blockdev::BlockDevice,
                           public std::enable_shared_from_this<CachedDevice> {
 public:
  CachedDevice(std::shared_ptr<CacheCore> core, TargetKey key,
               std::shared_ptr<blockdev::BlockDevice> backing);

  std::uint64_t size_sectors() const override { return backing_->size_sectors(); }
  void read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
            Done done) override;
  void read_view(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                 ViewDone done) override;
  void write(std::uint64_t lba, std::uint32_t sectors, std::span<const std::uint8_t> buffer,
             Done done) override;
  void flush(Done done) override;
  blockdev::Capabilities capabilities() const override;
  void discard(std::uint64_t lba, std::uint64_t sectors, Done done) override;
  // A ReadStream over this device (read_stream.hpp). REQUIRES: owned by a
  // shared_ptr (BlockCache::wrap makes it so).
  std::shared_ptr<blockdev::BlockDevice> read_ahead_stream(
      std::uint64_t max_read_ahead_bytes) override;

  // read and read_view with a choice the seam does not offer. fill_misses
  // false: blocks neither cached nor in flight are read straight from the
  // backing device, only the bytes asked for, and are not cached (counted as
  // `uncached`): random access costs no more network traffic than without a
  // cache. Cached blocks still answer.
  void lookup_or_fill(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                      Done done, bool fill_misses);
  void lookup_or_fill_view(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                           ViewDone done, bool fill_misses);

  // Starts read-ahead fills for blocks [first_block, first_block + count)
  // (clipped to the device). Returns the block index after the last one
  // that is now cached or in flight (where a later prefetch should resume);
  // less than first_block + count when the budget ran out.
  std::uint64_t prefetch(std::uint64_t first_block, std::uint64_t count);

  std::uint32_t block_size() const { return block_size_; }

 private:
  std::shared_ptr<CacheCore> core_;
  TargetKey key_;
  std::shared_ptr<blockdev::BlockDevice> backing_;
  std::uint32_t block_size_;
};

}  // namespace cache
