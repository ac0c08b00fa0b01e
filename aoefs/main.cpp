// Placeholder until the filesystem issue: the daemon's entry point.
#include <cstdio>

int main() {
  std::fputs("aoefs: not built yet\n", stderr);
  return 1;
}
