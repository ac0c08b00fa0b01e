#include "cache/read_stream.hpp"

#include <algorithm>

namespace cache {

ReadStream::ReadStream(std::shared_ptr<CachedDevice> device, std::uint64_t max_read_ahead_bytes)
    : device_(std::move(device)),
      block_size_(device_->block_size()),
      max_window_blocks_(max_read_ahead_bytes / block_size_) {}

ReadStream::Step ReadStream::step(std::uint64_t lba, std::uint32_t sectors) {
  const std::uint64_t begin = lba * blockdev::kSectorSize;
  const std::uint64_t end = begin + std::uint64_t{sectors} * blockdev::kSectorSize;
  Step s;
  std::lock_guard lock(mutex_);
  const std::uint64_t slack = std::max<std::uint64_t>(1, window_) * block_size_;
  s.sequential = have_position_ && begin + slack >= next_offset_ && begin <= next_offset_ + slack;
  if (s.sequential && max_window_blocks_ > 0) {
    window_ = window_ == 0 ? std::min<std::uint64_t>(2, max_window_blocks_)
                           : std::min(window_ * 2, max_window_blocks_);
    next_offset_ = std::max(next_offset_, end);
  } else {
    window_ = 0;
    prefetched_until_ = 0;
    next_offset_ = end;
  }
  have_position_ = true;
  if (window_ > 0) {
    const std::uint64_t end_block = (end + block_size_ - 1) / block_size_;
    s.from = std::max(prefetched_until_, end_block);
    s.to = end_block + window_;
  }
  return s;
}

void ReadStream::prefetch_after(const Step& s) {
  if (s.to <= s.from) return;
  const std::uint64_t reached = device_->prefetch(s.from, s.to - s.from);
  std::lock_guard lock(mutex_);
  if (window_ > 0) prefetched_until_ = std::max(prefetched_until_, reached);
}

void ReadStream::read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                      Done done) {
  const Step s = step(lba, sectors);
  device_->lookup_or_fill(lba, sectors, buffer, std::move(done), s.sequential);
  prefetch_after(s);
}

void ReadStream::read_view(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                           ViewDone done) {
  const Step s = step(lba, sectors);
  device_->lookup_or_fill_view(lba, sectors, buffer, std::move(done), s.sequential);
  prefetch_after(s);
}

void ReadStream::write(std::uint64_t lba, std::uint32_t sectors,
                       std::span<const std::uint8_t> buffer, Done done) {
  device_->write(lba, sectors, buffer, std::move(done));
}

void ReadStream::flush(Done done) { device_->flush(std::move(done)); }

std::uint64_t ReadStream::window_blocks() const {
  std::lock_guard lock(mutex_);
  return window_;
}

}  // namespace cache
