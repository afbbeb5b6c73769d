#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/sweep/area_model.h"

namespace accelsim::sweep {

enum class Goal { Minimize, Maximize };

// A figure collected for every design point: a named metric, or any numeric value of the
// point's stats.json by its path (`golden_accuracy`, `total.pe_stall_cycles`, `layers[conv5].cycles`).
struct MetricInfo {
  std::string name;
  std::string unit;
  std::string description;
  Goal goal = Goal::Minimize;  // for the Pareto front
  // A named metric's value from a point's stats.json and hardware facts; empty for a value
  // read from stats.json by its path.
  std::function<nlohmann::json(const nlohmann::json& stats, const HardwareFacts& facts, const AreaModel& area)> value;
  bool in_default = false;  // collected by a spec without `metrics:`
};

const std::vector<MetricInfo>& named_metrics();
// The metrics of a spec without `metrics:`: cycles, latency, utilization, traffic, energy, area.
std::vector<std::string> default_metrics();
// A named metric; a top-level number of stats.json by its name (`golden_accuracy`, `correct`,
// `golden_correct`: maximized; `mismatches`, `images`); or a path below `total`, `layers` or
// `hardware` (minimized). nullopt for none of these.
std::optional<MetricInfo> find_metric(const std::string& name);

// A metric the stats of a point do not have.
class MetricError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The values of `metrics` for one simulated point, as a JSON object {name: number}.
nlohmann::json extract_metrics(const std::vector<std::string>& metrics, const nlohmann::json& stats,
                               const HardwareFacts& facts, const AreaModel& area);

}  // namespace accelsim::sweep
