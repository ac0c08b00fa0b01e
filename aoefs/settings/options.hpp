// The mount command line:
//   aoefs [-f] [-d] [--config FILE | --instance NAME] [-o OPT[,OPT...]] [SOURCE] MOUNTPOINT
// (--help/--version are handled by main). Parsing is pure: no file access.
//
// SOURCE is what mount(8) and mount.fuse3 put before the mount point (the
// first field of an fstab line, e.g. "aoefs"); aoefs accepts and ignores it.
//
// Every Error of this header is a usage error: one message for the user
// naming the option or key (e.g. "-o dead_timeout=x: expected ..."); the
// daemon prints it and exits with code 2, nothing mounted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aoefs/settings/config_location.hpp"
#include "aoefs/settings/settings.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs {

struct CommandLine {
  std::string mountpoint;
  std::optional<std::string> source;       // the SOURCE word, if given (ignored)
  std::optional<std::string> config_path;  // --config; empty: the default path, optional
  std::optional<std::string> instance;     // --instance (config_location.hpp)
  std::vector<std::string> mount_options;  // each -o item, in order
  bool foreground = false;                 // -f
  bool debug = false;                      // -d
};

Expected<CommandLine> parse_command_line(int argc, char** argv);

// Applies the -o items and -f/-d over `settings` (already holding defaults +
// file). FUSE's own options and the generic mount flags mount(8) passes
// (nosuid, noatime, sync, ...; see usage.cpp) are appended to `fuse_options`;
// fstab bookkeeping (defaults, _netdev, noauto, x-*, ...) is ignored;
// anything else is an error.
Expected<void> apply_mount_options(Settings& settings, const CommandLine& line,
                                   std::vector<std::string>& fuse_options);

// Defaults, then the file (the --config one is required to exist; the
// default path may be missing), then -o. The whole configuration step.
Expected<Settings> load_settings(const CommandLine& line, std::vector<std::string>& fuse_options);

}  // namespace aoefs
