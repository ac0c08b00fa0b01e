// BlockCache: concurrent misses on one block share one backing read; errors
// reach every waiter; a budget full of in-flight fills makes reads bypass.
#include <catch2/catch.hpp>

#include "cache/block_cache.hpp"
#include "test_cache_support.hpp"

using namespace cachetest;

namespace {
cache::CacheConfig config_blocks(std::uint64_t blocks) {
  cache::CacheConfig c;
  c.block_size = 4096;
  c.capacity_bytes = blocks * 4096;
  c.expiry = cache::Clock::duration::max();
  return c;
}
}  // namespace

TEST_CASE("cache: concurrent misses on one block wait on a single backing read") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config_blocks(8));
  auto dev = cache.wrap(1, fake);
  std::vector<std::uint8_t> a(512), b(1024), c(4096);
  Outcome oa, ob, oc;
  dev->read(1, 1, a, oa.callback());
  dev->read(4, 2, b, ob.callback());
  dev->read(0, 8, c, oc.callback());
  CHECK(fake->pending() == 1);
  CHECK(fake->reads() == 1);
  CHECK_FALSE(oa.done());
  REQUIRE(fake->complete_oldest());
  REQUIRE(oa.wait() == std::error_code{});
  REQUIRE(ob.wait() == std::error_code{});
  REQUIRE(oc.wait() == std::error_code{});
  CHECK(matches_pattern(a, 512));
  CHECK(matches_pattern(b, 4 * 512));
  CHECK(matches_pattern(c, 0));
  auto s = cache.stats();
  CHECK(s.misses == 1);
  CHECK(s.coalesced == 2);
  CHECK(oa.calls() == 1);
}

TEST_CASE("cache: a failed fill fails every waiter and is dropped") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config_blocks(8));
  auto dev = cache.wrap(1, fake);
  std::vector<std::uint8_t> a(512), b(8192);
  Outcome oa, ob;
  dev->read(0, 1, a, oa.callback());
  dev->read(0, 16, b, ob.callback());  // block 0 (shared) and block 1
  REQUIRE(fake->pending() == 2);
  REQUIRE(fake->complete_first(FakeBlockDevice::Kind::read, 0,
                               std::make_error_code(std::errc::timed_out)));
  auto ea = oa.wait();
  REQUIRE(ea);
  CHECK(*ea == std::errc::timed_out);
  CHECK_FALSE(ob.done());  // still waits for block 1
  REQUIRE(fake->complete_oldest());
  auto eb = ob.wait();
  REQUIRE(eb);
  CHECK(*eb == std::errc::timed_out);
  auto s = cache.stats();
  CHECK(s.fill_errors == 1);
  CHECK(s.bytes_held == 4096);  // block 1 filled fine
  CHECK(s.bytes_in_flight == 0);

  // The failed block is fetched again.
  Outcome oc;
  dev->read(0, 1, a, oc.callback());
  CHECK(fake->pending() == 1);
  settle(*fake);
  REQUIRE(oc.wait() == std::error_code{});
  CHECK(matches_pattern(a, 0));
}

TEST_CASE("cache: when in-flight fills fill the budget, reads bypass instead of waiting") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config_blocks(2));
  auto dev = cache.wrap(1, fake);
  std::vector<std::uint8_t> a(8192), b(1024);
  Outcome oa, ob;
  dev->read(0, 16, a, oa.callback());  // blocks 0 and 1 in flight: budget full
  REQUIRE(fake->pending() == 2);
  dev->read(17, 2, b, ob.callback());  // block 2: no room
  auto ops = fake->pending_ops();
  REQUIRE(ops.size() == 3);
  CHECK(ops[2].lba == 17);  // exactly the requested sectors, straight through
  CHECK(ops[2].sectors == 2);
  CHECK(cache.stats().bypassed == 1);
  CHECK(cache.stats().bytes_in_flight == 8192);
  REQUIRE(fake->complete(2));
  REQUIRE(ob.wait() == std::error_code{});
  CHECK(matches_pattern(b, 17 * 512));
  settle(*fake);
  REQUIRE(oa.wait() == std::error_code{});
  CHECK(matches_pattern(a, 0));
  auto s = cache.stats();
  CHECK(s.bytes_held == 8192);
  CHECK(s.bytes_in_flight == 0);
}

TEST_CASE("cache: a budget smaller than one block caches nothing but reads work") {
  auto fake = pattern_device(64);
  cache::CacheConfig c = config_blocks(0);
  c.capacity_bytes = 1024;
  cache::BlockCache cache(c);
  auto dev = cache.wrap(1, fake);
  std::vector<std::uint8_t> a(512);
  Outcome oa;
  dev->read(3, 1, a, oa.callback());
  settle(*fake);
  REQUIRE(oa.wait() == std::error_code{});
  CHECK(matches_pattern(a, 3 * 512));
  CHECK(cache.stats().bypassed == 1);
  CHECK(cache.stats().bytes_held == 0);
}

TEST_CASE("cache: a device may be dropped while its fills are in flight") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(config_blocks(4));
  std::vector<std::uint8_t> a(512);
  Outcome oa;
  {
    auto dev = cache.wrap(1, fake);
    dev->read(0, 1, a, oa.callback());
  }
  cache.wrap(1, fake);  // drops target 1's blocks, detaching the fill
  settle(*fake);
  REQUIRE(oa.wait() == std::error_code{});
  CHECK(matches_pattern(a, 0));
  auto s = cache.stats();
  CHECK(s.bytes_held == 0);
  CHECK(s.bytes_in_flight == 0);
}
