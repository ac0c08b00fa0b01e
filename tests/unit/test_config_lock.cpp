// ConfigLocks against a fake config-string store with vblade's semantics
// (set-if-empty: same string ok, other string AoE error 4) whose answers the
// test releases one by one, and a fake scheduler whose timers it fires.
#include <catch2/catch.hpp>

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aoefs/locks/config_lock.hpp"
#include "protocol/codec/error.hpp"

using aoe::ConfigCommand;
using aoefs::ConfigLocks;
using aoefs::LockMode;

namespace {

const aoe::TargetAddress kT{1, 0};

struct FakeStore {
  struct Op {
    aoe::TargetAddress target;
    ConfigCommand cmd;
    std::string value;
    aoefs::ConfigQueryDone done;
  };
  std::map<aoe::TargetAddress, std::string> strings;
  std::deque<Op> pending;
  std::vector<ConfigCommand> log;
  std::optional<std::error_code> fail_next;
  bool apply_failed = false;  // the failed command took effect (its answer was lost)

  aoefs::ConfigQuery query() {
    return [this](aoe::TargetAddress t, ConfigCommand c, std::string v, aoefs::ConfigQueryDone d) {
      log.push_back(c);
      pending.push_back({t, c, std::move(v), std::move(d)});
    };
  }
  // Answers the oldest query as vblade would.
  void step() {
    REQUIRE(!pending.empty());
    Op op = std::move(pending.front());
    pending.pop_front();
    std::string& s = strings[op.target];
    if (fail_next) {
      auto ec = *fail_next;
      fail_next.reset();
      if (apply_failed && (op.cmd == ConfigCommand::force_set || s.empty())) s = op.value;
      return op.done(ec, {});
    }
    switch (op.cmd) {
      case ConfigCommand::set_if_empty:
        if (!s.empty() && s != op.value) return op.done(aoe::AoeErrc::config_string_present, {});
        s = op.value;
        break;
      case ConfigCommand::force_set:
        s = op.value;
        break;
      default:
        break;
    }
    op.done({}, s);
  }
  void drain() {
    while (!pending.empty()) step();
  }
};

struct FakeTimers {
  std::vector<std::pair<std::chrono::milliseconds, std::function<void()>>> due;
  aoefs::Scheduler scheduler() {
    return [this](std::chrono::milliseconds d, std::function<void()> fn) {
      due.emplace_back(d, std::move(fn));
    };
  }
  void fire_all() {
    auto now = std::move(due);
    due.clear();
    for (auto& [d, fn] : now) fn();
  }
};

struct Fixture {
  FakeStore store;
  FakeTimers timers;
  int claims = 0;
  ConfigLocks locks{store.query(), timers.scheduler(), [this](std::uint32_t pid) {
                      return "aoefs-lock/1 pid=" + std::to_string(pid) +
                             " n=" + std::to_string(++claims);
                    }};

  // Starts a request; the result lands in the returned slot.
  std::shared_ptr<std::optional<std::error_code>> request(ConfigLocks::Owner owner, LockMode mode,
                                                          bool wait,
                                                          ConfigLocks::WaiterId* id = nullptr) {
    auto result = std::make_shared<std::optional<std::error_code>>();
    const auto w = locks.new_waiter();
    if (id) *id = w;
    locks.lock(w, kT, owner, mode, wait, 42, [result](std::error_code ec) { *result = ec; });
    return result;
  }
  // Owners 1 and 2 hold LOCK_SH (one claim).
  void two_shared_holders() {
    auto a = request(1, LockMode::shared, false);
    auto b = request(2, LockMode::shared, false);
    store.drain();
    REQUIRE((a->has_value() && !**a && b->has_value() && !**b));
  }
  std::shared_ptr<std::optional<std::error_code>> unlock(ConfigLocks::Owner owner) {
    auto result = std::make_shared<std::optional<std::error_code>>();
    locks.unlock(kT, owner, [result](std::error_code ec) { *result = ec; });
    return result;
  }
};

bool granted(const std::shared_ptr<std::optional<std::error_code>>& r) {
  return r->has_value() && !**r;
}
bool failed_with(const std::shared_ptr<std::optional<std::error_code>>& r, std::errc e) {
  return r->has_value() && **r == std::make_error_code(e);
}

}  // namespace

TEST_CASE("config lock: LOCK_EX claims with set-if-empty; unlock reads, compares, then clears") {
  Fixture f;
  auto a = f.request(1, LockMode::exclusive, false);
  CHECK_FALSE(a->has_value());  // waits for the target's answer
  REQUIRE(f.store.pending.size() == 1);
  CHECK(f.store.pending.front().cmd == ConfigCommand::set_if_empty);
  CHECK(f.store.pending.front().value == "aoefs-lock/1 pid=42 n=1");
  f.store.step();
  CHECK(granted(a));
  CHECK(f.store.strings[kT] == "aoefs-lock/1 pid=42 n=1");
  CHECK(f.locks.held_lock_string(kT) == "aoefs-lock/1 pid=42 n=1");

  auto u = f.unlock(1);
  CHECK_FALSE(u->has_value());  // answered after the release
  f.store.drain();
  CHECK(granted(u));
  CHECK(f.store.log == std::vector<ConfigCommand>{ConfigCommand::set_if_empty, ConfigCommand::read,
                                                  ConfigCommand::force_set});
  CHECK(f.store.strings[kT].empty());
  CHECK_FALSE(f.locks.held_lock_string(kT).has_value());
}

