// The block cache over a device that trims and changes size (block_device.hpp):
// a discard reaches the backing device and no block cached from before it
// answers a read after it; the cached view's size is the backing device's,
// read at each use.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <vector>

#include "cache/block_cache.hpp"
#include "support/memory_block_device.hpp"

namespace {

// A RAM disk whose TRIM zeroes the sectors (through its own asynchronous
// write path, so completions are never inline) and whose size can change.
class TrimmingDevice final : public blockdev::BlockDevice {
 public:
  explicit TrimmingDevice(std::uint64_t sectors)
      : mem_(std::make_shared<aoetest::MemoryBlockDevice>(sectors)), size_(sectors) {}
  std::uint64_t size_sectors() const override { return size_.load(); }
  void set_size(std::uint64_t s) { size_.store(s); }
  void read(std::uint64_t lba, std::uint32_t n, std::span<std::uint8_t> b, Done d) override {
    mem_->read(lba, n, b, std::move(d));
  }
  void write(std::uint64_t lba, std::uint32_t n, std::span<const std::uint8_t> b, Done d) override {
    mem_->write(lba, n, b, std::move(d));
  }
  void flush(Done d) override { mem_->flush(std::move(d)); }
  blockdev::Capabilities capabilities() const override { return {.discard = true}; }
  void discard(std::uint64_t lba, std::uint64_t n, Done d) override {
    ++discards;
    auto zeros = std::make_shared<std::vector<std::uint8_t>>(n * 512, 0);
    mem_->write(lba, static_cast<std::uint32_t>(n), *zeros,
                [zeros, d = std::move(d)](std::error_code ec) { d(ec); });
  }
  aoetest::MemoryBlockDevice& mem() { return *mem_; }
  std::atomic<int> discards{0};

 private:
  std::shared_ptr<aoetest::MemoryBlockDevice> mem_;
  std::atomic<std::uint64_t> size_;
};

std::error_code wait(const std::function<void(blockdev::BlockDevice::Done)>& start) {
  std::promise<std::error_code> p;
  start([&p](std::error_code ec) { p.set_value(ec); });
  return p.get_future().get();
}

}  // namespace

TEST_CASE("cache: a discard drops what was cached; trimmed sectors read as the device gives them",
          "[cache][trim]") {
  auto backing = std::make_shared<TrimmingDevice>(1024);
  std::fill(backing->mem().bytes().begin(), backing->mem().bytes().end(), 0x5a);
  cache::BlockCache cache;
  auto dev = cache.wrap(1, backing);
  REQUIRE(dev->capabilities().discard);
  std::vector<std::uint8_t> buf(8 * 512);
  REQUIRE_FALSE(wait([&](auto d) { dev->read(0, 8, buf, std::move(d)); }));
  CHECK(buf[0] == 0x5a);
  REQUIRE_FALSE(wait([&](auto d) { dev->discard(2, 4, std::move(d)); }));
  CHECK(backing->discards == 1);
  REQUIRE_FALSE(wait([&](auto d) { dev->read(0, 8, buf, std::move(d)); }));
  CHECK(buf[2 * 512 - 1] == 0x5a);
  CHECK(std::all_of(buf.begin() + 2 * 512, buf.begin() + 6 * 512, [](auto b) { return b == 0; }));
  CHECK(buf[6 * 512] == 0x5a);
}

TEST_CASE("cache: the cached view's size follows the backing device", "[cache][resize]") {
  auto backing = std::make_shared<TrimmingDevice>(1024);
  cache::BlockCache cache;
  auto dev = cache.wrap(1, backing);
  CHECK(dev->size_sectors() == 1024);
  backing->set_size(4096);
  CHECK(dev->size_sectors() == 4096);
  backing->set_size(100);
  CHECK(dev->size_sectors() == 100);
}
