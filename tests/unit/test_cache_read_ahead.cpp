// ReadStream: sequential detection, window growth, random access, stats.
#include <catch2/catch.hpp>

#include "cache/block_cache.hpp"
#include "cache/read_stream.hpp"
#include "test_cache_support.hpp"

using namespace cachetest;

namespace {

constexpr std::uint32_t kBlock = 4096;  // 8 sectors

cache::CacheConfig ra_config() {
  cache::CacheConfig c;
  c.block_size = kBlock;
  c.capacity_bytes = 256 * kBlock;
  c.max_read_ahead_bytes = 16 * kBlock;
  c.expiry = cache::Clock::duration::max();
  return c;
}

void read_settled(blockdev::BlockDevice& dev, FakeBlockDevice& fake, std::uint64_t lba,
                  std::uint32_t sectors) {
  std::vector<std::uint8_t> buf(sectors * kSectorSize);
  Outcome out;
  dev.read(lba, sectors, buf, out.callback());
  settle(fake);
  REQUIRE(out.wait() == std::error_code{});
  REQUIRE(matches_pattern(buf, lba * kSectorSize));
}

}  // namespace

TEST_CASE("read-ahead: a sequential stream grows its window from 2 blocks up to the limit") {
  auto fake = pattern_device(1024);
  cache::BlockCache cache(ra_config());
  auto stream_dev =
      blockdev::open_read_stream(cache.wrap(1, fake), cache.config().max_read_ahead_bytes);
  auto* stream = dynamic_cast<cache::ReadStream*>(stream_dev.get());
  REQUIRE(stream);

  read_settled(*stream, *fake, 0, 8);  // first read: position only
  CHECK(stream->window_blocks() == 0);
  CHECK(cache.stats().read_ahead_issued == 0);
  read_settled(*stream, *fake, 8, 8);
  CHECK(stream->window_blocks() == 2);
  CHECK(cache.stats().read_ahead_issued == 2);  // blocks 2, 3
  read_settled(*stream, *fake, 16, 8);          // hit
  CHECK(stream->window_blocks() == 4);
  read_settled(*stream, *fake, 24, 8);
  CHECK(stream->window_blocks() == 8);
  read_settled(*stream, *fake, 32, 8);
  CHECK(stream->window_blocks() == 16);
  read_settled(*stream, *fake, 40, 8);
  CHECK(stream->window_blocks() == 16);  // the limit
  auto s = cache.stats();
  CHECK(s.uncached == 1);  // the first read: not yet known to be sequential
  CHECK(s.misses == 1);    // the second read's block was the only demand miss
  CHECK(s.hits == 4);
  CHECK(s.read_ahead_used == 4);
  CHECK(s.read_ahead_issued == 6 + 16 - 2);  // up to block 6+16
  // Each block was fetched once (block 0 uncached, the rest held).
  CHECK(fake->sectors_read() == s.bytes_held / kSectorSize + 8);
}

TEST_CASE("read-ahead: the next reads of a stream hit blocks fetched ahead asynchronously") {
  auto fake = pattern_device(1024);
  cache::BlockCache cache(ra_config());
  auto stream =
      blockdev::open_read_stream(cache.wrap(1, fake), cache.config().max_read_ahead_bytes);
  read_settled(*stream, *fake, 0, 16);
  // The second read starts read-ahead before its own data arrives.
  std::vector<std::uint8_t> buf(16 * 512);
  Outcome out;
  stream->read(16, 16, buf, out.callback());
  CHECK(fake->pending() == 2 + 2);  // blocks 2,3 demanded; 4,5 ahead
  settle(*fake);
  REQUIRE(out.wait() == std::error_code{});
  const auto reads = fake->reads();
  read_settled(*stream, *fake, 32, 16);  // blocks 4,5: no waiting on the network
  CHECK(cache.stats().hits >= 2);
  CHECK(fake->reads() > reads);  // but it fetched further ahead
}

TEST_CASE("read-ahead: random access does not trigger it") {
  auto fake = pattern_device(4096);
  cache::BlockCache cache(ra_config());
  auto stream =
      blockdev::open_read_stream(cache.wrap(1, fake), cache.config().max_read_ahead_bytes);
  const std::uint64_t offsets[] = {800, 24, 3000, 1600, 400, 2400, 96, 3500};
  for (auto lba : offsets) read_settled(*stream, *fake, lba, 8);
  auto s = cache.stats();
  CHECK(s.read_ahead_issued == 0);
  CHECK(s.misses == 0);                  // random reads fill no blocks ...
  CHECK(s.uncached == 9);                // (lba 3500 spans two blocks)
  CHECK(fake->reads() == 8);             // ... one straight read each, adjacent blocks merged ...
  CHECK(fake->sectors_read() == 8 * 8);  // ... of just the sectors asked for
  CHECK(s.bytes_held == 0);
}

