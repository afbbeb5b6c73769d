#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "sim/run/simulation.h"
#include "sim/run/workload.h"

namespace accelsim::report {

// stats.json: per layer and in total, every figure with its unit in `units` (see
// docs/outputs.md). Deterministic: no host timings in it.
nlohmann::json stats_json(const run::Workload& workload, const run::RunResult& result);

// layers.csv: one row per layer and a total row, columns named as SCALE-Sim's reports name them
// where they mean the same.
std::string layers_csv(const run::Workload& workload, const run::RunResult& result);

// The console summary: a table per layer and in total, then accuracy, latency, throughput.
std::string console_summary(const run::Workload& workload, const run::RunResult& result);

}  // namespace accelsim::report
