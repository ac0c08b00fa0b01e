#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "aoefs/util/buffer_pool.hpp"

using aoefs::BufferPool;

TEST_CASE("buffer pool: a returned buffer is handed out again, same memory") {
  BufferPool pool(8u << 20);
  std::uint8_t* first = nullptr;
  {
    auto b = pool.take(1u << 20);
    REQUIRE(b.size() == 1u << 20);
    std::memset(b.data(), 0xab, b.size());  // writable over its whole size
    first = b.data();
  }
  CHECK(pool.counters().free_bytes == 1u << 20);
  auto again = pool.take(1u << 20);
  CHECK(again.data() == first);
  const auto c = pool.counters();
  CHECK(c.taken == 2);
  CHECK(c.reused == 1);
  CHECK(c.free_bytes == 0);
}

TEST_CASE("buffer pool: sizes share a 64 KiB class; truncate keeps the capacity") {
  BufferPool pool(8u << 20);
  std::uint8_t* p = nullptr;
  {
    auto b = pool.take((1u << 20) + 512);  // an unaligned 1 MiB read: whole sectors
    CHECK(b.capacity() == (1u << 20) + (64u << 10));
    b.truncate(100);
    CHECK(b.size() == 100);
    CHECK(b.capacity() == (1u << 20) + (64u << 10));
    p = b.data();
  }
  auto c = pool.take((1u << 20) + 4096);  // a FUSE request buffer: the same class
  CHECK(c.data() == p);
  CHECK(c.size() == (1u << 20) + 4096);
  auto d = pool.take(1u << 20);  // another class
  CHECK(d.data() != p);
  CHECK(d.capacity() == 1u << 20);
}

TEST_CASE("buffer pool: a buffer larger than the bound is never kept") {
  BufferPool pool(1u << 20);
  { auto big = pool.take(3u << 20); }
  CHECK(pool.counters().free_bytes == 0);
  auto again = pool.take(3u << 20);
  CHECK(pool.counters().reused == 0);
}

TEST_CASE("buffer pool: free buffers stay within the bound; the rest is freed") {
  BufferPool pool(2u << 20);
  {
    std::vector<BufferPool::Buffer> held;
    for (int i = 0; i < 5; ++i) held.push_back(pool.take(1u << 20));
  }
  CHECK(pool.counters().free_bytes == 2u << 20);
}

TEST_CASE("buffer pool: a buffer coming back displaces free buffers of other classes") {
  BufferPool pool(2u << 20);
  {
    auto a = pool.take(1u << 20);
    auto b = pool.take(1u << 20);
  }
  CHECK(pool.counters().free_bytes == 2u << 20);  // an earlier workload's buffers
  std::uint8_t* p = nullptr;
  {
    auto request = pool.take((1u << 20) + 4096);
    p = request.data();
  }
  CHECK(pool.counters().free_bytes == (1u << 20) + (64u << 10));  // both old ones dropped
  auto again = pool.take((1u << 20) + 4096);
  CHECK(again.data() == p);
  CHECK(pool.counters().reused == 1);
}

TEST_CASE("buffer pool: small buffers bypass the pool, moves transfer ownership") {
  BufferPool pool(1u << 20);
  auto small = pool.take(4096);
  CHECK(small.size() == 4096);
  CHECK(pool.counters().taken == 0);
  BufferPool::Buffer moved = std::move(small);
  CHECK(moved.size() == 4096);
  CHECK(small.empty());
  auto empty = pool.take(0);
  CHECK(empty.empty());
}

TEST_CASE("buffer pool: a buffer may outlive its pool") {
  BufferPool::Buffer survivor;
  {
    BufferPool pool(4u << 20);
    survivor = pool.take(256 * 1024);
  }
  std::memset(survivor.data(), 1, survivor.size());
  survivor = BufferPool::Buffer{};  // returned to the pool's surviving state, freed with it
  CHECK(survivor.empty());
}

TEST_CASE("buffer pool: a narrowed buffer shows a part and returns the whole allocation") {
  BufferPool pool(8u << 20);
  std::uint8_t* whole = nullptr;
  {
    auto b = pool.take((1u << 20) + 4096);
    whole = b.data();
    for (std::size_t i = 0; i < b.size(); ++i) b.data()[i] = static_cast<std::uint8_t>(i);
    b.narrow(80, 1u << 20);
    CHECK(b.data() == whole + 80);
    CHECK(b.size() == 1u << 20);
    CHECK(b.span().front() == 80);
    CHECK(b.capacity() == (1u << 20) + (64u << 10));
    auto moved = std::move(b);  // a move keeps the view
    CHECK(moved.data() == whole + 80);
    CHECK(b.empty());
  }
  CHECK(pool.counters().free_bytes == (1u << 20) + (64u << 10));
  auto again = pool.take((1u << 20) + 4096);
  CHECK(again.data() == whole);  // given back from its start, not from the view
}
