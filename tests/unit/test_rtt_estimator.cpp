#include <catch2/catch.hpp>

#include "protocol/congestion_window.hpp"
#include "protocol/rtt_estimator.hpp"
#include "protocol/tag_table.hpp"
#include "protocol/write_guard.hpp"

using namespace std::chrono_literals;
using aoe::Duration;

TEST_CASE("rtt: first sample sets srtt and half of it as deviation", "[rtt]") {
  aoe::RttEstimator e;
  CHECK_FALSE(e.has_sample());
  CHECK(e.rto() == std::chrono::milliseconds(250));
  e.sample(40ms);
  CHECK(e.srtt() == 40ms);
  CHECK(e.rttvar() == 20ms);
  CHECK(e.rto() == 120ms);
}

TEST_CASE("rtt: Jacobson/Karels smoothing converges and is clamped", "[rtt]") {
  aoe::RttEstimator e;
  for (int i = 0; i < 100; ++i) e.sample(100us);
  CHECK(e.srtt() < 200us);
  CHECK(e.srtt() >= 100us);
  CHECK(e.rto() == std::chrono::milliseconds(10));  // min clamp
  e.sample(10s);
  CHECK(e.srtt() > 1s);
  CHECK(e.rto() == 2s);  // max clamp
}

TEST_CASE("rtt: one step of the update rule", "[rtt]") {
  aoe::RttEstimator e({Duration(1ms), Duration(1us), Duration(10s)});
  e.sample(80ms);   // srtt 80, var 40
  e.sample(160ms);  // err 80: var 40 + (80-40)/4 = 50; srtt 80 + 80/8 = 90
  CHECK(e.rttvar() == 50ms);
  CHECK(e.srtt() == 90ms);
  CHECK(e.rto() == 290ms);
}

TEST_CASE("rtt: backoff doubles per retry up to the maximum", "[rtt]") {
  aoe::RttEstimator e;
  e.sample(40ms);  // rto 120
  CHECK(e.backoff(0) == 120ms);
  CHECK(e.backoff(1) == 240ms);
  CHECK(e.backoff(3) == 960ms);
  CHECK(e.backoff(10) == 2s);
}

TEST_CASE("window: AIMD halves once per loss event and grows back", "[rtt][window]") {
  aoe::CongestionWindow w(16);
  const aoe::TimePoint t0{};
  CHECK(w.size() == 16);
  w.on_loss(t0 + 1ms, t0 + 10ms);
  CHECK(w.size() == 8);
  w.on_loss(t0 + 2ms, t0 + 11ms);  // sent before the reduction: same event
  CHECK(w.size() == 8);
  w.on_loss(t0 + 12ms, t0 + 20ms);
  CHECK(w.size() == 4);
  for (int i = 0; i < 4 + 5 + 6 + 7; ++i) w.on_answer();
  CHECK(w.size() >= 7);
  for (int i = 0; i < 1000; ++i) w.on_answer();
  CHECK(w.size() == 16);
  for (int i = 0; i < 10; ++i)
    w.on_loss(t0 + std::chrono::seconds(i + 1), t0 + std::chrono::seconds(i + 1) + 1ms);
  CHECK(w.size() == 1);
}

TEST_CASE("tags: bit 31 set, fresh per retag, stale answers recognised", "[tags]") {
  aoe::TagTable<int> t;
  auto s = t.acquire();
  const auto first = t.tag(s);
  CHECK((first & 0x80000000u) != 0);
  CHECK(t.classify(first) == aoe::TagTable<int>::Match::current);
  const auto second = t.retag(s);
  CHECK(second != first);
  CHECK(t.classify(first) == aoe::TagTable<int>::Match::stale);
  CHECK(t.classify(second) == aoe::TagTable<int>::Match::current);
  t.release(s);
  CHECK(t.classify(second) == aoe::TagTable<int>::Match::stale);
  CHECK(t.classify(0x00001234) == aoe::TagTable<int>::Match::unknown);  // Linux-driver style tag
  CHECK(t.classify(0x80000000u | (500u << 12) | 7) == aoe::TagTable<int>::Match::unknown);
}

TEST_CASE("tags: unique among outstanding", "[tags]") {
  aoe::TagTable<int> t;
  std::vector<std::uint32_t> tags;
  for (unsigned i = 0; i < aoe::TagTable<int>::kSlots; ++i) tags.push_back(t.tag(t.acquire()));
  CHECK(t.full());
  std::sort(tags.begin(), tags.end());
  CHECK(std::adjacent_find(tags.begin(), tags.end()) == tags.end());
}

TEST_CASE("write guard: quarantined ranges block overlaps until they expire", "[guard]") {
  aoe::WriteGuard g;
  const aoe::TimePoint t0{};
  g.quarantine(100, 4, t0 + 1s);
  CHECK(g.blocked(103, 1, t0));
  CHECK(g.blocked(98, 3, t0));
  CHECK_FALSE(g.blocked(104, 4, t0));
  CHECK_FALSE(g.blocked(96, 4, t0));
  CHECK(g.blocked_until(100, 1, t0) == t0 + 1s);
  CHECK_FALSE(g.blocked(100, 4, t0 + 1s));
  CHECK(g.size() == 0);
  CHECK(aoe::WriteGuard::hold_for(10ms) == 1s);
  CHECK(aoe::WriteGuard::hold_for(2s) == 8s);
  CHECK(aoe::WriteGuard::hold_after_answer(10ms) == 10ms);
}

TEST_CASE("write guard: overlap queries see every live range among many", "[guard]") {
  aoe::WriteGuard g;
  const aoe::TimePoint t0{};
  // A stream of 2-sector frames, then one long range far away.
  for (std::uint64_t lba = 0; lba < 20000; lba += 2) g.quarantine(lba, 2, t0 + 10ms);
  g.quarantine(100000, 255, t0 + 1s);
  CHECK(g.blocked_until(19999, 1, t0) == t0 + 10ms);
  CHECK(g.blocked_until(100254, 8, t0) == t0 + 1s);  // starts 254 sectors into the long one
  CHECK_FALSE(g.blocked(20000, 1000, t0));
  CHECK_FALSE(g.blocked(100255, 8, t0));
  // Expired ranges stop blocking at once, and a sweep drops them.
  CHECK_FALSE(g.blocked(0, 20000, t0 + 10ms));
  g.expire(t0 + 10ms);
  CHECK(g.size() == 1);
  // A sweep is expire() at most every 50 ms.
  g.quarantine(0, 8, t0 + 20ms);
  g.sweep(t0 + 30ms);
  CHECK(g.size() == 2);
  g.sweep(t0 + 60ms);
  CHECK(g.size() == 1);
}
