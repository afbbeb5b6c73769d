#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace accelsim::testing {

struct ProgramResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string output;  // stdout and stderr together
  bool timed_out = false;
};

// Runs `program` with `arguments` (no shell), capturing its output until it exits. If it has
// not exited (and closed its output) within `timeout_seconds`, kills it and the processes it
// started, and says so in `timed_out` (a guard against a hung tool, not a timing check).
ProgramResult run_program(const std::filesystem::path& program, const std::vector<std::string>& arguments,
                          int timeout_seconds = 120);

// Runs `script` with /bin/sh -c, as run_program does.
inline ProgramResult run_shell(const std::string& script, int timeout_seconds = 120) {
  return run_program("/bin/sh", {"-c", script}, timeout_seconds);
}

// `name` found on PATH, or nothing.
std::optional<std::filesystem::path> find_program(const std::string& name);

}  // namespace accelsim::testing
