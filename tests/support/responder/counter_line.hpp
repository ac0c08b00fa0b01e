// The tools' counter lines, "name=value name=value ...\n": what the
// integration tests parse (quirk_counter in quirk_common.sh, the summary in
// fault_hostile.sh, fault_stat of the relay's stats file).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace aoetest {

struct Counter {
  std::string_view name;
  std::uint64_t value;
};

std::string counter_line(std::initializer_list<Counter> counters);

}  // namespace aoetest
