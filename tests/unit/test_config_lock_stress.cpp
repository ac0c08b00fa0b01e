// ConfigLocks under threads: four threads lock and unlock two targets at
// random (shared/exclusive, blocking or not, some interrupted) while the
// config store answers on its own thread, as the initiator does. Checks
// flock's exclusion at every grant and that nothing stays claimed at the end.
// Under ThreadSanitizer (clean), one command line:
//   g++ -std=c++20 -O1 -g -fsanitize=thread -I. -Itests aoefs/locks/config_lock.cpp
//     protocol/codec/error.cpp tests/unit/test_config_lock*.cpp tests/catch_main.cpp
//     -o /tmp/lock_tsan -pthread && /tmp/lock_tsan
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "aoefs/locks/config_lock.hpp"
#include "protocol/codec/error.hpp"

namespace {

using aoe::ConfigCommand;
using aoefs::ConfigLocks;
using aoefs::LockMode;

// A store with vblade's semantics answering on its own thread.
class ThreadedStore {
 public:
  ThreadedStore() : worker_([this] { serve(); }) {}
  ~ThreadedStore() {
    {
      std::lock_guard g(m_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  aoefs::ConfigQuery query() {
    return [this](aoe::TargetAddress t, ConfigCommand c, std::string v, aoefs::ConfigQueryDone d) {
      std::lock_guard g(m_);
      queue_.push_back([this, t, c, v = std::move(v), d = std::move(d)] {
        std::string now;
        std::error_code ec;
        {
          std::lock_guard g2(strings_m_);
          std::string& s = strings_[t];
          if (c == ConfigCommand::set_if_empty && !s.empty() && s != v)
            ec = aoe::AoeErrc::config_string_present;
          else if (c == ConfigCommand::set_if_empty || c == ConfigCommand::force_set)
            s = v;
          now = ec ? std::string{} : s;
        }
        d(ec, now);
      });
      cv_.notify_all();
    };
  }
  // Runs `fn` later on the store's thread (the scheduler of the test).
  void post(std::function<void()> fn) {
    std::lock_guard g(m_);
    queue_.push_back(std::move(fn));
    cv_.notify_all();
  }
  std::string string_of(aoe::TargetAddress t) {
    std::lock_guard g(strings_m_);
    return strings_[t];
  }

 private:
  void serve() {
    std::unique_lock g(m_);
    for (;;) {
      cv_.wait(g, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto job = std::move(queue_.front());
      queue_.pop_front();
      g.unlock();
      job();
      g.lock();
    }
  }
  std::mutex m_, strings_m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::map<aoe::TargetAddress, std::string> strings_;
  bool stop_ = false;
  std::thread worker_;
};

struct Model {  // who holds what, as the grants say
  std::mutex m;
  std::map<aoe::TargetAddress, std::pair<int, int>> held;  // shared, exclusive
  int violations = 0;
  void granted(aoe::TargetAddress t, LockMode mode) {
    std::lock_guard g(m);
    auto& [sh, ex] = held[t];
    if (ex != 0 || (mode == LockMode::exclusive && sh != 0)) ++violations;
    (mode == LockMode::exclusive ? ex : sh)++;
  }
  void released(aoe::TargetAddress t, LockMode mode) {
    std::lock_guard g(m);
    auto& [sh, ex] = held[t];
    (mode == LockMode::exclusive ? ex : sh)--;
  }
};

std::error_code wait_for(const std::function<void(ConfigLocks::Done)>& start) {
  std::mutex m;
  std::condition_variable cv;
  std::optional<std::error_code> result;
  start([&](std::error_code ec) {
    std::lock_guard g(m);
    result = ec;
    cv.notify_all();
  });
  std::unique_lock g(m);
  cv.wait(g, [&] { return result.has_value(); });
  return *result;
}

}  // namespace

TEST_CASE("config lock stress: threads, random modes and interrupts, answers on another thread") {
  ThreadedStore store;
  ConfigLocks locks(
      store.query(),
      [&store](std::chrono::milliseconds, std::function<void()> fn) { store.post(std::move(fn)); },
      [](std::uint32_t pid) { return "aoefs-lock/1 pid=" + std::to_string(pid); });
  Model model;
  const aoe::TargetAddress targets[] = {{1, 0}, {1, 1}};
  std::atomic<int> bad_errors{0};
  std::vector<std::thread> threads;
  for (int n = 0; n < 4; ++n) {
    threads.emplace_back([&, n] {
      std::mt19937 rng(n + 1);
      for (int i = 0; i < 300; ++i) {
        const auto target = targets[rng() % 2];
        const auto mode = rng() % 2 ? LockMode::exclusive : LockMode::shared;
        const bool wait = rng() % 3 != 0;
        const ConfigLocks::Owner owner = n * 1000 + i;
        const auto id = locks.new_waiter();
        const bool interrupt = wait && rng() % 4 == 0;
        std::thread interrupter;
        if (interrupt) interrupter = std::thread([&locks, id] { locks.cancel(id); });
        const auto ec = wait_for([&](ConfigLocks::Done done) {
          locks.lock(id, target, owner, mode, wait, n, [&, done](std::error_code e) {
            if (!e) model.granted(target, mode);
            done(e);
          });
        });
        if (interrupter.joinable()) interrupter.join();
        if (ec) {  // (Catch2 assertions are not thread-safe: count, check after join)
          if (ec != std::errc::operation_would_block && ec != std::errc::interrupted) ++bad_errors;
          continue;
        }
        model.released(target, mode);
        if (wait_for([&](ConfigLocks::Done done) { locks.unlock(target, owner, done); }))
          ++bad_errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(model.violations == 0);
  CHECK(bad_errors == 0);
  CHECK_FALSE(wait_for([&](ConfigLocks::Done done) { locks.release_all(done); }));
  for (const auto& t : targets) {
    CHECK(store.string_of(t).empty());
    CHECK_FALSE(locks.held_lock_string(t).has_value());
    CHECK(locks.holder_count(t) == 0);
  }
}
