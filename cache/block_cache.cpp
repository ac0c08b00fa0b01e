#include "cache/block_cache.hpp"

#include <stdexcept>

#include "cache/cache_core.hpp"
#include "cache/cached_device.hpp"

namespace cache {

BlockCache::BlockCache(CacheConfig config) {
  if (config.block_size == 0 || config.block_size % blockdev::kSectorSize != 0)
    throw std::invalid_argument("cache block size must be a non-zero multiple of 512");
  core_ = std::make_shared<CacheCore>(std::move(config));
}

BlockCache::~BlockCache() = default;

std::shared_ptr<blockdev::BlockDevice> BlockCache::wrap(
    TargetKey key, std::shared_ptr<blockdev::BlockDevice> backing) {
  if (!enabled()) return backing;
  core_->drop_target(key);
  return std::make_shared<CachedDevice>(core_, key, std::move(backing));
}

CacheStats BlockCache::stats() const { return core_->stats(); }
const CacheConfig& BlockCache::config() const { return core_->config(); }
void BlockCache::clear() { core_->clear(); }

}  // namespace cache
