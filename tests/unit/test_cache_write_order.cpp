// Write-through ordering: a read that starts after a write completed returns
// the new data, whatever fills (demand or read-ahead) of the old contents
// were in flight; failed writes invalidate; nothing dirty stays in memory.
#include <catch2/catch.hpp>

#include "blockdev/block_device.hpp"
#include "cache/block_cache.hpp"
#include "test_cache_support.hpp"

using namespace cachetest;
using Kind = FakeBlockDevice::Kind;

namespace {

constexpr std::uint32_t kBlock = 4096;  // 8 sectors

cache::CacheConfig config() {
  cache::CacheConfig c;
  c.block_size = kBlock;
  c.capacity_bytes = 64 * kBlock;
  c.max_read_ahead_bytes = 8 * kBlock;
  c.expiry = cache::Clock::duration::max();
  return c;
}

std::vector<std::uint8_t> read_settled(blockdev::BlockDevice& dev, FakeBlockDevice& fake,
                                       std::uint64_t lba, std::uint32_t sectors) {
  std::vector<std::uint8_t> buf(sectors * kSectorSize);
  Outcome out;
  dev.read(lba, sectors, buf, out.callback());
  settle(fake);
  REQUIRE(out.wait() == std::error_code{});
  return buf;
}

}  // namespace

TEST_CASE("write order: a read-ahead of old contents racing a write never answers later reads") {
  auto fake = pattern_device(1024);
  cache::BlockCache cache(config());
  auto stream = blockdev::open_read_stream(cache.wrap(1, fake), config().max_read_ahead_bytes);
  read_settled(*stream, *fake, 0, 8);
  // Second sequential read: read-ahead of blocks 2, 3 is issued (old data
  // snapshotted by the device now) and stays in flight.
  std::vector<std::uint8_t> buf(8 * 512);
  Outcome first;
  stream->read(8, 8, buf, first.callback());
  REQUIRE(fake->complete_first(Kind::read, 8));
  REQUIRE(first.wait() == std::error_code{});
  REQUIRE(fake->pending() == 2);  // read-ahead of block 2 and 3

  // A write to block 2 goes to the device and completes.
  const std::vector<std::uint8_t> fresh(2 * 512, 0x5A);
  Outcome w;
  stream->write(17, 2, fresh, w.callback());
  REQUIRE(fake->complete_first(Kind::write));
  REQUIRE(w.wait() == std::error_code{});

  // A read after the write completed, while the stale read-ahead is still in
  // flight: must see the new data.
  std::vector<std::uint8_t> after(3 * 512);
  Outcome r;
  stream->read(16, 3, after, r.callback());
  // Now the stale read-ahead answers (with the contents from before the write).
  REQUIRE(fake->complete_first(Kind::read, 16));
  settle(*fake);
  REQUIRE(r.wait() == std::error_code{});
  CHECK(matches_pattern(std::span(after).first(512), 16 * 512));
  CHECK(std::equal(fresh.begin(), fresh.end(), after.begin() + 512));
  // And the block cached now holds the new data too.
  auto again = read_settled(*stream, *fake, 17, 2);
  CHECK(again == fresh);
  CHECK(cache.stats().invalidations >= 1);
}

TEST_CASE("write order: a demand fill issued before the write completed is not installed") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config());
  auto dev = cache.wrap(1, fake);
  std::vector<std::uint8_t> old_read(512);
  Outcome before;
  dev->read(0, 1, old_read, before.callback());  // device serves the old data now

  const std::vector<std::uint8_t> fresh(512, 0xC3);
  Outcome w;
  dev->write(0, 1, fresh, w.callback());
  REQUIRE(fake->complete_first(Kind::write));
  REQUIRE(w.wait() == std::error_code{});
  REQUIRE(fake->complete_first(Kind::read));
  REQUIRE(before.wait() == std::error_code{});
  CHECK(matches_pattern(old_read, 0));  // started before the write: old is fine

  CHECK(read_settled(*dev, *fake, 0, 1) == fresh);
  CHECK(fake->reads() == 2);
}

