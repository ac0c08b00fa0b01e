#include "protocol/rtt_estimator.hpp"

#include <algorithm>

namespace aoe {

void RttEstimator::sample(Duration rtt) {
  if (rtt < Duration::zero()) rtt = Duration::zero();
  if (!has_sample_) {
    srtt_ = rtt;
    rttvar_ = rtt / 2;
    has_sample_ = true;
    return;
  }
  const Duration err = rtt > srtt_ ? rtt - srtt_ : srtt_ - rtt;
  rttvar_ += (err - rttvar_) / 4;
  srtt_ += (rtt - srtt_) / 8;
}

Duration RttEstimator::rto() const {
  if (!has_sample_) return std::clamp(limits_.initial_rto, limits_.min_rto, limits_.max_rto);
  return std::clamp(srtt_ + 4 * rttvar_, limits_.min_rto, limits_.max_rto);
}

Duration RttEstimator::backoff(unsigned retries) const {
  Duration t = rto();
  for (unsigned i = 0; i < retries && t < limits_.max_rto; ++i) t *= 2;
  return std::min(t, limits_.max_rto);
}

}  // namespace aoe
