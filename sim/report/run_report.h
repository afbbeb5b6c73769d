#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "sim/report/effective_config.h"
#include "sim/run/simulation.h"
#include "sim/run/workload.h"

namespace accelsim::report {

// stats.json: per layer and in total, every figure with its unit in `units` (see
// docs/outputs.md). Deterministic: no host timings in it. All but its "effective_config", which
// stats_text writes from `effective`'s entries; `effective`: effective_params(workload.params).
nlohmann::json stats_json(const run::Workload& workload, const run::RunResult& result,
                          const std::vector<const config::ParamDoc*>& effective);
// stats.json's text: `stats` with "effective_config" (effective_entries of the same keys).
std::string stats_text(const nlohmann::json& stats, const std::vector<EffectiveEntry>& effective_config);

// host.json: what the run cost the host (wall time, and the SystemC events of
// run::HostEventCounts in total, per image and per compute tile), kept out of stats.json
// because it changes from run to run (the wall time) or with the simulator's code (the events).
nlohmann::json host_json(double wall_seconds, int64_t images, const run::HostEventCounts& events);

// layers.csv: one row per layer and a total row, columns named as SCALE-Sim's reports name them
// where they mean the same.
std::string layers_csv(const run::Workload& workload, const run::RunResult& result);

// The console summary: a table per layer and in total, then accuracy, latency, throughput.
std::string console_summary(const run::Workload& workload, const run::RunResult& result);

}  // namespace accelsim::report
