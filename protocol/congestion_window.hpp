// The per-target window of frames in flight, AIMD: every answered frame adds
// 1/window (one frame per window's worth of answers), a timeout halves it —
// at most once per round trip: a loss of a frame sent before the last
// reduction is part of the same congestion event and does not halve again.
// Bounds: [1, limit], limit = min(target buffer count, configured maximum).
// It starts at the limit: a LAN target answering its buffer count is the
// common case, and vblade's buffer count is exactly what its socket holds.
#pragma once

#include <algorithm>

#include "protocol/clock.hpp"

namespace aoe {

class CongestionWindow {
 public:
  explicit CongestionWindow(unsigned limit = 1) {
    set_limit(limit);
    cwnd_ = limit_;
  }

  void set_limit(unsigned limit) {
    limit_ = std::max(1u, limit);
    cwnd_ = std::min(cwnd_, static_cast<double>(limit_));
  }
  unsigned limit() const { return limit_; }
  unsigned size() const { return std::max(1u, static_cast<unsigned>(cwnd_)); }

  void on_answer() { cwnd_ = std::min(static_cast<double>(limit_), cwnd_ + 1.0 / cwnd_); }
  // `sent` is when the lost frame was (last) sent. True when it cut the window.
  bool on_loss(TimePoint sent, TimePoint now) {
    if (reduced_ && sent <= last_reduction_) return false;
    before_cut_ = cwnd_;
    cwnd_ = std::max(1.0, cwnd_ / 2);
    last_reduction_ = now;
    reduced_ = true;
    return true;
  }
  // The loss that cut the window last was no loss (a spurious
  // retransmission, Eifel): back to the size before the cut.
  void undo() { cwnd_ = std::min(static_cast<double>(limit_), std::max(cwnd_, before_cut_)); }

 private:
  unsigned limit_ = 1;
  double cwnd_ = 1;
  double before_cut_ = 1;
  bool reduced_ = false;
  TimePoint last_reduction_{};
};

}  // namespace aoe
