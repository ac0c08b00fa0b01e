// The log lines of config-string locks (aoefs/locks/lock_log.hpp): worded
// by what happened, config strings escaped, repeated refusals quiet.
#include <catch2/catch.hpp>

#include "aoefs/locks/lock_log.hpp"
#include "protocol/codec/error.hpp"

using aoe::ConfigCommand;
using aoefs::LockLog;
using aoefs::LogLevel;

namespace {
const aoe::TargetAddress kTarget{1, 0};
const std::string kOurs = "aoefs-lock/1 host=a mac=02:00:00:00:00:01 pid=1 since=x daemon=2";
}  // namespace

TEST_CASE("lock log: a claim answered with our string says locked", "[locks][log]") {
  LockLog log;
  auto l = log.line(kTarget, ConfigCommand::set_if_empty, kOurs, {}, kOurs);
  REQUIRE(l);
  CHECK(l->level == LogLevel::info);
  CHECK(l->text == "e1.0: locked (config string '" + kOurs + "')");
}

TEST_CASE("lock log: a claim refused says held by another host, never locked", "[locks][log]") {
  LockLog log;
  SECTION("AoE error 4 (vblade)") {
    auto l = log.line(kTarget, ConfigCommand::set_if_empty, kOurs,
                      aoe::AoeErrc::config_string_present, "");
    REQUIRE(l);
    CHECK(l->level == LogLevel::info);
    CHECK(l->text ==
          "e1.0: lock held by another host (the target refused set-if-empty: its "
          "config string is set)");
  }
  SECTION("an answer with another host's string") {
    auto l = log.line(kTarget, ConfigCommand::set_if_empty, kOurs, {}, "theirs");
    REQUIRE(l);
    CHECK(l->level == LogLevel::info);
    CHECK(l->text == "e1.0: lock held by another host (config string 'theirs')");
  }
}

TEST_CASE("lock log: the config string is escaped", "[locks][log]") {
  LockLog log;
  const std::string hostile = "x\x1b]0;owned\x07\\y\n";
  auto l = log.line(kTarget, ConfigCommand::set_if_empty, kOurs, {}, hostile);
  REQUIRE(l);
  CHECK(l->text ==
        "e1.0: lock held by another host (config string 'x\\x1b]0;owned\\x07\\\\y\\x0a')");
  for (char c : l->text) CHECK((c >= 0x20 && c <= 0x7e));
  auto ours = log.line(kTarget, ConfigCommand::set_if_empty, hostile, {}, hostile);
  REQUIRE(ours);
  CHECK(ours->text.find('\x1b') == std::string::npos);
}

TEST_CASE("lock log: retries that find the same holder log at debug", "[locks][log]") {
  LockLog log;
  const auto refused = [&] {
    return log.line(kTarget, ConfigCommand::set_if_empty, kOurs, {}, "theirs")->level;
  };
  CHECK(refused() == LogLevel::info);
  CHECK(refused() == LogLevel::debug);
  CHECK(refused() == LogLevel::debug);
  // Another holder, or another target, is news again.
  CHECK(log.line(kTarget, ConfigCommand::set_if_empty, kOurs, {}, "other")->level ==
        LogLevel::info);
  CHECK(log.line({1, 1}, ConfigCommand::set_if_empty, kOurs, {}, "other")->level == LogLevel::info);
  // Once the lock was ours and released, the same holder is news again.
  log.line(kTarget, ConfigCommand::set_if_empty, kOurs, {}, kOurs);
  CHECK(log.line(kTarget, ConfigCommand::set_if_empty, kOurs, {}, "other")->level ==
        LogLevel::info);
}

TEST_CASE("lock log: release and failures", "[locks][log]") {
  LockLog log;
  auto released = log.line(kTarget, ConfigCommand::force_set, "", {}, "");
  REQUIRE(released);
  CHECK(released->text == "e1.0: lock released");
  auto stuck = log.line(kTarget, ConfigCommand::force_set, "", {}, "still\x1b");
  REQUIRE(stuck);
  CHECK(stuck->level == LogLevel::warning);
  CHECK(stuck->text.find("release failed") != std::string::npos);
  CHECK(stuck->text.find("still\\x1b") != std::string::npos);
  auto timeout =
      log.line(kTarget, ConfigCommand::set_if_empty, kOurs, aoe::InitiatorErrc::timeout, "");
  REQUIRE(timeout);
  CHECK(timeout->level == LogLevel::warning);
  CHECK(timeout->text.rfind("e1.0: lock claim failed: ", 0) == 0);
  CHECK_FALSE(log.line(kTarget, ConfigCommand::read, "", {}, kOurs));
  auto read_failed = log.line(kTarget, ConfigCommand::read, "", aoe::InitiatorErrc::timeout, "");
  REQUIRE(read_failed);
  CHECK(read_failed->level == LogLevel::warning);
}
