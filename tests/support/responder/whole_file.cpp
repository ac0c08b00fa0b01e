#include "support/responder/whole_file.hpp"

#include <cstdio>
#include <fstream>

namespace aoetest {

void replace_file(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << text;
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace aoetest
