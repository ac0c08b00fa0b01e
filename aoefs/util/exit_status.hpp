// The exit codes of aoefs, the same for the daemon and every subcommand:
// 0 done, 1 a failure (an interface, the network, a mount, a flush), 2 a
// usage error (a bad option, value, argument, configuration file or key;
// nothing was done).
#pragma once

namespace aoefs {

inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

}  // namespace aoefs
