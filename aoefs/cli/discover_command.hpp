// `aoefs discover`: find targets on the given interfaces and print a table
// like aoe-stat, a line per target. main.cpp dispatches to it.
#pragma once

namespace aoefs {

// argv[0] is "discover". Returns the process exit code: 0 when at least one
// target answered, 1 when none did, an interface named with -i is down or
// cannot be opened, none could be opened, or discovery failed; 2 on bad
// arguments.
int run_discover_command(int argc, char** argv);

}  // namespace aoefs
