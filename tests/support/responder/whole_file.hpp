// Files the integration tests poll while a tool runs (counters, pid files).
#pragma once

#include <string>
#include <string_view>

namespace aoetest {

// Writes `text` to PATH.tmp and renames it over PATH, so that a reader sees
// the file whole or not at all. Best effort: a failure leaves PATH as it was.
void replace_file(const std::string& path, std::string_view text);

}  // namespace aoetest
