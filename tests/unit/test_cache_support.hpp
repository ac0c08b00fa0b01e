// Helpers shared by the cache unit tests (test_cache_*.cpp).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "blockdev/block_device.hpp"
#include "cache/cache_config.hpp"
#include "support/fake_block_device.hpp"

namespace cachetest {

using aoetest::FakeBlockDevice;
using blockdev::kSectorSize;

// The outcome of one asynchronous operation, waitable.
class Outcome {
 public:
  blockdev::BlockDevice::Done callback() {
    return [this](std::error_code ec) {
      std::lock_guard lock(mutex_);
      ++calls_;
      ec_ = ec;
      cv_.notify_all();
    };
  }
  // Waits up to 5 s; nullopt if `done` did not run.
  std::optional<std::error_code> wait() {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, std::chrono::seconds(5), [&] { return calls_ > 0; })) return {};
    return ec_;
  }
  bool done() {
    std::lock_guard lock(mutex_);
    return calls_ > 0;
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int calls_ = 0;
  std::error_code ec_;
};

// Byte i of a pattern device: distinct per sector and offset.
inline std::uint8_t pattern_byte(std::uint64_t i, std::uint8_t seed = 0) {
  return static_cast<std::uint8_t>((i * 7 + (i >> 9) * 13 + seed) & 0xff);
}

inline std::shared_ptr<FakeBlockDevice> pattern_device(std::uint64_t sectors,
                                                       std::uint8_t seed = 0) {
  auto dev = std::make_shared<FakeBlockDevice>(sectors);
  std::vector<std::uint8_t> bytes(sectors * kSectorSize);
  for (std::uint64_t i = 0; i < bytes.size(); ++i) bytes[i] = pattern_byte(i, seed);
  dev->poke(0, bytes);
  return dev;
}

inline bool matches_pattern(std::span<const std::uint8_t> data, std::uint64_t offset,
                            std::uint8_t seed = 0) {
  for (std::size_t i = 0; i < data.size(); ++i)
    if (data[i] != pattern_byte(offset + i, seed)) return false;
  return true;
}

// A manual clock for expiry.
struct ManualClock {
  std::shared_ptr<cache::Clock::time_point> now = std::make_shared<cache::Clock::time_point>(
      cache::Clock::time_point{} + std::chrono::hours(1));
  std::function<cache::Clock::time_point()> function() const {
    return [n = now] { return *n; };
  }
  void advance(cache::Clock::duration d) { *now += d; }
};

// A cache of 4 KiB blocks (8 sectors) with room for `capacity_blocks` of
// them that never expire.
inline constexpr std::uint32_t kSmallBlock = 4096;
inline cache::CacheConfig small_config(std::uint64_t capacity_blocks) {
  cache::CacheConfig c;
  c.block_size = kSmallBlock;
  c.capacity_bytes = capacity_blocks * kSmallBlock;
  c.expiry = cache::Clock::duration::max();
  return c;
}

// Completes every pending operation of `dev` (and any they start).
inline void settle(FakeBlockDevice& dev) { dev.complete_all(); }

}  // namespace cachetest
