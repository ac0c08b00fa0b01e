// An index over the samples of one parsed .stats text, so that a table of N
// targets costs O(N) lookups of a few samples each, not O(N) scans of every
// sample (which made `aoefs stat` on 1,000 targets take seconds).
//
// Samples are grouped once by family name, and by family name and target
// label; a lookup scans only its group. The index points into the vector it
// was built from: that vector must outlive it and stay unchanged.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "aoefs/stats/prometheus_parse.hpp"

namespace aoefs {

class SampleIndex {
 public:
  explicit SampleIndex(const std::vector<MetricSample>& samples);

  // The first sample named `name` whose labels include every pair of
  // `match` (as find_sample), or null. A "target" pair in `match` narrows
  // the scan to that target's samples of the family.
  const MetricSample* find(std::string_view name,
                           const std::map<std::string, std::string>& match = {}) const;
  std::optional<double> value(std::string_view name,
                              const std::map<std::string, std::string>& match = {}) const;
  // A label of the first sample of `name` for `target` that has it; "" when none.
  std::string label(std::string_view name, const std::string& target, const std::string& key) const;

  // Every sample of a family, in text order.
  std::span<const MetricSample* const> family(std::string_view name) const;
  // Every sample of a family for one target, in text order.
  std::span<const MetricSample* const> of_target(std::string_view name,
                                                 const std::string& target) const;

  // The targets, in the order of their aoefs_target_up samples.
  const std::vector<std::string>& targets() const { return targets_; }

 private:
  using Group = std::vector<const MetricSample*>;
  std::unordered_map<std::string, Group> by_name_;
  std::unordered_map<std::string, Group> by_target_;  // key: name, '\n', target
  std::vector<std::string> targets_;
};

}  // namespace aoefs
