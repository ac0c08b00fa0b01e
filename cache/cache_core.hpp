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
//    it never exceeds capacity_bytes.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "cache/block_cache.hpp"
#include "cache/blockdev/block_device.hpp"
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
  // fill_misses false: blocks neither cached nor in flight are read straight
  // from `backing` (just the requested bytes) and not cached.
  void read(TargetKey key, const Backing& backing, std::uint64_t device_sectors, std::uint64_t lba,
            std::uint32_t sectors, std::span<std::uint8_t> buffer, blockdev::BlockDevice::Done done,
            bool fill_misses = true);
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
    std::span<std::uint8_t> dest;  // part of the caller's buffer
    std::size_t offset;            // where dest starts within the block
  };
  struct Block {
    Key key;
    std::vector<std::uint8_t> data;  // the block's bytes (shorter at the device end)
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
  CacheStats stats_;
  CompletionThread completions_;
};

}  // namespace cache
