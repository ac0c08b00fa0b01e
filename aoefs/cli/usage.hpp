// The text of `aoefs --help` and `aoefs --version`: the one list of every
// command-line and configuration option (options.cpp and config_file.cpp
// accept exactly these keys).
#pragma once

#include <string_view>

namespace aoefs {

std::string_view usage_text();
std::string_view version_text();
std::string_view version_number();  // "0.1.0"

}  // namespace aoefs
