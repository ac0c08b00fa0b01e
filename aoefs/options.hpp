// The mount command line: aoefs [-f] [-d] [--config FILE] [-o OPT[,OPT...]] MOUNTPOINT
// (--help/--version are handled by main). Parsing is pure: no file access.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "aoefs/settings.hpp"

namespace aoefs {

inline constexpr const char* kDefaultConfigPath = "/etc/aoefs.toml";

struct CommandLine {
  std::string mountpoint;
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
// file). FUSE's own options that aoefs passes through (default_permissions,
// fsname=..., ...) are appended to `fuse_options`; anything unknown is an error.
std::optional<UsageError> apply_mount_options(Settings& settings, const CommandLine& line,
                                              std::vector<std::string>& fuse_options);

// Defaults, then the file (the --config one is required to exist; the
// default path may be missing), then -o. The whole configuration step.
std::variant<Settings, UsageError> load_settings(const CommandLine& line,
                                                 std::vector<std::string>& fuse_options);

}  // namespace aoefs
