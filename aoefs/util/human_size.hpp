// Sizes for people: 1536 -> "1.5 KiB" (binary units, one decimal).
#pragma once

#include <cstdint>
#include <string>

namespace aoefs {

std::string human_size(std::uint64_t bytes);

}  // namespace aoefs
