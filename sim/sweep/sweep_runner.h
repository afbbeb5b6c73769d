#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/sweep/results_table.h"
#include "sim/sweep/sweep_plan.h"

namespace accelsim::sweep {

struct RunnerOptions {
  int jobs = 1;                     // points simulated at once
  std::filesystem::path simulator;  // the accelsim binary each point runs
  bool retry_failed = false;        // run again the recorded points whose status is not ok
  bool fresh = false;               // run every point again, whatever is recorded
  // Called after each point this run finishes: points done and failed of `total` to run.
  std::function<void(int64_t done, int64_t failed, int64_t total)> on_progress;
};

// A point this run tried but left without a new result, though the run itself was not
// interrupted: its simulator could not be started, or was stopped by a signal from outside.
struct UnrecordedPoint {
  int64_t index = 0;
  std::string reason;
};

struct SweepOutcome {
  ResultsTable table;  // what results.csv and results.json now say: the results on disk
  int64_t points = 0;
  int64_t ran = 0;     // simulated by this run
  int64_t reused = 0;  // recorded by an earlier run (resume)
  int64_t ok = 0;
  int64_t failed = 0;
  int64_t not_run = 0;
  int64_t on_front = 0;
  std::vector<UnrecordedPoint> unrecorded;
  int interrupt_signal = 0;  // non-zero: stopped by this signal
  double wall_seconds = 0;
};

// Runs the points of `plan` that have no result yet in its folder, `jobs` at a time, each as
// its own simulator process, records each point's result as it ends, then writes results.csv,
// results.json and pareto.svg for all points (and host.json with this run's timing). A failing
// point never stops the others. On SIGINT/SIGTERM/SIGHUP it stops launching, ends the running
// points (left unrecorded, so that a rerun does them) and still writes consistent results.
// The results show, for every point, what its result file holds at the end: a point that
// --fresh or --retry-failed was to run again but that did not get a new result keeps the one
// recorded earlier, as `--merge` would show it.
SweepOutcome run_sweep(const SweepPlan& plan, const RunnerOptions& options);

}  // namespace accelsim::sweep
