#include "aoefs/locks/config_lock.hpp"

#include <algorithm>

#include "protocol/codec/error.hpp"

namespace aoefs {
namespace {

std::error_code would_block() { return std::make_error_code(std::errc::operation_would_block); }
std::error_code interrupted() { return std::make_error_code(std::errc::interrupted); }
std::error_code canceled() { return std::make_error_code(std::errc::operation_canceled); }

}  // namespace

ConfigLocks::ConfigLocks(ConfigQuery query, Scheduler scheduler, LockStringMaker make_string)
    : query_(std::move(query)),
      scheduler_(std::move(scheduler)),
      make_string_(std::move(make_string)) {}

ConfigLocks::WaiterId ConfigLocks::new_waiter() {
  std::lock_guard g(mutex_);
  const WaiterId id = next_id_++;
  not_started_.emplace(id, false);
  return id;
}

void ConfigLocks::run(Completions& out) {
  for (auto& fn : out) fn();
  out.clear();
}

bool ConfigLocks::conflicts(const Target& t, Owner owner, LockMode mode) const {
  return std::any_of(t.holders.begin(), t.holders.end(), [&](const auto& h) {
    return h.first != owner && (mode == LockMode::exclusive || h.second == LockMode::exclusive);
  });
}

void ConfigLocks::lock(WaiterId id, aoe::TargetAddress target, Owner owner, LockMode mode,
                       bool wait, std::uint32_t pid, Done done) {
  Completions out;
  {
    std::lock_guard g(mutex_);
    bool cancelled = false;
    if (auto it = not_started_.find(id); it != not_started_.end()) {
      cancelled = it->second;
      not_started_.erase(it);
    }
    if (cancelled) {
      out.push_back([done = std::move(done)] { done(interrupted()); });
    } else if (shutting_down_) {
      out.push_back([done = std::move(done)] { done(canceled()); });
    } else {
      Target& t = targets_[target];
      t.waiters.push_back(Waiter{id, owner, mode, wait, pid, std::move(done)});
      advance(target, t, out);
    }
  }
  run(out);
}

void ConfigLocks::cancel(WaiterId id) {
  Completions out;
  {
    std::lock_guard g(mutex_);
    if (auto it = not_started_.find(id); it != not_started_.end()) {
      it->second = true;
      return;
    }
    for (auto& [address, t] : targets_) {
      auto w = std::find_if(t.waiters.begin(), t.waiters.end(),
                            [id](const Waiter& x) { return x.id == id; });
      if (w == t.waiters.end()) continue;
      out.push_back([done = std::move(w->done)] { done(interrupted()); });
      t.waiters.erase(w);
      advance(address, t, out);
      break;
    }
  }
  run(out);
}

void ConfigLocks::unlock(aoe::TargetAddress target, Owner owner, Done done) {
  drop_owner(target, owner, false, std::move(done));
}

void ConfigLocks::close_owner(aoe::TargetAddress target, Owner owner, Done done) {
  drop_owner(target, owner, true, std::move(done));
}

void ConfigLocks::drop_owner(aoe::TargetAddress target, Owner owner, bool drop_waiters, Done done) {
  Completions out;
  {
    std::lock_guard g(mutex_);
    auto it = targets_.find(target);
    if (it == targets_.end()) {
      out.push_back([done = std::move(done)] { done({}); });
    } else {
      Target& t = it->second;
      t.holders.erase(owner);
      for (auto w = t.waiters.begin(); drop_waiters && w != t.waiters.end();) {
        if (w->owner != owner) {
          ++w;
          continue;
        }
        out.push_back([d = std::move(w->done)] { d(interrupted()); });
        w = t.waiters.erase(w);
      }
      advance(target, t, out);
      if (t.remote == Remote::releasing)
        t.on_released.push_back(std::move(done));
      else
        out.push_back([done = std::move(done)] { done({}); });
    }
  }
  run(out);
}

// Grants what can be granted, fails what cannot wait, and starts the claim
// or the release the state needs. Called with the mutex held.
void ConfigLocks::advance(aoe::TargetAddress address, Target& t, Completions& out) {
  bool need_claim = false, impatient = false;
  std::uint32_t claim_pid = 0;
  for (auto it = t.waiters.begin(); it != t.waiters.end();) {
    Waiter& w = *it;
    if (auto h = t.holders.find(w.owner); h != t.holders.end()) {
      if (h->second == w.mode) {
        out.push_back([done = std::move(w.done)] { done({}); });
        it = t.waiters.erase(it);
        continue;
      }
      t.holders.erase(h);  // conversion: the old lock goes first, as in flock(2)
    }
    if (conflicts(t, w.owner, w.mode)) {
      if (!w.wait) {
        out.push_back([done = std::move(w.done)] { done(would_block()); });
        it = t.waiters.erase(it);
      } else {
        ++it;
      }
      continue;
    }
    if (t.remote == Remote::held) {
      t.holders[w.owner] = w.mode;
      out.push_back([done = std::move(w.done)] { done({}); });
      it = t.waiters.erase(it);
      continue;
    }
    if (!need_claim) claim_pid = w.pid;
    need_claim = true;
    impatient = impatient || !w.wait;
    ++it;
  }
  if (need_claim && t.remote == Remote::idle && (!t.retry_pending || impatient))
    start_claim(address, t, claim_pid, out);
  if (t.remote == Remote::held && t.holders.empty() && t.waiters.empty())
    start_release(address, t, out);
}

void ConfigLocks::start_claim(aoe::TargetAddress address, Target& t, std::uint32_t pid,
                              Completions& out) {
  t.remote = Remote::claiming;
  t.retry_pending = false;
  ++t.retry_generation;  // a retry still scheduled is moot now
  t.string = make_string_(pid);
  out.push_back([this, address, s = t.string] {
    query_(address, aoe::ConfigCommand::set_if_empty, s,
           [this, address](std::error_code ec, std::string current) {
             on_claimed(address, ec, current);
           });
  });
}

void ConfigLocks::on_claimed(aoe::TargetAddress address, std::error_code ec,
                             const std::string& current) {
  Completions out;
  {
    std::lock_guard g(mutex_);
    Target& t = targets_[address];
    if (t.remote != Remote::claiming) return;
    const bool ours = !ec && current == t.string;
    const bool taken = !ours && (!ec || ec == aoe::AoeErrc::config_string_present);
    if (ours) {
      t.remote = Remote::held;
      t.backoff = std::chrono::milliseconds{0};
    } else {
      // No answer: the claim may have been applied with every answer lost,
      // so it is released like a held one (read, compare, clear).
      const bool uncertain = ec == aoe::InitiatorErrc::timeout;
      t.remote = Remote::idle;
      if (uncertain)
        start_release(address, t, out);
      else
        t.string.clear();
      bool someone_waits = false;
      for (auto it = t.waiters.begin(); it != t.waiters.end();) {
        if (conflicts(t, it->owner, it->mode) || (taken && it->wait)) {
          someone_waits = someone_waits || !conflicts(t, it->owner, it->mode);
          ++it;
          continue;
        }
        out.push_back([done = std::move(it->done), e = taken ? would_block() : ec] { done(e); });
        it = t.waiters.erase(it);
      }
      if (someone_waits) {
        t.retry_pending = true;
        const std::uint64_t generation = ++t.retry_generation;
        const auto delay = next_backoff(t);
        out.push_back([this, address, generation, delay] {
          scheduler_(delay, [this, address, generation] { on_retry(address, generation); });
        });
      } else {
        t.backoff = std::chrono::milliseconds{0};
      }
    }
    advance(address, t, out);
    check_all_released(out);
  }
  run(out);
}

void ConfigLocks::on_retry(aoe::TargetAddress address, std::uint64_t generation) {
  Completions out;
  {
    std::lock_guard g(mutex_);
    Target& t = targets_[address];
    if (!t.retry_pending || t.retry_generation != generation) return;
    t.retry_pending = false;
    advance(address, t, out);
  }
  run(out);
}

std::chrono::milliseconds ConfigLocks::next_backoff(Target& t) {
  t.backoff = t.backoff.count() == 0 ? kFirstRetry : std::min(t.backoff * 2, kMaxRetry);
  // xorshift64: jitter so that hosts waiting for one target do not poll in step.
  jitter_state_ ^= jitter_state_ << 13;
  jitter_state_ ^= jitter_state_ >> 7;
  jitter_state_ ^= jitter_state_ << 17;
  const auto spread = t.backoff.count() * 2 / 5;  // 40 %: -20 % .. +20 %
  const auto offset = static_cast<long>(jitter_state_ % static_cast<std::uint64_t>(spread + 1));
  return std::chrono::milliseconds{t.backoff.count() - spread / 2 + offset};
}

void ConfigLocks::start_release(aoe::TargetAddress address, Target& t, Completions& out) {
  t.remote = Remote::releasing;
  out.push_back([this, address] {
    query_(address, aoe::ConfigCommand::read, std::string{},
           [this, address](std::error_code ec, std::string current) {
             on_read_for_release(address, ec, current);
           });
  });
}

void ConfigLocks::on_read_for_release(aoe::TargetAddress address, std::error_code ec,
                                      const std::string& current) {
  bool still_ours = false;
  {
    std::lock_guard g(mutex_);
    const Target& t = targets_[address];
    if (t.remote != Remote::releasing) return;
    still_ours = !ec && current == t.string;
  }
  if (!still_ours) return on_released(address, ec);  // not ours any more: left alone
  // The window between the read above and this clear is the documented race.
  query_(address, aoe::ConfigCommand::force_set, std::string{},
         [this, address](std::error_code ec2, std::string now) {
           if (!ec2 && !now.empty()) ec2 = make_error_code(aoe::InitiatorErrc::bad_response);
           on_released(address, ec2);
         });
}

void ConfigLocks::on_released(aoe::TargetAddress address, std::error_code ec) {
  Completions out;
  {
    std::lock_guard g(mutex_);
    Target& t = targets_[address];
    if (t.remote != Remote::releasing) return;
    t.remote = Remote::idle;
    t.string.clear();
    if (shutting_down_ && ec && !shutdown_error_) shutdown_error_ = ec;
    for (auto& done : t.on_released) out.push_back([done = std::move(done), ec] { done(ec); });
    t.on_released.clear();
    advance(address, t, out);  // requests that came meanwhile claim again
    check_all_released(out);
  }
  run(out);
}

void ConfigLocks::release_all(Done done) {
  Completions out;
  {
    std::lock_guard g(mutex_);
    shutting_down_ = true;
    for (auto& [address, t] : targets_) {
      for (auto& w : t.waiters) out.push_back([d = std::move(w.done)] { d(canceled()); });
      t.waiters.clear();
      t.holders.clear();
      t.retry_pending = false;
      ++t.retry_generation;
      advance(address, t, out);
    }
    on_all_released_.push_back(std::move(done));
    check_all_released(out);
  }
  run(out);
}

void ConfigLocks::check_all_released(Completions& out) {
  if (!shutting_down_ || on_all_released_.empty()) return;
  const bool busy = std::any_of(targets_.begin(), targets_.end(), [](const auto& e) {
    return e.second.remote == Remote::claiming || e.second.remote == Remote::releasing;
  });
  if (busy) return;
  for (auto& d : on_all_released_) out.push_back([d = std::move(d), e = shutdown_error_] { d(e); });
  on_all_released_.clear();
}

std::optional<std::string> ConfigLocks::held_lock_string(aoe::TargetAddress target) const {
  std::lock_guard g(mutex_);
  auto it = targets_.find(target);
  if (it == targets_.end() || it->second.remote != Remote::held) return std::nullopt;
  return it->second.string;
}

std::size_t ConfigLocks::holder_count(aoe::TargetAddress target) const {
  std::lock_guard g(mutex_);
  auto it = targets_.find(target);
  return it == targets_.end() ? 0 : it->second.holders.size();
}

}  // namespace aoefs
