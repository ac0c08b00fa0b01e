// Reading a file that a setuid-root program may trust: one that only root
// can have written, reached through directories only root can change.
//
// The path is walked from "/" one component at a time with
// openat(O_NOFOLLOW), so what is checked is what is read (no window between
// check and open). Trusted means:
//  - every directory on the way is owned by root and not writable by group
//    or others, except that a root-owned sticky directory (such as /tmp) is
//    accepted: there nobody but root can rename or remove root's entries;
//  - no component is a symbolic link;
//  - the file is a regular file owned by root, not writable by group or
//    others, and at most `max_bytes` long.
#pragma once

#include <cstddef>
#include <string>

#include "aoefs/util/expected.hpp"

namespace aoefs::helper {

// The file's contents, or why it cannot be trusted or read; the error names
// the offending path, e.g. "/etc/x: writable by group or others". `path`
// must be absolute and normalised (no "." or ".." components, no empty
// components).
Expected<std::string> read_trusted_file(const std::string& path, std::size_t max_bytes);

}  // namespace aoefs::helper
