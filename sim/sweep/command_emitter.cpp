#include "sim/sweep/command_emitter.h"

#include <fmt/format.h>

#include <cmath>

#include "core/io/atomic_file.h"
#include "sim/sweep/sweep_folder.h"

namespace accelsim::sweep {

namespace fs = std::filesystem;

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

EmittedCommands emit_commands(const SweepPlan& plan, const fs::path& commands_file, const fs::path& accelsim) {
  EmittedCommands emitted;
  emitted.commands = fs::absolute(commands_file).lexically_normal();
  emitted.sbatch = emitted.commands.parent_path() / (emitted.commands.stem().string() + ".sbatch");
  emitted.points = static_cast<int64_t>(plan.jobs.size());
  // Checked before anything is written: one file must not overwrite another.
  if (emitted.sbatch == emitted.commands)
    throw report::OutputError(
        "--emit-commands " + commands_file.string() + ": the Slurm script is written beside the commands as " +
        emitted.commands.stem().string() + ".sbatch, the same file; give the commands file another extension, e.g. " +
        emitted.commands.stem().string() + ".txt");
  for (const fs::path& file : {emitted.commands, emitted.sbatch})
    if (file == manifest_file(plan.out).lexically_normal())
      throw report::OutputError("--emit-commands " + commands_file.string() + ": " + file.string() +
                                " would overwrite the sweep's manifest; write the commands elsewhere");

  // The lock keeps a local run or a merge from writing the manifest at the same time.
  const SweepFolderLock lock(plan.out);
  fs::create_directories(plan.out / "points");
  fs::create_directories(plan.out / "slurm");
  write_manifest(plan);

  std::string commands;
  for (const auto& job : plan.jobs)
    commands += shell_quote(accelsim.string()) + " sweep --run-point " + shell_quote(job.to_json().dump()) + "\n";
  if (!emitted.commands.parent_path().empty()) fs::create_directories(emitted.commands.parent_path());
  report::write_file_atomically(emitted.commands, commands);

  emitted.points_per_task = std::max<int64_t>(1, (emitted.points + kMaxArrayTasks - 1) / kMaxArrayTasks);
  emitted.array_tasks = (emitted.points + emitted.points_per_task - 1) / emitted.points_per_task;
  const double timeout = plan.jobs.empty() ? 60 : plan.jobs.front().timeout_seconds;
  const auto minutes =
      static_cast<int64_t>(std::ceil(static_cast<double>(emitted.points_per_task) * timeout / 60.0)) + 5;
  const std::string script = fmt::format(
      R"(#!/bin/bash
# Slurm job array for the accelsim sweep '{name}': {points} points, {per_task} per array task.
#   sbatch {sbatch}
# then, when every task has ended:
#   {accelsim} sweep --merge {out}
# Each line of {commands_name} runs one point and writes its own result file; a point that
# already has its result is skipped, so the array can be submitted again after a failure.
# Add what your cluster needs (--partition, --account, --mem-per-cpu) below.
#SBATCH --job-name=accelsim-{name}
#SBATCH --array=0-{last_task}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --time={minutes}
#SBATCH --output={out_raw}/slurm/%A_%a.out
set -u
commands={commands}
per_task={per_task}
first=$(( ${{SLURM_ARRAY_TASK_ID:?run this script with sbatch}} * per_task + 1 ))
last=$(( first + per_task - 1 ))
status=0
while IFS= read -r command; do
  bash -c "$command" || status=1
done < <(sed -n "${{first}},${{last}}p" "$commands")
exit $status
)",
      fmt::arg("name", plan.name), fmt::arg("points", emitted.points), fmt::arg("per_task", emitted.points_per_task),
      fmt::arg("sbatch", shell_quote(emitted.sbatch.string())), fmt::arg("accelsim", shell_quote(accelsim.string())),
      fmt::arg("out", shell_quote(plan.out.string())), fmt::arg("out_raw", plan.out.string()),
      fmt::arg("commands_name", emitted.commands.filename().string()), fmt::arg("last_task", emitted.array_tasks - 1),
      fmt::arg("minutes", minutes), fmt::arg("commands", shell_quote(emitted.commands.string())));
  report::write_file_atomically(emitted.sbatch, script);
  fs::permissions(emitted.sbatch, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  return emitted;
}

}  // namespace accelsim::sweep
