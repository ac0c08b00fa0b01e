// CompletionJoin: several asynchronous parts that complete as one operation
// (a read cut at block edges, a trim cut into pieces): how many parts have
// not ended yet, and the first error any of them reported.
//
// Contract:
//  * CompletionJoin(n) expects n parts; add_parts(k) expects k more.
//    REQUIRES (add_parts): the join cannot complete meanwhile: none of its
//    parts was started yet, or the caller holds one that has not ended (a
//    guard it ends last).
//  * end_part(ec) ends one part. Exactly one call gets the result, the one
//    that ends the last part: the first error reported (in the order the
//    calls took the join's lock), or success. Every other call gets nullopt.
//    REQUIRES: no more end_part() calls than parts expected.
//  * Thread-safe: parts may end concurrently, on any thread. Whatever a part
//    wrote before its end_part() is visible to the caller that gets the
//    result.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <system_error>

namespace blockdev {

class CompletionJoin {
 public:
  explicit CompletionJoin(std::size_t parts) : pending_(parts) {}
  CompletionJoin(const CompletionJoin&) = delete;
  CompletionJoin& operator=(const CompletionJoin&) = delete;

  void add_parts(std::size_t parts) { pending_.fetch_add(parts, std::memory_order_relaxed); }

  std::optional<std::error_code> end_part(std::error_code ec) {
    if (ec) {
      std::lock_guard lock(mutex_);
      if (!error_) error_ = ec;
    }
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) != 1) return std::nullopt;
    std::lock_guard lock(mutex_);
    return error_;
  }

 private:
  std::atomic<std::size_t> pending_;
  std::mutex mutex_;
  std::error_code error_;
};

}  // namespace blockdev
