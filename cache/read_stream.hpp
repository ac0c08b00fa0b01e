// ReadStream: the read-ahead state of one open file. A blockdev::BlockDevice
// decorator over a CachedDevice (made by its read_ahead_stream(), which
// blockdev::open_read_stream calls): reads and writes go to the cached
// device; reads also drive read-ahead. Its capabilities: the cached device's
// discard, no read_ahead (a stream is opened once per file, over the cache).
//
// Contract: the read-ahead and "random access is not cached" rules of
// cache/README.md (Policy: Read-ahead, Random access); that page is where the
// policy and its reasons are written, once.
//
// Thread-safe (FUSE may issue reads of one handle from several threads).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "blockdev/block_device.hpp"
#include "cache/cached_device.hpp"

namespace cache {

class ReadStream final : public blockdev::BlockDevice {
 public:
  ReadStream(std::shared_ptr<CachedDevice> device, std::uint64_t max_read_ahead_bytes);

  std::uint64_t size_sectors() const override { return device_->size_sectors(); }
  void read(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
            Done done) override;
  void read_view(std::uint64_t lba, std::uint32_t sectors, std::span<std::uint8_t> buffer,
                 ViewDone done) override;
  void write(std::uint64_t lba, std::uint32_t sectors, std::span<const std::uint8_t> buffer,
             Done done) override;
  void flush(Done done) override;
  blockdev::Capabilities capabilities() const override {
    return {.discard = device_->capabilities().discard};
  }
  void discard(std::uint64_t lba, std::uint64_t sectors, Done done) override {
    device_->discard(lba, sectors, std::move(done));
  }

  std::uint64_t window_blocks() const;  // current read-ahead window (tests)

 private:
  // What a read of [lba, lba + sectors) means for the stream: whether it
  // continues the sequential run, and the blocks read-ahead should fetch
  // (by prefetch_after, once the read itself has been issued).
  struct Step {
    bool sequential = false;
    std::uint64_t from = 0, to = 0;
  };
  Step step(std::uint64_t lba, std::uint32_t sectors);
  void prefetch_after(const Step& s);

  const std::shared_ptr<CachedDevice> device_;
  const std::uint64_t block_size_;
  const std::uint64_t max_window_blocks_;
  mutable std::mutex mutex_;
  bool have_position_ = false;
  std::uint64_t next_offset_ = 0;       // end of the sequential run so far (bytes)
  std::uint64_t window_ = 0;            // blocks
  std::uint64_t prefetched_until_ = 0;  // block index read-ahead has reached
};

}  // namespace cache