TEST_CASE("config lock: local owners get flock semantics without the network") {
  Fixture f;
  auto a = f.request(1, LockMode::exclusive, false);
  f.store.drain();
  REQUIRE(granted(a));
  const auto queries = f.store.log.size();
  CHECK(failed_with(f.request(2, LockMode::exclusive, false), std::errc::operation_would_block));
  CHECK(failed_with(f.request(2, LockMode::shared, false), std::errc::operation_would_block));
  CHECK(granted(f.request(1, LockMode::exclusive, false)));  // the mode already held
  auto b = f.request(2, LockMode::exclusive, true);
  CHECK_FALSE(b->has_value());
  CHECK(granted(f.unlock(1)));  // b takes over: no release, no new claim
  CHECK(granted(b));
  CHECK(f.store.log.size() == queries);
  CHECK(f.locks.holder_count(kT) == 1);
}

TEST_CASE("config lock: shared holders share one claim; the last one releases it") {
  Fixture f;
  f.two_shared_holders();
  CHECK(f.store.log.size() == 1);
  CHECK(failed_with(f.request(3, LockMode::exclusive, false), std::errc::operation_would_block));
  CHECK(granted(f.unlock(1)));
  CHECK(f.store.pending.empty());
  auto u = f.unlock(2);
  f.store.drain();
  CHECK(granted(u));
  CHECK(f.store.strings[kT].empty());
}

TEST_CASE("config lock: a conversion drops the old lock first, as flock(2) does") {
  Fixture f;
  f.two_shared_holders();
  CHECK(failed_with(f.request(1, LockMode::exclusive, false), std::errc::operation_would_block));
  CHECK(f.locks.holder_count(kT) == 1);
  CHECK(granted(f.unlock(2)) == false);  // last holder: waits for the release
  f.store.drain();
  auto c = f.request(1, LockMode::exclusive, false);
  f.store.drain();
  CHECK(granted(c));
}

TEST_CASE("config lock: any other string means taken; a blocking lock retries with backoff") {
  Fixture f;
  f.store.strings[kT] = "set with aoecfg";
  auto nb = f.request(1, LockMode::exclusive, false);
  f.store.step();
  CHECK(failed_with(nb, std::errc::operation_would_block));
  CHECK(f.timers.due.empty());  // nobody waits: no retry

  auto b = f.request(2, LockMode::exclusive, true);
  std::vector<long> delays;
  for (int i = 0; i < 6; ++i) {
    f.store.step();
    CHECK_FALSE(b->has_value());
    REQUIRE(f.timers.due.size() == 1);
    delays.push_back(f.timers.due.front().first.count());
    f.timers.fire_all();
  }
  CHECK(delays[0] >= 80);
  CHECK(delays[0] <= 120);
  CHECK(delays[1] >= 160);
  CHECK(delays[1] <= 240);
  CHECK(delays[5] >= 1600);  // capped at kMaxRetry (2 s) +-20 %
  CHECK(delays[5] <= 2400);
  CHECK(f.store.strings[kT] == "set with aoecfg");  // never cleared by us
  f.store.strings[kT].clear();                      // the holder let go
  f.store.step();
  CHECK(granted(b));
}

TEST_CASE("config lock: an interrupted waiter ends with EINTR and stops the retries") {
  Fixture f;
  f.store.strings[kT] = "foreign";
  ConfigLocks::WaiterId id = 0;
  auto b = f.request(1, LockMode::exclusive, true, &id);
  f.store.step();
  REQUIRE(f.timers.due.size() == 1);
  f.locks.cancel(id);
  CHECK(failed_with(b, std::errc::interrupted));
  f.timers.fire_all();
  CHECK(f.store.pending.empty());  // the retry found nobody waiting
  f.locks.cancel(id);              // a late interrupt is harmless
}

TEST_CASE("config lock: an interrupt that comes before lock() still counts") {
  Fixture f;
  const auto id = f.locks.new_waiter();
  f.locks.cancel(id);
  std::optional<std::error_code> r;
  f.locks.lock(id, kT, 1, LockMode::exclusive, true, 1, [&](std::error_code ec) { r = ec; });
  REQUIRE(r.has_value());
  CHECK(*r == std::make_error_code(std::errc::interrupted));
  CHECK(f.store.pending.empty());
}

TEST_CASE("config lock: a claim whose waiter was interrupted is released again") {
  Fixture f;
  ConfigLocks::WaiterId id = 0;
  auto b = f.request(1, LockMode::exclusive, true, &id);
  f.locks.cancel(id);
  CHECK(failed_with(b, std::errc::interrupted));
  f.store.drain();  // claim succeeds, nobody wants it: read + clear
  CHECK(f.store.strings[kT].empty());
  CHECK(f.store.log.back() == ConfigCommand::force_set);
}

