// BlockCache: hits, LRU eviction within the budget, partial blocks at the
// device end, expiry, pass-through when disabled, configuration checks.
#include <catch2/catch.hpp>

#include <thread>

#include "cache/block_cache.hpp"
#include "cache/cached_device.hpp"
#include "test_cache_support.hpp"

using namespace cachetest;

namespace {

constexpr std::uint32_t kBlock = kSmallBlock;  // 8 sectors

// Reads `sectors` at `lba` through `dev`, completing backing operations of
// `fake` as needed; returns the data (empty on error or timeout).
std::vector<std::uint8_t> read_now(blockdev::BlockDevice& dev, FakeBlockDevice& fake,
                                   std::uint64_t lba, std::uint32_t sectors,
                                   std::error_code* error = nullptr) {
  std::vector<std::uint8_t> buf(sectors * kSectorSize);
  Outcome out;
  dev.read(lba, sectors, buf, out.callback());
  settle(fake);
  auto ec = out.wait();
  if (!ec) return {};
  if (error) *error = *ec;
  if (*ec) return {};
  return buf;
}

}  // namespace

TEST_CASE("cache: a second read of a block is a hit and does not reach the device") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(small_config(8));
  auto dev = cache.wrap(1, fake);

  auto a = read_now(*dev, *fake, 3, 2);
  REQUIRE(a.size() == 1024);
  CHECK(matches_pattern(a, 3 * 512));
  CHECK(fake->reads() == 1);
  CHECK(fake->sectors_read() == 8);  // the whole block 0

  auto b = read_now(*dev, *fake, 0, 8);
  REQUIRE(b.size() == 4096);
  CHECK(matches_pattern(b, 0));
  CHECK(fake->reads() == 1);
  auto s = cache.stats();
  CHECK(s.misses == 1);
  CHECK(s.hits == 1);
  CHECK(s.bytes_held == kBlock);
  CHECK(s.bytes_in_flight == 0);
}

TEST_CASE("cache: a read spanning several blocks is answered from each, unaligned") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(small_config(8));
  auto dev = cache.wrap(1, fake);
  auto a = read_now(*dev, *fake, 5, 20);  // blocks 0..3
  REQUIRE(a.size() == 20 * 512);
  CHECK(matches_pattern(a, 5 * 512));
  CHECK(fake->reads() == 4);
  auto b = read_now(*dev, *fake, 7, 17);
  CHECK(matches_pattern(b, 7 * 512));
  CHECK(fake->reads() == 4);
  CHECK(cache.stats().hits == 3);
}

TEST_CASE("cache: least recently used blocks are evicted first, within the budget") {
  auto fake = pattern_device(128);
  cache::BlockCache cache(small_config(3));
  auto dev = cache.wrap(1, fake);
  read_now(*dev, *fake, 0, 8);   // block 0
  read_now(*dev, *fake, 8, 8);   // block 1
  read_now(*dev, *fake, 16, 8);  // block 2
  read_now(*dev, *fake, 0, 1);   // touch block 0: block 1 is now the oldest
  CHECK(fake->reads() == 3);
  read_now(*dev, *fake, 24, 8);  // block 3 evicts block 1
  auto s = cache.stats();
  CHECK(s.evictions == 1);
  CHECK(s.bytes_held == 3 * kBlock);
  CHECK(s.bytes_held + s.bytes_in_flight <= 3 * kBlock);

  read_now(*dev, *fake, 0, 1);   // still cached
  read_now(*dev, *fake, 16, 1);  // still cached
  CHECK(fake->reads() == 4);
  read_now(*dev, *fake, 8, 1);  // block 1 was evicted
  CHECK(fake->reads() == 5);
}

TEST_CASE("cache: evicted blocks' buffers are reused by the next fills, within the budget") {
  auto fake = pattern_device(128);
  cache::BlockCache cache(small_config(4));
  auto dev = cache.wrap(1, fake);
  for (std::uint64_t block = 0; block < 12; ++block) {
    auto data = read_now(*dev, *fake, block * 8, 8);
    REQUIRE(data.size() == kBlock);
    CHECK(matches_pattern(data, block * kBlock));  // a reused buffer holds the new block only
    const auto s = cache.stats();
    CHECK(s.bytes_held + s.bytes_in_flight + s.bytes_spare <= 4 * kBlock);
  }
  auto s = cache.stats();
  CHECK(s.evictions == 8);
  CHECK(s.buffers_reused == 8);  // every fill after the budget filled up
  CHECK(s.bytes_spare == 0);     // each evicted buffer went straight to the next fill

  cache.clear();  // the dropped blocks' buffers are kept, still within the budget
  s = cache.stats();
  CHECK(s.bytes_held == 0);
  CHECK(s.bytes_spare == 4 * kBlock);
  auto again = read_now(*dev, *fake, 0, 8);
  CHECK(matches_pattern(again, 0));
  CHECK(cache.stats().buffers_reused == 9);
}

TEST_CASE("cache: the budget is shared by all targets") {
  auto f1 = pattern_device(64, 1);
  auto f2 = pattern_device(64, 2);
  cache::BlockCache cache(small_config(2));
  auto d1 = cache.wrap(1, f1);
  auto d2 = cache.wrap(2, f2);
  CHECK(matches_pattern(read_now(*d1, *f1, 0, 8), 0, 1));
  CHECK(matches_pattern(read_now(*d2, *f2, 0, 8), 0, 2));  // same block index, other target
  CHECK(matches_pattern(read_now(*d1, *f1, 0, 8), 0, 1));
  CHECK(f1->reads() == 1);
  read_now(*d2, *f2, 8, 8);  // evicts target 2's block 0 (least recently used)
  CHECK(cache.stats().evictions == 1);
  CHECK(cache.stats().bytes_held == 2 * kBlock);
  read_now(*d1, *f1, 0, 8);
  CHECK(f1->reads() == 1);
}

