#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/sweep/sweep_spec.h"

namespace accelsim::sweep {

// One point of a sweep: a setting for every column of the spec.
struct DesignPoint {
  int64_t index = 0;
  std::vector<Setting> settings;  // in the order of SweepSpec::columns
};

// Every point of the spec in a fixed order: a grid as nested loops over the axes in the order
// they are written (the last axis varies fastest), an explicit list as written.
std::vector<DesignPoint> expand_points(const SweepSpec& spec);

// The config file a point runs and the `--set` overrides that make it.
struct PointConfig {
  std::filesystem::path config;
  std::string config_text;  // as written in the spec
  std::vector<std::string> overrides;
};

PointConfig point_config(const SweepSpec& spec, const DesignPoint& point);

}  // namespace accelsim::sweep
