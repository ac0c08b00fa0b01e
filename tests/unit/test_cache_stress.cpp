// Stress: several threads read (sequentially through read-ahead streams and
// at random) and write one cache while another thread completes the fake
// device's operations in random order, sometimes failing reads. Every sector
// read must carry its own address, and a thread always reads back exactly
// what it last wrote to the sectors only it writes (a read that starts after
// a write completed sees it), whatever fills and read-aheads were racing.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstring>
#include <random>
#include <thread>

#include "blockdev/block_device.hpp"
#include "cache/block_cache.hpp"
#include "test_cache_support.hpp"

using namespace cachetest;

namespace {

constexpr int kThreads = 4;
constexpr std::uint64_t kSectors = 1024;
constexpr std::uint64_t kRun = 3;  // sectors per ownership run: blocks mix owners

int owner_of(std::uint64_t lba) { return static_cast<int>((lba / kRun) % kThreads); }

// A sector's contents: (lba, version) repeated.
void fill_sector(std::uint8_t* p, std::uint32_t lba, std::uint32_t version) {
  for (std::size_t i = 0; i < kSectorSize; i += 8) {
    std::memcpy(p + i, &lba, 4);
    std::memcpy(p + i + 4, &version, 4);
  }
}

// Returns false if the sector is torn or of another address.
bool decode_sector(const std::uint8_t* p, std::uint32_t& lba, std::uint32_t& version) {
  std::memcpy(&lba, p, 4);
  std::memcpy(&version, p + 4, 4);
  for (std::size_t i = 8; i < kSectorSize; i += 8)
    if (std::memcmp(p, p + i, 8) != 0) return false;
  return true;
}

}  // namespace

TEST_CASE("cache stress: many threads, random completion order, data checked against a model") {
  auto fake = std::make_shared<FakeBlockDevice>(kSectors);
  {
    std::vector<std::uint8_t> init(kSectors * kSectorSize);
    for (std::uint32_t s = 0; s < kSectors; ++s) fill_sector(init.data() + s * kSectorSize, s, 0);
    fake->poke(0, init);
  }
  cache::CacheConfig config;
  config.block_size = 4096;
  config.capacity_bytes = 16 * 4096;  // small: evictions and bypasses happen
  config.max_read_ahead_bytes = 8 * 4096;
  config.expiry = std::chrono::milliseconds(20);
  cache::BlockCache cache(config);
  auto device = cache.wrap(7, fake);

  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> read_failures{0}, completed{0};
  std::thread completer([&] {
    std::mt19937 rng(12345);
    while (!stop.load()) {
      auto ops = fake->pending_ops();
      if (ops.empty()) {
        std::this_thread::yield();
        continue;
      }
      const std::size_t i = std::uniform_int_distribution<std::size_t>(0, ops.size() - 1)(rng);
      std::error_code ec;
      if (ops[i].kind == FakeBlockDevice::Kind::read && rng() % 50 == 0)
        ec = std::make_error_code(std::errc::io_error);
      fake->complete(i, ec);
      ++completed;
    }
  });

  std::atomic<int> failures{0};
  std::atomic<std::uint64_t> sectors_checked{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(1000 + t);
      std::vector<std::uint32_t> mine(kSectors, 0);  // versions of my sectors
      auto stream = blockdev::open_read_stream(device, config.max_read_ahead_bytes);
      std::uint64_t next = (kSectors / kThreads) * t;
      auto wait = [&](Outcome& o) {
        auto ec = o.wait();
        if (!ec) ++failures;  // timed out
        return ec.value_or(std::make_error_code(std::errc::timed_out));
      };
      for (int op = 0; op < 1500; ++op) {
        const unsigned dice = rng() % 10;
        if (dice < 3) {  // write one of my runs
          std::uint64_t run = rng() % (kSectors / kRun);
          while (owner_of(run * kRun) != t) run = (run + 1) % (kSectors / kRun);
          const std::uint64_t lba = run * kRun;
          const std::uint32_t n = static_cast<std::uint32_t>(std::min(kRun, kSectors - lba));
          std::vector<std::uint8_t> data(n * kSectorSize);
          for (std::uint32_t s = 0; s < n; ++s) {
            ++mine[lba + s];
            fill_sector(data.data() + s * kSectorSize, static_cast<std::uint32_t>(lba + s),
                        mine[lba + s]);
          }
          Outcome o;
          (dice == 0 ? *device : *stream).write(lba, n, data, o.callback());
          if (wait(o)) ++failures;  // writes never fail here
          continue;
        }
        std::uint64_t lba;
        std::uint32_t n = 1 + rng() % 24;
        if (dice < 8) {  // sequential through my stream
          lba = next;
        } else {
          lba = rng() % kSectors;
        }
        if (lba + n > kSectors) {
          lba = 0;
        }
        next = lba + n;
        std::vector<std::uint8_t> buf(n * kSectorSize);
        Outcome o;
        stream->read(lba, n, buf, o.callback());
        if (auto ec = wait(o)) {
          if (ec == std::errc::io_error)
            ++read_failures;
          else
            ++failures;
          continue;
        }
        for (std::uint32_t s = 0; s < n; ++s) {
          std::uint32_t got_lba, version;
          const bool whole = decode_sector(buf.data() + s * kSectorSize, got_lba, version);
          if (!whole || got_lba != lba + s) {
            ++failures;
            continue;
          }
          if (owner_of(lba + s) == t && version != mine[lba + s]) ++failures;
          ++sectors_checked;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  // Let outstanding read-aheads finish, then stop the completer.
  for (int i = 0; i < 5000 && (fake->pending() > 0 || cache.stats().bytes_in_flight > 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  stop = true;
  completer.join();

  CHECK(failures.load() == 0);
  CHECK(sectors_checked.load() > 4000);
  auto s = cache.stats();
  INFO("hits " << s.hits << " misses " << s.misses << " coalesced " << s.coalesced << " bypassed "
               << s.bypassed << " ra issued " << s.read_ahead_issued << " used "
               << s.read_ahead_used << " wasted " << s.read_ahead_wasted << " evictions "
               << s.evictions << " invalidations " << s.invalidations << " fill errors "
               << s.fill_errors << " read failures " << read_failures.load());
  CHECK(s.bytes_in_flight == 0);
  CHECK(s.bytes_held <= config.capacity_bytes);
  CHECK(s.hits > 0);
  CHECK(s.read_ahead_issued > 0);
  CHECK(s.read_ahead_used > 0);
  CHECK(s.evictions > 0);
  CHECK(s.invalidations > 0);
  CHECK(read_failures.load() > 0);
  CHECK(fake->pending() == 0);
  // Settled: everything cached agrees with the device.
  std::vector<std::uint8_t> all(kSectors * kSectorSize);
  Outcome o;
  device->read(0, kSectors, all, o.callback());
  fake->complete_all();
  REQUIRE(o.wait() == std::error_code{});
  CHECK(all == fake->contents());
}
