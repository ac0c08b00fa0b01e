// The mount command line: aoefs [-f] [-d] [--config FILE] [-o OPT[,OPT...]] [SOURCE] MOUNTPOINT
// (--help/--version are handled by main). Parsing is pure: no file access.
//
// SOURCE is what mount(8) and mount.fuse3 put before the mount point (the
// first field of an fstab line, e.g. "aoefs"); aoefs accepts and ignores it.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aoefs/settings/settings.hpp"

namespace aoefs {

inline constexpr const char* kDefaultConfigPath = "/etc/aoefs.toml";

struct CommandLine {
  std::string mountpoint;
  std::optional<std::string> source;       // the SOURCE word, if given (ignored)
  std::optional<std::string> config_path;  // --config; empty: the default path, optional
  std::vector<std::string> mount_options;  // each -o item, in order
  bool foreground = false;                 // -f
  bool debug = false;                      // -d
};

// One error message for the user, e.g. "-o dead_timeout=x: expected ...".
struct UsageError {
  std::string message;
};

std::variant<CommandLine, UsageError> parse_command_line(int argc, char** argv);

// Applies the -o items and -f/-d over `settings` (already holding defaults +
// file). FUSE's own options and the generic mount flags mount(8) passes
// (nosuid, noatime, sync, ...; see usage.cpp) are appended to `fuse_options`;
// fstab bookkeeping (defaults, _netdev, noauto, x-*, ...) is ignored;
// anything else is an error.
std::optional<UsageError> apply_mount_options(Settings& settings, const CommandLine& line,
                                              std::vector<std::string>& fuse_options);

// Defaults, then the file (the --config one is required to exist; the
// default path may be missing), then -o. The whole configuration step.
std::variant<Settings, UsageError> load_settings(const CommandLine& line,
                                                 std::vector<std::string>& fuse_options);

}  // namespace aoefs
