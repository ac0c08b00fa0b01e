// aoefs's side of the setuid helper: run it, receive its sockets.
#pragma once

#include <string>
#include <vector>

#include "aoefs/helper/fd_passing.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs::helper {

// The helper aoefs runs: $AOEFS_HELPER if set (the daemon is unprivileged, so
// this grants nothing), else <dir of aoefs>/../libexec/aoefs/aoefs-helper.
std::string default_helper_path();

// Runs `helper_path --fd 3 IFACE...` with an empty environment and returns
// the sockets it handed over, in the order asked, or the reason it failed
// (including the helper's own message from stderr, which it inherits).
Expected<std::vector<PassedSocket>> request_sockets_from_helper(
    const std::string& helper_path, const std::vector<std::string>& interfaces);

}  // namespace aoefs::helper
