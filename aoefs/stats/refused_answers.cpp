#include "aoefs/stats/refused_answers.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace aoefs {

std::string refused_reason(std::size_t index) {
  return std::string(aoe::refused_answer_text(static_cast<aoe::RefusedAnswer>(index)));
}

std::uint64_t refused_total(const RefusedCounts& refused) {
  return std::accumulate(refused.begin(), refused.end(), std::uint64_t{0});
}

std::string refused_reasons_text(const RefusedCounts& refused) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < refused.size(); ++i)
    if (refused[i] != 0) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return refused[a] > refused[b]; });
  std::string out;
  for (const std::size_t i : order) {
    if (!out.empty()) out += ", ";
    out += refused_reason(i) + " " + std::to_string(refused[i]);
  }
  return out;
}

}  // namespace aoefs
