#include "sim/sweep/sweep_spec.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/config/config_tree.h"
#include "core/config/section.h"
#include "sim/run/workload.h"
#include "sim/sweep/metrics.h"

namespace accelsim::sweep {

namespace fs = std::filesystem;
using config::ConfigTree;
using config::ConfigurationError;
using config::Section;
using config::YamlNode;

namespace {

// A setting as parsed, with where it was written, for errors found when checking it.
struct WrittenSetting {
  Setting setting;
  std::string path;
  YamlNode node;
};

struct WrittenColumn {
  Column column;
  std::string path;       // of the axis, or of the key in the first point
  std::string name_path;  // where the column's name comes from: name:, or its key
  YamlNode name_node;
  std::vector<std::string> key_paths;  // where each key was written
  std::vector<YamlNode> key_nodes;
  std::vector<WrittenSetting> values;  // grid only
};

[[noreturn]] void fail_at(const ConfigTree& tree, const std::string& path, const YamlNode& node,
                          const std::string& message) {
  throw ConfigurationError(tree.locate(path, node), path, message);
}

// The text `--set key=TEXT` gets: a scalar as written, or a flow list of scalars.
std::string value_text(const ConfigTree& tree, const std::string& path, const YamlNode& node) {
  if (node.is_scalar()) return node.text();
  if (node.is_sequence()) {
    std::string text = "[";
    for (std::size_t i = 0; i < node.size(); ++i) {
      if (!node[i].is_scalar())
        fail_at(tree, config::join_index(path, i), node[i],
                "expected a plain value inside a list value, got " + config::node_text(node[i]));
      text += (i ? ", " : "") + node[i].text();
    }
    return text + "]";
  }
  fail_at(tree, path, node, "expected a value (a number, a string or a list of them), got " + config::node_text(node));
}

bool is_power_of_two(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

std::vector<WrittenSetting> range_values(const ConfigTree& tree, const YamlNode& node, const std::string& path) {
  Section range(tree, node, path);
  const int64_t from = range.param<int64_t>("from").desc("first value").required();
  const int64_t to = range.param<int64_t>("to").desc("last value (inclusive)").required();
  const std::optional<int64_t> step = range.param<int64_t>("step").desc("increment").min(1).optional();
  const bool doubling =
      range.param<bool>("powers_of_two").desc("from, 2*from, 4*from, ... up to to").default_val(false);
  range.finish();
  if (step && doubling) range.fail("step", "give either step: N or powers_of_two: true, not both");
  if (!step && !doubling) range.fail("", "expected step: N (an integer >= 1) or powers_of_two: true");
  if (from > to)
    range.fail("to", "the range is empty: from " + std::to_string(from) + " is greater than to " + std::to_string(to));
  if (doubling && !is_power_of_two(from))
    range.fail("from", "powers_of_two: true needs from to be a power of two >= 1, got " + std::to_string(from));
  if (step && (to - from) / *step + 1 > kMaxPoints)
    range.fail("step", "the range has more than " + std::to_string(kMaxPoints) + " values");

  std::vector<WrittenSetting> values;
  for (int64_t v = from; v <= to;) {
    values.push_back({{std::to_string(v), std::to_string(v)}, path, node});
    if (doubling) {
      if (v > to / 2) break;
      v *= 2;
    } else {
      if (v > to - *step) break;
      v += *step;
    }
  }
  return values;
}

WrittenColumn parse_axis(const ConfigTree& tree, Section axis) {
  WrittenColumn written;
  written.path = axis.path();
  const bool has_key = axis.has("key"), has_keys = axis.has("keys");
  if (!has_key && !has_keys) axis.fail("", "missing key: (a dotted config key, or base) or keys: (a list of them)");
  if (has_key && has_keys) axis.fail("keys", "give key: or keys:, not both");
  if (has_key) {
    written.key_nodes.push_back(axis.take("key"));
    written.key_paths.push_back(axis.key_path("key"));
    if (!written.key_nodes.back().is_scalar() || written.key_nodes.back().text().empty())
      axis.fail("key", "expected a dotted config key, got " + config::node_text(written.key_nodes.back()));
    written.column.keys.push_back(written.key_nodes.back().text());
  } else {
    const YamlNode keys = axis.take("keys");
    if (!keys.is_sequence() || keys.size() == 0)
      axis.fail("keys", "expected a non-empty list of dotted config keys, got " + config::node_text(keys));
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!keys[i].is_scalar())
        fail_at(tree, config::join_index(axis.key_path("keys"), i), keys[i], "expected a dotted config key");
      if (keys[i].text() == kBaseConfigKey)
        fail_at(tree, config::join_index(axis.key_path("keys"), i), keys[i],
                "base cannot be set together with other keys; give it an axis of its own");
      written.column.keys.push_back(keys[i].text());
      written.key_nodes.push_back(keys[i]);
      written.key_paths.push_back(config::join_index(axis.key_path("keys"), i));
    }
  }
  const YamlNode name_node = axis.take("name");
  const std::optional<std::string> name = axis.param<std::string>("name").desc("results column").optional();
  if (name) {
    written.column.name = *name;
    written.name_path = axis.key_path("name");
    written.name_node = name_node;
  } else if (has_keys && written.column.keys.size() > 1) {
    axis.fail("name", "missing required key (string: the results column of an axis that sets several keys)");
  } else {
    written.column.name = written.column.keys.front();
    written.name_path = written.key_paths.front();
    written.name_node = written.key_nodes.front();
  }
  if (written.column.name.empty()) axis.fail("name", "expected a non-empty column name");

