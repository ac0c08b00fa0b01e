// `aoefs unlock eS.L --force [-i IFACE]... [--wait MS]`: clears the config
// string of a target — the way out when a lock holder crashed (its string
// stays; nothing clears it silently). Reads the string first and says what
// it cleared. Without --force it refuses and touches nothing: clearing a
// live holder's string breaks its exclusion.
//
// Exit codes: 0 cleared (or nothing was set), 1 target not found or not
// answering, or an interface cannot be opened, 2 bad arguments or no --force.
#pragma once

namespace aoefs {

// argv[0] is "unlock".
int run_unlock_command(int argc, char** argv);

}  // namespace aoefs
