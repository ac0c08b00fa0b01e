#include "aoefs/fs/range_lock.hpp"

#include <utility>
#include <vector>

namespace aoefs {

bool RangeLock::grantable(std::list<Entry>::const_iterator waiter) const {
  for (const Entry& h : held_)
    if (overlaps(h, waiter->first, waiter->end)) return false;
  for (auto w = waiting_.begin(); w != waiter; ++w)
    if (overlaps(*w, waiter->first, waiter->end)) return false;
  return true;
}

void RangeLock::acquire(std::uint64_t first, std::uint64_t count, Granted granted) {
  std::unique_lock lock(mutex_);
  const Ticket ticket = next_ticket_++;
  waiting_.push_back(Entry{ticket, first, first + count, std::move(granted)});
  auto it = std::prev(waiting_.end());
  if (!grantable(it)) return;
  Granted run = std::move(it->granted);
  held_.splice(held_.end(), waiting_, it);
  lock.unlock();
  run(ticket);
}

void RangeLock::release(Ticket ticket) {
  std::vector<std::pair<Granted, Ticket>> to_run;
  {
    std::lock_guard lock(mutex_);
    for (auto it = held_.begin(); it != held_.end(); ++it) {
      if (it->ticket == ticket) {
        held_.erase(it);
        break;
      }
    }
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      auto next = std::next(it);
      if (grantable(it)) {
        to_run.emplace_back(std::move(it->granted), it->ticket);
        held_.splice(held_.end(), waiting_, it);
      }
      it = next;
    }
  }
  for (auto& [run, t] : to_run) run(t);
}

std::size_t RangeLock::held_count() const {
  std::lock_guard lock(mutex_);
  return held_.size();
}

std::size_t RangeLock::waiting_count() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

}  // namespace aoefs