  const bool has_values = axis.has("values"), has_range = axis.has("range");
  if (!has_values && !has_range)
    axis.fail("", "missing values: (a list) or range: (from, to, and step or powers_of_two)");
  if (has_values && has_range) axis.fail("range", "give values: or range:, not both");
  if (has_values) {
    const YamlNode values = axis.take("values");
    if (!values.is_sequence() || values.size() == 0)
      axis.fail("values", "expected a non-empty list of values, got " + config::node_text(values));
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::string path = config::join_index(axis.key_path("values"), i);
      if (values[i].is_null()) fail_at(tree, path, values[i], "expected a value, got nothing");
      const std::string text = value_text(tree, path, values[i]);
      written.values.push_back({{text, text}, path, values[i]});
    }
  } else {
    if (written.column.selects_base_config()) axis.fail("range", "base takes config file paths: use values:");
    written.values = range_values(tree, axis.take("range"), axis.key_path("range"));
  }
  if (written.column.selects_base_config())
    for (const auto& value : written.values)
      if (value.node.is_sequence()) fail_at(tree, value.path, value.node, "expected a config file path");

  if (const YamlNode labels = axis.take("labels")) {
    if (!labels.is_sequence() || labels.size() != written.values.size())
      axis.fail("labels",
                "expected a list of " + std::to_string(written.values.size()) + " labels, one per value, got " +
                    (labels.is_sequence() ? std::to_string(labels.size()) + " labels" : config::node_text(labels)));
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (!labels[i].is_scalar() || labels[i].text().empty())
        fail_at(tree, config::join_index(axis.key_path("labels"), i), labels[i], "expected a non-empty label");
      written.values[i].setting.label = labels[i].text();
    }
  }
  axis.finish();

  std::map<std::string, std::string> seen;  // value -> path
  for (const auto& value : written.values) {
    const auto [it, inserted] = seen.emplace(value.setting.value, value.path);
    if (!inserted)
      fail_at(tree, value.path, value.node,
              "duplicate value '" + value.setting.value + "' (also at " + it->second + ")");
  }
  return written;
}

