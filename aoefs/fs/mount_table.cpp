#include "aoefs/fs/mount_table.hpp"

#include <fstream>
#include <sstream>

namespace aoefs {
namespace {

// mountinfo escapes blanks and backslashes as \ooo.
std::string unescape_mountinfo(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string oct = s.substr(i + 1, 3);
      if (oct.find_first_not_of("01234567") == std::string::npos) {
        out += static_cast<char>(std::stoi(oct, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::optional<MountEntry> parse_mountinfo_line(const std::string& line) {
  // ID PARENT MAJOR:MINOR ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER
  std::istringstream fields(line);
  MountEntry entry;
  std::string devno, root, point, field;
  if (!(fields >> entry.id >> entry.parent_id >> devno >> root >> point)) return std::nullopt;
  entry.point = unescape_mountinfo(point);
  while (fields >> field)
    if (field == "-") break;
  if (field != "-" || !(fields >> entry.type)) return std::nullopt;
  if (fields >> field) entry.source = unescape_mountinfo(field);
  return entry;
}

std::vector<MountEntry> read_mount_table() {
  std::vector<MountEntry> table;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line))
    if (auto entry = parse_mountinfo_line(line)) table.push_back(std::move(*entry));
  return table;
}

}  // namespace aoefs