TEST_CASE("write order: a read started while a write is in flight, completing before it") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config());
  auto dev = cache.wrap(1, fake);
  const std::vector<std::uint8_t> fresh(1024, 0x77);
  Outcome w;
  dev->write(2, 2, fresh, w.callback());
  // Fill of block 0 issued and completed while the write is in flight: the
  // device had not applied the write yet, so it caches old data ...
  {
    std::vector<std::uint8_t> buf(4096);
    Outcome r;
    dev->read(0, 8, buf, r.callback());
    REQUIRE(fake->complete_first(Kind::read));
    REQUIRE(r.wait() == std::error_code{});
    CHECK(matches_pattern(buf, 0));
  }
  // ... which the write's completion patches.
  REQUIRE(fake->complete_first(Kind::write));
  REQUIRE(w.wait() == std::error_code{});
  auto after = read_settled(*dev, *fake, 0, 8);
  CHECK(fake->reads() == 1);  // a hit on the patched block
  CHECK(matches_pattern(std::span(after).first(1024), 0));
  CHECK(std::equal(fresh.begin(), fresh.end(), after.begin() + 1024));
  CHECK(matches_pattern(std::span(after).subspan(2048), 2048));
  const auto contents = fake->contents();
  CHECK(after == std::vector<std::uint8_t>(contents.begin(), contents.begin() + 4096));
}

TEST_CASE("write order: cached blocks are updated by completed writes, never before") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config());
  auto dev = cache.wrap(1, fake);
  read_settled(*dev, *fake, 0, 16);  // blocks 0 and 1 cached
  const std::vector<std::uint8_t> fresh(8 * 512, 0x11);
  Outcome w;
  dev->write(4, 8, fresh, w.callback());  // spans both blocks
  // Not acknowledged yet: reads still see what the device holds.
  {
    std::vector<std::uint8_t> buf(512);
    Outcome r;
    dev->read(4, 1, buf, r.callback());
    REQUIRE(r.wait() == std::error_code{});
    CHECK(matches_pattern(buf, 4 * 512));
  }
  CHECK(fake->pending() == 1);
  REQUIRE(fake->complete_first(Kind::write));
  REQUIRE(w.wait() == std::error_code{});
  auto after = read_settled(*dev, *fake, 0, 16);
  CHECK(fake->reads() == 2);  // both blocks patched in place
  auto contents = fake->contents();
  CHECK(after == std::vector<std::uint8_t>(contents.begin(), contents.begin() + 8192));
}

TEST_CASE("write order: a failed write drops the blocks it touched") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config());
  auto dev = cache.wrap(1, fake);
  read_settled(*dev, *fake, 0, 8);
  const std::vector<std::uint8_t> fresh(512, 0x22);
  Outcome w;
  dev->write(0, 1, fresh, w.callback());
  REQUIRE(fake->complete_first(Kind::write, {}, std::make_error_code(std::errc::io_error)));
  auto ec = w.wait();
  REQUIRE(ec);
  CHECK(*ec == std::errc::io_error);
  CHECK(cache.stats().bytes_held == 0);
  CHECK(matches_pattern(read_settled(*dev, *fake, 0, 1), 0));
  CHECK(fake->reads() == 2);
}

TEST_CASE("write order: writes overlapping in time drop the block instead of guessing the order") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config());
  auto dev = cache.wrap(1, fake);
  read_settled(*dev, *fake, 0, 8);
  const std::vector<std::uint8_t> a(512, 0xAA), b(512, 0xBB);
  Outcome wa, wb;
  dev->write(1, 1, a, wa.callback());
  dev->write(1, 1, b, wb.callback());
  // The device applies a then b, but the acknowledgements come b first.
  REQUIRE(fake->complete(1));                 // b acknowledged (and applied)
  REQUIRE(fake->complete_without_effect(0));  // a acknowledged late: it reached the disk before b
  REQUIRE(wa.wait() == std::error_code{});
  REQUIRE(wb.wait() == std::error_code{});
  CHECK(read_settled(*dev, *fake, 1, 1) == b);
}

TEST_CASE("write order: writes through one device are seen by another of the same target") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config());
  auto dev = cache.wrap(1, fake);
  auto s1 = blockdev::open_read_stream(dev, config().max_read_ahead_bytes);
  auto s2 = blockdev::open_read_stream(dev, config().max_read_ahead_bytes);
  read_settled(*s1, *fake, 0, 8);
  const std::vector<std::uint8_t> fresh(512, 0x44);
  Outcome w;
  s2->write(3, 1, fresh, w.callback());
  settle(*fake);
  REQUIRE(w.wait() == std::error_code{});
  CHECK(read_settled(*s1, *fake, 3, 1) == fresh);
}
