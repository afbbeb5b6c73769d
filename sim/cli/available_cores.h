#pragma once

#include <sched.h>
#include <unistd.h>

#include <algorithm>

namespace accelsim::cli {

// The cores this process may run on (its affinity mask, as taskset or a container sets it):
// how many child runs a command starts at once by default.
inline int available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
}

}  // namespace accelsim::cli