std::vector<WrittenColumn> parse_points(const ConfigTree& tree, const YamlNode& points,
                                        std::vector<std::vector<WrittenSetting>>& rows) {
  if (!points.is_sequence() || points.size() == 0)
    fail_at(tree, "points", points, "expected a non-empty list of points (maps of key: value)");
  std::vector<WrittenColumn> columns;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const std::string point_path = config::join_index("points", p);
    const YamlNode point = points[p];
    if (!point.is_map() || point.size() == 0)
      fail_at(tree, point_path, point,
              "expected a map of dotted config keys to values, got " + config::node_text(point));
    if (p == 0) {
      for (const auto& entry : point.entries()) {
        WrittenColumn column;
        column.column = Column{entry.first.text(), {entry.first.text()}};
        column.path = config::join_key(point_path, entry.first.text());
        column.key_paths.push_back(column.path);
        column.key_nodes.push_back(entry.first);
        column.name_path = column.path;
        column.name_node = entry.first;
        columns.push_back(column);
      }
    }
    std::vector<WrittenSetting> row;
    for (const auto& column : columns) {
      const std::string key = column.column.keys.front();
      const YamlNode value = point[key];
      if (!value)
        fail_at(tree, point_path, point, "missing key '" + key + "': every point must set the keys of the first point");
      const std::string path = config::join_key(point_path, key);
      if (value.is_null()) fail_at(tree, path, value, "expected a value, got nothing");
      const std::string text = value_text(tree, path, value);
      row.push_back({{text, text}, path, value});
    }
    for (const auto& entry : point.entries()) {
      const std::string key = entry.first.text();
      if (std::none_of(columns.begin(), columns.end(),
                       [&](const WrittenColumn& c) { return c.column.keys.front() == key; }))
        fail_at(tree, config::join_key(point_path, key), entry.first,
                "key not set by the first point: every point must set the same keys");
    }
    for (std::size_t earlier = 0; earlier < rows.size(); ++earlier) {
      bool same = true;
      for (std::size_t c = 0; c < row.size(); ++c)
        same = same && rows[earlier][c].setting.value == row[c].setting.value;
      if (same) fail_at(tree, point_path, point, "duplicate of points[" + std::to_string(earlier) + "]");
    }
    rows.push_back(row);
  }
  return columns;
}

std::vector<std::string> string_list(const ConfigTree& tree, Section& root, const std::string& key,
                                     const std::vector<std::string>& fallback) {
  const YamlNode node = root.take(key);
  if (!node) return fallback;
  if (!node.is_sequence()) root.fail(key, "expected a list of metric names, got " + config::node_text(node));
  std::vector<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = config::join_index(key, i);
    if (!node[i].is_scalar()) fail_at(tree, path, node[i], "expected a metric name");
    const std::string name = node[i].text();
    if (std::find(names.begin(), names.end(), name) != names.end())
      fail_at(tree, path, node[i], "'" + name + "' is listed twice");
    names.push_back(name);
  }
  return names;
}

void check_metrics(const ConfigTree& tree, const std::vector<std::string>& metrics,
                   const std::vector<std::string>& pareto) {
  std::vector<std::string> known;
  for (const auto& metric : named_metrics()) known.push_back(metric.name);
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (find_metric(metrics[i])) continue;
    const YamlNode node = tree.root()["metrics"][i];
    std::string message = "unknown metric '" + metrics[i] + "'";
    if (auto hint = config::closest_match(metrics[i], known)) message += " (did you mean '" + *hint + "'?)";
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    fail_at(tree, config::join_index("metrics", i), node,
            message + "; expected one of " + list + ", or a stats.json path such as total.pe_stall_cycles");
  }
  for (std::size_t i = 0; i < pareto.size(); ++i) {
    if (std::find(metrics.begin(), metrics.end(), pareto[i]) != metrics.end()) continue;
    fail_at(tree, config::join_index("pareto", i), tree.root()["pareto"][i],
            "'" + pareto[i] + "' is not among the metrics collected (add it to metrics:)");
  }
  if (pareto.size() == 1)
    fail_at(tree, "pareto", tree.root()["pareto"],
            "a Pareto front needs at least two objectives (or pareto: [] for none)");
}

