#include "sim/sweep/sweep_merge.h"

#include "sim/sweep/sweep_folder.h"

namespace accelsim::sweep {

ResultsTable merge_sweep(const std::filesystem::path& out) {
  const SweepPlan plan = read_manifest(out);
  const SweepFolderLock lock(out);
  std::vector<std::filesystem::path> point_dirs;
  for (const auto& job : plan.jobs) point_dirs.push_back(job.output_dir);
  remove_abandoned_temporaries(out, point_dirs);
  ResultsTable table = build_results(plan, read_recorded_results(plan));
  write_results(table, out);
  return table;
}

}  // namespace accelsim::sweep
