// Completion latency of a target's operations as a cumulative-ready
// histogram with fixed bucket bounds (25 µs to 5 s), the shape Prometheus
// histograms expose: per bucket the count of samples at or below its upper
// bound, plus the sum and total count (+Inf).
//
// Guarantees: record() is O(buckets) with no allocation; counts never
// decrease; a sample above the last bound counts only in +Inf (count()).
// Plain value type: copied into TargetStats snapshots.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace aoe {

class LatencyHistogram {
 public:
  // Upper bounds in microseconds, ascending: 25µs … 5s, roughly 1-2.5-5 steps
  // so that p50/p99 of LAN (tens of µs) and of lossy paths (hundreds of ms)
  // both land in a bucket narrow enough to read.
  static constexpr std::array<std::uint32_t, 17> kBoundsMicros = {
      25,     50,     100,     250,     500,     1'000,     2'500,     5'000,    10'000,
      25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000};
  static constexpr std::size_t kBuckets = kBoundsMicros.size();

  template <class Rep, class Period>
  void record(std::chrono::duration<Rep, Period> latency) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
    if (us < 0) us = 0;  // a clock is steady, but a test's manual one may not be
    const auto u = static_cast<std::uint64_t>(us);
    for (std::size_t i = 0; i < kBuckets; ++i)
      if (u <= kBoundsMicros[i]) {
        ++buckets_[i];
        break;
      }
    ++count_;
    sum_micros_ += u;
  }

  // Samples at or below kBoundsMicros[i] (cumulative, as Prometheus's `le`).
  std::uint64_t cumulative(std::size_t i) const {
    std::uint64_t n = 0;
    for (std::size_t j = 0; j <= i && j < kBuckets; ++j) n += buckets_[j];
    return n;
  }
  std::uint64_t count() const { return count_; }
  std::uint64_t sum_micros() const { return sum_micros_; }

 private:
  std::array<std::uint64_t, kBuckets> buckets_{};  // per bucket, not cumulative
  std::uint64_t count_ = 0;
  std::uint64_t sum_micros_ = 0;
};

// The three kinds of I/O a target completes, one histogram each.
struct TargetLatency {
  LatencyHistogram read, write, flush;
};

}  // namespace aoe
