// `aoefs discover`: find targets on the given interfaces and print a table
// like aoe-stat. main.cpp dispatches to it.
#pragma once

namespace aoefs {

// argv[0] is "discover". Returns the process exit code: 0 when the table was
// printed (even if empty), 2 on bad arguments, 1 when an interface named
// with -i is down or cannot be opened, none could be opened, or discovery
// failed.
int run_discover_command(int argc, char** argv);

}  // namespace aoefs
