// Where the helper's policy lives: derived from where the helper itself is
// installed, never from the caller. The helper is installed as
// <prefix>/libexec/aoefs/aoefs-helper; its policy is
// <prefix>/etc/aoefs/helper.toml, except for prefix /usr, whose sysconfdir is
// /etc. A relocated copy (e.g. a test's temporary prefix) therefore reads its
// own policy.
//
// Why this is safe although the caller chooses which file it executes: the
// kernel resolves /proc/self/exe, so the path names where the helper really
// is, and the policy must pass read_trusted_file() (trusted_file.hpp): every
// directory from "/" down is root's. A user who hard-links the helper into a
// directory of theirs (possible only with fs.protected_hardlinks=0) gets a
// policy path below a directory they own, which is refused. Nothing of the
// caller's environment or arguments takes part.
#pragma once

#include <string>

namespace aoefs::helper {

// The policy path for a helper whose executable is `helper_path` (absolute,
// symlinks resolved).
std::string policy_path_for(const std::string& helper_path);

// policy_path_for(the running executable); empty if it cannot be resolved
// (or the executable was deleted since it started).
std::string policy_file_path();

}  // namespace aoefs::helper
