// `aoefs stat [OPTIONS] MOUNTPOINT [TARGET-REGEX...]`: the mount's
// statistics (MOUNTPOINT/.stats) as a table, a row per target
// (cli/stat_table.hpp). `--watch [SECONDS]`: every SECONDS (default 1) what
// happened in the interval (cli/stat_watch.hpp), until SIGINT/SIGTERM.
// The patterns keep the targets they match (cli/target_filter.hpp);
// --active only those with I/O (since the mount, or in the interval);
// the table options as lsblk's (cli/table_output.hpp).
#pragma once

namespace aoefs {

// argv[0] is "stat". Exit code: 0 printed (or --watch ended by SIGINT or
// SIGTERM), 2 bad arguments, 1 the stats file cannot be read or parsed
// (not an aoefs mount?).
int run_stat_command(int argc, char** argv);

}  // namespace aoefs
