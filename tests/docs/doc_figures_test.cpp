// Docs are tested, figures too: every figure the docs state about a shipped config that no tool
// writes into them (docs/validation.md, dram_presets.md and topologies.md are generated) is read
// out of the doc's own text here and compared with a run of that config. Changing either the
// program or the doc without the other fails these tests, which name the doc and the figure.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string doc_text(const std::string& relative) { return read_file(source_dir() / relative); }

// "17,256" -> 17256.
double figure(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), ','), text.end());
  return std::stod(text);
}

// The first match of `pattern` in `text`, or a test failure naming the doc.
std::smatch find(const std::string& text, const std::string& pattern, const std::string& doc) {
  std::smatch match;
  const bool found = std::regex_search(text, match, std::regex(pattern));
  EXPECT_TRUE(found) << doc << " no longer says /" << pattern << "/: update this test with the doc";
  return match;
}

std::string trim(const std::string& text) {
  const std::size_t begin = text.find_first_not_of(" `*");
  const std::size_t end = text.find_last_not_of(" `*");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

// The rows of the Markdown table whose header line starts with `header`, cells trimmed.
std::vector<std::vector<std::string>> table(const std::string& text, const std::string& header, std::size_t from = 0) {
  std::vector<std::vector<std::string>> rows;
  std::size_t at = text.find(header, from);
  if (at == std::string::npos) return rows;
  at = text.find('\n', text.find('\n', at) + 1) + 1;  // past the header and the |---| line
  std::istringstream in(text.substr(at));
  std::string line;
  while (std::getline(in, line) && line.rfind('|', 0) == 0) {
    std::vector<std::string> cells;
    std::size_t start = 1;
    for (std::size_t bar = line.find('|', start); bar != std::string::npos; bar = line.find('|', start)) {
      cells.push_back(trim(line.substr(start, bar - start)));
      start = bar + 1;
    }
    rows.push_back(cells);
  }
  return rows;
}

// "16 / 32 / 64" -> {"16", "32", "64"}.
std::vector<std::string> split_slashes(const std::string& cell) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t slash = cell.find(" / "); slash != std::string::npos; slash = cell.find(" / ", start)) {
    parts.push_back(trim(cell.substr(start, slash - start)));
    start = slash + 3;
  }
  parts.push_back(trim(cell.substr(start)));
  return parts;
}

// A sweep's results.csv as rows of column -> text.
std::vector<std::map<std::string, std::string>> read_results(const fs::path& csv) {
  std::istringstream in(read_file(csv));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> columns;
  std::stringstream header(line);
  for (std::string cell; std::getline(header, cell, ',');) columns.push_back(cell);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::stringstream cells(line);
    std::size_t c = 0;
    for (std::string cell; c < columns.size() && std::getline(cells, cell, ','); ++c) row[columns[c]] = cell;
    rows.push_back(row);
  }
  return rows;
}

json run_stats(const TempDir& dir, const std::string& name, std::vector<std::string> arguments) {
  const fs::path out = dir.path() / name;
  arguments.insert(arguments.end(), {"--out", out.string(), "--quiet"});
  const CommandResult result = run_accelsim(arguments);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.exit_code == 0 ? read_json(out / "stats.json") : json::object();
}

// traces/README.md: one traced LeNet image's cycles and file sizes.
TEST(DocFigures, TraceAndReportSizesInTracesReadme) {
  const std::string doc = doc_text("traces/README.md");
  const std::smatch m = find(doc,
                             R"(\(([\d,]+) cycles\): `trace.vcd` ([\d.]+) kB,\s+`timeline.json` ([\d.]+) kB, )"
                             R"(`report.html` ([\d.]+) kB with the timeline \(([\d.]+) kB without)",
                             "traces/README.md");
  ASSERT_EQ(m.size(), 6u);
  TempDir dir;
  // The report names the config file at every key it set (the effective configuration's
  // sources) as the command line gave it: relative, as the doc's command gives it.
  const std::string config = fs::proximate(source_dir() / "configs/lenet.yaml").string();
  const json stats = run_stats(dir, "traced", {"--config", config, "--trace", "vcd,timeline"});
  run_stats(dir, "untraced", {"--config", config});
  EXPECT_EQ(stats["total"]["cycles"].get<double>(), figure(m[1]));
  auto kilobytes = [&](const std::string& file) { return static_cast<double>(fs::file_size(dir.path() / file)) / 1e3; };
  // The traces name no file path: their sizes are exact to the doc's 0.1 kB.
  EXPECT_NEAR(kilobytes("traced/trace.vcd"), figure(m[2]), 0.05 + 1e-9);
  EXPECT_NEAR(kilobytes("traced/timeline.json"), figure(m[3]), 0.05 + 1e-9);
  // The report's paths run from the working folder to the repository, which differs from
  // the doc's (the repository itself): within 3%.
  EXPECT_NEAR(kilobytes("traced/report.html"), figure(m[4]), 0.03 * figure(m[4]));
  EXPECT_NEAR(kilobytes("untraced/report.html"), figure(m[5]), 0.03 * figure(m[5]));
}

