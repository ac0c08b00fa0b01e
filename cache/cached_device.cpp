#include "cache/cached_device.hpp"

#include "cache/cache_core.hpp"

namespace cache {

CachedDevice::CachedDevice(std::shared_ptr<CacheCore> core, TargetKey key,
                           std::shared_ptr<blockdev::BlockDevice> backing)
    : core_(std::move(core)),
      key_(key),
      backing_(std::move(backing)),
      sectors_(backing_->size_sectors()),
      block_size_(core_->config().block_size) {}

void CachedDevice::read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                        Done done) {
  core_->read(key_, backing_, sectors_, lba, sectors, buffer, std::move(done));
}

void CachedDevice::read_without_fill(std::uint64_t lba, std::uint32_t sectors,
                                     std::span<std::uint8_t> buffer, Done done) {
  core_->read(key_, backing_, sectors_, lba, sectors, buffer, std::move(done), false);
}

void CachedDevice::write(std::uint64_t lba, std::uint32_t sectors,
                         std::span<const std::uint8_t> buffer, Done done) {
  core_->write(key_, backing_, lba, sectors, buffer, std::move(done));
}

void CachedDevice::flush(Done done) { backing_->flush(std::move(done)); }

std::uint64_t CachedDevice::prefetch(std::uint64_t first_block, std::uint64_t count) {
  return core_->prefetch(key_, backing_, sectors_, first_block, count);
}

std::uint64_t CachedDevice::block_count() const {
  const std::uint64_t bytes = sectors_ * blockdev::kSectorSize;
  return (bytes + block_size_ - 1) / block_size_;
}

}  // namespace cache
