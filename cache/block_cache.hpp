// BlockCache: a read cache of fixed-size blocks shared by every target of the
// mount, in front of blockdev::BlockDevice backings.
//
// Policy (see also cache/README.md):
//  * Blocks of CacheConfig::block_size bytes (default 64 KiB), kept in one
//    LRU list within CacheConfig::capacity_bytes (default 64 MiB) for all
//    targets. Blocks being filled count against the budget too; when the
//    budget is full of in-flight fills a read goes straight to the backing
//    device (bypass) instead of waiting for room.
//  * Concurrent misses on one block wait on a single backing read.
//  * Write-through: a write goes to the backing device; only when it has
//    completed are the cached blocks it touched patched with the written
//    bytes (or dropped when another write overlapped it in time, or when it
//    failed), and fills still in flight over them are detached: they answer
//    the reads that were already waiting but never install their data. So a
//    read that starts after a write completed always sees the new data,
//    including one racing a read-ahead of the old contents. Nothing dirty
//    ever lives only in memory.
//  * Read errors go to every waiter and are never cached.
//  * Filled blocks expire after CacheConfig::expiry (default 3 s) so writes
//    of other hosts become visible; capacity 0 disables caching entirely.
//  * Read-ahead is driven per open file by cache::ReadStream (read_stream.hpp).
//
// Thread-safety: every method may be called from any thread; completions of
// the backing devices may come on their own threads. One mutex guards the
// cache; it is never held while calling a backing device or a completion.
// Completions of reads answered entirely from memory run on the cache's own
// completion thread (the BlockDevice contract forbids running them inline).
#pragma once

#include <cstdint>
#include <memory>

#include "blockdev/block_device.hpp"
#include "cache/cache_config.hpp"

namespace cache {

class CacheCore;

// Identifies a target within the cache (the daemon uses the target's AoE
// address, e.g. shelf * 256 + slot). Devices wrapped with the same key share
// cached blocks.
using TargetKey = std::uint64_t;

class BlockCache {
 public:
  // `config.block_size` must be a non-zero multiple of 512 (else
  // std::invalid_argument: a programming error, not a network condition).
  explicit BlockCache(CacheConfig config = {});
  ~BlockCache();  // devices still alive keep working (they share the core)
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // The cached view of `backing` (a cache::CachedDevice), or `backing`
  // itself when caching is off. Blocks already cached under `key` are
  // dropped: a new backing device for a target (it came back, or changed
  // capacity) may hold other data.
  std::shared_ptr<blockdev::BlockDevice> wrap(TargetKey key,
                                              std::shared_ptr<blockdev::BlockDevice> backing);

  CacheStats stats() const;
  const CacheConfig& config() const;
  bool enabled() const { return config().capacity_bytes > 0; }
  // Drops every filled block (fills in flight are detached).
  void clear();

 private:
  std::shared_ptr<CacheCore> core_;
};

}  // namespace cache
