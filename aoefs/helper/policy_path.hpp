// Where the helper's policy lives: derived from where the helper itself is
// installed, never from the caller. The helper is installed as
// <prefix>/libexec/aoefs/aoefs-helper; its policy is
// <prefix>/etc/aoefs/helper.toml, except for prefix /usr, whose sysconfdir is
// /etc. A relocated copy (e.g. a test's temporary prefix) therefore reads its
// own policy, which still has to pass check_policy_file_trusted().
#pragma once

#include <string>

namespace aoefs::helper {

// The policy path for a helper whose executable is `helper_path` (absolute,
// symlinks resolved).
std::string policy_path_for(const std::string& helper_path);

// policy_path_for(the running executable); empty if it cannot be resolved.
std::string policy_file_path();

}  // namespace aoefs::helper