// results.csv has a column for each setting and each metric beside fixed ones: a column that
// shares its name with another would make the file ambiguous.
void check_csv_headers(const ConfigTree& tree, const std::vector<WrittenColumn>& columns,
                       const std::vector<std::string>& metrics) {
  for (const auto& written : columns) {
    const std::string& name = written.column.name;
    std::string clash;
    if (std::find(kFixedCsvColumns.begin(), kFixedCsvColumns.end(), name) != kFixedCsvColumns.end())
      clash = "a column results.csv always has";
    else if (std::find(metrics.begin(), metrics.end(), name) != metrics.end())
      clash = "a metric collected";
    if (!clash.empty())
      fail_at(tree, written.name_path, written.name_node,
              "column '" + name + "' has the name of " + clash + " (results.csv would have two '" + name +
                  "' columns); give the axis another name:");
  }
}

AreaModel parse_area_model(std::optional<Section> section) {
  AreaModel model;
  if (!section) return model;
  auto read = [&](const char* key, double& value, const char* description) {
    value = section->param<double>(key).desc(description).unit("um^2").min(0).default_val(value);
  };
  read("pe_um2", model.pe_um2, "one PE: 8-bit multiplier and 32-bit accumulator");
  read("sram_um2_per_bit", model.sram_um2_per_bit, "one SRAM bit with its share of periphery");
  read("requant_divide_um2", model.requant_divide_um2, "one requantization lane, divide mode");
  read("requant_multiply_float32_um2", model.requant_multiply_float32_um2, "one lane, float32 multiply");
  read("requant_multiply_float64_um2", model.requant_multiply_float64_um2, "one lane, float64 multiply");
  read("requant_fixed_point_um2", model.requant_fixed_point_um2, "one lane, fixed-point multiplier");
  read("requant_shift_um2", model.requant_shift_um2, "one lane, shifter");
  section->finish();
  return model;
}

// Every key path of a config, in the `a.b[name].c` form, for "did you mean".
void collect_paths(const YamlNode& node, const std::string& path, std::vector<std::string>& paths) {
  if (!path.empty()) paths.push_back(path);
  if (node.is_map()) {
    for (const auto& entry : node.entries())
      collect_paths(entry.second, config::join_key(path, entry.first.text()), paths);
  } else if (node.is_sequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YamlNode name = node[i].is_map() ? node[i]["name"] : YamlNode();
      collect_paths(node[i], name && name.is_scalar() ? path + "[" + name.text() + "]" : config::join_index(path, i),
                    paths);
    }
  }
}

