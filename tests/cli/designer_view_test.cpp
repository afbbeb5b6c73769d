// What a designer sees (issue 16): the effective configuration of a run and its round trip
// through effective.yaml, and the messages for common slips.
#include <gtest/gtest.h>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <vector>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

using nlohmann::json;

// stats.json without what names where the config came from: the config path and each key's
// source (a rerun from effective.yaml reads every key from that file).
json without_sources(json stats) {
  stats.erase("config");
  stats.erase("overrides");  // the rerun reads them from effective.yaml
  for (auto& entry : stats["effective_config"]) entry.erase("source");
  return stats;
}

const json* find_key(const json& stats, const std::string& key) {
  for (const auto& entry : stats["effective_config"])
    if (entry["key"] == key) return &entry;
  return nullptr;
}

TEST(EffectiveConfig, RecordsEveryKeyWithItsSourceAndRerunsFromEffectiveYaml) {
  TempDir dir;
  const auto first_out = dir.path() / "first";
  auto result = run_accelsim({"--config", lenet_config(), "--set", "hardware.weight_sram.capacity_bytes=65536",
                              "--images", "2", "--out", first_out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "overrides   hardware.weight_sram.capacity_bytes=65536 (--set)"))
      << result.output;

  const json stats = read_json(first_out / "stats.json");
  ASSERT_TRUE(stats.contains("effective_config"));
  const json* capacity = find_key(stats, "hardware.weight_sram.capacity_bytes");
  ASSERT_NE(capacity, nullptr);
  EXPECT_EQ((*capacity)["value"], 65536);
  EXPECT_EQ((*capacity)["source"], "--set hardware.weight_sram.capacity_bytes=65536");
  EXPECT_EQ(stats["overrides"], json::array({"hardware.weight_sram.capacity_bytes=65536"}));
  const json* rows = find_key(stats, "hardware.pe_array.rows");
  ASSERT_NE(rows, nullptr);
  EXPECT_TRUE(contains((*rows)["source"].get<std::string>(), "edge_small.yaml:")) << *rows;
  const json* divisor = find_key(stats, "network.layers[0].requant.divisor");
  ASSERT_NE(divisor, nullptr);
  EXPECT_TRUE(contains((*divisor)["source"].get<std::string>(), "lenet.yaml:")) << *divisor;
  bool any_default = false;
  for (const auto& entry : stats["effective_config"]) any_default = any_default || entry["source"] == "default";
  EXPECT_TRUE(any_default) << "defaults are part of the effective configuration";

  const std::string html = read_file(first_out / "report.html");
  EXPECT_TRUE(contains(html, "Effective configuration"));
  EXPECT_TRUE(contains(html, "hardware.weight_sram.capacity_bytes"));
  EXPECT_TRUE(contains(html, "network.layers[conv3].requant.divisor")) << "layers by name, as --set takes them";
  EXPECT_TRUE(contains(html, "Mapping: tiles per layer"));

  // The rerun reads effective.yaml alone: same stats.
  const auto second_out = dir.path() / "second";
  result = run_accelsim(
      {"--config", (first_out / "effective.yaml").string(), "--images", "2", "--out", second_out.string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_FALSE(contains(result.output, "overrides "));
  const json again = read_json(second_out / "stats.json");
  EXPECT_EQ(without_sources(again), without_sources(stats)) << "stats.json differs beyond the config's sources";
  EXPECT_EQ(read_file(second_out / "layers.csv"), read_file(first_out / "layers.csv"));
}

TEST(EffectiveConfig, RerunsFromStatsJsonAlone) {
  TempDir dir;
  const auto first_out = dir.path() / "first";
  auto result =
      run_accelsim({"--config", lenet_config(), "--set", "hardware.weight_sram.capacity_bytes=65536", "--set",
                    "hardware.pe_array.dataflow=os", "--images", "3", "--out", first_out.string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json stats = read_json(first_out / "stats.json");
  bool any_file = false;
  for (const auto& entry : stats["effective_config"]) any_file = any_file || entry.value("file", false);
  EXPECT_TRUE(any_file) << "tensor paths are marked, so that a rerun resolves them";

  // No --images: the count comes from stats.json too.
  const auto second_out = dir.path() / "second";
  result = run_accelsim({"--config", (first_out / "stats.json").string(), "--out", second_out.string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json again = read_json(second_out / "stats.json");
  EXPECT_EQ(again["images"], 3);
  EXPECT_EQ(without_sources(again), without_sources(stats)) << "stats.json differs beyond the config's sources";
  EXPECT_EQ(read_file(second_out / "layers.csv"), read_file(first_out / "layers.csv"));
  // Its effective.yaml is the first run's, values and layout, but for the header and the sources.
  const json* dataflow = find_key(again, "hardware.pe_array.dataflow");
  ASSERT_NE(dataflow, nullptr);
  EXPECT_EQ((*dataflow)["value"], "os");
  EXPECT_TRUE(contains((*dataflow)["source"].get<std::string>(), "stats.json:")) << *dataflow;

  // --images still wins over the recorded count.
  result = run_accelsim(
      {"--config", (first_out / "stats.json").string(), "--images", "1", "--out", (dir.path() / "one").string(), "-q"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(read_json(dir.path() / "one" / "stats.json")["images"], 1);
}

TEST(EffectiveConfig, AJsonConfigWithoutAnEffectiveConfigIsBadInput) {
  TempDir dir;
  const auto not_stats = dir.write("host.json", "{\"wall_seconds\": 1.0}\n");
  auto result = run_accelsim({"--config", not_stats.string(), "--out", (dir.path() / "out").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, not_stats.string() + ": effective_config: missing")) << result.output;
  const auto broken = dir.write("stats.json", "{\"effective_config\": [\n");
  result = run_accelsim({"--config", broken.string(), "--out", (dir.path() / "out").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, broken.string() + ": not valid JSON")) << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST(Messages, EnumerationSuggestionIgnoresCase) {
  const auto result = run_accelsim({"--config", lenet_config(), "--set", "hardware.pe_array.dataflow=OS", "--quiet"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "did you mean 'os'?")) << result.output;
}

TEST(Messages, ExtraPositionalArgumentIsRefused) {
  const auto result = run_accelsim({"--config", lenet_config(), "sweep"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "unexpected argument 'sweep'")) << result.output;
  const auto sweep = run_accelsim({"sweep", "--spec", "x.yaml", "stray"});
  EXPECT_EQ(sweep.exit_code, 2);
  EXPECT_TRUE(contains(sweep.output, "unexpected argument 'stray'")) << sweep.output;
}

TEST(Messages, YamlTabIsNamedWithItsLineAndColumn) {
  TempDir dir;
  const auto config = dir.write("tab.yaml", "include: " + (source_dir() / "configs/lenet.yaml").string() +
                                                "\nhardware:\n  pe_array:\n\trows: 4\n");
  const auto result = run_accelsim({"--config", config.string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, config.string() + ":4:1: YAML syntax error: a tab character")) << result.output;
}

TEST(Messages, MisspeltRequiredKeyGetsDidYouMean) {
  TempDir dir;
  std::string text = read_file(source_dir() / "configs/lenet.yaml");
  const std::string key = "out_channels: 6";
  const std::size_t at = text.find(key);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, key.size(), "out_chanels: 6");
  // Includes and tensors are named relative to the config: keep it beside the original.
  const auto config = source_dir() / "configs" / ("misspelt_" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out(config);
    out << text;
  }
  const auto result = run_accelsim({"--config", config.string(), "--quiet"});
  std::filesystem::remove(config);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "network.layers[0].out_chanels: unknown key (did you mean 'out_channels'?"))
      << result.output;
  EXPECT_TRUE(contains(result.output, ".yaml:25:7:")) << "names the misspelt key's line and column: " << result.output;
}

TEST(Messages, SetPathSuggestsTheClosestKey) {
  const auto result = run_accelsim({"--config", lenet_config(), "--set", "hardware.pe_array.rwos=16", "--quiet"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "did you mean 'rows'?")) << result.output;
}

TEST(Messages, SweepChecksEveryPointsImagesBeforeRunningAny) {
  TempDir dir;
  const auto out = dir.path() / "sweep";
  const auto result =
      run_accelsim({"sweep", "--spec", (source_dir() / "configs/sweeps/lenet_array_dataflow_sram.yaml").string(),
                    "--images", "5000", "--out", out.string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "5000 images asked for")) << result.output;
  EXPECT_FALSE(std::filesystem::exists(out / "points")) << "no point ran";
}

TEST(Messages, ALargeTraceWarnsAndSuggestsATraceWindow) {
  TempDir out;
  auto result = run_accelsim(
      {"--config", lenet_config(), "--trace", "timeline", "--trace-warn-mb", "0.01", "--out", out.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "timeline.json will hold")) << result.output;
  EXPECT_TRUE(contains(result.output, "--trace-window START:END")) << result.output;
  result = run_accelsim({"--config", lenet_config(), "--trace", "timeline", "--out", out.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_FALSE(contains(result.output, "--trace-window START:END")) << "one image is far below the 50 MB default";
}

TEST(Messages, SweepColourByNamesAColumn) {
  TempDir dir;
  const auto spec = dir.write("spec.yaml", "base: " + lenet_config() +
                                               "\naxes:\n  - name: array\n    key: hardware.pe_array.rows\n"
                                               "    values: [4, 8]\ncolour_by: arary\n");
  const auto result = run_accelsim({"sweep", "--spec", spec.string(), "--dry-run"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output,
                       "spec.yaml:6:12: colour_by: 'arary' is not a column of this sweep (did you mean "
                       "'array'?)"))
      << result.output;
}

TEST(EffectiveConfig, ALongBatchsTimelineShowsOneImageWithLayerBoundaries) {
  TempDir out;
  const auto result = run_accelsim(
      {"--config", lenet_config(), "--images", "3", "--trace", "timeline", "--out", out.path().string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string html = read_file(out.path() / "report.html");
  EXPECT_TRUE(contains(html, "The trace holds 3 images; this chart shows the first")) << "one image, not solid bars";
  EXPECT_TRUE(contains(html, "stroke-dasharray=\"3,3\"")) << "layer boundaries";
  EXPECT_TRUE(contains(html, ">conv5</text>")) << "named";
  // Counter tracks carry their scale: the maximum at the top right, zero at the base.
  EXPECT_TRUE(contains(html, "k bytes</text>")) << "an occupancy scale";
  // The boundary names do not overlap: on one baseline, each starts after the previous one's
  // end (10 px text, at most 6 px a character). pool2 and conv3 start about 150 cycles apart.
  const std::regex label(
      R"re(stroke-dasharray="3,3"[^\n]*\n<text x="([\d.]+)" y="([\d.]+)"[^>]*?( text-anchor="end")?>(\w+)</text>)re");
  std::map<std::string, std::vector<std::pair<double, double>>> spans_by_baseline;
  int labels = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), label), end; it != end; ++it, ++labels) {
    const double x = std::stod((*it)[1]), width = 6.0 * static_cast<double>((*it)[4].length());
    const bool ends_at_x = (*it)[3].matched;
    spans_by_baseline[(*it)[2]].push_back(ends_at_x ? std::make_pair(x - width, x) : std::make_pair(x, x + width));
  }
  EXPECT_EQ(labels, 7) << "conv1, pool2, conv3, pool4, conv5, fc6, fc7";
  EXPECT_GE(spans_by_baseline.size(), 2u) << "close names are stacked";
  for (auto& [baseline, spans] : spans_by_baseline) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
      EXPECT_GE(spans[i].first, spans[i - 1].second) << "labels overlap on baseline y=" << baseline;
  }
}

TEST(ListParams, WorksWithoutConfigMarksRequiredAndShowsValuesAndChoices) {
  auto result = run_accelsim({"--list-params"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "network.layers[conv1].out_channels")) << "layers by name";
  EXPECT_TRUE(contains(result.output, "{ws|os|is}") || contains(result.output, "{ws|is|os}")) << result.output;
  EXPECT_FALSE(contains(result.output, "(default (none))"));
  // Aligned: every row has its type column at the same offset as the header's.
  const std::size_t header = result.output.find("\nkey ");
  ASSERT_NE(header, std::string::npos) << result.output;
  const std::size_t type_column = result.output.find("type", header) - header - 1;
  std::size_t line_start = result.output.find('\n', header + 1) + 1;
  int rows_checked = 0;
  while (line_start < result.output.size()) {
    const std::size_t end = result.output.find('\n', line_start);
    const std::string line = result.output.substr(line_start, end - line_start);
    if (line.size() > type_column) {
      EXPECT_EQ(line[type_column - 1], ' ') << line;
      EXPECT_NE(line[type_column], ' ') << line;
      ++rows_checked;
    }
    if (end == std::string::npos) break;
    line_start = end + 1;
  }
  EXPECT_GT(rows_checked, 50);
  const std::size_t out_channels = result.output.find("network.layers[conv1].out_channels");
  const std::string line = result.output.substr(out_channels, result.output.find('\n', out_channels) - out_channels);
  EXPECT_TRUE(contains(line, "required")) << line;

  result = run_accelsim(
      {"--list-params", "--config", lenet_config(), "--set", "hardware.pe_array.rows=16", "--format", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json params = json::parse(result.output.substr(result.output.find('[')));
  bool found_rows = false, found_mode = false;
  for (const auto& p : params) {
    if (p["key"] == "hardware.pe_array.rows") {
      found_rows = true;
      EXPECT_EQ(p["value"], "16");
      EXPECT_EQ(p["source"], "--set hardware.pe_array.rows=16");
    }
    if (p["key"] == "network.layers[conv1].requant.mode") {
      found_mode = true;
      EXPECT_TRUE(p.contains("allowed")) << p;
      EXPECT_EQ(p["required"], true);
    }
  }
  EXPECT_TRUE(found_rows && found_mode) << result.output;
}

}  // namespace
}  // namespace accelsim::testing