TEST_CASE("cache: a device whose capacity is not a multiple of the block size reads its tail") {
  auto fake = pattern_device(21);  // blocks of 8, 8 and 5 sectors
  cache::BlockCache cache(small_config(8));
  auto dev = cache.wrap(1, fake);
  auto tail = read_now(*dev, *fake, 17, 4);
  REQUIRE(tail.size() == 4 * 512);
  CHECK(matches_pattern(tail, 17 * 512));
  auto ops_sectors = fake->sectors_read();
  CHECK(ops_sectors == 5);
  CHECK(cache.stats().bytes_held == 5 * 512);
  auto again = read_now(*dev, *fake, 16, 5);
  CHECK(matches_pattern(again, 16 * 512));
  CHECK(fake->reads() == 1);

  // Past the end: the backing device decides (it fails).
  std::error_code ec;
  auto past = read_now(*dev, *fake, 20, 2, &ec);
  CHECK(past.empty());
  CHECK(ec);
}

TEST_CASE("cache: filled blocks expire after the configured time") {
  auto fake = pattern_device(64);
  ManualClock clock;
  auto config = small_config(8);
  config.expiry = std::chrono::seconds(2);
  config.clock = clock.function();
  cache::BlockCache cache(config);
  auto dev = cache.wrap(1, fake);
  read_now(*dev, *fake, 0, 8);
  clock.advance(std::chrono::milliseconds(1900));
  read_now(*dev, *fake, 0, 8);
  CHECK(fake->reads() == 1);

  // Another host writes: visible once the block expired.
  std::vector<std::uint8_t> other(512, 0xAB);
  fake->poke(0, other);
  CHECK(read_now(*dev, *fake, 0, 1) != other);
  clock.advance(std::chrono::milliseconds(200));
  CHECK(read_now(*dev, *fake, 0, 1) == other);
  CHECK(fake->reads() == 2);
  CHECK(cache.stats().expirations == 1);
}

TEST_CASE("cache: capacity 0 is a pure pass-through") {
  auto fake = pattern_device(64);
  auto config = small_config(0);
  cache::BlockCache cache(config);
  CHECK_FALSE(cache.enabled());
  auto dev = cache.wrap(1, fake);
  CHECK(dev == fake);
  read_now(*dev, *fake, 0, 1);
  read_now(*dev, *fake, 0, 1);
  CHECK(fake->reads() == 2);
  CHECK(fake->sectors_read() == 2);
}

TEST_CASE("cache: the block size must be a non-zero multiple of 512") {
  cache::CacheConfig c;
  c.block_size = 1000;
  CHECK_THROWS_AS(cache::BlockCache(c), std::invalid_argument);
  c.block_size = 0;
  CHECK_THROWS_AS(cache::BlockCache(c), std::invalid_argument);
  c.block_size = 1024;
  CHECK_NOTHROW(cache::BlockCache(c));
}

TEST_CASE("cache: wrapping a target again drops what was cached for it") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(small_config(8));
  auto dev = cache.wrap(1, fake);
  read_now(*dev, *fake, 0, 8);
  CHECK(cache.stats().bytes_held == kBlock);
  auto fresh = pattern_device(64, 9);
  auto dev2 = cache.wrap(1, fresh);
  CHECK(cache.stats().bytes_held == 0);
  CHECK(matches_pattern(read_now(*dev2, *fresh, 0, 8), 0, 9));
}

TEST_CASE("cache: read errors reach the reader and are not cached") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(small_config(8));
  auto dev = cache.wrap(1, fake);
  std::vector<std::uint8_t> buf(512);
  Outcome out;
  dev->read(0, 1, buf, out.callback());
  REQUIRE(fake->complete_oldest(std::make_error_code(std::errc::io_error)));
  auto ec = out.wait();
  REQUIRE(ec);
  CHECK(*ec == std::errc::io_error);
  auto s = cache.stats();
  CHECK(s.fill_errors == 1);
  CHECK(s.bytes_held == 0);
  CHECK(s.bytes_in_flight == 0);
  CHECK(s.bytes_spare == kBlock);  // the failed fill's buffer, for the next one
  CHECK(matches_pattern(read_now(*dev, *fake, 0, 1), 0));
  CHECK(fake->reads() == 2);
  CHECK(cache.stats().buffers_reused == 1);
}

TEST_CASE("cache: a read answered from memory completes on another thread, once") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(small_config(8));
  auto dev = cache.wrap(1, fake);
  read_now(*dev, *fake, 0, 8);
  std::vector<std::uint8_t> buf(512);
  std::thread::id caller = std::this_thread::get_id(), completer;
  std::mutex m;
  Outcome out;
  auto cb = out.callback();
  dev->read(0, 1, buf, [&](std::error_code ec) {
    {
      std::lock_guard lock(m);
      completer = std::this_thread::get_id();
    }
    cb(ec);
  });
  REQUIRE(out.wait());
  std::lock_guard lock(m);
  CHECK_FALSE(completer == caller);
  CHECK(out.calls() == 1);
}
