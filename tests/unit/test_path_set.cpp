// PathSet: the bookkeeping of one target's ports, without an engine
// (the engine-level rules are in test_engine_ports.cpp).
#include <catch2/catch.hpp>

#include "protocol/path_set.hpp"

namespace {

using namespace std::chrono_literals;
using aoe::PathSet;

aoe::MacAddress mac(std::uint8_t last) { return aoe::MacAddress{{0x02, 0, 0, 0, 0, last}}; }

PathSet two_paths() {
  PathSet set;
  set.paths.push_back({0, mac(1)});
  set.paths.push_back({0, mac(2)});
  return set;
}

PathSet::Timing timing(bool identified = true) {
  PathSet::Timing t;
  t.path_timeout = 10s;
  t.backoff_cap = 2s;
  t.max_benched = 4;
  t.identified = identified;
  return t;
}

}  // namespace

TEST_CASE("path set: new frames rotate over healthy paths and skip missing ones") {
  PathSet set = two_paths();
  CHECK(set.choose() == 0);
  CHECK(set.choose() == 1);
  CHECK(set.choose() == 0);
  set.paths[1].misses = PathSet::kMisses;
  CHECK(set.healthy() == 1);
  for (int i = 0; i < 5; ++i) CHECK(set.choose() == 0);
  CHECK(set.next_healthy(0) == 0);  // the only healthy one
  set.paths[0].misses = PathSet::kMisses;
  CHECK(set.next_healthy(0) == 1);  // none healthy: plain rotation
}

TEST_CASE("path set: an index taken before a path was dropped still names a path") {
  PathSet set = two_paths();
  CHECK(set.at(3) == &set.paths[1]);
  set.paths.pop_back();
  CHECK(set.at(3) == &set.paths[0]);
  set.paths.clear();
  CHECK(set.at(0) == nullptr);
}

TEST_CASE("path set: an answer credits the path it came on") {
  PathSet set = two_paths();
  set.paths[0].misses = 2;
  set.paths[1].misses = 2;
  const aoe::TimePoint now{5s};
  set.credit(0, mac(2), now);  // sent on path 0, answered from path 1's MAC
  CHECK(set.paths[1].misses == 0);
  CHECK(set.paths[1].served);
  CHECK(set.paths[1].last_answer == now);
  CHECK(set.paths[0].misses == 2);
  set.credit(0, mac(9), now);  // from no path's MAC: the one it was sent on
  CHECK(set.paths[0].misses == 0);
}

TEST_CASE("path set: claims become candidates up to max_paths; benched ports are ignored") {
  PathSet set = two_paths();
  const aoe::TimePoint now{1s};
  CHECK(set.claim({0, mac(3)}, now, 4) == PathSet::Claim::added);
  CHECK(set.claim({0, mac(3)}, now + 1s, 4) == PathSet::Claim::known);
  CHECK(set.candidates.at(0).last_heard == now + 1s);
  CHECK(set.claim({0, mac(4)}, now, 4) == PathSet::Claim::added);
  CHECK(set.claim({0, mac(5)}, now, 4) == PathSet::Claim::full);
  set.benched.push_back({aoe::Path{1, mac(6)}, now + 10s});
  CHECK(set.claim({1, mac(6)}, now, 8) == PathSet::Claim::benched);
  CHECK(set.claim({1, mac(6)}, now + 10s, 8) == PathSet::Claim::added);
}

TEST_CASE("path set: candidates are probed with back-off, after 500 ms while unidentified") {
  PathSet set;
  set.paths.push_back({0, mac(1)});
  const aoe::TimePoint t0{1s};
  REQUIRE(set.claim({0, mac(2)}, t0, 4) == PathSet::Claim::added);
  auto up = set.upkeep(t0, timing(false));
  CHECK(up.probe.empty());
  CHECK(up.wake == t0 + 500ms);
  up = set.upkeep(t0 + 500ms, timing(false));
  REQUIRE(up.probe.size() == 1);
  CHECK(up.probe[0].mac == mac(2));
  CHECK(set.upkeep(t0 + 600ms, timing(false)).probe.empty());  // backing off: 250 ms
  CHECK(set.upkeep(t0 + 750ms, timing(false)).probe.size() == 1);
  CHECK(set.upkeep(t0 + 1000ms, timing(false)).probe.empty());  // then 500 ms
  CHECK(set.upkeep(t0 + 1250ms, timing(false)).probe.size() == 1);
}

