#include "cache/cached_device.hpp"

#include "cache/cache_core.hpp"
#include "cache/read_stream.hpp"

namespace cache {

CachedDevice::CachedDevice(std::shared_ptr<CacheCore> core, TargetKey key,
                           std::shared_ptr<blockdev::BlockDevice> backing)
    : core_(std::move(core)),
      key_(key),
      backing_(std::move(backing)),
      block_size_(core_->config().block_size) {}

void CachedDevice::read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                        Done done) {
  lookup_or_fill(lba, sectors, buffer, std::move(done), true);
}

void CachedDevice::lookup_or_fill(std::uint64_t lba, std::uint32_t sectors,
                                  std::span<std::uint8_t> buffer, Done done, bool fill_misses) {
  core_->lookup_or_fill(key_, backing_, backing_->size_sectors(), lba, sectors, buffer,
                        std::move(done), fill_misses);
}

void CachedDevice::read_view(std::uint64_t lba, std::uint32_t sectors,
                             std::span<std::uint8_t> buffer, ViewDone done) {
  lookup_or_fill_view(lba, sectors, buffer, std::move(done), true);
}

void CachedDevice::lookup_or_fill_view(std::uint64_t lba, std::uint32_t sectors,
                                       std::span<std::uint8_t> buffer, ViewDone done,
                                       bool fill_misses) {
  auto view = std::make_shared<blockdev::ReadView>();
  auto* parts = view.get();
  core_->lookup_or_fill(
      key_, backing_, backing_->size_sectors(), lba, sectors, buffer,
      [view = std::move(view), done = std::move(done)](std::error_code ec) {
        done(ec, ec ? blockdev::ReadView{} : std::move(*view));
      },
      fill_misses, parts);
}

void CachedDevice::write(std::uint64_t lba, std::uint32_t sectors,
                         std::span<const std::uint8_t> buffer, Done done) {
  core_->write(key_, backing_, lba, sectors, buffer, std::move(done));
}

void CachedDevice::flush(Done done) { backing_->flush(std::move(done)); }

blockdev::Capabilities CachedDevice::capabilities() const {
  return {.discard = backing_->capabilities().discard, .read_ahead = true};
}

std::shared_ptr<blockdev::BlockDevice> CachedDevice::read_ahead_stream(
    std::uint64_t max_read_ahead_bytes) {
  return std::make_shared<ReadStream>(shared_from_this(), max_read_ahead_bytes);
}

// Discards are rare and often large (fstrim): every cached block of the
// target is dropped when the backing device finished, fills in flight
// included (they may have read the old contents).
void CachedDevice::discard(std::uint64_t lba, std::uint64_t sectors, Done done) {
  backing_->discard(lba, sectors,
                    [core = core_, key = key_, done = std::move(done)](std::error_code ec) {
                      core->drop_target(key);
                      done(ec);
                    });
}

std::uint64_t CachedDevice::prefetch(std::uint64_t first_block, std::uint64_t count) {
  return core_->prefetch(key_, backing_, backing_->size_sectors(), first_block, count);
}

}  // namespace cache
