// `aoefs list [OPTIONS]`: every aoefs mount of the host (cli/mount_list.hpp),
// one line each, as `iscsiadm -m session` lists sessions: mount point,
// state, the daemon's pid, the interfaces in use, targets up and in all, and
// the key settings, from each mount's .stats (aoefs_mount_info,
// aoefs_setting, aoefs_target_up). A mount whose daemon does not answer
// within --wait (killed: ENOTCONN; stopped: no answer) is listed as "dead"
// with why, and the command goes on.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "aoefs/cli/table_output.hpp"
#include "aoefs/util/expected.hpp"

namespace aoefs {

// One mount as read: its point and its .stats text, or why it could not be read.
struct MountSnapshot {
  std::string mount_point;
  Expected<std::string> stats;
};

std::span<const ColumnSpec> list_columns();

// The table (pure; unit-tested). REQUIRES format.columns chosen well.
std::string format_mount_list(const std::vector<MountSnapshot>& mounts, const TableFormat& format);

// argv[0] is "list". Exit code: 0 listed (none is fine: no line; JSON an
// empty array), 2 bad arguments.
int run_list_command(int argc, char** argv);

}  // namespace aoefs
