#include <catch2/catch.hpp>

#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

#include "blockdev/completion_join.hpp"

using blockdev::CompletionJoin;

namespace {
const std::error_code kIo = std::make_error_code(std::errc::io_error);
const std::error_code kNoSpace = std::make_error_code(std::errc::no_space_on_device);
}  // namespace

TEST_CASE("completion join: only the last part gets the result", "[completion_join]") {
  CompletionJoin join(3);
  CHECK_FALSE(join.end_part({}));
  CHECK_FALSE(join.end_part({}));
  const auto result = join.end_part({});
  REQUIRE(result);
  CHECK_FALSE(*result);
}

TEST_CASE("completion join: the first error wins, whichever part ends last", "[completion_join]") {
  CompletionJoin join(3);
  CHECK_FALSE(join.end_part({}));
  CHECK_FALSE(join.end_part(kIo));
  const auto result = join.end_part(kNoSpace);
  REQUIRE(result);
  CHECK(*result == kIo);
}

TEST_CASE("completion join: a single part", "[completion_join]") {
  CompletionJoin join(1);
  const auto result = join.end_part(kIo);
  REQUIRE(result);
  CHECK(*result == kIo);
}

TEST_CASE("completion join: parts added while a guard is held", "[completion_join]") {
  CompletionJoin join(1);  // the guard
  join.add_parts(2);
  CHECK_FALSE(join.end_part({}));
  CHECK_FALSE(join.end_part({}));  // every added part ended: the guard still holds it open
  join.add_parts(1);
  CHECK_FALSE(join.end_part(kNoSpace));
  const auto result = join.end_part({});  // the guard, last
  REQUIRE(result);
  CHECK(*result == kNoSpace);
}

TEST_CASE("completion join: parts announced before any started", "[completion_join]") {
  CompletionJoin join(0);
  join.add_parts(2);
  CHECK_FALSE(join.end_part({}));
  REQUIRE(join.end_part({}));
}

TEST_CASE("completion join: parts ending on many threads", "[completion_join]") {
  constexpr std::size_t kThreads = 8, kPartsEach = 2'000;
  for (int round = 0; round < 20; ++round) {
    CompletionJoin join(kThreads * kPartsEach);
    std::vector<int> written(kThreads * kPartsEach, 0);  // plain ints: ordered by the join
    std::atomic<int> results{0};
    std::atomic<bool> saw_all_writes{false}, saw_error{false};
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t i = 0; i < kPartsEach; ++i) {
          const std::size_t part = t * kPartsEach + i;
          written[part] = 1;
          const bool fails = part == 777 || part == 12'345;
          const auto result = join.end_part(fails ? kIo : std::error_code{});
          if (!result) continue;
          ++results;
          saw_error = *result == kIo;
          bool all = true;
          for (int w : written) all = all && w == 1;
          saw_all_writes = all;
        }
      });
    }
    for (auto& th : threads) th.join();
    REQUIRE(results == 1);
    CHECK(saw_error);
    CHECK(saw_all_writes);
  }
}
