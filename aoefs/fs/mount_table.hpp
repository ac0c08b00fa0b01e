// The calling process's mount table, /proc/self/mountinfo, read for the
// mount point checks (mount_point.hpp): which mount sits where, on which
// parent mount, of which type.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace aoefs {

struct MountEntry {
  int id = 0;          // the mount's id (statx's STATX_MNT_ID)
  int parent_id = 0;   // the mount it sits on
  std::string point;   // where, unescaped (mountinfo writes blanks as \040)
  std::string type;    // "fuse.aoefs", "ext4", ...
  std::string source;  // what was mounted ("aoefs", "/dev/sda1"), unescaped
};

// One line of mountinfo; nothing if it is not one.
std::optional<MountEntry> parse_mountinfo_line(const std::string& line);

// Every mount of /proc/self/mountinfo; empty if it cannot be read.
std::vector<MountEntry> read_mount_table();

}  // namespace aoefs