// Axis keys must exist in every base config, and each value must pass the config's checks.
void check_against_configs(const ConfigTree& tree, const SweepSpec& spec, const std::vector<WrittenColumn>& columns,
                           const std::vector<std::vector<WrittenSetting>>& values_by_column,
                           const YamlNode& base_node) {
  std::vector<std::pair<fs::path, const WrittenSetting*>> bases;
  std::size_t base_column = columns.size();
  for (std::size_t c = 0; c < columns.size(); ++c)
    if (columns[c].column.selects_base_config()) base_column = c;
  if (base_column < columns.size()) {
    for (const auto& value : values_by_column[base_column])
      bases.emplace_back(spec.resolve_config(value.setting.value), &value);
  } else {
    bases.emplace_back(spec.base_config, nullptr);
  }

  for (const auto& base_and_setting : bases) {
    // Named, not structured bindings: a lambda may not capture those before C++20.
    const auto& base = base_and_setting.first;
    const auto* written = base_and_setting.second;
    auto fail_base = [&](const std::string& message) {
      if (written) fail_at(tree, written->path, written->node, message);
      fail_at(tree, "base", base_node, message);
    };
    std::error_code ec;
    if (!fs::is_regular_file(base, ec)) fail_base("config file '" + base.string() + "' not found");
    try {
      run::load_workload(base, {}, 0);  // checked whole; no image's pixels read
    } catch (const std::exception& e) {
      fail_base("config '" + base.string() + "' is not valid: " + e.what());
    }
    const ConfigTree base_tree = ConfigTree::load(base);
    std::vector<std::string> known_paths;
    collect_paths(base_tree.root(), "", known_paths);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c == base_column) continue;
      for (std::size_t k = 0; k < columns[c].column.keys.size(); ++k) {
        const std::string& key = columns[c].column.keys[k];
        ConfigTree probe = ConfigTree::load(base);
        const WrittenSetting& first = values_by_column[c].front();
        try {
          probe.apply_override(key + "=" + first.setting.value);
        } catch (const ConfigurationError& e) {
          const std::string& reason = e.message();
          if (reason.rfind("value is not valid YAML", 0) == 0)
            fail_at(tree, first.path, first.node, key + "=" + first.setting.value + ": " + reason);
          std::string message = "'" + key + "' is not a key of " + base.string();
          if (auto hint = config::closest_match(key, known_paths))
            message += " (did you mean '" + *hint + "'?)";
          else
            message += ": " + reason;
          fail_at(tree, columns[c].key_paths[k], columns[c].key_nodes[k], message);
        }
      }
    }
  }

  // Values: each checked once, against the first base config, by loading it as a run would.
  const fs::path first_base = bases.front().first;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c == base_column) continue;
    std::set<std::string> checked;
    for (const auto& value : values_by_column[c]) {
      if (!checked.insert(value.setting.value).second) continue;
      std::vector<std::string> overrides;
      for (const auto& key : columns[c].column.keys) overrides.push_back(key + "=" + value.setting.value);
      std::string reason;
      try {
        run::load_workload(first_base, overrides, 0);
      } catch (const ConfigurationError& e) {
        reason = e.message();
      } catch (const std::exception& e) {
        reason = e.what();
      }
      if (!reason.empty())
        fail_at(tree, value.path, value.node,
                columns[c].column.keys.front() + "=" + value.setting.value + " is rejected by " + first_base.string() +
                    ": " + reason);
    }
  }
}

}  // namespace

int64_t SweepSpec::point_count() const {
  if (!grid) return static_cast<int64_t>(points.size());
  int64_t count = 1;
  for (const auto& values : axis_values) count *= static_cast<int64_t>(values.size());
  return count;
}

fs::path SweepSpec::resolve_config(const std::string& written) const {
  fs::path path(written);
  if (path.is_relative()) path = file.parent_path() / path;
  return path.lexically_normal();
}

