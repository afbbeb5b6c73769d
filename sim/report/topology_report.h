#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace accelsim::report {

// report.html of a SCALE-Sim topology run (accelsim --topology): per layer SCALE-Sim's equation
// beside accelsim's own array model (fast or detailed) and accelsim's whole one-layer run, with
// the reason for each difference, from the run's aggregate stats.json. Self-contained HTML.
std::string render_topology_report(const nlohmann::json& stats);

}  // namespace accelsim::report
