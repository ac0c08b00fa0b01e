// The cache as the daemon uses it: a CachedDevice per target over a threaded
// device, a ReadStream per open file, bytes read and written through
// aoefs::read_bytes / write_bytes (unaligned, read-modify-write) — sequential
// reads are served by read-ahead and written bytes are read back at once.
#include <catch2/catch.hpp>

#include <future>
#include <random>

#include "aoefs/fs/unaligned_io.hpp"
#include "blockdev/block_device.hpp"
#include "cache/block_cache.hpp"
#include "support/memory_block_device.hpp"

namespace {

using Device = std::shared_ptr<blockdev::BlockDevice>;

std::vector<std::uint8_t> read_sync(const Device& dev, std::uint64_t offset, std::size_t length) {
  std::promise<std::vector<std::uint8_t>> p;
  aoefs::read_bytes(dev, offset, length, [&](std::error_code ec, aoefs::ReadParts parts) {
    std::vector<std::uint8_t> d;
    for (auto part : parts) d.insert(d.end(), part.begin(), part.end());
    p.set_value(ec ? std::vector<std::uint8_t>{} : std::move(d));
  });
  return p.get_future().get();
}

std::error_code write_sync(const Device& dev, const std::shared_ptr<aoefs::RangeLock>& lock,
                           std::uint64_t offset, std::vector<std::uint8_t> data) {
  std::promise<std::error_code> p;
  aoefs::write_bytes(dev, lock, offset, std::move(data),
                     [&](std::error_code ec, std::size_t) { p.set_value(ec); });
  return p.get_future().get();
}

}  // namespace

TEST_CASE("cache daemon path: sequential 128 KiB reads are served by read-ahead") {
  constexpr std::uint64_t kBytes = 8 * 1024 * 1024 + 3 * 512;  // not a multiple of the block
  auto backing = std::make_shared<aoetest::MemoryBlockDevice>(kBytes / 512);
  std::mt19937 rng(5);
  for (auto& b : backing->bytes()) b = static_cast<std::uint8_t>(rng());
  cache::CacheConfig config;  // defaults: 64 KiB blocks, 64 MiB, 4 MiB read-ahead
  config.capacity_bytes = 16 * 1024 * 1024;
  cache::BlockCache cache(config);
  auto device = cache.wrap(0x0100, backing);
  auto file = blockdev::open_read_stream(device, config.max_read_ahead_bytes);

  for (std::uint64_t off = 0; off < kBytes; off += 128 * 1024) {
    const auto want = std::min<std::uint64_t>(128 * 1024, kBytes - off);
    auto got = read_sync(file, off, want);
    REQUIRE(got.size() == want);
    REQUIRE(std::equal(got.begin(), got.end(), backing->bytes().begin() + off));
  }
  auto s = cache.stats();
  // The first two reads (4 blocks) miss: the first only sets the stream's
  // position. Every later block was fetched ahead.
  CHECK(s.uncached == 2);  // the first 128 KiB read: not yet known to be sequential
  CHECK(s.misses == 2);
  CHECK(s.bypassed == 0);
  CHECK(s.hits + s.coalesced + s.misses + s.uncached == 129);  // 128 blocks + the short tail
  CHECK(s.read_ahead_used == 125);
  CHECK(s.bytes_held + s.bytes_in_flight <= config.capacity_bytes);
}

TEST_CASE("cache daemon path: unaligned writes through one open file are read back by another") {
  auto backing = std::make_shared<aoetest::MemoryBlockDevice>(2048);
  backing->set_delay(std::chrono::microseconds(200));
  cache::CacheConfig config;
  config.capacity_bytes = 1024 * 1024;
  cache::BlockCache cache(config);
  auto device = cache.wrap(1, backing);
  auto lock = std::make_shared<aoefs::RangeLock>();
  auto reader = blockdev::open_read_stream(device, config.max_read_ahead_bytes);
  auto writer = blockdev::open_read_stream(device, config.max_read_ahead_bytes);
  std::vector<std::uint8_t> model(2048 * 512, 0);

  std::mt19937 rng(9);
  for (int i = 0; i < 60; ++i) {
    // Warm the cache (with read-ahead) around where the write will land.
    const std::uint64_t off = rng() % (model.size() - 70000);
    const std::size_t len = 1 + rng() % 70000;
    read_sync(reader, off > 65536 ? off - 65536 : 0, 131072);
    read_sync(reader, off > 65536 ? off + 65536 : 131072, 131072);
    std::vector<std::uint8_t> data(len);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    std::copy(data.begin(), data.end(), model.begin() + off);
    REQUIRE(write_sync(writer, lock, off, std::move(data)) == std::error_code{});
    auto back = read_sync(reader, off > 100 ? off - 100 : 0, len + 200);
    const auto from = off > 100 ? off - 100 : 0;
    REQUIRE(back.size() == len + 200);
    REQUIRE(std::equal(back.begin(), back.end(), model.begin() + from));
  }
  CHECK(read_sync(reader, 0, model.size()) == model);
  CHECK(cache.stats().hits > 0);
}
