// The mounting daemon: parse options and configuration, start the initiator,
// mount, serve FUSE requests until unmounted or signalled, flush, unmount.
#pragma once

namespace aoefs {

// argv as given to main (argv[0] is the program). Returns the process exit
// code: 0 after a clean unmount, 2 on invalid options/configuration (nothing
// mounted), 1 on any other failure to mount.
int run_daemon(int argc, char** argv);

}  // namespace aoefs
