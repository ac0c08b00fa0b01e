// ContentCheck: which sectors, and what the answers say (content_check.hpp).
#include <catch2/catch.hpp>

#include <vector>

#include "protocol/content_check.hpp"

namespace {

using aoe::ContentCheck;
using Side = ContentCheck::Side;
using Verdict = ContentCheck::Verdict;

ContentCheck make(std::uint64_t capacity, std::uint64_t media_changes = 0) {
  std::uint64_t n = 12345;
  return ContentCheck(1, {0, {}}, {1, {}}, capacity, media_changes, [&] { return n += 7919; });
}

void answer_all(ContentCheck& c, Side side, std::uint8_t fill) {
  const std::vector<std::uint8_t> sector(aoe::kSectorSize, fill);
  for (std::size_t i = 0; i < c.lbas().size(); ++i) c.answered(side, i, sector.data());
}

}  // namespace

TEST_CASE("content check: the first and last sector and two at random in between") {
  const ContentCheck c = make(1000);
  REQUIRE(c.lbas().size() == 4);
  CHECK(c.lbas()[0] == 0);
  CHECK(c.lbas()[1] == 999);
  for (std::size_t i = 2; i < 4; ++i) {
    CHECK(c.lbas()[i] >= 1);
    CHECK(c.lbas()[i] <= 998);
  }
  CHECK(make(1).lbas() == std::vector<std::uint64_t>{0});
  CHECK(make(2).lbas() == std::vector<std::uint64_t>{0, 1});
}

TEST_CASE("content check: pending until both sides answered every sector") {
  ContentCheck c = make(100);
  CHECK(c.verdict(0) == Verdict::pending);
  answer_all(c, Side::subject, 1);
  CHECK(c.verdict(0) == Verdict::pending);
  CHECK(c.has(Side::subject, 3));
  CHECK_FALSE(c.has(Side::reference, 0));
  answer_all(c, Side::reference, 1);
  CHECK(c.verdict(0) == Verdict::same);
}

TEST_CASE("content check: a difference is a conflict unless the media changed meanwhile") {
  ContentCheck c = make(100, 5);
  answer_all(c, Side::subject, 1);
  answer_all(c, Side::reference, 1);
  const std::vector<std::uint8_t> other(aoe::kSectorSize, 2);
  c.answered(Side::subject, 2, other.data());
  CHECK(c.verdict(5) == Verdict::differs);
  CHECK(c.verdict(6) == Verdict::inconclusive);
}
