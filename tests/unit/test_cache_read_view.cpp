// BlockDevice::read_view through the cache: cached bytes stay in their
// blocks (no copy into the caller's buffer), and a block a view points into
// is neither reused for another block nor patched by a write while the view
// lives.
#include <catch2/catch.hpp>

#include <algorithm>
#include <future>

#include "cache/block_cache.hpp"
#include "cache/cached_device.hpp"
#include "test_cache_support.hpp"

using namespace cachetest;

namespace {

constexpr std::uint32_t kBlock = kSmallBlock;  // 8 sectors

struct ViewResult {
  std::error_code ec;
  blockdev::ReadView view;
};

// A view of `sectors` at `lba`, backing operations completed as needed;
// `buffer` is the caller's landing buffer.
ViewResult view_now(blockdev::BlockDevice& dev, FakeBlockDevice& fake, std::uint64_t lba,
                    std::uint32_t sectors, std::vector<std::uint8_t>& buffer) {
  buffer.assign(std::size_t{sectors} * kSectorSize, 0xEE);
  std::promise<ViewResult> p;
  dev.read_view(lba, sectors, buffer, [&](std::error_code ec, blockdev::ReadView v) {
    p.set_value({ec, std::move(v)});
  });
  settle(fake);
  auto f = p.get_future();
  REQUIRE(f.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  return f.get();
}

std::vector<std::uint8_t> gather(const blockdev::ReadView& v) {
  std::vector<std::uint8_t> out;
  for (const auto& p : v.parts) out.insert(out.end(), p.bytes.begin(), p.bytes.end());
  return out;
}

bool inside(std::span<const std::uint8_t> part, const std::vector<std::uint8_t>& buffer) {
  return part.data() >= buffer.data() && part.data() + part.size() <= buffer.data() + buffer.size();
}

void write_now(blockdev::BlockDevice& dev, FakeBlockDevice& fake, std::uint64_t lba,
               const std::vector<std::uint8_t>& data) {
  Outcome out;
  dev.write(lba, static_cast<std::uint32_t>(data.size() / kSectorSize), data, out.callback());
  settle(fake);
  auto ec = out.wait();
  REQUIRE(ec);
  REQUIRE(!*ec);
}

}  // namespace

TEST_CASE("cache view: cached bytes are handed out in their blocks, the buffer untouched") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(small_config(8));
  auto dev = cache.wrap(1, fake);
  std::vector<std::uint8_t> buffer;

  // Misses: the fills' waiters get parts in the new blocks.
  auto first = view_now(*dev, *fake, 4, 8, buffer);  // half of block 0, half of block 1
  REQUIRE_FALSE(first.ec);
  REQUIRE(first.view.parts.size() == 2);
  CHECK(matches_pattern(gather(first.view), 4 * 512));
  for (const auto& p : first.view.parts) {
    CHECK(p.pin);
    CHECK_FALSE(inside(p.bytes, buffer));
  }
  CHECK(std::all_of(buffer.begin(), buffer.end(), [](auto b) { return b == 0xEE; }));

  // Hits: the same, without the device.
  const auto reads = fake->reads();
  auto again = view_now(*dev, *fake, 0, 16, buffer);
  REQUIRE_FALSE(again.ec);
  CHECK(matches_pattern(gather(again.view), 0));
  CHECK(fake->reads() == reads);
  CHECK(std::all_of(buffer.begin(), buffer.end(), [](auto b) { return b == 0xEE; }));
}

TEST_CASE("cache view: bytes the cache does not hold land in the caller's buffer") {
  auto fake = pattern_device(64);
  auto config = small_config(8);
  cache::BlockCache cache(config);
  auto dev = std::dynamic_pointer_cast<cache::CachedDevice>(cache.wrap(1, fake));
  REQUIRE(dev);
  std::vector<std::uint8_t> buffer(8 * 512, 0xEE);
  std::promise<ViewResult> p;
  dev->lookup_or_fill_view(
      8, 8, buffer,
      [&](std::error_code ec, blockdev::ReadView v) {
        p.set_value({ec, std::move(v)});
      },
      false);
  settle(*fake);
  auto r = p.get_future().get();
  REQUIRE_FALSE(r.ec);
  REQUIRE(r.view.parts.size() == 1);
  CHECK_FALSE(r.view.parts[0].pin);
  CHECK(inside(r.view.parts[0].bytes, buffer));
  CHECK(matches_pattern(gather(r.view), 8 * 512));
  CHECK(cache.stats().uncached == 1);
}

TEST_CASE("cache view: a block a view points into is not reused while the view lives") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(small_config(1));  // room for one block
  auto dev = cache.wrap(1, fake);
  std::vector<std::uint8_t> buffer;
  auto held = view_now(*dev, *fake, 0, 8, buffer);  // block 0, pinned by `held`
  REQUIRE_FALSE(held.ec);
  for (std::uint64_t block = 1; block < 4; ++block) {  // each evicts the one before
    auto v = view_now(*dev, *fake, block * 8, 8, buffer);
    REQUIRE_FALSE(v.ec);
    CHECK(matches_pattern(gather(v.view), block * kBlock));
  }
  CHECK(matches_pattern(gather(held.view), 0));  // block 0's bytes, untouched
  CHECK(cache.stats().evictions == 3);
}

TEST_CASE("cache view: a write over a pinned block drops it instead of patching it") {
  auto fake = pattern_device(64);
  cache::BlockCache cache(small_config(8));
  auto dev = cache.wrap(1, fake);
  std::vector<std::uint8_t> buffer;
  auto held = view_now(*dev, *fake, 0, 8, buffer);
  REQUIRE_FALSE(held.ec);
  const auto invalidations = cache.stats().invalidations;
  write_now(*dev, *fake, 2, std::vector<std::uint8_t>(512, 0x5A));
  CHECK(matches_pattern(gather(held.view), 0));  // the view keeps what it saw
  CHECK(cache.stats().invalidations == invalidations + 1);
  held = {};  // unpinned: a later write patches in place again
  auto fresh = view_now(*dev, *fake, 0, 8, buffer);  // fetched again: the new data
  auto bytes = gather(fresh.view);
  REQUIRE(bytes.size() == kBlock);
  CHECK(bytes[2 * 512] == 0x5A);
  CHECK(matches_pattern(std::span(bytes).first(2 * 512), 0));
}
