#include <catch2/catch.hpp>

#include <condition_variable>
#include <cstring>
#include <future>
#include <mutex>
#include <random>

#include "aoefs/fs/unaligned_io.hpp"
#include "support/memory_block_device.hpp"

using aoefs::RangeLock;
using aoetest::MemoryBlockDevice;

namespace {

std::error_code write_sync(std::shared_ptr<MemoryBlockDevice> dev, std::shared_ptr<RangeLock> lock,
                           std::uint64_t offset, std::vector<std::uint8_t> data,
                           std::size_t* written = nullptr) {
  std::promise<std::pair<std::error_code, std::size_t>> p;
  aoefs::write_bytes(dev, lock, offset, std::move(data), [&](std::error_code ec, std::size_t n) {
    p.set_value({ec, n});
  });
  auto [ec, n] = p.get_future().get();
  if (written) *written = n;
  return ec;
}

std::pair<std::error_code, std::vector<std::uint8_t>> read_sync(
    std::shared_ptr<MemoryBlockDevice> dev, std::uint64_t offset, std::size_t length) {
  std::promise<std::pair<std::error_code, std::vector<std::uint8_t>>> p;
  aoefs::read_bytes(dev, offset, length, [&](std::error_code ec, aoefs::ReadParts parts) {
    std::vector<std::uint8_t> d;
    for (auto part : parts) d.insert(d.end(), part.begin(), part.end());
    p.set_value({ec, std::move(d)});
  });
  return p.get_future().get();
}

std::vector<std::uint8_t> random_bytes(std::mt19937& rng, std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

}  // namespace

TEST_CASE("sector_span splits a byte range into head, body and tail") {
  auto s = aoefs::sector_span(0, 1024);
  CHECK(s.first == 0);
  CHECK(s.count == 2);
  CHECK_FALSE(s.head_partial);
  CHECK_FALSE(s.tail_partial);

  s = aoefs::sector_span(100, 10);  // inside one sector
  CHECK(s.first == 0);
  CHECK(s.count == 1);
  CHECK(s.head_skip == 100);
  CHECK(s.head_partial);
  CHECK_FALSE(s.tail_partial);

  s = aoefs::sector_span(512, 100);  // aligned start, short end, one sector
  CHECK(s.first == 1);
  CHECK(s.count == 1);
  CHECK(s.head_partial);

  s = aoefs::sector_span(511, 2);  // straddles two sectors
  CHECK(s.first == 0);
  CHECK(s.count == 2);
  CHECK(s.head_partial);
  CHECK(s.tail_partial);

  s = aoefs::sector_span(1024, 1536 + 7);
  CHECK(s.first == 2);
  CHECK(s.count == 4);
  CHECK_FALSE(s.head_partial);
  CHECK(s.tail_partial);
}

TEST_CASE("unaligned reads and writes match an in-memory model") {
  auto dev = std::make_shared<MemoryBlockDevice>(64);
  auto lock = std::make_shared<RangeLock>();
  std::vector<std::uint8_t> model(64 * 512);
  std::mt19937 rng(42);
  for (auto& b : dev->bytes()) b = static_cast<std::uint8_t>(rng());
  model = dev->bytes();

  for (int i = 0; i < 300; ++i) {
    const std::uint64_t offset = rng() % model.size();
    const std::size_t length = 1 + rng() % std::min<std::size_t>(3000, model.size() - offset);
    auto data = random_bytes(rng, length);
    std::memcpy(model.data() + offset, data.data(), length);
    std::size_t written = 0;
    REQUIRE_FALSE(write_sync(dev, lock, offset, data, &written));
    REQUIRE(written == length);

    const std::uint64_t roff = rng() % model.size();
    const std::size_t rlen = 1 + rng() % 3000;
    auto [ec, got] = read_sync(dev, roff, rlen);
    REQUIRE_FALSE(ec);
    const std::size_t expect = std::min<std::size_t>(rlen, model.size() - roff);
    REQUIRE(got.size() == expect);
    REQUIRE(std::memcmp(got.data(), model.data() + roff, expect) == 0);
  }
  CHECK(dev->bytes() == model);
  CHECK(lock->held_count() == 0);
}

TEST_CASE("reads past the end are short, writes past the end fail or are short") {
  auto dev = std::make_shared<MemoryBlockDevice>(4);
  auto lock = std::make_shared<RangeLock>();
  auto [ec, got] = read_sync(dev, 2000, 100);
  CHECK_FALSE(ec);
  CHECK(got.size() == 48);
  auto [ec2, none] = read_sync(dev, 2048, 100);
  CHECK_FALSE(ec2);
  CHECK(none.empty());

  CHECK(write_sync(dev, lock, 2048, std::vector<std::uint8_t>(10, 1)) ==
        std::errc::no_space_on_device);
  std::size_t written = 0;
  CHECK_FALSE(write_sync(dev, lock, 2040, std::vector<std::uint8_t>(20, 7), &written));
  CHECK(written == 8);
  CHECK(dev->bytes()[2047] == 7);
}

TEST_CASE("device errors pass through unchanged") {
  auto dev = std::make_shared<MemoryBlockDevice>(4);
  auto lock = std::make_shared<RangeLock>();
  const auto failure = std::make_error_code(std::errc::io_error);
  dev->set_failure(failure);
  CHECK(write_sync(dev, lock, 3, std::vector<std::uint8_t>(10, 1)) == failure);
  CHECK(write_sync(dev, lock, 0, std::vector<std::uint8_t>(512, 1)) == failure);
  CHECK(read_sync(dev, 1, 1).first == failure);
  CHECK(lock->held_count() == 0);
}

TEST_CASE("overlapping unaligned writes in flight together never tear a sector") {
  for (int round = 0; round < 50; ++round) {
    auto dev = std::make_shared<MemoryBlockDevice>(8);
    auto lock = std::make_shared<RangeLock>();
    // A covers bytes 100..1400, B covers 700..2000: both read-modify-write
    // sector 1 (512..1023) and sector 2 (1024..1535).
    std::vector<std::uint8_t> a(1300, 0xAA), b(1300, 0xBB);
    std::mutex m;
    std::condition_variable cv;
    int done = 0;
    auto finish = [&](std::error_code ec, std::size_t) {
      REQUIRE_FALSE(ec);
      std::lock_guard g(m);
      ++done;
      cv.notify_all();
    };
    aoefs::write_bytes(dev, lock, 100, a, finish);
    aoefs::write_bytes(dev, lock, 700, b, finish);
    std::unique_lock g(m);
    cv.wait(g, [&] { return done == 2; });
    const auto& bytes = dev->bytes();
    // Whichever came last owns the overlap 700..1400 entirely; the rest of
    // each range must be its own writer's.
    const std::uint8_t last = bytes[700];
    for (int i = 100; i < 700; ++i) REQUIRE(bytes[i] == 0xAA);
    for (int i = 700; i < 1400; ++i) REQUIRE(bytes[i] == last);
    for (int i = 1400; i < 2000; ++i) REQUIRE(bytes[i] == 0xBB);
    CHECK(bytes[99] == 0);
    CHECK(bytes[2000] == 0);
  }
}