TEST_CASE("config lock: a string that is no longer ours is left alone at release") {
  Fixture f;
  auto a = f.request(1, LockMode::exclusive, false);
  f.store.drain();
  REQUIRE(granted(a));
  f.store.strings[kT] = "someone forced it";
  auto u = f.unlock(1);
  f.store.drain();
  CHECK(granted(u));
  CHECK(f.store.strings[kT] == "someone forced it");
  CHECK(f.store.log.back() == ConfigCommand::read);
}

TEST_CASE("config lock: a claim that fails otherwise fails its waiters with that error") {
  Fixture f;
  f.store.fail_next = make_error_code(aoe::InitiatorErrc::target_down);
  auto b = f.request(1, LockMode::exclusive, true);
  f.store.step();
  REQUIRE(b->has_value());
  CHECK(**b == make_error_code(aoe::InitiatorErrc::target_down));
  CHECK(f.timers.due.empty());
  CHECK(f.store.pending.empty());  // not sent: nothing to clean up
  f.store.fail_next = make_error_code(aoe::InitiatorErrc::timeout);
  auto c = f.request(1, LockMode::exclusive, false);
  f.store.step();
  REQUIRE(c->has_value());
  CHECK(**c == make_error_code(aoe::InitiatorErrc::timeout));
  f.store.drain();  // the cleanup read finds no string of ours
  CHECK(f.store.log.back() == ConfigCommand::read);
}

TEST_CASE("config lock: an unlock whose release fails reports it; the local lock is gone") {
  Fixture f;
  auto a = f.request(1, LockMode::exclusive, false);
  f.store.drain();
  auto u = f.unlock(1);
  f.store.fail_next = make_error_code(aoe::InitiatorErrc::timeout);
  f.store.step();
  CHECK(**u == make_error_code(aoe::InitiatorErrc::timeout));
  CHECK(f.locks.holder_count(kT) == 0);
}

TEST_CASE("config lock: a request during the release claims again after it") {
  Fixture f;
  auto a = f.request(1, LockMode::exclusive, false);
  f.store.drain();
  auto u = f.unlock(1);
  auto b = f.request(2, LockMode::exclusive, false);
  CHECK_FALSE(b->has_value());
  f.store.drain();
  CHECK(granted(u));
  CHECK(granted(b));
  CHECK(f.store.strings[kT] == "aoefs-lock/1 pid=42 n=2");
}

TEST_CASE("config lock: release_all cancels waiters, releases claims, refuses new requests") {
  Fixture f;
  auto a = f.request(1, LockMode::exclusive, false);
  f.store.drain();
  auto w = f.request(2, LockMode::exclusive, true);
  std::optional<std::error_code> all;
  f.locks.release_all([&](std::error_code ec) { all = ec; });
  CHECK(failed_with(w, std::errc::operation_canceled));
  CHECK_FALSE(all.has_value());
  f.store.drain();
  REQUIRE(all.has_value());
  CHECK_FALSE(*all);
  CHECK(f.store.strings[kT].empty());
  CHECK(failed_with(f.request(3, LockMode::shared, true), std::errc::operation_canceled));
}

TEST_CASE("config lock: release_all with nothing held completes at once") {
  Fixture f;
  bool done = false;
  f.locks.release_all([&](std::error_code ec) { done = !ec; });
  CHECK(done);
}

TEST_CASE("config lock: closing an owner ends its abandoned waiters; they never take the lock") {
  Fixture f;
  f.store.strings[kT] = "foreign";
  auto b = f.request(7, LockMode::exclusive, true);  // its process was killed meanwhile
  f.store.step();
  REQUIRE(f.timers.due.size() == 1);
  auto c = std::make_shared<std::optional<std::error_code>>();
  f.locks.close_owner(kT, 7, [c](std::error_code ec) { *c = ec; });
  CHECK(failed_with(b, std::errc::interrupted));
  CHECK(granted(c));
  f.store.strings[kT].clear();
  f.timers.fire_all();
  CHECK(f.store.pending.empty());
  CHECK(f.locks.holder_count(kT) == 0);
}

TEST_CASE("config lock: a claim that timed out is released in case it took effect") {
  Fixture f;
  f.store.fail_next = make_error_code(aoe::InitiatorErrc::timeout);
  f.store.apply_failed = true;
  auto b = f.request(1, LockMode::exclusive, false);
  f.store.step();
  CHECK(**b == make_error_code(aoe::InitiatorErrc::timeout));
  CHECK(f.store.strings[kT] == "aoefs-lock/1 pid=42 n=1");  // set, answer lost
  auto c = f.request(2, LockMode::exclusive, false);        // waits for the cleanup
  f.store.drain();
  CHECK(f.store.log == std::vector<ConfigCommand>{ConfigCommand::set_if_empty, ConfigCommand::read,
                                                  ConfigCommand::force_set,
                                                  ConfigCommand::set_if_empty});
  CHECK(granted(c));
  CHECK(f.store.strings[kT] == "aoefs-lock/1 pid=42 n=2");
}
