#include "aoefs/helper/policy_path.hpp"

#include <unistd.h>

#include <climits>

namespace aoefs::helper {
namespace {
std::string parent(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}
}  // namespace

std::string policy_path_for(const std::string& helper_path) {
  const std::string prefix =
      parent(parent(parent(helper_path)));  // strip libexec/aoefs/aoefs-helper
  if (prefix == "/usr" || prefix == "/") return "/etc/aoefs/helper.toml";
  return prefix + "/etc/aoefs/helper.toml";
}

std::string policy_file_path() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  const std::string exe(buf, static_cast<std::size_t>(n));
  if (exe.empty() || exe[0] != '/' || exe.ends_with(" (deleted)")) return "";
  return policy_path_for(exe);
}

}  // namespace aoefs::helper
