#pragma once

#include <filesystem>

#include "sim/sweep/results_table.h"

namespace accelsim::sweep {

// Joins the per-point result files of a sweep folder (written by `--run-point` commands on any
// host, or by a local run) into results.csv, results.json and pareto.svg, the same files a
// local run writes. Points without a result are rows with status not_run. Throws ManifestError
// when OUT has no sweep manifest.
ResultsTable merge_sweep(const std::filesystem::path& out);

}  // namespace accelsim::sweep
