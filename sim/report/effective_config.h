#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/config/section.h"

namespace accelsim::report {

// The effective configuration of a run, as gem5's config.ini records it: every key the run read,
// defaults included, with its value and where that value came from.

// The keys that have a value (an optional key left out has none), once each, in reading order:
// pointers into `params`, the last entry for each key (a --set after the config's value).
std::vector<const config::ParamDoc*> effective_params(const std::vector<config::ParamDoc>& params);

// A key of the effective configuration with its value typed as stats.json's "effective_config"
// records it (integers, numbers, booleans, strings, lists of integers); `doc` points into the
// run's params.
struct EffectiveEntry {
  const config::ParamDoc* doc;
  nlohmann::json value;
};
std::vector<EffectiveEntry> effective_entries(const std::vector<const config::ParamDoc*>& effective);

// stats.json's "effective_config": [{"key", "value", "source"}, ...], "file": true on a path;
// source "file:line:column", "--set key=value" or "default". Appended as json_text writes the
// array as a member at `indent` (written straight from the entries: as JSON it was most of
// stats.json's nodes, built only to be written and freed).
void append_effective_config_json(std::string& out, const std::vector<EffectiveEntry>& entries, unsigned indent);

// effective.yaml: the same keys as one YAML file that `accelsim --config` reads back to the same
// run, each with its source as a comment; file paths absolute so that it reads from anywhere.
std::string effective_yaml(const std::vector<config::ParamDoc>& params, const std::string& config_file);
// The same from the keys effective_params() gave (worked out once for a run's outputs).
std::string effective_yaml(const std::vector<const config::ParamDoc*>& effective, const std::string& config_file);

// effective.yaml rebuilt from a stats.json's "effective_config", so that `accelsim --config
// out/stats.json` repeats the run; relative file paths resolve against the working folder, as
// they were recorded. Throws config::ConfigurationError naming `stats_file` when it holds none.
std::string effective_yaml_from_stats(const nlohmann::json& stats, const std::string& stats_file);

// The keys set by --set, "key=value" each.
std::vector<std::string> overridden_keys(const std::vector<config::ParamDoc>& params);
std::vector<std::string> overridden_keys(const std::vector<const config::ParamDoc*>& effective);

}  // namespace accelsim::report