TEST_CASE("read-ahead: a random read is answered from blocks already cached") {
  auto fake = pattern_device(4096);
  cache::BlockCache cache(ra_config());
  auto stream =
      blockdev::open_read_stream(cache.wrap(1, fake), cache.config().max_read_ahead_bytes);
  for (std::uint64_t lba = 0; lba < 64; lba += 8) read_settled(*stream, *fake, lba, 8);
  const auto before = cache.stats();
  REQUIRE(before.bytes_held > 0);
  const auto reads = fake->reads();
  read_settled(*stream, *fake, 16, 8);  // a seek back into cached blocks
  CHECK(fake->reads() == reads);
  CHECK(cache.stats().hits == before.hits + 1);
}

TEST_CASE("read-ahead: a seek resets the window; reads overtaking each other stay sequential") {
  auto fake = pattern_device(4096);
  cache::BlockCache cache(ra_config());
  auto dev = blockdev::open_read_stream(cache.wrap(1, fake), cache.config().max_read_ahead_bytes);
  auto* stream = dynamic_cast<cache::ReadStream*>(dev.get());
  for (std::uint64_t lba = 0; lba < 64; lba += 16) read_settled(*stream, *fake, lba, 16);
  CHECK(stream->window_blocks() == 8);
  read_settled(*stream, *fake, 2000, 16);  // seek
  CHECK(stream->window_blocks() == 0);
  read_settled(*stream, *fake, 2016, 16);
  CHECK(stream->window_blocks() == 2);
  // FUSE requests overtaking each other: 2048 before 2032.
  read_settled(*stream, *fake, 2048, 16);
  read_settled(*stream, *fake, 2032, 16);
  CHECK(stream->window_blocks() == 8);
}

TEST_CASE("read-ahead: blocks fetched ahead and never read count as wasted when evicted") {
  auto fake = pattern_device(4096);
  auto config = ra_config();
  config.capacity_bytes = 8 * kBlock;
  config.max_read_ahead_bytes = 4 * kBlock;
  cache::BlockCache cache(config);
  auto stream = blockdev::open_read_stream(cache.wrap(1, fake), config.max_read_ahead_bytes);
  read_settled(*stream, *fake, 0, 8);
  read_settled(*stream, *fake, 8, 8);  // ahead: blocks 2, 3
  CHECK(cache.stats().read_ahead_issued == 2);
  // Random reads elsewhere push everything out.
  auto fake2 = pattern_device(4096);
  auto dev2 = cache.wrap(3, fake2);
  for (std::uint64_t b = 0; b < 10; ++b) read_settled(*dev2, *fake2, b * 64, 8);
  auto s = cache.stats();
  CHECK(s.read_ahead_wasted == 2);
  CHECK(s.read_ahead_used == 0);
  CHECK(s.bytes_held + s.bytes_in_flight <= config.capacity_bytes);
}

TEST_CASE("read-ahead: off when the cache is disabled (pure pass-through)") {
  auto fake = pattern_device(1024);
  cache::CacheConfig c = ra_config();
  c.capacity_bytes = 0;
  cache::BlockCache cache(c);
  auto dev = blockdev::open_read_stream(cache.wrap(1, fake), c.max_read_ahead_bytes);
  CHECK(dev == fake);
  read_settled(*dev, *fake, 0, 8);
  read_settled(*dev, *fake, 8, 8);
  CHECK(fake->reads() == 2);
  CHECK(fake->sectors_read() == 16);
}

TEST_CASE("read-ahead: stops at the end of the device") {
  auto fake = pattern_device(45);  // 5 full blocks and one of 5 sectors
  cache::BlockCache cache(ra_config());
  auto stream =
      blockdev::open_read_stream(cache.wrap(1, fake), cache.config().max_read_ahead_bytes);
  read_settled(*stream, *fake, 0, 8);
  read_settled(*stream, *fake, 8, 8);
  read_settled(*stream, *fake, 16, 8);
  CHECK(fake->sectors_read() == 45);
  read_settled(*stream, *fake, 40, 5);
  CHECK(fake->sectors_read() == 45);
}
