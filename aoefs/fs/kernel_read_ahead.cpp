#include "aoefs/fs/kernel_read_ahead.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fstream>

namespace aoefs {

bool set_kernel_read_ahead(const std::string& mountpoint, unsigned read_ahead_kb) {
  struct stat st {};
  if (::stat(mountpoint.c_str(), &st) != 0) return false;
  const std::string path = "/sys/class/bdi/" + std::to_string(major(st.st_dev)) + ":" +
                           std::to_string(minor(st.st_dev)) + "/read_ahead_kb";
  std::ofstream out(path);
  if (!out) return false;
  out << read_ahead_kb << '\n';
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace aoefs
