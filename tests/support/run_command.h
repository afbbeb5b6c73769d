#pragma once

#include <string>
#include <vector>

namespace accelsim::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs the accelsim binary with `arguments` (no shell), capturing its output.
CommandResult run_accelsim(const std::vector<std::string>& arguments);

}  // namespace accelsim::testing
