// SegmentWatch's line per interval (segment_summary.hpp): its wording, and
// that answers for other initiators' tags alone are info, not a warning.
#include <catch2/catch.hpp>

#include "aoefs/daemon/segment_summary.hpp"

using namespace aoefs;
using namespace std::chrono_literals;

namespace {
constexpr std::size_t index_of(aoe::RefusedAnswer reason) {
  return static_cast<std::size_t>(reason);
}

// The line for what grew from nothing to `now`, which must be a warning.
std::string warning_text(const SegmentTotals& now, std::chrono::milliseconds interval = 60s) {
  const auto note = summarize_segment({}, now, interval);
  REQUIRE(note);
  CHECK(note->level == LogLevel::notice);
  return note->text;
}
}  // namespace

TEST_CASE("segment summary: nothing grew, nothing to say") {
  SegmentTotals t;
  t.unmatched = 7;
  t.foreign = 5;
  CHECK_FALSE(summarize_segment(t, t, 60s));
}

TEST_CASE("segment summary: only other initiators' answers is info and says who may be there") {
  SegmentTotals before, now;
  before.unmatched = before.foreign = 10;
  now.unmatched = now.foreign = 110;
  const auto note = summarize_segment(before, now, 60s);
  REQUIRE(note);
  CHECK(note->level == LogLevel::info);
  CHECK(note->text ==
        "segment: in the last 60 s: 100 answers for other initiators' tags: another initiator "
        "shares the segment or this NIC (another aoefs mount, aoetools, the Linux aoe driver); "
        "nothing refused");
}

TEST_CASE("segment summary: refused answers are a warning, by reason, most first") {
  SegmentTotals now;
  now.unmatched = 120;
  now.foreign = 100;
  now.refused[index_of(aoe::RefusedAnswer::port)] = 2;
  now.refused[index_of(aoe::RefusedAnswer::lba)] = 18;
  now.malformed = 3;
  now.paths_dropped = 1;
  CHECK(warning_text(now) ==
        "segment: in the last 60 s: 120 unmatched frames (100 answers for other initiators' tags; "
        "20 refused: lba 18, port 2), 3 malformed frames, 1 silent port dropped");
  // Equal counts keep RefusedAnswer's order.
  SegmentTotals tie;
  tie.unmatched = 2;
  tie.refused[index_of(aoe::RefusedAnswer::count)] = 1;
  tie.refused[index_of(aoe::RefusedAnswer::target)] = 1;
  CHECK(warning_text(tie) ==
        "segment: in the last 60 s: 2 unmatched frames (2 refused: target 1, count 1)");
}

TEST_CASE("segment summary: other trouble beside foreign answers stays a warning") {
  SegmentTotals now;
  SECTION("malformed frames") {
    now.unmatched = now.foreign = 4;
    now.malformed = 1;
  }
  SECTION("unmatched frames that are not foreign answers") {
    now.unmatched = 5;
    now.foreign = 4;
  }
  SECTION("targets past max_targets") {
    now.foreign = now.unmatched = 1;
    now.targets_refused = 2;
  }
  CHECK(warning_text(now, 500ms).rfind("segment: in the last 0.5 s: ", 0) == 0);
}

TEST_CASE("segment summary: caps and silent ports without unmatched frames") {
  SegmentTotals now;
  now.targets_refused = 1;
  now.paths_refused = 2;
  CHECK(warning_text(now) ==
        "segment: in the last 60 s: 1 answer of targets past max_targets, 2 ports past max_paths");
}
