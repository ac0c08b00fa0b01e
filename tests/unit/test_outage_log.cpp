// The outage lines of the daemon at a bounded rate (aoefs/daemon/outage_log.hpp).
#include <catch2/catch.hpp>

#include "aoefs/daemon/outage_log.hpp"

using namespace std::chrono_literals;
using aoefs::OutageLog;

TEST_CASE("outage log: told after the threshold, repeated at most every interval, then the end",
          "[outage]") {
  OutageLog log(5s, 30s);
  const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
  CHECK_FALSE(log.observe("e1.0", true, 3, 4s, t0));  // not yet
  auto first = log.observe("e1.0", true, 12, 5s, t0 + 1s);
  REQUIRE(first);
  CHECK(first->level == aoefs::LogLevel::warning);
  CHECK(first->text == "e1.0: no answer for 5 s, retrying; 12 requests waiting");
  int lines = 1;
  for (int s = 2; s <= 120; ++s)  // two minutes of polls, once a second
    if (log.observe("e1.0", true, 12, 4s + std::chrono::seconds(s), t0 + std::chrono::seconds(s)))
      ++lines;
  CHECK(lines == 4);                                         // at 1 s, 31 s, 61 s, 91 s
  CHECK_FALSE(log.observe("e2.0", true, 0, 0s, t0 + 121s));  // another target, idle
  auto back = log.observe("e1.0", true, 1, 10ms, t0 + 122s);
  REQUIRE(back);
  CHECK(back->level == aoefs::LogLevel::info);
  CHECK(back->text == "e1.0: answering again after 126 s");
  CHECK_FALSE(log.observe("e1.0", true, 1, 10ms, t0 + 123s));  // told once
}

TEST_CASE("outage log: a target that goes down ends the outage without a line", "[outage]") {
  OutageLog log(1s, 30s);
  const auto t0 = std::chrono::steady_clock::time_point{} + 1000s;
  REQUIRE(log.observe("e1.0", true, 1, 2s, t0));
  CHECK_FALSE(log.observe("e1.0", false, 0, 0s, t0 + 1s));  // "down" is the daemon's line
  CHECK_FALSE(log.observe("e1.0", true, 0, 0s, t0 + 2s));   // and so is "back"
}

TEST_CASE("outage log: the threshold follows the dead timeout, 5 s for ever", "[outage]") {
  CHECK(aoefs::outage_log_after(0ms) == 5s);
  CHECK(aoefs::outage_log_after(60s) == 5s);
  CHECK(aoefs::outage_log_after(8s) == 2s);
  CHECK(aoefs::outage_log_after(2s) == 1s);
}
