#include "aoefs/daemon/memory_policy.hpp"

#include <malloc.h>

namespace aoefs {

void apply_memory_policy() {
  ::mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  ::mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
  ::mallopt(M_ARENA_MAX, 2);
}

}  // namespace aoefs
