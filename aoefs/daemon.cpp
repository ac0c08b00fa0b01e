#include "aoefs/daemon.hpp"

#include <cstdio>

namespace aoefs {

int run_daemon(int, char**) {
  std::fputs("aoefs: mounting is not implemented yet\n", stderr);
  return 1;
}

}  // namespace aoefs
