// CacheCore: the state shared by BlockCache and its CachedDevices — blocks,
// LRU, budget, in-flight writes, stats. Internal to cache/; the contracts are
// those of block_cache.hpp and cached_device.hpp.
//
// Invariants (under mutex_):
//  * blocks_ maps (target, block index) to the one current Block: either
//    filling (waiters attached, not in the LRU) or filled (in the LRU).
//  * A fill removed from blocks_ while in flight is "detached": it still
//    answers its waiters but never installs its data.
//  * reserved_ = bytes of every Block alive in blocks_ plus detached fills;
//    reserved_ plus the bytes of spare_ never exceed capacity_bytes.
//  * spare_ holds the buffers of dropped full-size blocks for the next fills:
//    a streaming reader evicts and fills blocks all the time, and a fresh
//    buffer per fill would be zero-filled by the allocator or faulted in by
//    the kernel: in steady state the cache takes no page faults.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "blockdev/block_device.hpp"
#include "cache/block_cache.hpp"
#include "cache/cache_config.hpp"
#include "cache/completion_thread.hpp"

namespace cache {

class CacheCore : public std::enable_shared_from_this<CacheCore> {
 public:
  explicit CacheCore(CacheConfig config);

  const CacheConfig& config() const { return config_; }
  CacheStats stats() const;
  void drop_target(TargetKey key);
  void clear();

  using Backing = std::shared_ptr<blockdev::BlockDevice>;
  // A read of `key`'s sectors through the cache: each block touched is
  // answered from memory, by waiting on its fill in flight, or by a new fill
  // from `backing` (the CachedDevice's reads; see cached_device.hpp).
  // fill_misses false: blocks neither cached nor in flight are read straight
  // from `backing` (just the requested bytes) and not cached.
  // view: null, the bytes are copied into `buffer`; else, when `done`
  // succeeds, view->parts holds one part per block touched, pointing into
  // the block (pinned: its buffer is not reused while the part lives) or,
  // for what was read straight from `backing`, into `buffer`.
  void lookup_or_fill(TargetKey key, const Backing& backing, std::uint64_t device_sectors,
                      std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                      blockdev::BlockDevice::Done done, bool fill_misses = true,
                      blockdev::ReadView* view = nullptr);
  void write(TargetKey key, const Backing& backing, std::uint64_t lba, std::uint32_t sectors,
             std::span<const std::uint8_t> buffer, blockdev::BlockDevice::Done done);
  std::uint64_t prefetch(TargetKey key, const Backing& backing, std::uint64_t device_sectors,
                         std::uint64_t first_block, std::uint64_t count);

 private:
  struct Key {
    TargetKey target;
    std::uint64_t block;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return std::hash<std::uint64_t>{}(k.target * 0x9E3779B97F4A7C15ull ^ k.block);
    }
  };
  struct ReadRequest;
  struct Waiter {
    std::shared_ptr<ReadRequest> request;
    std::span<std::uint8_t> dest;              // part of the caller's buffer
    std::size_t offset;                        // where dest starts within the block
    blockdev::ReadView::Part* part = nullptr;  // set instead of copying into dest
  };
  // A block's bytes; not initialised before the fill writes them. Shared
  // with the read views that point into them (pins): a pinned buffer is
  // neither patched nor reused.
  struct BlockData {
    std::shared_ptr<std::uint8_t[]> bytes;
    std::size_t length = 0;  // block_size, or less for the device's last block
    std::uint8_t* data() const { return bytes.get(); }
    bool pinned() const { return bytes.use_count() > 1; }
    std::size_t size() const { return length; }
  };
  struct Block {
    Key key;
    BlockData data;
    bool filled = false;
    bool detached = false;
    bool read_ahead_unused = false;  // filled by read-ahead, not yet read
    Clock::time_point issued;        // when its fill was issued (expiry base)
    std::vector<Waiter> waiters;     // while filling
    std::list<Key>::iterator lru;    // while filled
  };
  struct WritesInFlight {
    int count = 0;
    bool overlapped = false;  // another write over this block completed meanwhile
  };
  using Finished = std::vector<std::pair<std::shared_ptr<ReadRequest>, std::error_code>>;

  Clock::time_point now() const;
  std::uint64_t block_bytes(std::uint64_t device_sectors, std::uint64_t block) const;
  // Makes room for `bytes` (evicting LRU filled blocks) and reserves it.
  bool reserve_locked(std::uint64_t bytes);
  // REQUIRES: `length` bytes were just reserved. A buffer for a block of
  // that length (a spare one when it is full-size); drops the spares that
  // no longer fit beside the reservation.
  BlockData take_buffer_locked(std::size_t length);
  // Unreserves `data`'s bytes; keeps a full-size, unpinned buffer as a spare.
  void release_buffer_locked(BlockData& data);
  // REQUIRES: mutex_ held. Gives a reader the block's bytes from `offset`,
  // dest.size() of them: as a part pinning the block when it takes a view
  // (`part`), else copied into `dest`.
  static void hand_over(const BlockData& data, std::size_t offset, std::span<std::uint8_t> dest,
                        blockdev::ReadView::Part* part);
  void erase_filled_locked(std::unordered_map<Key, std::shared_ptr<Block>, KeyHash>::iterator it);
  void detach_locked(std::unordered_map<Key, std::shared_ptr<Block>, KeyHash>::iterator it);
  // Drops `it` if it cannot answer: expired, or of another length.
  bool usable_locked(std::unordered_map<Key, std::shared_ptr<Block>, KeyHash>::iterator it,
                     std::size_t length, Clock::time_point now);
  std::shared_ptr<Block> start_fill_locked(const Key& key, std::size_t length, bool read_ahead);
  void issue_fill(const Backing& backing, std::uint64_t lba, std::shared_ptr<Block> block);
  void fill_done(const std::shared_ptr<Block>& block, std::error_code ec);
  void finish_part(const std::shared_ptr<ReadRequest>& request, std::error_code ec,
                   bool from_caller);
  void write_done(TargetKey key, std::uint64_t lba, std::span<const std::uint8_t> buffer,
                  std::error_code ec);

  const CacheConfig config_;
  const std::uint32_t block_sectors_;
  mutable std::mutex mutex_;
  std::unordered_map<Key, std::shared_ptr<Block>, KeyHash> blocks_;
  std::list<Key> lru_;  // most recently used first
  std::unordered_map<Key, WritesInFlight, KeyHash> writes_;
  std::uint64_t reserved_ = 0;
  std::vector<std::shared_ptr<std::uint8_t[]>> spare_;  // full-size block buffers
  CacheStats stats_;
  CompletionThread completions_;
};

}  // namespace cache
