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
const std::vector<std::pair<std::string, Goal>> kStatsNumbers = {
    {"correct", Goal::Maximize}, {"golden_accuracy", Goal::Maximize}, {"golden_correct", Goal::Maximize},
    {"images", Goal::Minimize},  {"mismatches", Goal::Minimize}};

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
      const bool numeric = !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
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

json named_metric(const std::string& name, const json& stats, const HardwareFacts& facts, const AreaModel& area) {
  if (name == "cycles") return integer(stats, "total.cycles");
  if (name == "latency_us") return number(stats, "total.latency_us_per_image");
  if (name == "utilization") return number(stats, "total.utilization");
  if (name == "dram_bytes") return integer(stats, "total.dram_read_bytes") + integer(stats, "total.dram_write_bytes");
  if (name == "sram_traffic_bytes") {
    int64_t bytes = 0;
    for (const char* memory : {"weight_sram", "activation_sram", "accumulator"})
      for (const char* direction : {"read", "write"}) bytes += integer(stats, std::string("total.") + memory + "_" + direction + "_bytes");
    return bytes;
  }
  if (name == "energy_pj") return number(stats, "total.energy_pj");
  if (name == "energy_pj_per_image") return number(stats, "total.energy_pj_per_image");
  if (name == "throughput_images_per_s") return number(stats, "total.throughput_images_per_s");
  if (name == "accuracy") return number(stats, "accuracy");
  if (name == "pe_count") return facts.pe_count;
  if (name == "sram_capacity_bytes") return facts.sram_capacity_bytes;
  if (name == "area_mm2") return area_mm2(facts, area);
  return stat(stats, name);
}

}  // namespace

const std::vector<MetricInfo>& named_metrics() {
  static const std::vector<MetricInfo> metrics = {
      {"cycles", "cycles", "simulated cycles of the whole run (all images)", Goal::Minimize},
      {"latency_us", "us", "mean latency of one image, first instruction to logits in DRAM", Goal::Minimize},
      {"utilization", "fraction", "MACs / (cycles * rows * cols)", Goal::Maximize},
      {"dram_bytes", "bytes", "DRAM bytes read and written", Goal::Minimize},
      {"sram_traffic_bytes", "bytes", "weight SRAM, activation SRAM and accumulator bytes read and written", Goal::Minimize},
      {"energy_pj", "pJ", "energy of the whole run", Goal::Minimize},
      {"energy_pj_per_image", "pJ", "energy per image", Goal::Minimize},
      {"throughput_images_per_s", "images/s", "images per simulated second", Goal::Maximize},
      {"accuracy", "fraction", "top-1 accuracy of the accelerator's logits over the images", Goal::Maximize},
      {"pe_count", "PEs", "area proxy: rows * cols", Goal::Minimize},
      {"sram_capacity_bytes", "bytes", "area proxy: weight + activation SRAM + accumulator capacity", Goal::Minimize},
      {"area_mm2", "mm^2", "area model: PEs, SRAM bits and requantization lanes (docs/sweeps.md)", Goal::Minimize},
  };
  return metrics;
}

std::vector<std::string> default_metrics() {
  return {"cycles", "latency_us", "utilization", "dram_bytes", "sram_traffic_bytes", "energy_pj", "pe_count", "sram_capacity_bytes", "area_mm2"};
}

std::optional<MetricInfo> find_metric(const std::string& name) {
  for (const auto& metric : named_metrics())
    if (metric.name == name) return metric;
  for (const auto& [key, goal] : kStatsNumbers)
    if (name == key) return MetricInfo{name, "", "stats.json value", goal};
  const std::string root = first_segment(name);
  if (name.size() > root.size() && std::find(kStatsContainers.begin(), kStatsContainers.end(), root) != kStatsContainers.end())
    return MetricInfo{name, "", "stats.json value", Goal::Minimize};
  return std::nullopt;
}

json extract_metrics(const std::vector<std::string>& metrics, const json& stats, const HardwareFacts& facts, const AreaModel& area) {
  json values = json::object();
  for (const auto& name : metrics) values[name] = named_metric(name, stats, facts, area);
  return values;
}

}  // namespace accelsim::sweep
