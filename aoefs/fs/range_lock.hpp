// RangeLock: exclusive locks on sector ranges, asynchronous — a caller that
// cannot have its range yet is queued and resumed later; no thread blocks.
//
// Contract:
//  * acquire(first, count, granted) runs `granted` exactly once, when no held
//    range overlaps [first, first+count) and no earlier waiter that overlaps
//    it is still queued (first come, first served per overlapping range, so a
//    writer is never starved). `granted` may run inline inside acquire() (the
//    range was free) or inside the release() that freed it, on that caller's
//    thread; it must not block. It receives the Ticket to pass to release().
//  * release(ticket) frees the range; every waiter that becomes grantable is
//    started (outside the internal mutex).
//  * Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <mutex>

namespace aoefs {

class RangeLock {
 public:
  using Ticket = std::uint64_t;
  using Granted = std::function<void(Ticket)>;

  void acquire(std::uint64_t first, std::uint64_t count, Granted granted);
  void release(Ticket ticket);

  // For tests and diagnostics.
  std::size_t held_count() const;
  std::size_t waiting_count() const;

 private:
  struct Entry {
    Ticket ticket;
    std::uint64_t first;
    std::uint64_t end;  // one past the last sector
    Granted granted;    // empty once held
  };
  static bool overlaps(const Entry& a, std::uint64_t first, std::uint64_t end) {
    return a.first < end && first < a.end;
  }
  bool grantable(std::list<Entry>::const_iterator waiter) const;

  mutable std::mutex mutex_;
  Ticket next_ticket_ = 1;
  std::list<Entry> held_;
  std::list<Entry> waiting_;  // in arrival order
};

}  // namespace aoefs