// docs/sweeps.md, lenet_array_dataflow_sram: the 4x4 array's cycles per dataflow (16 KiB).
TEST(DocFigures, FourByFourCyclesInSweepsMd) {
  const std::string doc = doc_text("docs/sweeps.md");
  const std::smatch m =
      find(doc, R"(input-stationary on 4x4 \(([\d,]+)\s+cycles against ([\d,]+) for OS and ([\d,]+) for WS\))",
           "docs/sweeps.md");
  ASSERT_EQ(m.size(), 4u);
  TempDir dir;
  const std::map<std::string, double> expected = {{"is", figure(m[1])}, {"os", figure(m[2])}, {"ws", figure(m[3])}};
  for (const auto& [dataflow, cycles] : expected) {
    const json stats = run_stats(
        dir, dataflow,
        {"--config", lenet_config(), "--set", "hardware.pe_array.rows=4", "--set", "hardware.pe_array.cols=4", "--set",
         "hardware.pe_array.dataflow=" + dataflow, "--set", "hardware.weight_sram.capacity_bytes=16384"});
    EXPECT_EQ(stats["total"]["cycles"].get<double>(), cycles) << "4x4 " << dataflow;
  }
}

// docs/sweeps.md, lenet_array_dataflow_sram: the size of its front at the default tolerance
// (the sweep's column) and of the exact front, computed here from the points' objectives.
TEST(DocFigures, ArraySweepFrontsInSweepsMd) {
  const std::string doc = doc_text("docs/sweeps.md");  // the match points into it
  const std::smatch m =
      find(doc, R"(Its front has (\d+) points at the default 1%\s+tolerance \((\d+) exact)", "docs/sweeps.md");
  ASSERT_EQ(m.size(), 3u);
  TempDir dir;
  const CommandResult result =
      run_accelsim({"sweep", "--spec", (source_dir() / "configs/sweeps/lenet_array_dataflow_sram.yaml").string(), "-j",
                    "2", "--out", (dir.path() / "sweep").string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto rows = read_results(dir.path() / "sweep/results.csv");
  ASSERT_EQ(rows.size(), 60u);
  int tolerant_front = 0, exact_front = 0;
  const std::vector<std::string> objectives = {"cycles", "energy_pj", "area_mm2"};  // all minimized
  for (const auto& point : rows) {
    tolerant_front += point.at("pareto") == "true" ? 1 : 0;
    bool dominated = false;
    for (const auto& other : rows) {
      bool no_worse = true, better = false;
      for (const auto& objective : objectives) {
        no_worse = no_worse && figure(other.at(objective)) <= figure(point.at(objective));
        better = better || figure(other.at(objective)) < figure(point.at(objective));
      }
      dominated = dominated || (no_worse && better);
    }
    exact_front += dominated ? 0 : 1;
  }
  EXPECT_EQ(tolerant_front, figure(m[1]));
  EXPECT_EQ(exact_front, figure(m[2]));
}

// docs/sweeps.md, lenet_dram_weight_sram at 4 images: the whole table, from a run of that sweep.
TEST(DocFigures, DramTableInSweepsMd) {
  const auto rows = table(doc_text("docs/sweeps.md"), "| DRAM | weight SRAM | cycles | DRAM bytes | energy (uJ) |");
  ASSERT_GE(rows.size(), 10u) << "docs/sweeps.md: the DRAM table is gone; update this test with the doc";
  TempDir dir;
  const CommandResult result =
      run_accelsim({"sweep", "--spec", (source_dir() / "configs/sweeps/lenet_dram_weight_sram.yaml").string(), "-j",
                    "2", "--images", "4", "--out", (dir.path() / "sweep").string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // (DRAM, KiB) -> the point's row; "simple" is the flat model whatever the preset.
  std::map<std::pair<std::string, int>, std::map<std::string, std::string>> points;
  for (const auto& row : read_results(dir.path() / "sweep/results.csv")) {
    const std::string dram = row.at("hardware.dram.model") == "simple" ? "simple" : row.at("hardware.dram.preset");
    points[{dram, std::stoi(row.at("hardware.weight_sram.capacity_bytes")) / 1024}] = row;
  }
  // "128 KiB equals 64 KiB in every row".
  for (const std::string dram : {"simple", "ddr4_2400_x16", "ddr4_2400_x8", "lpddr4_3200", "hbm2"}) {
    const auto& largest = points[std::make_pair(dram, 128)];
    const auto& resident = points[std::make_pair(dram, 64)];
    EXPECT_EQ(largest.at("cycles"), resident.at("cycles")) << dram;
    EXPECT_EQ(largest.at("energy_pj"), resident.at("energy_pj")) << dram;
  }
  int checked = 0;
  for (const auto& cells : rows) {
    ASSERT_EQ(cells.size(), 5u);
    const std::string& dram = cells[0];
    const std::vector<std::string> sizes = split_slashes(cells[1].substr(0, cells[1].find(" KiB")));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const auto key = std::make_pair(dram, std::stoi(sizes[i]));
      ASSERT_TRUE(points.count(key)) << dram << " " << sizes[i] << " KiB is not a point of the sweep";
      const auto& point = points[key];
      // "as x16" / "as above": the same figure as DDR4 x16 at that size (DRAM bytes do not depend on the DRAM).
      const auto& reference = points[{"ddr4_2400_x16", key.second}];
      auto cell = [&](int column) {
        const std::vector<std::string> parts = split_slashes(cells[static_cast<std::size_t>(column)]);
        return parts.size() == sizes.size() ? parts[i] : parts[0];
      };
      const std::string where = "docs/sweeps.md DRAM table: " + dram + " " + sizes[i] + " KiB";
      const std::string cycles = cell(2), bytes = cell(3), energy = cell(4);
      EXPECT_EQ(figure(point.at("cycles")),
                cycles.rfind("as ", 0) == 0 ? figure(reference.at("cycles")) : figure(cycles))
          << where;
      EXPECT_EQ(figure(point.at("dram_bytes")),
                bytes.rfind("as ", 0) == 0 ? figure(reference.at("dram_bytes")) : figure(bytes))
          << where;
      EXPECT_NEAR(figure(point.at("energy_pj")) / 1e6, figure(energy), 0.005 + 1e-9) << where;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 16) << "every point but the 128 KiB ones, which the doc folds into 64 KiB";
}

// docs/sweeps.md, lenet_requant_arithmetic: accuracy, area and energy of each arithmetic on
// the 2,000 held-out images.
TEST(DocFigures, RequantArithmeticTableInSweepsMd) {
  const auto rows = table(doc_text("docs/sweeps.md"), "| arithmetic | requantization |");
  ASSERT_EQ(rows.size(), 5u) << "docs/sweeps.md: the arithmetic table changed; update this test with the doc";
  TempDir dir;
  const CommandResult result =
      run_accelsim({"sweep", "--spec", (source_dir() / "configs/sweeps/lenet_requant_arithmetic.yaml").string(), "-j",
                    "2", "--out", (dir.path() / "sweep").string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::map<std::string, std::map<std::string, std::string>> points;  // by the axis's label
  for (const auto& row : read_results(dir.path() / "sweep/results.csv")) points[row.at("arithmetic")] = row;
  const std::regex accuracy(R"(([\d.]+) % \((\d+)\))");
  for (const auto& cells : rows) {
    ASSERT_EQ(cells.size(), 5u);
    ASSERT_TRUE(points.count(cells[0])) << cells[0] << " is not a point of the sweep";
    const auto& point = points[cells[0]];
    const std::string where = "docs/sweeps.md arithmetic table: " + cells[0];
    std::smatch m;
    ASSERT_TRUE(std::regex_search(cells[2], m, accuracy)) << where << ": " << cells[2];
    EXPECT_NEAR(figure(point.at("accuracy")) * 2000, figure(m[2]), 1e-6) << where;
    EXPECT_NEAR(figure(point.at("accuracy")) * 100, figure(m[1]), 0.005 + 1e-9) << where;
    EXPECT_NEAR(figure(point.at("area_mm2")), figure(cells[3]), 0.0005 + 1e-9) << where;
    EXPECT_NEAR(figure(point.at("energy_pj_per_image")) / 1e6, figure(cells[4]), 0.0005 + 1e-9) << where;
  }
}

// docs/timing.md's worked example (conv1 on 8x8, weight-stationary) and docs/architecture.md's
// single-image cycles with a 64 KiB weight SRAM.
TEST(DocFigures, WorkedExamplesInTimingAndArchitecture) {
  const std::string timing = doc_text("docs/timing.md");
  const std::smatch fast = find(timing, R"(conv1: `4 \* 685 \+ 461 = ([\d,]+)` cycles)", "docs/timing.md");
  const std::smatch scalesim = find(timing, R"(`4 \* 806 - 1 = ([\d,]+)`)", "docs/timing.md");
  const std::string architecture = doc_text("docs/architecture.md");
  const std::smatch bursts =
      find(architecture, R"(with 256-byte bursts it takes ([\d,]+) against ([\d,]+)\.)", "docs/architecture.md");
  ASSERT_TRUE(fast.size() == 2 && scalesim.size() == 2 && bursts.size() == 3);
  TempDir dir;
  const std::vector<std::string> eight_by_eight = {"--config", lenet_config(),
                                                   "--set",    "hardware.pe_array.rows=8",
                                                   "--set",    "hardware.pe_array.cols=8",
                                                   "--set",    "hardware.pe_array.dataflow=ws"};
  json stats = run_stats(dir, "fast", eight_by_eight);
  EXPECT_EQ(stats["layers"][0]["compute_cycles"].get<double>(), figure(fast[1]));
  auto with_scalesim = eight_by_eight;
  with_scalesim.insert(with_scalesim.end(), {"--set", "hardware.pe_array.timing=scalesim"});
  stats = run_stats(dir, "scalesim", with_scalesim);
  EXPECT_EQ(stats["layers"][0]["compute_cycles"].get<double>(), figure(scalesim[1]));
  stats =
      run_stats(dir, "resident", {"--config", lenet_config(), "--set", "hardware.weight_sram.capacity_bytes=65536"});
  EXPECT_EQ(stats["total"]["cycles"].get<double>(), figure(bursts[1]));
  stats = run_stats(dir, "default", {"--config", lenet_config()});
  EXPECT_EQ(stats["total"]["cycles"].get<double>(), figure(bursts[2]));
}

// docs/scalesim.md: SCALE-Sim's regression layer in each dataflow, its cycles under the
// scalesim and fast timing models, and the DRAM bytes of the whole run.
TEST(DocFigures, RegressionLayerTableInScalesimMd) {
  const std::string doc = doc_text("docs/scalesim.md");
  const auto rows = table(doc, "| dataflow | SCALE-Sim v2 |");
  ASSERT_EQ(rows.size(), 3u) << "docs/scalesim.md: the regression-layer table changed; update this test with the doc";
  const std::smatch bytes =
      find(doc, R"(loading ([\d,]+) input bytes and ([\d,]+) weight bytes from DRAM, storing ([\d,]+) output\s+bytes)",
           "docs/scalesim.md");
  ASSERT_EQ(bytes.size(), 4u);
  TempDir dir;
  // "Conv1   <SCALE-Sim equations> <this run's PE array> <accelsim fast> <whole run>"
  const std::regex result_line(R"(\nConv1\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\n)");
  for (const auto& cells : rows) {
    ASSERT_EQ(cells.size(), 4u);
    std::string dataflow = cells[0];
    std::transform(dataflow.begin(), dataflow.end(), dataflow.begin(), ::tolower);
    const std::vector<std::string> scalesim = split_slashes(cells[2]), fast = split_slashes(cells[3]);
    ASSERT_TRUE(scalesim.size() == 2 && fast.size() == 2) << cells[2] << " | " << cells[3];
    // detailed = fast is the validation tables' check; detailed on this layer takes seconds.
    for (const std::string timing : {"scalesim", "fast"}) {
      const fs::path out = dir.path() / (dataflow + timing);
      const CommandResult result =
          run_accelsim({"--topology", (source_dir() / "configs/scalesim/regression_layer.csv").string(),
                        "--scalesim-config", (source_dir() / "configs/scalesim/array_32x32_ws.cfg").string(), "--set",
                        "hardware.pe_array.dataflow=" + dataflow, "--set", "hardware.pe_array.timing=" + timing,
                        "--out", out.string()});
      ASSERT_EQ(result.exit_code, 0) << result.output;
      std::smatch m;
      ASSERT_TRUE(std::regex_search(result.output, m, result_line)) << result.output;
      const std::string where = "docs/scalesim.md regression layer, " + cells[0] + ", " + timing;
      EXPECT_EQ(figure(m[1]), figure(cells[1])) << where << ": SCALE-Sim's equations";
      const std::vector<std::string>& expected = timing == "scalesim" ? scalesim : fast;
      EXPECT_EQ(figure(m[2]), figure(expected[0])) << where << ": PE array";
      EXPECT_EQ(figure(m[4]), figure(expected[1])) << where << ": whole run";
      if (timing != "scalesim") continue;
      const auto access = read_results(out / "DETAILED_ACCESS_REPORT.csv");
      ASSERT_EQ(access.size(), 1u);
      EXPECT_EQ(figure(access[0].at(" DRAM IFMAP Reads")), figure(bytes[1])) << where;
      EXPECT_EQ(figure(access[0].at(" DRAM Filter Reads")), figure(bytes[2])) << where;
      EXPECT_EQ(figure(access[0].at(" DRAM OFMAP Writes")), figure(bytes[3])) << where;
    }
  }
}

// docs/dram_presets.md is generated (bench/dram_preset_table); this checks that it is current:
// the totals and every layer's cycles and DRAM bytes under each DRAM, at its 4 images.
TEST(DocFigures, DramPresetTablesAreCurrent) {
  const std::string doc = doc_text("docs/dram_presets.md");
  const auto totals = table(doc, "| DRAM | cycles | cycles / simple | DRAM bytes |");
  ASSERT_GE(totals.size(), 5u) << "docs/dram_presets.md: the totals changed shape; update this test with the doc";
  TempDir dir;
  for (const auto& cells : totals) {
    ASSERT_GE(cells.size(), 9u);
    // "simple (flat ...)", "ddr4_2400_x16" or "ddr4_2400_x16, power_down: none".
    const std::string dram = cells[0].substr(0, cells[0].find_first_of(" ,"));
    const std::size_t policy_at = cells[0].find(", power_down: ");
    const std::string power_down = policy_at == std::string::npos ? "" : cells[0].substr(policy_at + 14);
    std::vector<std::string> arguments = {"--config", lenet_config(), "--images", "4"};
    if (dram == "simple") {
      arguments.insert(arguments.end(), {"--set", "hardware.dram.model=simple"});
    } else {
      arguments.insert(arguments.end(),
                       {"--set", "hardware.dram.model=detailed", "--set", "hardware.dram.preset=" + dram});
    }
    if (!power_down.empty()) arguments.insert(arguments.end(), {"--set", "hardware.dram.power_down=" + power_down});
    const json stats = run_stats(dir, dram + power_down, arguments);
    const std::string where = "docs/dram_presets.md, " + cells[0];
    auto dram_bytes = [](const json& figures) {
      return figures["dram_read_bytes"].get<double>() + figures["dram_write_bytes"].get<double>();
    };
    EXPECT_EQ(stats["total"]["cycles"].get<double>(), figure(cells[1])) << where;
    EXPECT_EQ(dram_bytes(stats["total"]), figure(cells[3])) << where;
    EXPECT_NEAR(stats["total"]["energy_pj"].get<double>() / 1e3, figure(cells[8]), 0.05 + 1e-9) << where;
    const auto layers = table(doc, "| layer | cycles | DRAM bytes |", doc.find("\n## " + cells[0] + "\n"));
    ASSERT_EQ(layers.size(), stats["layers"].size()) << where;
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const json& layer = stats["layers"][l];
      EXPECT_EQ(layers[l][0], layer["name"].get<std::string>()) << where;
      EXPECT_EQ(layer["cycles"].get<double>(), figure(layers[l][1])) << where << ", " << layers[l][0];
      EXPECT_EQ(dram_bytes(layer), figure(layers[l][2])) << where << ", " << layers[l][0];
    }
  }
}

// docs/validation.md is generated (bench/validation_table); this checks that it is current:
// every layer's compute cycles of every array, dataflow and timing model it lists.
TEST(DocFigures, ValidationTablesAreCurrent) {
  const std::string doc = doc_text("docs/validation.md");
  const std::regex section(R"(\n## (\d+)x(\d+), (ws|os|is)\n)");
  int sections = 0;
  TempDir dir;
  for (std::sregex_iterator it(doc.begin(), doc.end(), section), end; it != end; ++it) {
    const std::smatch& m = *it;
    const std::string rows = m[1], cols = m[2], dataflow = m[3];
    const auto lines = table(doc, "| layer | MACs | ideal | fast | detailed | scalesim |", m.position(0));
    ASSERT_GE(lines.size(), 5u) << m[0];
    const std::vector<std::string> timings = {"fast", "detailed", "scalesim"};
    for (std::size_t t = 0; t < timings.size(); ++t) {
      const json stats = run_stats(dir, rows + "x" + cols + dataflow + timings[t],
                                   {"--config", lenet_config(), "--set", "hardware.pe_array.rows=" + rows, "--set",
                                    "hardware.pe_array.cols=" + cols, "--set", "hardware.pe_array.dataflow=" + dataflow,
                                    "--set", "hardware.pe_array.timing=" + timings[t]});
      std::map<std::string, double> compute_cycles;
      for (const auto& layer : stats["layers"])
        compute_cycles[layer["name"].get<std::string>()] = layer["compute_cycles"].get<double>();
      for (const auto& cells : lines) {
        ASSERT_GE(cells.size(), 6u);
        ASSERT_TRUE(compute_cycles.count(cells[0])) << cells[0];
        EXPECT_EQ(compute_cycles[cells[0]], figure(cells[3 + t]))
            << "docs/validation.md " << rows << "x" << cols << ", " << dataflow << ", " << cells[0] << ", "
            << timings[t] << ": regenerate it with bench/validation_table";
      }
    }
    ++sections;
  }
  EXPECT_EQ(sections, 9) << "3 array sizes x 3 dataflows";
}

// docs/performance.md's event-cost table: host.json's SystemC event counts of
// `accelsim --config configs/lenet.yaml --images 20`, per image and per compute tile.
TEST(DocFigures, EventCostTableInPerformanceMd) {
  const std::string doc = doc_text("docs/performance.md");
  const auto rows = table(doc, "| per | thread resumptions | TLM transactions | delta cycles | instructions |");
  ASSERT_EQ(rows.size(), 2u) << "docs/performance.md: the event-cost table changed shape; update this test with it";
  TempDir dir;
  const fs::path out = dir.path() / "events";
  const CommandResult result =
      run_accelsim({"--config", lenet_config(), "--images", "20", "--out", out.string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const json events = read_json(out / "host.json")["events"];
  const char* names[] = {"thread_resumptions", "tlm_transactions", "delta_cycles", "instructions"};
  const std::pair<const char*, double> per[] = {{"per_image", 0.051}, {"per_compute_tile", 0.051}};
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t c = 0; c < 4; ++c)
      EXPECT_NEAR(events[per[r].first][names[c]].get<double>(), figure(rows[r][c + 1]), per[r].second)
          << "docs/performance.md, " << per[r].first << ", " << names[c];
  EXPECT_NE(
      doc.find("compute tile (" + std::to_string(events["per_image"]["compute_tiles"].get<int>()) + " per image)"),
      std::string::npos)
      << "docs/performance.md: the compute tiles per image";
}

}  // namespace
}  // namespace accelsim::testing