TEST_CASE("path set: silent candidates are dropped; conflicts count from when last heard") {
  PathSet set;
  set.paths.push_back({0, mac(1)});
  const aoe::TimePoint t0{1s};
  set.claim({0, mac(2)}, t0, 4);
  set.claim({0, mac(3)}, t0, 4);
  set.candidates[1].conflict = true;
  set.candidates[1].last_heard = t0 + 5s;
  auto up = set.upkeep(t0 + 10s, timing());
  CHECK(up.dropped == 1);
  CHECK_FALSE(up.changed);  // an unconfirmed candidate is not in the info
  REQUIRE(set.candidates.size() == 1);
  CHECK(set.candidates[0].conflict);
  up = set.upkeep(t0 + 15s, timing());
  CHECK(up.dropped == 1);
  CHECK(up.changed);  // a conflict left the info
  CHECK(set.candidates.empty());
}

TEST_CASE("path set: a path silent while another serves I/O is dropped and benched") {
  PathSet set = two_paths();
  const aoe::TimePoint t0{100s};
  set.paths[0].served = true;
  set.paths[0].last_answer = t0;
  set.paths[1].last_answer = t0 - 10s;
  auto up = set.upkeep(t0, timing());
  CHECK(up.dropped == 1);
  CHECK(up.changed);
  REQUIRE(set.paths.size() == 1);
  CHECK(set.paths[0].mac == mac(1));
  REQUIRE(set.benched.size() == 1);
  CHECK(set.benched[0].second == t0 + 10s);
  // An idle target (no path served I/O lately) keeps its last path, and
  // any path at all when none answers.
  up = set.upkeep(t0 + 30s, timing());
  CHECK(up.dropped == 0);
  CHECK(set.paths.size() == 1);
  CHECK(set.benched.empty());  // the bench expired
}

TEST_CASE("path set: a missing path is probed only while another is healthy") {
  PathSet set = two_paths();
  set.paths[1].misses = PathSet::kMisses;
  const aoe::TimePoint t0{1s};
  auto up = set.upkeep(t0, timing());
  REQUIRE(up.probe.size() == 1);
  CHECK(up.probe[0].mac == mac(2));
  set.paths[0].misses = PathSet::kMisses;
  up = set.upkeep(t0 + 1h, timing());
  CHECK(up.probe.empty());  // none healthy: frames still go, retransmissions tell
}

TEST_CASE("path set: adopting a candidate's identity turns the old paths into candidates") {
  PathSet set;
  set.paths.push_back({0, mac(1)});
  const aoe::TimePoint t0{1s};
  set.claim({0, mac(2)}, t0, 4);
  CHECK_FALSE(set.adopt({0, mac(9)}, t0));
  REQUIRE(set.adopt({0, mac(2)}, t0 + 1s));
  REQUIRE(set.paths.size() == 1);
  CHECK(set.paths[0].mac == mac(2));
  REQUIRE(set.candidates.size() == 1);
  CHECK(set.candidates[0].mac == mac(1));
  set.promote(0, t0 + 2s);
  CHECK(set.paths.size() == 2);
  CHECK(set.candidates.empty());
}

TEST_CASE("path set: probe back-off doubles from 250 ms up to the cap") {
  CHECK(aoe::probe_backoff(0, 2s) == 250ms);
  CHECK(aoe::probe_backoff(1, 2s) == 500ms);
  CHECK(aoe::probe_backoff(3, 2s) == 2s);
  CHECK(aoe::probe_backoff(30, 2s) == 2s);
  CHECK(aoe::probe_backoff(5, 100ms) == 100ms);
}

TEST_CASE("path set: a port showing another disk becomes a conflict, the last path never") {
  PathSet set = two_paths();
  const aoe::TimePoint now{7s};
  REQUIRE(set.claim({0, mac(3)}, now, 8) == PathSet::Claim::added);
  aoe::TargetConflict seen;
  seen.serial = "OTHER";
  CHECK(set.mark_conflict({0, mac(3)}, seen, now));  // a candidate
  CHECK(set.candidates.back().conflict);
  CHECK(set.candidates.back().seen.serial == "OTHER");
  CHECK_FALSE(set.mark_conflict({0, mac(3)}, seen, now));  // already one
  CHECK(set.mark_conflict({0, mac(2)}, seen, now));        // a path, not the last
  CHECK_FALSE(set.is_path(0, mac(2)));
  REQUIRE(set.candidates.size() == 2);
  CHECK(set.candidates.back().mac == mac(2));
  CHECK(set.candidates.back().conflict);
  CHECK_FALSE(set.mark_conflict({0, mac(1)}, seen, now));  // the last path stays
  CHECK(set.is_path(0, mac(1)));
  CHECK_FALSE(set.mark_conflict({1, mac(1)}, seen, now));  // no such port
}
