#include "sim/sweep/metrics.h"

#include <algorithm>
#include <utility>

namespace accelsim::sweep {

namespace {

using nlohmann::json;

// Top-level keys of stats.json (docs/outputs.md) that hold numbers under them: a metric path
// goes on below one (`total.pe_stall_cycles`).
const std::vector<std::string> kStatsContainers = {"total", "layers", "hardware"};

// Top-level keys of stats.json that are numbers themselves, collected by their name, with
// their Pareto goal. (`accuracy` is a named metric.)
const std::vector<std::pair<std::string, Goal>> kStatsNumbers = {{"correct", Goal::Maximize},
                                                                 {"golden_accuracy", Goal::Maximize},
                                                                 {"golden_correct", Goal::Maximize},
                                                                 {"images", Goal::Minimize},
                                                                 {"mismatches", Goal::Minimize}};

std::string first_segment(const std::string& path) { return path.substr(0, path.find_first_of(".[")); }

// Splits `layers[conv5].cycles` / `layers.2.cycles` into segments.
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  std::string current;
  for (char c : path) {
    if (c == '.' || c == '[' || c == ']') {
      if (!current.empty()) segments.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) segments.push_back(current);
  return segments;
}

const json* find_in_stats(const json& stats, const std::string& path) {
  const json* node = &stats;
  for (const auto& segment : split_path(path)) {
    if (node->is_object()) {
      const auto it = node->find(segment);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      const json* found = nullptr;
      const bool numeric =
          !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (numeric && segment.size() < 9 && std::stoul(segment) < node->size()) {
        found = &(*node)[std::stoul(segment)];
      } else {
        for (const auto& element : *node)
          if (element.is_object() && element.contains("name") && element["name"] == segment) found = &element;
      }
      if (!found) return nullptr;
      node = found;
    } else {
      return nullptr;
    }
  }
  return node;
}

json stat(const json& stats, const std::string& path) {
  const json* value = find_in_stats(stats, path);
  if (!value || !(value->is_number() || value->is_boolean()))
    throw MetricError("stats.json has no numeric value at '" + path + "'");
  return *value;
}

double number(const json& stats, const std::string& path) { return stat(stats, path).get<double>(); }

int64_t integer(const json& stats, const std::string& path) { return stat(stats, path).get<int64_t>(); }

}  // namespace

const std::vector<MetricInfo>& named_metrics() {
  using Stats = const json&;
  using Facts = const HardwareFacts&;
  using Area = const AreaModel&;
  static const std::vector<MetricInfo> metrics = {
      {"cycles", "cycles", "simulated cycles of the whole run (all images)", Goal::Minimize,
       [](Stats stats, Facts, Area) -> json { return integer(stats, "total.cycles"); }, true},
      {"latency_us", "us", "mean latency of one image, first instruction to logits in DRAM", Goal::Minimize,
       [](Stats stats, Facts, Area) -> json { return number(stats, "total.latency_us_per_image"); }, true},
      {"utilization", "fraction", "MACs / (cycles * rows * cols)", Goal::Maximize,
       [](Stats stats, Facts, Area) -> json { return number(stats, "total.utilization"); }, true},
      {"dram_bytes", "bytes", "DRAM bytes read and written", Goal::Minimize,
       [](Stats stats, Facts, Area) -> json {
         return integer(stats, "total.dram_read_bytes") + integer(stats, "total.dram_write_bytes");
       },
       true},
      {"sram_traffic_bytes", "bytes", "weight SRAM, activation SRAM and accumulator bytes read and written",
       Goal::Minimize,
       [](Stats stats, Facts, Area) -> json {
         int64_t bytes = 0;
         for (const char* memory : {"weight_sram", "activation_sram", "accumulator"})
           for (const char* direction : {"read", "write"})
             bytes += integer(stats, std::string("total.") + memory + "_" + direction + "_bytes");
         return bytes;
       },
       true},
      {"energy_pj", "pJ", "energy of the whole run", Goal::Minimize,
       [](Stats stats, Facts, Area) -> json { return number(stats, "total.energy_pj"); }, true},
      {"energy_pj_per_image", "pJ", "energy per image", Goal::Minimize,
       [](Stats stats, Facts, Area) -> json { return number(stats, "total.energy_pj_per_image"); }, false},
      {"throughput_images_per_s", "images/s", "images per simulated second", Goal::Maximize,
       [](Stats stats, Facts, Area) -> json { return number(stats, "total.throughput_images_per_s"); }, false},
      {"accuracy", "fraction", "top-1 accuracy of the accelerator's logits over the images", Goal::Maximize,
       [](Stats stats, Facts, Area) -> json { return number(stats, "accuracy"); }, false},
      {"pe_count", "PEs", "area proxy: rows * cols", Goal::Minimize,
       [](Stats, Facts facts, Area) -> json { return facts.pe_count; }, true},
      {"sram_capacity_bytes", "bytes", "area proxy: weight + activation SRAM + accumulator capacity", Goal::Minimize,
       [](Stats, Facts facts, Area) -> json { return facts.sram_capacity_bytes; }, true},
      {"area_mm2", "mm^2", "area model: PEs, SRAM bits and requantization lanes (docs/sweeps.md)", Goal::Minimize,
       [](Stats, Facts facts, Area area) -> json { return area_mm2(facts, area); }, true},
  };
  return metrics;
}

std::vector<std::string> default_metrics() {
  std::vector<std::string> names;
  for (const auto& metric : named_metrics())
    if (metric.in_default) names.push_back(metric.name);
  return names;
}

std::optional<MetricInfo> find_metric(const std::string& name) {
  for (const auto& metric : named_metrics())
    if (metric.name == name) return metric;
  for (const auto& [key, goal] : kStatsNumbers)
    if (name == key) return MetricInfo{name, "", "stats.json value", goal, {}, false};
  const std::string root = first_segment(name);
  if (name.size() > root.size() &&
      std::find(kStatsContainers.begin(), kStatsContainers.end(), root) != kStatsContainers.end())
    return MetricInfo{name, "", "stats.json value", Goal::Minimize, {}, false};
  return std::nullopt;
}

json extract_metrics(const std::vector<std::string>& metrics, const json& stats, const HardwareFacts& facts,
                     const AreaModel& area) {
  json values = json::object();
  for (const auto& name : metrics) {
    const auto& named = named_metrics();
    const auto metric = std::find_if(named.begin(), named.end(), [&](const MetricInfo& m) { return m.name == name; });
    values[name] = metric != named.end() ? metric->value(stats, facts, area) : stat(stats, name);
  }
  return values;
}

}  // namespace accelsim::sweep
