// CacheConfig and CacheStats: the knobs and counters of cache::BlockCache.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace cache {

using Clock = std::chrono::steady_clock;

struct CacheConfig {
  // Bytes per cached block; a non-zero multiple of 512. Reads fetch whole
  // blocks (the last block of a device is shorter when its capacity is not a
  // multiple of the block size).
  std::uint32_t block_size = 64 * 1024;
  // Memory budget for block data shared by every target, counting blocks
  // being filled. 0 turns caching off: BlockCache::wrap returns the backing
  // device itself (pure pass-through).
  std::uint64_t capacity_bytes = 64ull * 1024 * 1024;
  // Largest read-ahead window of one stream, in bytes (rounded down to whole
  // blocks). 0 turns read-ahead off.
  std::uint64_t max_read_ahead_bytes = 4ull * 1024 * 1024;
  // How long a filled block may answer reads, counted from when its fill was
  // issued; afterwards it is fetched again, so writes of other hosts become
  // visible within this time. Clock::duration::max() = never expire.
  Clock::duration expiry = std::chrono::seconds(3);
  // Time source for expiry (tests inject a fake). Empty = Clock::now.
  std::function<Clock::time_point()> clock;
};

// A snapshot of the cache's counters (all targets together). Counts are in
// blocks unless named bytes.
struct CacheStats {
  std::uint64_t hits = 0;               // answered from a filled block
  std::uint64_t misses = 0;             // needed a new fill
  std::uint64_t coalesced = 0;          // waited for a fill already in flight
  std::uint64_t bypassed = 0;           // read straight through: budget full of in-flight data
  std::uint64_t uncached = 0;           // random access, not cached: just the bytes asked for read
  std::uint64_t read_ahead_issued = 0;  // fills started by read-ahead
  std::uint64_t read_ahead_used = 0;    // ... later read (or waited for) by a reader
  std::uint64_t read_ahead_wasted =
      0;                              // ... dropped unread (evicted, expired, invalidated, failed)
  std::uint64_t evictions = 0;        // filled blocks dropped for room (LRU)
  std::uint64_t expirations = 0;      // filled blocks dropped because too old
  std::uint64_t invalidations = 0;    // blocks dropped because a write made them unsure
  std::uint64_t fill_errors = 0;      // fills that failed (never cached)
  std::uint64_t bytes_held = 0;       // bytes of filled blocks
  std::uint64_t bytes_in_flight = 0;  // bytes reserved by fills not yet done
  std::uint64_t bytes_spare = 0;      // buffers of dropped blocks kept for the next fills
  std::uint64_t buffers_reused = 0;   // fills that took such a buffer
};

}  // namespace cache
