// Reading Prometheus text exposition format (0.0.4) back: what `aoefs stat`
// does with MOUNTPOINT/.stats. Comment (#) and blank lines are skipped;
// every other line must be `name[{label="value",...}] number`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aoefs/util/expected.hpp"

namespace aoefs {

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;  // values unescaped
  double value = 0;
};

// All samples in order, or a message naming the first bad line ("line 7: ...").
Expected<std::vector<MetricSample>> parse_prometheus_text(std::string_view text);

// The value of the sample named `name` whose labels include every pair of
// `match`; nothing when there is none. A scan of every sample: for one
// lookup; a table of many goes through SampleIndex (sample_index.hpp).
std::optional<double> find_sample(const std::vector<MetricSample>& samples, std::string_view name,
                                  const std::map<std::string, std::string>& match = {});

}  // namespace aoefs
