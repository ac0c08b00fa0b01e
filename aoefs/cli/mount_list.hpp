// The aoefs mounts of this host (this mount namespace): the lines of
// /proc/self/mountinfo whose filesystem type is fuse.aoefs. A mount made
// with subtype=NAME has type fuse.NAME and is not found.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aoefs {

// The mount points of the fuse.aoefs lines of a mountinfo text, in its
// order, unescaped (\040 is a space, as the kernel writes it). Pure.
std::vector<std::string> aoefs_mount_points(std::string_view mountinfo);

// /proc/self/mountinfo's; empty when it cannot be read.
std::vector<std::string> aoefs_mount_points();

}  // namespace aoefs
