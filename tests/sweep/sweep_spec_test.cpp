// Sweep specs: what a valid one means, and that every kind of bad input is an error naming the
// spec file, the key with line and column, and what was expected.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "core/config/configuration_error.h"
#include "sim/sweep/area_model.h"
#include "sim/sweep/design_points.h"
#include "sim/sweep/metrics.h"
#include "sim/sweep/sweep_spec.h"
#include "tests/sweep/sweep_test_support.h"

namespace accelsim::testing {
namespace {

using sweep::load_sweep_spec;
using sweep::SweepSpec;

std::vector<std::string> values_of(const std::vector<sweep::Setting>& settings) {
  std::vector<std::string> values;
  for (const auto& s : settings) values.push_back(s.value);
  return values;
}

TEST(SweepSpec, ReadsAGridOfListsRangesLinkedKeysAndLabels) {
  TempDir dir;
  const auto file = write_spec(dir, R"(name: grid_test
images: 3
timeout_seconds: 12.5
axes:
  - name: array
    keys: [hardware.pe_array.rows, hardware.pe_array.cols]
    range: {from: 4, to: 40, powers_of_two: true}
  - key: hardware.pe_array.dataflow
    values: [ws, os]
    labels: [weight_stationary, output_stationary]
  - name: weight_sram
    key: hardware.weight_sram.capacity_bytes
    range: {from: 16384, to: 33000, step: 8192}
  - key: network.layers[conv5].requant.divisor
    values: [400, 405]
)");
  const SweepSpec spec = load_sweep_spec(file);
  EXPECT_EQ(spec.name, "grid_test");
  EXPECT_EQ(spec.images, 3);
  EXPECT_DOUBLE_EQ(spec.timeout_seconds, 12.5);
  EXPECT_EQ(spec.base_config, std::filesystem::path(lenet_config()).lexically_normal());
  ASSERT_TRUE(spec.grid);
  ASSERT_EQ(spec.columns.size(), 4u);
  EXPECT_EQ(spec.columns[0].name, "array");
  EXPECT_EQ(spec.columns[0].keys, (std::vector<std::string>{"hardware.pe_array.rows", "hardware.pe_array.cols"}));
  EXPECT_EQ(spec.columns[1].name, "hardware.pe_array.dataflow");
  EXPECT_EQ(values_of(spec.axis_values[0]), (std::vector<std::string>{"4", "8", "16", "32"}));
  EXPECT_EQ(values_of(spec.axis_values[1]), (std::vector<std::string>{"ws", "os"}));
  EXPECT_EQ(spec.axis_values[1][1].label, "output_stationary");
  EXPECT_EQ(values_of(spec.axis_values[2]), (std::vector<std::string>{"16384", "24576", "32768"}));
  EXPECT_EQ(spec.point_count(), 4 * 2 * 3 * 2);
  EXPECT_EQ(spec.metrics, sweep::default_metrics());
  EXPECT_EQ(spec.pareto, (std::vector<std::string>{"cycles", "energy_pj", "area_mm2"}));
}

TEST(SweepSpec, GridExpandsLikeNestedLoopsWithTheLastAxisFastest) {
  TempDir dir;
  const SweepSpec spec = load_sweep_spec(write_spec(dir, R"(axes:
  - name: array
    keys: [hardware.pe_array.rows, hardware.pe_array.cols]
    values: [4, 8]
  - key: hardware.pe_array.dataflow
    values: [ws, os, is]
)"));
  const auto points = sweep::expand_points(spec);
  ASSERT_EQ(points.size(), 6u);
  const std::vector<std::pair<std::string, std::string>> expected = {{"4", "ws"}, {"4", "os"}, {"4", "is"},
                                                                     {"8", "ws"}, {"8", "os"}, {"8", "is"}};
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(points[i].index, static_cast<int64_t>(i));
    EXPECT_EQ(points[i].settings[0].value, expected[i].first) << i;
    EXPECT_EQ(points[i].settings[1].value, expected[i].second) << i;
  }
  const auto config = sweep::point_config(spec, points[4]);
  EXPECT_EQ(config.overrides, (std::vector<std::string>{"hardware.pe_array.rows=8", "hardware.pe_array.cols=8",
                                                        "hardware.pe_array.dataflow=os"}));
  EXPECT_EQ(config.config, spec.base_config);
}

TEST(SweepSpec, ReadsExplicitPointsAndABaseConfigColumn) {
  TempDir dir;
  const auto configs = source_dir() / "configs";
  const auto file = dir.write("spec.yaml", "base: " + (configs / "lenet.yaml").string() + R"(
points:
  - {base: )" + (configs / "variants/lenet_shift.yaml").string() +
                                               R"(, hardware.pe_array.rows: 16}
  - {base: )" + (configs / "lenet.yaml").string() +
                                               R"(, hardware.pe_array.rows: 4}
metrics: [accuracy, cycles, energy_pj]
pareto: [accuracy, energy_pj]
)");
  const SweepSpec spec = load_sweep_spec(file);
  ASSERT_FALSE(spec.grid);
  ASSERT_EQ(spec.columns.size(), 2u);
  EXPECT_TRUE(spec.columns[0].selects_base_config());
  EXPECT_EQ(spec.columns[1].name, "hardware.pe_array.rows");
  const auto points = sweep::expand_points(spec);
  ASSERT_EQ(points.size(), 2u);
  const auto first = sweep::point_config(spec, points[0]);
  EXPECT_EQ(first.config, (configs / "variants/lenet_shift.yaml").lexically_normal());
  EXPECT_EQ(first.overrides, (std::vector<std::string>{"hardware.pe_array.rows=16"}));
  EXPECT_EQ(spec.pareto, (std::vector<std::string>{"accuracy", "energy_pj"}));
  EXPECT_EQ(sweep::find_metric("accuracy")->goal, sweep::Goal::Maximize);
}

TEST(SweepSpec, BaseConfigPathsAreRelativeToTheSpec) {
  const SweepSpec spec = load_sweep_spec(source_dir() / "configs/sweeps/lenet_requant_arithmetic.yaml");
  ASSERT_EQ(spec.columns.size(), 1u);
  EXPECT_TRUE(spec.columns[0].selects_base_config());
  const auto points = sweep::expand_points(spec);
  ASSERT_EQ(points.size(), 5u);
  EXPECT_EQ(points[0].settings[0].label, "float32_half_even");
  EXPECT_EQ(sweep::point_config(spec, points[0]).config,
            (source_dir() / "configs/variants/lenet_multiply_float32.yaml").lexically_normal());
  EXPECT_EQ(spec.images, 2000);
}

TEST(SweepSpec, ShippedSpecsLoad) {
  for (const char* name :
       {"lenet_array_dataflow_sram", "lenet_requant_arithmetic", "lenet_200_points", "resnet50_array_dataflow"}) {
    const auto file = source_dir() / "configs/sweeps" / (std::string(name) + ".yaml");
    SweepSpec spec;
    ASSERT_NO_THROW(spec = load_sweep_spec(file)) << file;
    EXPECT_EQ(spec.name, name);
  }
  EXPECT_EQ(load_sweep_spec(source_dir() / "configs/sweeps/lenet_array_dataflow_sram.yaml").point_count(), 60);
  EXPECT_EQ(load_sweep_spec(source_dir() / "configs/sweeps/lenet_200_points.yaml").point_count(), 200);
  // 4 array sizes (8 .. 64, powers of two) x 3 dataflows x 1 activation SRAM size.
  EXPECT_EQ(load_sweep_spec(source_dir() / "configs/sweeps/resnet50_array_dataflow.yaml").point_count(), 12);
}

// A bad spec: its body (after the `base:` line 1) and what the error must say.
struct BadSpec {
  const char* what;
  std::string body;
  std::string location;  // "spec.yaml:LINE:COLUMN" or "spec.yaml" when YAML has no position
  std::string key;
  std::string message;
};

void PrintTo(const BadSpec& bad, std::ostream* out) { *out << bad.what; }

class SweepSpecErrors : public ::testing::TestWithParam<BadSpec> {};

TEST_P(SweepSpecErrors, NameTheFileTheKeyWithLineAndColumnAndWhatWasExpected) {
  const BadSpec& bad = GetParam();
  TempDir dir;
  const auto file = write_spec(dir, bad.body);
  try {
    load_sweep_spec(file);
    FAIL() << bad.what << ": no error";
  } catch (const config::ConfigurationError& e) {
    const std::string text = e.what();
    const std::string where = (dir.path() / bad.location).string();
    EXPECT_EQ(text.rfind(where + ": ", 0), 0u)
        << bad.what << ": expected to start with " << where << "\n got: " << text;
    EXPECT_EQ(e.key(), bad.key) << bad.what << ": " << text;
    EXPECT_NE(text.find(bad.message), std::string::npos) << bad.what << ": expected '" << bad.message << "' in\n"
                                                         << text;
  }
}

const char* const kRowsAxis = "axes:\n  - key: hardware.pe_array.rows\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, SweepSpecErrors,
    ::testing::Values(
        BadSpec{"misspelt axes", "axis:\n  - key: hardware.pe_array.rows\n    values: [4]\n", "spec.yaml:2:1", "axis",
                "unknown key (did you mean 'axes'?)"},
        BadSpec{"neither axes nor points", "images: 1\n", "spec.yaml", "",
                "missing axes: (a grid over their product) or points: (an explicit list)"},
        BadSpec{"misspelt top-level key", std::string(kRowsAxis) + "    values: [4]\nmetrcs: [cycles]\n",
                "spec.yaml:5:1", "metrcs", "unknown key (did you mean 'metrics'?)"},
        BadSpec{"empty axis", std::string(kRowsAxis) + "    values: []\n", "spec.yaml:4:13", "axes[0].values",
                "expected a non-empty list of values"},
        BadSpec{"axis without values or range", std::string(kRowsAxis), "spec.yaml:3:5", "axes[0]",
                "missing values: (a list) or range: (from, to, and step or powers_of_two)"},
        BadSpec{"values and range", std::string(kRowsAxis) + "    values: [4]\n    range: {from: 1, to: 4, step: 1}\n",
                "spec.yaml:5:12", "axes[0].range", "give values: or range:, not both"},
        BadSpec{"axis without a key", "axes:\n  - values: [4]\n", "spec.yaml:3:5", "axes[0]",
                "missing key: (a dotted config key, or base) or keys: (a list of them)"},
        BadSpec{"unknown config key", "axes:\n  - key: hardware.pe_array.rowz\n    values: [4, 8]\n", "spec.yaml:3:10",
                "axes[0].key", "'hardware.pe_array.rowz' is not a key of"},
        BadSpec{"unknown config key, suggestion", "axes:\n  - key: hardware.pe_array.rowz\n    values: [4, 8]\n",
                "spec.yaml:3:10", "axes[0].key", "(did you mean 'hardware.pe_array.rows'?)"},
        BadSpec{"value of the wrong type", std::string(kRowsAxis) + "    values: [8, eight]\n", "spec.yaml:4:17",
                "axes[0].values[1]", "hardware.pe_array.rows=eight is rejected by"},
        BadSpec{"value of the wrong type, expectation", std::string(kRowsAxis) + "    values: [8, eight]\n",
                "spec.yaml:4:17", "axes[0].values[1]", "expected an integer, got 'eight'"},
        BadSpec{"value out of range", std::string(kRowsAxis) + "    values: [0]\n", "spec.yaml:4:14",
                "axes[0].values[0]", "expected integer in [1, 4096], got '0'"},
        BadSpec{"misspelt choice", "axes:\n  - key: hardware.pe_array.dataflow\n    values: [ws, wss]\n",
                "spec.yaml:4:18", "axes[0].values[1]", "expected one of ws, os, is, got 'wss' (did you mean 'ws'?)"},
        BadSpec{"map as a value", std::string(kRowsAxis) + "    values: [{a: 1}]\n", "spec.yaml:4:14",
                "axes[0].values[0]", "expected a value (a number, a string or a list of them), got a map"},
        BadSpec{"duplicate value", std::string(kRowsAxis) + "    values: [4, 8, 4]\n", "spec.yaml:4:20",
                "axes[0].values[2]", "duplicate value '4' (also at axes[0].values[0])"},
        BadSpec{"empty range", std::string(kRowsAxis) + "    range: {from: 64, to: 4, step: 4}\n", "spec.yaml:4:27",
                "axes[0].range.to", "the range is empty: from 64 is greater than to 4"},
        BadSpec{"range without step", std::string(kRowsAxis) + "    range: {from: 4, to: 64}\n", "spec.yaml:4:12",
                "axes[0].range", "expected step: N (an integer >= 1) or powers_of_two: true"},
        BadSpec{"range with step 0", std::string(kRowsAxis) + "    range: {from: 4, to: 64, step: 0}\n",
                "spec.yaml:4:36", "axes[0].range.step", "expected integer >= 1, got '0'"},
        BadSpec{"powers of two from 3", std::string(kRowsAxis) + "    range: {from: 3, to: 64, powers_of_two: true}\n",
                "spec.yaml:4:19", "axes[0].range.from",
                "powers_of_two: true needs from to be a power of two >= 1, got 3"},
        BadSpec{"range key misspelt", std::string(kRowsAxis) + "    range: {from: 4, to: 64, stepp: 4}\n",
                "spec.yaml:4:30", "axes[0].range.stepp", "unknown key (did you mean 'step'?)"},
        BadSpec{"a grid too large",
                "axes:\n  - key: hardware.pe_array.rows\n    range: {from: 1, to: 1000, step: 1}\n"
                "  - key: hardware.pe_array.cols\n    range: {from: 1, to: 1000, step: 1}\n"
                "  - key: hardware.requant_unit.lanes\n    values: [1, 2]\n",
                "spec.yaml:3:3", "axes", "the grid has 2000000 points, more than the 1000000 a spec may have"},
        BadSpec{"keys without a name",
                "axes:\n  - keys: [hardware.pe_array.rows, hardware.pe_array.cols]\n    values: [4]\n", "spec.yaml:3:5",
                "axes[0].name", "missing required key (string: the results column of an axis that sets several keys)"},
        BadSpec{"two axes set one key",
                std::string(kRowsAxis) +
                    "    values: [4]\n  - name: other\n    key: hardware.pe_array.rows\n    values: [8]\n",
                "spec.yaml:6:10", "axes[1].key", "'hardware.pe_array.rows' is set by two axes"},
        BadSpec{"labels of the wrong length", std::string(kRowsAxis) + "    values: [4, 8]\n    labels: [four]\n",
                "spec.yaml:5:13", "axes[0].labels", "expected a list of 2 labels, one per value, got 1 labels"},
        BadSpec{"base with a range", "axes:\n  - key: base\n    range: {from: 1, to: 2, step: 1}\n", "spec.yaml:4:12",
                "axes[0].range", "base takes config file paths: use values:"},
        BadSpec{"base config not found", "axes:\n  - key: base\n    values: [no_such.yaml]\n", "spec.yaml:4:14",
                "axes[0].values[0]", "no_such.yaml' not found"},
        BadSpec{"points with different keys",
                "points:\n  - {hardware.pe_array.rows: 4}\n  - {hardware.pe_array.cols: 4}\n", "spec.yaml:4:5",
                "points[1]", "missing key 'hardware.pe_array.rows': every point must set the keys of the first point"},
        BadSpec{"duplicate points", "points:\n  - {hardware.pe_array.rows: 4}\n  - {hardware.pe_array.rows: 4}\n",
                "spec.yaml:4:5", "points[1]", "duplicate of points[0]"},
        BadSpec{"axes and points",
                std::string(kRowsAxis) + "    values: [4]\npoints:\n  - {hardware.pe_array.rows: 4}\n", "spec.yaml:6:3",
                "points", "give axes: (a grid) or points: (an explicit list), not both"},
        BadSpec{"images of the wrong type", std::string(kRowsAxis) + "    values: [4]\nimages: many\n", "spec.yaml:5:9",
                "images", "expected an integer, got 'many'"},
        BadSpec{"images zero", std::string(kRowsAxis) + "    values: [4]\nimages: 0\n", "spec.yaml:5:9", "images",
                "expected integer >= 1, got '0'"},
        BadSpec{"timeout zero", std::string(kRowsAxis) + "    values: [4]\ntimeout_seconds: 0\n", "spec.yaml:5:18",
                "timeout_seconds", "expected number >= 0.001"},
        BadSpec{"unknown metric", std::string(kRowsAxis) + "    values: [4]\nmetrics: [cycels]\n", "spec.yaml:5:11",
                "metrics[0]", "unknown metric 'cycels' (did you mean 'cycles'?)"},
        BadSpec{"Pareto objective not collected",
                std::string(kRowsAxis) + "    values: [4]\nmetrics: [cycles, energy_pj]\npareto: [cycles, area_mm2]\n",
                "spec.yaml:6:18", "pareto[1]", "'area_mm2' is not among the metrics collected (add it to metrics:)"},
        BadSpec{"Pareto of one objective", std::string(kRowsAxis) + "    values: [4]\npareto: [cycles]\n",
                "spec.yaml:5:9", "pareto", "a Pareto front needs at least two objectives"},
        BadSpec{"bad name", std::string(kRowsAxis) + "    values: [4]\nname: my sweep\n", "spec.yaml:5:7", "name",
                "expected letters, digits, '_', '-' or '.', got 'my sweep'"},
        BadSpec{"name of the current folder", std::string(kRowsAxis) + "    values: [4]\nname: .\n", "spec.yaml:5:7",
                "name", "'.' names a folder, not a sweep"},
        BadSpec{"name of the parent folder", std::string(kRowsAxis) + "    values: [4]\nname: ..\n", "spec.yaml:5:7",
                "name", "'..' names a folder, not a sweep"},
        BadSpec{"column named like a fixed column",
                "axes:\n  - name: status\n    key: hardware.pe_array.rows\n    values: [4]\n", "spec.yaml:3:11",
                "axes[0].name",
                "column 'status' has the name of a column results.csv always has (results.csv would have two 'status' "
                "columns)"},
        BadSpec{"column named index", "axes:\n  - name: index\n    key: hardware.pe_array.rows\n    values: [4]\n",
                "spec.yaml:3:11", "axes[0].name", "column 'index' has the name of a column results.csv always has"},
        BadSpec{"column named like a metric",
                "axes:\n  - name: cycles\n    key: hardware.pe_array.rows\n    values: [4]\n", "spec.yaml:3:11",
                "axes[0].name",
                "column 'cycles' has the name of a metric collected (results.csv would have two 'cycles' columns)"},
        BadSpec{"column named like a metric path",
                "axes:\n  - name: total.pe_stall_cycles\n    key: hardware.pe_array.rows\n    values: [4]\n"
                "metrics: [cycles, total.pe_stall_cycles]\npareto: []\n",
                "spec.yaml:3:11", "axes[0].name", "column 'total.pe_stall_cycles' has the name of a metric collected"},
        BadSpec{"unknown top-level stats number",
                std::string(kRowsAxis) + "    values: [4]\nmetrics: [golden_accuracyy]\npareto: []\n", "spec.yaml:5:11",
                "metrics[0]", "unknown metric 'golden_accuracyy'"},
        BadSpec{"negative area figure", std::string(kRowsAxis) + "    values: [4]\narea_model: {pe_um2: -1}\n",
                "spec.yaml:5:22", "area_model.pe_um2", "expected number >= 0"},
        BadSpec{"YAML syntax error", std::string(kRowsAxis) + "    values: [4, 8\n", "spec.yaml:5:1", "",
                "YAML syntax error"}),
    [](const ::testing::TestParamInfo<BadSpec>& param) {
      std::string name;
      for (const char* c = param.param.what; *c; ++c) name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
      return name;
    });

// The numbers at the top of stats.json (docs/outputs.md) are metrics by their own name.
TEST(SweepSpec, TopLevelNumbersOfStatsAreMetricsByTheirName) {
  const std::vector<std::pair<std::string, sweep::Goal>> expected = {{"correct", sweep::Goal::Maximize},
                                                                     {"golden_accuracy", sweep::Goal::Maximize},
                                                                     {"golden_correct", sweep::Goal::Maximize},
                                                                     {"images", sweep::Goal::Minimize},
                                                                     {"mismatches", sweep::Goal::Minimize}};
  TempDir dir;
  std::string list;
  for (const auto& [name, goal] : expected) {
    const auto found = sweep::find_metric(name);
    ASSERT_TRUE(found) << name;
    EXPECT_EQ(found->goal, goal) << name;
    list += (list.empty() ? "" : ", ") + name;
  }
  const SweepSpec spec = load_sweep_spec(write_spec(dir, std::string(kRowsAxis) + "    values: [4]\nmetrics: [" + list +
                                                             "]\npareto: [golden_accuracy, mismatches]\n"));
  EXPECT_EQ(spec.metrics,
            (std::vector<std::string>{"correct", "golden_accuracy", "golden_correct", "images", "mismatches"}));

  const nlohmann::json stats = {{"images", 4},         {"correct", 3},           {"accuracy", 0.75},
                                {"golden_correct", 4}, {"golden_accuracy", 1.0}, {"mismatches", 0}};
  const nlohmann::json values = sweep::extract_metrics(spec.metrics, stats, {}, {});
  EXPECT_EQ(values,
            (nlohmann::json{
                {"correct", 3}, {"golden_accuracy", 1.0}, {"golden_correct", 4}, {"images", 4}, {"mismatches", 0}}));
  // The containers hold numbers below them, not one of their own.
  EXPECT_FALSE(sweep::find_metric("total"));
  EXPECT_FALSE(sweep::find_metric("layers"));
  EXPECT_TRUE(sweep::find_metric("total.pe_stall_cycles"));
}

// The area model's requantization lanes follow the network as the simulator loads it.
TEST(SweepAreaModel, RequantizationDatapathsAreThoseOfTheLoadedNetwork) {
  const auto configs = source_dir() / "configs";
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"lenet.yaml", "divide"},
      {"variants/lenet_multiply_float32.yaml", "multiply_float32"},
      {"variants/lenet_multiply_floor.yaml", "multiply_float64"},
      {"variants/lenet_fixed_point.yaml", "fixed_point"},
      {"variants/lenet_shift.yaml", "shift"}};
  for (const auto& [config, datapath] : expected) {
    const sweep::HardwareFacts facts = sweep::read_hardware_facts(configs / config, {});
    EXPECT_EQ(facts.requant_datapaths, (std::set<std::string>{datapath})) << config;
    EXPECT_EQ(facts.requant_lanes, 8) << config;
  }
  // One layer overridden to shift: both datapaths, and the area counts both per lane.
  const sweep::HardwareFacts mixed = sweep::read_hardware_facts(
      configs / "lenet.yaml", {"network.layers[conv1].requant={mode: shift, shift: 10, rounding: floor, "
                               "output_zero_point: 0, clamp: [-127, 127], relu: true}"});
  EXPECT_EQ(mixed.requant_datapaths, (std::set<std::string>{"divide", "shift"}));
  const sweep::AreaModel area;
  const double lanes_um2 = 8 * (area.requant_divide_um2 + area.requant_shift_um2);
  EXPECT_NEAR(sweep::area_mm2(mixed, area),
              (static_cast<double>(mixed.pe_count) * area.pe_um2 +
               static_cast<double>(mixed.sram_capacity_bytes) * 8 * area.sram_um2_per_bit + lanes_um2) /
                  1e6,
              1e-12);
  // A requantization the simulator would reject is rejected here too.
  EXPECT_THROW(sweep::read_hardware_facts(configs / "lenet.yaml", {"network.layers[conv1].requant.mode=multiply"}),
               config::ConfigurationError);
}

TEST(SweepSpec, MissingBaseAndMissingFileAreErrors) {
  TempDir dir;
  const auto no_base = dir.write("no_base.yaml", "axes:\n  - key: hardware.pe_array.rows\n    values: [4]\n");
  try {
    load_sweep_spec(no_base);
    FAIL() << "no error";
  } catch (const config::ConfigurationError& e) {
    EXPECT_EQ(e.key(), "base");
    EXPECT_NE(std::string(e.what()).find("missing required key (string: base config file, relative to this spec)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(load_sweep_spec(dir.path() / "absent.yaml"), config::ConfigurationError);
  const auto wrong_base =
      dir.write("wrong_base.yaml", "base: nowhere.yaml\naxes:\n  - key: hardware.pe_array.rows\n    values: [4]\n");
  try {
    load_sweep_spec(wrong_base);
    FAIL() << "no error";
  } catch (const config::ConfigurationError& e) {
    EXPECT_EQ(std::string(e.what()).rfind((dir.path() / "wrong_base.yaml").string() + ":1:7: base: config file '", 0),
              0u)
        << e.what();
  }
}

}  // namespace
}  // namespace accelsim::testing
