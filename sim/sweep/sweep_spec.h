#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/config/configuration_error.h"
#include "sim/sweep/area_model.h"

namespace accelsim::sweep {

// Two points closer than this (relative) on every objective are one trade-off, not two
// (docs/sweeps.md): a sweep spec's `pareto_tolerance:`.
inline constexpr double kDefaultParetoTolerance = 0.01;

// The pseudo-key of a column that picks the base config file itself (values are paths,
// relative to the spec), e.g. to sweep over configs that differ in many keys at once.
inline constexpr const char* kBaseConfigKey = "base";

// One value of a column: the YAML text given to `accelsim --set key=TEXT` (or a config path
// for the base column), and the label shown in results.
struct Setting {
  std::string value;
  std::string label;
};

// A results column and the config keys its value is written to (all of them, e.g. rows and
// cols of a square array), or the base config.
struct Column {
  std::string name;
  std::vector<std::string> keys;
  bool selects_base_config() const { return keys.size() == 1 && keys.front() == kBaseConfigKey; }
};

// A sweep spec (docs/sweeps.md): a base config, columns, and either a grid (the product of
// every column's values) or an explicit list of points.
struct SweepSpec {
  std::filesystem::path file;
  std::string name;
  std::filesystem::path base_config;  // resolved
  std::string base_config_text;       // as written, relative to the spec
  int64_t images = 1;
  double timeout_seconds = 300;
  std::vector<Column> columns;
  bool grid = true;
  std::vector<std::vector<Setting>> axis_values;  // grid: the values of each column
  std::vector<std::vector<Setting>> points;       // explicit: one setting per column per point
  std::vector<std::string> metrics;
  std::vector<std::string> pareto;                    // objectives, a subset of metrics
  double pareto_tolerance = kDefaultParetoTolerance;  // relative; see pareto.h
  std::string colour_by;  // the column the report colours points by; empty: chosen (sweep_report.h)
  AreaModel area;

  int64_t point_count() const;
  // The config file a setting of the base column names, resolved against the spec.
  std::filesystem::path resolve_config(const std::string& written) const;
};

// The columns results.csv has besides a spec's settings and metrics, in file order: index and
// id lead, the others trail. No setting may take their names (nor a metric's).
inline const std::vector<std::string> kFixedCsvColumns = {"index", "id", "bit_exact", "pareto", "status", "error"};

// The largest sweep one spec may describe; a grid beyond it is almost surely a typo.
inline constexpr int64_t kMaxPoints = 1000000;

// Reads and checks a spec. Every axis key must exist in the base config (each of them, when
// the base config is a column) and every value must pass the config's own checks; metric and
// Pareto names must be known. Throws config::ConfigurationError naming the spec file, the key
// with line and column, and what was expected.
SweepSpec load_sweep_spec(const std::filesystem::path& file);

}  // namespace accelsim::sweep
