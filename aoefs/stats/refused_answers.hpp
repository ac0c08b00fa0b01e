// Refused answers (aoe::LinkStats::refused) as people read them, the same in
// `aoefs stat` and the daemon's log: "lba 18, port 2".
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "protocol/initiator_types.hpp"

namespace aoefs {

using RefusedCounts = std::array<std::uint64_t, aoe::kRefusedAnswerReasons>;

// The reason of refused[index]: refused_answer_text(), the label value of
// aoefs_link_answers_refused_total{reason}.
std::string refused_reason(std::size_t index);

std::uint64_t refused_total(const RefusedCounts& refused);

// The nonzero reasons with their counts, most first (ties in RefusedAnswer
// order), comma separated; "" when every count is 0.
std::string refused_reasons_text(const RefusedCounts& refused);

}  // namespace aoefs
