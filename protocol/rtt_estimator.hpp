// Per-target round-trip estimate and retransmission timeout (Jacobson/Karels,
// as in TCP, RFC 6298): srtt += (r - srtt)/8, rttvar += (|r - srtt| - rttvar)/4,
// rto = srtt + 4*rttvar, clamped to [min_rto, max_rto]. Every copy of a frame
// has its own tag, so each answer names the copy it answers and is an exact
// sample — retransmitted frames included (Karn's ambiguity does not arise).
// The engine adds the target's queueing on top (engine.hpp, timeouts).
//
// Clamp choice: min_rto 10 ms. vblade is single threaded and synchronous;
// with -s (O_SYNC) each write takes ~1 ms, so ten writes queued ahead of a
// frame legitimately delay it ~10 ms; deeper queues of slow writes show up
// in srtt/rttvar within a round trip (every sample includes the queueing).
// A spurious retransmission of a write is harmless for the data (same
// bytes; the stale-write guard holds back overlapping writes), it only costs
// a frame. Lower floors duplicate writes under -s; higher ones make every
// loss that fast retransmit cannot see (the last frame of a burst, a window
// shrunk to one) stall the target for the whole floor: at 5 % loss per
// direction on veth, 20 ms gave ~10 MB/s, 10 ms ~2x that, 5 ms ~4x.
// max_rto 2 s keeps a target that comes back (vblade restarted) in use
// within two seconds. Before the first sample the RTO is initial_rto
// (250 ms): discovery and IDENTIFY give the first samples long before bulk
// I/O starts.
#pragma once

#include <chrono>

#include "protocol/clock.hpp"

namespace aoe {

struct RttLimits {
  Duration initial_rto = std::chrono::milliseconds(250);
  Duration min_rto = std::chrono::milliseconds(10);
  Duration max_rto = std::chrono::seconds(2);
};

class RttEstimator {
 public:
  explicit RttEstimator(RttLimits limits = {}) : limits_(limits) {}

  void sample(Duration rtt);
  bool has_sample() const { return has_sample_; }
  Duration srtt() const { return srtt_; }
  Duration rttvar() const { return rttvar_; }
  // Timeout of a first transmission.
  Duration rto() const;
  // Timeout after `retries` retransmissions of the same frame: rto * 2^retries,
  // clamped to max_rto (exponential backoff).
  Duration backoff(unsigned retries) const;
  const RttLimits& limits() const { return limits_; }

 private:
  RttLimits limits_;
  bool has_sample_ = false;
  Duration srtt_{0};
  Duration rttvar_{0};
};

}  // namespace aoe
