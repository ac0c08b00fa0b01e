#include "support/responder/counter_line.hpp"

namespace aoetest {

std::string counter_line(std::initializer_list<Counter> counters) {
  std::string line;
  for (const Counter& c : counters) {
    if (!line.empty()) line += ' ';
    line.append(c.name).append("=").append(std::to_string(c.value));
  }
  return line + "\n";
}

}  // namespace aoetest