SweepSpec load_sweep_spec(const fs::path& file) {
  const ConfigTree tree = ConfigTree::load(file);
  Section root(tree, tree.root(), "");
  SweepSpec spec;
  spec.file = file;
  spec.name =
      root.param<std::string>("name").desc("sweep name, used in file and job names").default_val(file.stem().string());
  if (spec.name.empty() || !std::all_of(spec.name.begin(), spec.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
      }))
    root.fail("name", "expected letters, digits, '_', '-' or '.', got '" + spec.name + "'");
  // The default output folder is out/sweeps/NAME: `..` would be out/ itself.
  if (spec.name == "." || spec.name == "..")
    root.fail("name", "'" + spec.name + "' names a folder, not a sweep; expected a name with a letter or digit");
  spec.base_config_text = root.param<std::string>("base").desc("base config file, relative to this spec").required();
  if (spec.base_config_text.empty()) root.fail("base", "expected a config file path, got an empty string");
  spec.base_config = spec.resolve_config(spec.base_config_text);
  spec.images = root.param<int64_t>("images").desc("held-out images each point simulates").min(1).default_val(1);
  spec.timeout_seconds = root.param<double>("timeout_seconds")
                             .desc("a point running longer is killed")
                             .unit("s")
                             .min(0.001)
                             .default_val(300);

  std::vector<WrittenColumn> columns;
  std::vector<std::vector<WrittenSetting>> values_by_column;
  const bool has_axes = root.has("axes"), has_points = root.has("points");
  if (has_axes && has_points) root.fail("points", "give axes: (a grid) or points: (an explicit list), not both");
  if (!has_axes && !has_points) {
    // Most likely a misspelt key: name it.
    for (const auto& entry : tree.root().entries()) {
      const std::string key = entry.first.text();
      if (auto hint = config::closest_match(key, {"axes", "points"}); hint && key != "axes" && key != "points")
        fail_at(tree, key, entry.first, "unknown key (did you mean '" + *hint + "'?)");
    }
    root.fail("", "missing axes: (a grid over their product) or points: (an explicit list)");
  }
  if (has_axes) {
    for (const Section& axis : root.list("axes")) columns.push_back(parse_axis(tree, axis));
    spec.grid = true;
    double count = 1;
    for (const auto& column : columns) {
      values_by_column.push_back(column.values);
      count *= static_cast<double>(column.values.size());
      std::vector<Setting> settings;
      for (const auto& value : column.values) settings.push_back(value.setting);
      spec.axis_values.push_back(settings);
    }
    if (count > static_cast<double>(kMaxPoints))
      root.fail("axes", "the grid has " + std::to_string(static_cast<int64_t>(count)) + " points, more than the " +
                            std::to_string(kMaxPoints) + " a spec may have");
  } else {
    std::vector<std::vector<WrittenSetting>> rows;
    columns = parse_points(tree, root.take("points"), rows);
    spec.grid = false;
    values_by_column.resize(columns.size());
    for (const auto& row : rows) {
      std::vector<Setting> settings;
      for (std::size_t c = 0; c < row.size(); ++c) {
        settings.push_back(row[c].setting);
        values_by_column[c].push_back(row[c]);
      }
      spec.points.push_back(settings);
    }
  }

  std::map<std::string, std::string> names, keys;  // -> path
  for (const auto& written : columns) {
    if (!names.emplace(written.column.name, written.path).second)
      fail_at(tree, written.path, written.key_nodes.front(),
              "column '" + written.column.name + "' appears twice (also " + names[written.column.name] + ")");
    for (std::size_t k = 0; k < written.column.keys.size(); ++k) {
      const std::string& key = written.column.keys[k];
      if (!keys.emplace(key, written.path).second)
        fail_at(tree, written.key_paths[k], written.key_nodes[k],
                "'" + key + "' is set by two axes (also " + keys[key] + ")");
    }
    spec.columns.push_back(written.column);
  }

  spec.metrics = string_list(tree, root, "metrics", default_metrics());
  std::vector<std::string> default_pareto;
  for (const char* objective : {"cycles", "energy_pj", "area_mm2"})
    if (std::find(spec.metrics.begin(), spec.metrics.end(), objective) != spec.metrics.end())
      default_pareto.push_back(objective);
  if (default_pareto.size() < 2) default_pareto.clear();
  spec.pareto = string_list(tree, root, "pareto", default_pareto);
  spec.pareto_tolerance = root.param<double>("pareto_tolerance")
                              .desc("a front point within this fraction of a kept one on every objective is dropped")
                              .min(0)
                              .max(1)
                              .default_val(kDefaultParetoTolerance);
  if (auto colour = root.param<std::string>("colour_by")
                        .desc("the column whose values colour the report's points (default: the one with the fewest)")
                        .optional()) {
    std::vector<std::string> column_names;
    for (const auto& column : spec.columns) column_names.push_back(column.name);
    if (std::find(column_names.begin(), column_names.end(), *colour) == column_names.end()) {
      std::string message = "'" + *colour + "' is not a column of this sweep";
      if (auto hint = config::closest_match(*colour, column_names)) message += " (did you mean '" + *hint + "'?)";
      root.fail("colour_by", message);
    }
    spec.colour_by = *colour;
  }
  check_metrics(tree, spec.metrics, spec.pareto);
  check_csv_headers(tree, columns, spec.metrics);
  spec.area = parse_area_model(root.optional_section("area_model"));
  root.finish();

  check_against_configs(tree, spec, columns, values_by_column, tree.root()["base"]);
  return spec;
}

}  // namespace accelsim::sweep
