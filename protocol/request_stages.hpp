// Where a request's time goes, hop by hop: one histogram per stage, cheap
// enough to be always on (a steady_clock read at each end of a stage, a few
// relaxed atomic increments per sample, no lock, no allocation), so
// record() may run on any thread at once.
//
// The stages of one read or write, in order (README.md, "Request stages"):
//   request     the FUSE operation handler began → its reply was written
//               (aoefs/fs; everything the daemon spends, the stages below
//               included)
//   submit      the Initiator call → the engine took the operation (the
//               engine's mutex, held meanwhile by the io thread or other
//               callers)
//   queued      in the engine → its first frame was sent (the window full)
//   wire        first frame sent → the last answer completed it (target and
//               network, retransmissions included)
//   completion  completed → its handler began (the post to the io thread;
//               every deferred completion is counted here, not only data)
// `request` minus the others is the daemon's own path above the initiator
// (unaligned I/O, cache, the reply's copy); what happens before the handler
// begins (the kernel's queue, /dev/fuse) is not seen here: the bench's FUSE
// floor shows it.
//
// Snapshots (StageHistogram::Snapshot) are plain values: bucket counts are
// read one by one, so a snapshot taken while samples arrive may be off by
// those samples, never by more.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aoe {

enum class RequestStage : std::uint8_t { request, submit, queued, wire, completion };
inline constexpr std::size_t kRequestStages = 5;

class StageHistogram {
 public:
  // Upper bounds in nanoseconds: the hops are microseconds, a wire with
  // retransmissions up to seconds.
  static constexpr std::array<std::uint64_t, 16> kBoundsNanos = {
      1'000,      2'000,       5'000,         10'000,       20'000,    50'000,
      100'000,    200'000,     500'000,       1'000'000,    2'000'000, 5'000'000,
      10'000'000, 100'000'000, 1'000'000'000, 5'000'000'000};
  static constexpr std::size_t kBuckets = kBoundsNanos.size();

  struct Snapshot {
    std::array<std::uint64_t, kBuckets> buckets{};  // per bucket, not cumulative
    std::uint64_t count = 0;                        // all samples (+Inf)
    std::uint64_t sum_nanos = 0;
    std::uint64_t cumulative(std::size_t i) const {
      std::uint64_t n = 0;
      for (std::size_t j = 0; j <= i && j < kBuckets; ++j) n += buckets[j];
      return n;
    }
  };

  template <class Rep, class Period>
  void record(std::chrono::duration<Rep, Period> elapsed) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
    const auto n = static_cast<std::uint64_t>(ns < 0 ? 0 : ns);
    for (std::size_t i = 0; i < kBuckets; ++i)
      if (n <= kBoundsNanos[i]) {
        buckets_[i].fetch_add(1, std::memory_order_relaxed);
        break;
      }
    sum_nanos_.fetch_add(n, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
  }

  Snapshot snapshot() const {
    Snapshot s;
    for (std::size_t i = 0; i < kBuckets; ++i)
      s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    s.sum_nanos = sum_nanos_.load(std::memory_order_relaxed);
    s.count = count_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::uint64_t> sum_nanos_{0};
  std::atomic<std::uint64_t> count_{0};
};

// One histogram per stage; shared by the initiator and the FUSE edge.
class RequestStages {
 public:
  using Snapshot = std::array<StageHistogram::Snapshot, kRequestStages>;
  template <class Rep, class Period>
  void record(RequestStage stage, std::chrono::duration<Rep, Period> elapsed) {
    stages_[static_cast<std::size_t>(stage)].record(elapsed);
  }
  Snapshot snapshot() const {
    Snapshot s;
    for (std::size_t i = 0; i < kRequestStages; ++i) s[i] = stages_[i].snapshot();
    return s;
  }

 private:
  std::array<StageHistogram, kRequestStages> stages_;
};

// "request", "submit", ...: the label values of the metrics.
inline std::string_view request_stage_name(RequestStage stage) {
  switch (stage) {
    case RequestStage::request:
      return "request";
    case RequestStage::submit:
      return "submit";
    case RequestStage::queued:
      return "queued";
    case RequestStage::wire:
      return "wire";
    case RequestStage::completion:
      return "completion";
  }
  return "?";
}

}  // namespace aoe
