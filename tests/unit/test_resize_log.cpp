// The resize lines' rate limit (aoefs/daemon/resize_log.hpp), with the
// clock given: the first resize told at once, then at most one line per
// target per interval, the held-back ones counted and the last capacity
// told when the interval is over.
#include <catch2/catch.hpp>

#include "aoefs/daemon/resize_log.hpp"

using namespace aoefs;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t MiB = 1ull << 20;
const ResizeLog::TimePoint t0{std::chrono::hours(1)};

}  // namespace

TEST_CASE("resize log: an occasional resize is told at once, each time", "[resize]") {
  ResizeLog log(10s);
  auto first = log.resized("e1.0", 64 * MiB, 128 * MiB, t0);
  REQUIRE(first);
  CHECK(first->level == LogLevel::info);
  CHECK(first->text == "e1.0 resized: 64.0 MiB -> 128.0 MiB");
  CHECK_FALSE(log.next_due());
  CHECK(log.due(t0 + 1h).empty());
  auto later = log.resized("e1.0", 128 * MiB, 32 * MiB, t0 + 10s);
  REQUIRE(later);
  CHECK(later->text == "e1.0 resized: 128.0 MiB -> 32.0 MiB");
}

TEST_CASE("resize log: a storm is one line per interval with the count and the last size",
          "[resize]") {
  ResizeLog log(10s);
  REQUIRE(log.resized("e1.0", 64 * MiB, 128 * MiB, t0));
  // 600 more within the first 10 s (a target flapping between two sizes):
  // nothing more now.
  for (int i = 1; i <= 600; ++i) {
    const std::uint64_t from = i % 2 ? 128 * MiB : 64 * MiB;
    const std::uint64_t to = i % 2 ? 64 * MiB : 128 * MiB;
    CHECK_FALSE(log.resized("e1.0", from, to, t0 + std::chrono::milliseconds(i * 16)));
  }
  REQUIRE(log.next_due());
  CHECK(*log.next_due() == t0 + 10s);
  CHECK(log.due(t0 + 9s).empty());
  auto notes = log.due(t0 + 10s);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].level == LogLevel::warning);
  // The 600th resize went from 64 to 128 MiB.
  CHECK(notes[0].text == "e1.0: resized 600 more times in the last 10 s; now 128.0 MiB");
  CHECK_FALSE(log.next_due());
  // That line started the next interval: the storm goes on, still held back.
  CHECK_FALSE(log.resized("e1.0", 128 * MiB, 64 * MiB, t0 + 12s));
  CHECK_FALSE(log.resized("e1.0", 64 * MiB, 100 * MiB, t0 + 13s));
  CHECK(*log.next_due() == t0 + 20s);
  notes = log.due(t0 + 21s);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].text == "e1.0: resized 2 more times in the last 11 s; now 100.0 MiB");
  // Quiet for an interval: the next resize is told at once again.
  CHECK(log.due(t0 + 31s).empty());
  auto again = log.resized("e1.0", 100 * MiB, 64 * MiB, t0 + 40s);
  REQUIRE(again);
  CHECK(again->text == "e1.0 resized: 100.0 MiB -> 64.0 MiB");
}

TEST_CASE("resize log: one held-back resize is told as its own line, late", "[resize]") {
  ResizeLog log(10s);
  REQUIRE(log.resized("e1.0", 64 * MiB, 128 * MiB, t0));
  CHECK_FALSE(log.resized("e1.0", 128 * MiB, 32 * MiB, t0 + 3s));
  auto notes = log.due(t0 + 10s);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].level == LogLevel::info);
  CHECK(notes[0].text == "e1.0 resized: 128.0 MiB -> 32.0 MiB");
}

TEST_CASE("resize log: a resize after a missed due() is told with the held ones", "[resize]") {
  ResizeLog log(10s);
  REQUIRE(log.resized("e1.0", 64 * MiB, 128 * MiB, t0));
  CHECK_FALSE(log.resized("e1.0", 128 * MiB, 64 * MiB, t0 + 1s));
  // due() was not called at t0 + 10 s: the next resize brings the line.
  auto late = log.resized("e1.0", 64 * MiB, 96 * MiB, t0 + 15s);
  REQUIRE(late);
  CHECK(late->text == "e1.0: resized 2 more times in the last 15 s; now 96.0 MiB");
  CHECK_FALSE(log.next_due());
  CHECK_FALSE(log.resized("e1.0", 96 * MiB, 64 * MiB, t0 + 16s));
}

TEST_CASE("resize log: targets are limited apart", "[resize]") {
  ResizeLog log(10s);
  REQUIRE(log.resized("e1.0", 64 * MiB, 128 * MiB, t0));
  REQUIRE(log.resized("e1.1", 64 * MiB, 128 * MiB, t0 + 2s));
  CHECK_FALSE(log.resized("e1.0", 128 * MiB, 64 * MiB, t0 + 3s));
  CHECK_FALSE(log.resized("e1.0", 64 * MiB, 128 * MiB, t0 + 4s));
  CHECK_FALSE(log.resized("e1.1", 128 * MiB, 64 * MiB, t0 + 5s));
  CHECK(*log.next_due() == t0 + 10s);  // e1.0's is first
  auto notes = log.due(t0 + 10s);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].text == "e1.0: resized 2 more times in the last 10 s; now 128.0 MiB");
  CHECK(*log.next_due() == t0 + 12s);
  notes = log.due(t0 + 12s);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].text == "e1.1 resized: 128.0 MiB -> 64.0 MiB");
  CHECK_FALSE(log.next_due());
}
