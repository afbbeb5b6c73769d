#include "sim/sweep/sweep_runner.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstring>

#include "core/io/atomic_file.h"
#include "sim/sweep/process_pool.h"
#include "sim/sweep/results_table.h"
#include "sim/sweep/signal_watch.h"
#include "sim/sweep/sweep_folder.h"

namespace accelsim::sweep {

namespace fs = std::filesystem;

SweepOutcome run_sweep(const SweepPlan& plan, const RunnerOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const SweepFolderLock lock(plan.out);
  fs::create_directories(plan.out / "points");
  std::vector<fs::path> point_dirs;
  for (const auto& job : plan.jobs) point_dirs.push_back(job.output_dir);
  remove_abandoned_temporaries(plan.out, point_dirs);
  write_manifest(plan);

  // Every recorded result, including those this run is asked to redo: until a new result
  // replaces it, the recorded one is what the point's file holds, so it is what results show.
  std::map<int64_t, PointResult> results = read_recorded_results(plan);
  std::vector<const PointJob*> pending;
  for (const auto& job : plan.jobs) {
    const auto recorded = results.find(job.index);
    if (recorded == results.end() || options.fresh ||
        (options.retry_failed && recorded->second.status != PointStatus::Ok))
      pending.push_back(&job);
  }

  SweepOutcome outcome;
  outcome.points = static_cast<int64_t>(plan.jobs.size());
  outcome.reused = outcome.points - static_cast<int64_t>(pending.size());
  int64_t finished_now = 0, failed_now = 0;
  const SignalWatch watch;
  ProcessPool pool(options.jobs, watch);
  pool.run(
      pending.size(),
      [&](std::size_t i) {
        const PointJob& job = *pending[i];
        prepare_point(job);
        return ChildCommand{simulator_command(job, options.simulator), job.timeout_seconds};
      },
      [&](std::size_t i, const ChildOutcome& child) {
        const PointJob& job = *pending[i];
        if (is_point_result(child)) {
          PointResult result = finish_point(job, child);
          write_point_result(job, result);
          ++outcome.ran;
          failed_now += result.status != PointStatus::Ok;
          results[job.index] = std::move(result);
        } else if (child.end == ChildEnd::SpawnFailed) {
          outcome.unrecorded.push_back({job.index, child.error_output});
          ++failed_now;
        } else if (!watch.interrupted()) {
          outcome.unrecorded.push_back(
              {job.index, fmt::format("its simulator was stopped by signal {} ({}) from outside this sweep",
                                      child.signal, strsignal(child.signal))});
          ++failed_now;
        } else {
          return;  // stopped with this run: the next run does it
        }
        ++finished_now;
        if (options.on_progress) options.on_progress(finished_now, failed_now, static_cast<int64_t>(pending.size()));
      });
  outcome.interrupt_signal = watch.interrupt_signal();

  outcome.table = build_results(plan, results);
  write_results(outcome.table, plan.out);
  outcome.ok = outcome.table.ok();
  outcome.failed = outcome.table.failed();
  outcome.not_run = outcome.table.not_run();
  for (const auto& row : outcome.table.rows) outcome.on_front += row.pareto;
  outcome.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Host timing stays out of the deterministic results. The runner's own CPU time (not its
  // children's) shows what the sweep machinery costs beside the simulations.
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double runner_cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                            static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  report::write_file_atomically(
      plan.out / "host.json",
      fmt::format("{{\n  \"wall_seconds\": {:.6f},\n  \"points_run\": {},\n  \"points_reused\": {},\n  \"jobs\": {},\n"
                  "  \"points_per_second\": {:.3f},\n  \"runner_cpu_seconds\": {:.6f}\n}}\n",
                  outcome.wall_seconds, outcome.ran, outcome.reused, options.jobs,
                  outcome.wall_seconds > 0 ? static_cast<double>(outcome.ran) / outcome.wall_seconds : 0.0,
                  runner_cpu));
  return outcome;
}

}  // namespace accelsim::sweep
