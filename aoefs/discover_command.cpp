// TEMPORARY stub so the daemon links; the initiator engineer owns this file
// and replaces it with the real `aoefs discover`.
#include "aoefs/discover_command.hpp"

#include <cstdio>

namespace aoefs {

int run_discover_command(int, char**) {
  std::fputs("aoefs discover: not implemented\n", stderr);
  return 1;
}

}  // namespace aoefs
