// What the throughput benchmarks (lenet_throughput, model_throughput) share: medians, a thread's
// CPU clock, and running a command that must succeed.
#pragma once

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/child_process.h"

namespace accelsim::bench {

// Per-image times of one row, one entry per round.
struct Times {
  std::vector<double> cpu, wall;
};

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

inline double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Runs a command; returns its wall and CPU time, or stops the benchmark if it failed.
inline ChildResult run_process(const std::vector<std::string>& command) {
  const ChildResult result = run_child(command);
  if (result.exit_code != 0) {
    std::string line;
    for (const auto& part : command) line += (line.empty() ? "" : " ") + part;
    fmt::print(stderr, "bench: {} failed (exit {})\n", line, result.exit_code);
    std::exit(1);
  }
  return result;
}

}  // namespace accelsim::bench
