#pragma once

#include <cstdint>
#include <filesystem>

#include "sim/sweep/sweep_plan.h"

namespace accelsim::sweep {

struct EmittedCommands {
  std::filesystem::path commands;  // one shell command per point
  std::filesystem::path sbatch;    // a Slurm job array over those lines
  int64_t points = 0;
  int64_t points_per_task = 1;
  int64_t array_tasks = 0;
};

// Slurm rejects arrays larger than its MaxArraySize (1001 by default): bigger sweeps give each
// array task several consecutive points.
inline constexpr int64_t kMaxArrayTasks = 1000;

// For sweeps that outgrow one machine: writes `commands_file`, one self-contained command per
// point (`ACCELSIM sweep --run-point JSON`: it runs the point and writes the point's result file
// into the plan's folder), for GNU parallel; a Slurm sbatch script beside it (same name, .sbatch)
// running them as a job array; and the plan's manifest, so that `accelsim sweep --merge OUT`
// can join the results. Paths are absolute: hosts need the same paths (a shared file system).
// Holds the folder's lock while it writes the manifest. Throws report::OutputError, before
// writing anything, when the commands file would be overwritten by the script (a name ending
// in .sbatch) or would overwrite the manifest, and when the folder is in use.
EmittedCommands emit_commands(const SweepPlan& plan, const std::filesystem::path& commands_file,
                              const std::filesystem::path& accelsim);

// `text` quoted for a POSIX shell.
std::string shell_quote(const std::string& text);

}  // namespace accelsim::sweep
