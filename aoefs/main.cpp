// aoefs: the entry point. `aoefs discover ...` lists targets, `aoefs stat
// MOUNTPOINT` prints a mount's statistics, `aoefs list` the mounts, `aoefs
// unlock ...` clears a lock string, `aoefs help` is `aoefs --help`; anything
// else mounts (daemon.hpp).
#include <cstdio>
#include <string_view>

#include "aoefs/daemon/daemon.hpp"
#include "aoefs/cli/discover_command.hpp"
#include "aoefs/cli/list_command.hpp"
#include "aoefs/cli/stat_command.hpp"
#include "aoefs/cli/unlock_command.hpp"
#include "aoefs/cli/usage.hpp"

int main(int argc, char** argv) {
  if (argc >= 2) {
    const std::string_view first = argv[1];
    if (first == "discover") return aoefs::run_discover_command(argc - 1, argv + 1);
    if (first == "stat") return aoefs::run_stat_command(argc - 1, argv + 1);
    if (first == "unlock") return aoefs::run_unlock_command(argc - 1, argv + 1);
    if (first == "list") return aoefs::run_list_command(argc - 1, argv + 1);
    if (first == "--help" || first == "-h" || first == "help") {
      std::fwrite(aoefs::usage_text().data(), 1, aoefs::usage_text().size(), stdout);
      return 0;
    }
    if (first == "--version" || first == "-V") {
      std::fwrite(aoefs::version_text().data(), 1, aoefs::version_text().size(), stdout);
      return 0;
    }
  }
  return aoefs::run_daemon(argc, argv);
}
