// network.values: none (timing only: the same schedule, nothing computed or checked) and random
// (seeded values, computed and checked bit-exactly).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <random>
#include <set>

#include "core/config/configuration_error.h"
#include "core/model/random_values.h"
#include "golden/reference_model.h"
#include "sim/run/simulation.h"
#include "sim/run/workload.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tiny_network.h"
#include "tests/sweep/sweep_test_support.h"

namespace accelsim::run {
namespace {

using nlohmann::json;

std::string lenet_path() { return (testing::source_dir() / "configs" / "lenet.yaml").string(); }

// configs/lenet.yaml with `extra` merged over its network section (--set can only change keys the
// file has, and lenet.yaml has no `seed`).
std::string lenet_with(const testing::TempDir& dir, const std::string& extra) {
  return dir.write("lenet_with.yaml", "include: " + lenet_path() + "\nnetwork:\n" + extra).string();
}

json run_lenet(const testing::TempDir& out, int64_t images, const std::vector<std::string>& sets,
               const std::string& config = lenet_path()) {
  std::vector<std::string> arguments = {"--config",         config, "--images", std::to_string(images), "--out",
                                        out.path().string()};
  for (const auto& set : sets) {
    arguments.push_back("--set");
    arguments.push_back(set);
  }
  const auto run = testing::run_accelsim(arguments);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  return testing::read_json(out.path() / "stats.json");
}

// Every figure of a layer or the total, except whether it was checked.
json timing_figures(json group) {
  group.erase("bit_exact");
  group.erase("mismatches");
  return group;
}

struct TimingCase {
  std::string timing;
  std::string dataflow;
  int64_t images;
};
void PrintTo(const TimingCase& c, std::ostream* out) { *out << c.timing << " " << c.dataflow; }

class ValuesNone : public ::testing::TestWithParam<TimingCase> {};

// The timing must not depend on the values: every counter and formula of every layer (cycles,
// stalls, SRAM and DRAM traffic, unit busy cycles, energy) equals the full run's.
TEST_P(ValuesNone, LeNetTimingEqualsTheFullRun) {
  const TimingCase c = GetParam();
  const std::vector<std::string> hardware = {"hardware.pe_array.timing=" + c.timing,
                                             "hardware.pe_array.dataflow=" + c.dataflow};
  testing::TempDir full_out, timing_out;
  const json full = run_lenet(full_out, c.images, hardware);
  auto timing_only_sets = hardware;
  timing_only_sets.push_back("network.values=none");
  const json timing_only = run_lenet(timing_out, c.images, timing_only_sets);

  ASSERT_EQ(full["layers"].size(), 7u);
  ASSERT_EQ(timing_only["layers"].size(), 7u);
  for (std::size_t l = 0; l < 7; ++l)
    EXPECT_EQ(timing_figures(full["layers"][l]), timing_figures(timing_only["layers"][l])) << l;
  EXPECT_EQ(timing_figures(full["total"]), timing_figures(timing_only["total"]));
  EXPECT_GT(full["total"]["cycles"].get<int64_t>(), 0);
  EXPECT_GT(full["total"]["energy_pj"].get<double>(), 0.0);

  // The full run was checked; the timing-only one says it was not, and reports no accuracy.
  EXPECT_EQ(full["check"], "passed");
  EXPECT_EQ(full["bit_exact"], true);
  EXPECT_EQ(full["values"], "file");
  EXPECT_EQ(timing_only["values"], "none");
  EXPECT_EQ(timing_only["check"], "not run (values: none)");
  EXPECT_TRUE(timing_only["bit_exact"].is_null());
  EXPECT_TRUE(timing_only["mismatches"].is_null());
  EXPECT_TRUE(timing_only["accuracy"].is_null());
  EXPECT_TRUE(timing_only["total"]["bit_exact"].is_null());
  for (const auto& layer : timing_only["layers"]) EXPECT_TRUE(layer["bit_exact"].is_null()) << layer["name"];
  EXPECT_TRUE(std::filesystem::exists(full_out.path() / "logits.npy"));
  EXPECT_FALSE(std::filesystem::exists(timing_out.path() / "logits.npy"));
  const std::string csv = testing::read_file(timing_out.path() / "layers.csv");
  EXPECT_TRUE(testing::contains(csv, ",not run\n")) << csv;
  EXPECT_FALSE(testing::contains(csv, ",true\n")) << csv;
  const std::string html = testing::read_file(timing_out.path() / "report.html");
  EXPECT_TRUE(testing::contains(html, "not run (values: none)"));
}

INSTANTIATE_TEST_SUITE_P(Models, ValuesNone,
                         ::testing::Values(TimingCase{"fast", "ws", 40}, TimingCase{"fast", "os", 40},
                                           TimingCase{"scalesim", "is", 40}, TimingCase{"detailed", "ws", 3}),
                         [](const ::testing::TestParamInfo<TimingCase>& param_info) {
                           return param_info.param.timing + "_" + param_info.param.dataflow;
                         });

// A timing-only network needs its shapes alone: no tensor, image, label or table file exists
// here, and more images than any file would hold are scheduled.
TEST(ValuesNoneShapesOnly, RunsWithoutAnyValueFile) {
  testing::TempDir dir;  // no TinyNetwork: its files are never written
  std::string yaml = testing::replace_once(testing::TinyNetwork::yaml(), "activation_dtype: int8",
                                           "activation_dtype: int8\n  values: none");
  yaml = "include: " + (testing::source_dir() / "configs/hardware/edge_small.yaml").string() + "\n" + yaml;
  const auto workload = load_workload(dir.write("tiny.yaml", yaml), {});
  EXPECT_TRUE(workload->network.layers[0].weights.empty());
  // 3 x 3 x 3 conv weights + 4 x 27 linear weights, counted from the shapes.
  EXPECT_EQ(workload->network.total_weights(), 3 * 9 + 4 * 27);
  // The tiny network's requant keys are read (values: none keeps the arithmetic's timing).
  EXPECT_EQ(workload->network.layers[0].requant.mode, model::RequantMode::Divide);
  const RunResult result = simulate(*workload, 12);
  ASSERT_FALSE(result.failure) << result.failure->message;
  EXPECT_FALSE(result.checked);
  EXPECT_TRUE(result.logits.empty());
  EXPECT_EQ(result.stats->images, 12);
  // 12 images of [1, 8, 8] loaded from DRAM: 12 * 64 bytes.
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 12 * 64);
}

TEST(ValuesNoneShapesOnly, WithoutRequantTheLastLayerHasNoRelu) {
  testing::TempDir dir;
  std::string yaml = testing::replace_once(testing::TinyNetwork::yaml(), "activation_dtype: int8",
                                           "activation_dtype: int8\n  values: none");
  // Drop both requant blocks: each is 7 lines starting at "      requant:".
  for (int i = 0; i < 2; ++i) {
    const auto begin = yaml.find("      requant:\n");
    ASSERT_NE(begin, std::string::npos);
    auto end = begin;
    for (int line = 0; line < 7; ++line) end = yaml.find('\n', end) + 1;
    yaml.erase(begin, end - begin);
  }
  yaml = "include: " + (testing::source_dir() / "configs/hardware/edge_small.yaml").string() + "\n" + yaml;
  const auto workload = load_workload(dir.write("tiny.yaml", yaml), {});
  const auto& conv = workload->network.layers[0].requant;
  const auto& fc = workload->network.layers[2].requant;
  EXPECT_EQ(conv.mode, model::RequantMode::Multiply);
  EXPECT_EQ(conv.precision, model::Precision::Float32);
  EXPECT_EQ(conv.rounding, model::Rounding::HalfEven);
  EXPECT_TRUE(conv.relu);
  EXPECT_FALSE(fc.relu);
}

TEST(ValuesNoneShapesOnly, BitFlipsAreRefused) {
  const auto workload = load_workload(lenet_path(), {"network.values=none"});
  RunOptions options;
  options.bit_flips.push_back(BitFlip{"conv1", 0, 0, 0});
  EXPECT_THROW(simulate(*workload, 1, {}, options), std::invalid_argument);
}

// --- values: random ---

// The first values, derived with tools/random_values_reference.py: an independent Python
// MT19937-64 (which reproduces the C++ standard's anchor, checked below) and splitmix64.
// Layer 0 of seed 1: engine seed mix(1 ^ mix(1 ^ mix(0))) = 0x465391958fc61f13.
TEST(RandomValues, FirstValuesOfTheSeedAreFixed) {
  std::mt19937_64 standard_engine;  // the standard fixes its 10000th output for the default seed
  standard_engine.discard(9999);
  EXPECT_EQ(standard_engine(), 9981545732273789042ULL);

  model::SeededValues layer0(1, 1, 0);
  const std::vector<int64_t> weights = {-100, -106, -69, 111, 18, 28};
  for (int64_t expected : weights) EXPECT_EQ(layer0.uniform(-127, 127), expected);
  model::SeededValues image0(1, 2, 0);
  const std::vector<int64_t> input = {-48, -61, -125, -79, -5, 14};
  for (int64_t expected : input) EXPECT_EQ(image0.uniform(-128, 127), expected);
  model::SeededValues other(7, 1, 3);
  for (int64_t expected : {50, -71, 60, -123}) EXPECT_EQ(other.uniform(-127, 127), expected);
}

TEST(RandomValues, UniformStaysInItsRangeAndReachesBothEnds) {
  model::SeededValues values(3, 9, 9);
  std::set<int64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const int64_t v = values.uniform(-2, 2);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 2);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 5u);
}

TEST(RandomValues, LeNetGetsTheSeedsWeightsAndTheStatedRequantization) {
  const auto one = load_workload(lenet_path(), {"network.values=random"});
  const auto& conv1 = one->network.layers[0];
  ASSERT_EQ(conv1.weights.size(), 150u);
  const std::vector<int8_t> first = {-100, -106, -69, 111, 18, 28};  // as in FirstValuesOfTheSeedAreFixed
  EXPECT_EQ(std::vector<int8_t>(conv1.weights.begin(), conv1.weights.begin() + 6), first);
  // conv1: K = 25, input RMS of uniform int8 = sqrt(5461.5) (sum of v^2 over -128..127 is
  // 1,398,144; / 256), weight RMS sqrt(127 * 128 / 3): M = 32 / (5 * 73.597 * 73.902) = 1.17665e-3.
  EXPECT_EQ(conv1.requant.mode, model::RequantMode::Multiply);
  EXPECT_NEAR(conv1.requant.multiplier, 32.0 / (5.0 * std::sqrt(127.0 * 128 / 3) * std::sqrt(5461.5)), 1e-9);
  EXPECT_TRUE(conv1.requant.relu);
  EXPECT_FALSE(one->network.layers.back().requant.relu);  // fc7: the logits
  EXPECT_EQ(one->network.layers.back().requant.clamp_min, -128);
  // The same seed gives the same network; another seed another one.
  const auto again = load_workload(lenet_path(), {"network.values=random"});
  EXPECT_EQ(again->network.layers[4].weights, one->network.layers[4].weights);
  testing::TempDir dir;
  const auto two = load_workload(lenet_with(dir, "  values: random\n  seed: 2\n"), {});
  EXPECT_EQ(two->network.seed, 2u);
  EXPECT_NE(two->network.layers[0].weights, conv1.weights);
  EXPECT_EQ(one->input(5), again->input(5));
  EXPECT_NE(one->input(5), one->input(6));
}

// The random LeNet runs bit-exactly, and its requantization spreads the outputs: few of them at
// the clamp bounds, many distinct values.
TEST(RandomValues, LeNetIsBitExactWithSpreadOutputs) {
  const auto workload = load_workload(lenet_path(), {"network.values=random"});
  constexpr int64_t kImages = 20;
  golden::ReferenceModel golden(workload->network);
  for (std::size_t l = 0; l < workload->network.layers.size(); ++l) {
    const auto& layer = workload->network.layers[l];
    if (!layer.has_weights()) continue;
    int64_t clamped = 0, total = 0;
    double rms_sum = 0;
    std::set<int32_t> distinct;
    for (int64_t image = 0; image < kImages; ++image) {
      const auto outputs = golden.run(workload->input(image));
      for (int32_t v : outputs[l].values) {
        rms_sum += static_cast<double>(v - layer.requant.output_zero_point) * (v - layer.requant.output_zero_point);
        // Saturated: at the upper bound, or at the lower one where no ReLU put it.
        clamped += v == layer.requant.clamp_max || (!layer.requant.relu && v == layer.requant.clamp_min);
        distinct.insert(v);
        ++total;
      }
    }
    const double fraction = static_cast<double>(clamped) / static_cast<double>(total);
    const double rms = std::sqrt(rms_sum / static_cast<double>(total));
    EXPECT_LT(fraction, 0.01) << layer.name << ": " << clamped << " of " << total << " outputs clamped; RMS " << rms;
    // Spread: the RMS about the zero point is a sizeable part of the int8 range (the rule aims
    // at 32, or 32 / sqrt(2) after a ReLU).
    EXPECT_GT(rms, 8.0) << layer.name;
    EXPECT_GE(distinct.size(), 40u) << layer.name;
  }
  const RunResult result = simulate(*workload, kImages);
  ASSERT_FALSE(result.failure) << result.failure->message;
  EXPECT_TRUE(result.checked);
  EXPECT_FALSE(result.labelled);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches, first in "
                                  << (result.first_mismatch ? result.first_mismatch->layer : "");
  EXPECT_EQ(static_cast<int64_t>(result.logits.size()), kImages * 10);
}

TEST(RandomValues, StatsSayRandomCheckedAndNoAccuracy) {
  testing::TempDir out, dir;
  const json stats = run_lenet(out, 3, {}, lenet_with(dir, "  values: random\n  seed: 5\n"));
  EXPECT_EQ(stats["values"], "random");
  EXPECT_EQ(stats["seed"], 5);
  EXPECT_EQ(stats["check"], "passed");
  EXPECT_EQ(stats["bit_exact"], true);
  EXPECT_TRUE(stats["accuracy"].is_null());
  EXPECT_TRUE(stats["correct"].is_null());
}

// A `bias` key (its file is not read) gives the layer a generated bias, which the run uses and
// checks. conv of the tiny network: K = 1 * 3 * 3 = 9, input RMS sqrt(5461.5) = 73.90, weight
// RMS sqrt(127 * 128 / 3) = 73.60: acc_rms = 3 * 73.60 * 73.90 = 16318, bound round(16318 / 4) =
// 4080.
TEST(RandomValues, ABiasKeyGivesAGeneratedBiasWithinItsBound) {
  testing::TempDir dir;
  std::string yaml = testing::replace_once(testing::TinyNetwork::yaml(), "activation_dtype: int8",
                                           "activation_dtype: int8\n  values: random");
  yaml = testing::replace_once(yaml, "      weights: tiny/conv.weights.npy\n",
                               "      weights: tiny/conv.weights.npy\n      bias: tiny/absent.npy\n");
  yaml = "include: " + (testing::source_dir() / "configs/hardware/edge_small.yaml").string() + "\n" + yaml;
  const auto workload = load_workload(dir.write("tiny.yaml", yaml), {});
  const auto& bias = workload->network.layers[0].bias;
  ASSERT_EQ(bias.size(), 3u);
  for (int32_t b : bias) {
    EXPECT_GE(b, -4080);
    EXPECT_LE(b, 4080);
  }
  EXPECT_FALSE(bias[0] == 0 && bias[1] == 0 && bias[2] == 0);
  EXPECT_TRUE(workload->network.layers[2].bias.empty());  // fc has no bias key
  const RunResult result = simulate(*workload, 4);
  ASSERT_FALSE(result.failure) << result.failure->message;
  EXPECT_TRUE(result.checked);
  EXPECT_TRUE(result.bit_exact());
}

// A residual block whose ReLUs the YAML states, as the shipped topologies do (`requant: {relu:
// BOOL}`, a block without `mode`): conv `a` without ReLU (the generator's default would give it
// one), the add with one (the default gives an add none), and `c`, without a block, the default
// (none: it is the last weighted layer).
std::string residual_with_stated_relus(const std::string& values) {
  return "include: " + (testing::source_dir() / "configs/hardware/edge_small.yaml").string() +
         "\n"
         "network:\n"
         "  name: residual\n"
         "  activation_dtype: int8\n"
         "  values: " +
         values +
         "\n"
         "  input: {shape: [2, 6, 6]}\n"
         "  layers:\n"
         "    - {name: a, type: conv2d, out_channels: 4, kernel: 3, padding: 1, requant: {relu: false}}\n"
         "    - {name: b, type: conv2d, out_channels: 4, kernel: 3, padding: 1, requant: {relu: false}}\n"
         "    - {name: sum, type: add, inputs: [b, a], requant: {relu: true}}\n"
         "    - {name: c, type: conv2d, out_channels: 3, kernel: 1}\n";
}

TEST(StatedRelu, RandomKeepsTheStatedReluAndIsBitExact) {
  testing::TempDir dir;
  const auto workload = load_workload(dir.write("residual.yaml", residual_with_stated_relus("random")), {});
  const auto& layers = workload->network.layers;
  EXPECT_FALSE(layers[0].requant.relu);
  EXPECT_FALSE(layers[1].requant.relu);
  EXPECT_TRUE(layers[2].requant.relu);
  EXPECT_FALSE(layers[3].requant.relu);
  // The ReLU is applied: no add output below its zero point, and some clipped onto it (about
  // half of a zero-mean sum is negative); `a`, without one, has outputs below it.
  golden::ReferenceModel golden(workload->network);
  int64_t at_zero_point = 0, below_in_a = 0;
  for (int64_t image = 0; image < 4; ++image) {
    const auto outputs = golden.run(workload->input(image));
    for (int32_t v : outputs[2].values) {
      EXPECT_GE(v, layers[2].requant.output_zero_point);
      at_zero_point += v == layers[2].requant.output_zero_point;
    }
    for (int32_t v : outputs[0].values) below_in_a += v < layers[0].requant.output_zero_point;
  }
  EXPECT_GT(at_zero_point, 0);
  EXPECT_GT(below_in_a, 0);
  const RunResult result = simulate(*workload, 4);
  ASSERT_FALSE(result.failure) << result.failure->message;
  EXPECT_TRUE(result.checked);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
}

TEST(StatedRelu, TimingOnlyReadsItToo) {
  testing::TempDir dir;
  const auto workload = load_workload(dir.write("residual.yaml", residual_with_stated_relus("none")), {});
  const auto& layers = workload->network.layers;
  EXPECT_FALSE(layers[0].requant.relu);
  EXPECT_TRUE(layers[2].requant.relu);
  EXPECT_FALSE(layers[3].requant.relu);
  EXPECT_EQ(layers[2].requant.mode, model::RequantMode::Multiply);  // the timing-only arithmetic
}

// The partial block holds `relu` alone: anything else is a slip, refused by name (a full block
// starts with `mode`).
TEST(StatedRelu, APartialBlockHoldsReluAlone) {
  testing::TempDir dir;
  auto error_of = [&](const std::string& yaml) -> std::string {
    try {
      load_workload(dir.write("residual.yaml", yaml), {});
    } catch (const config::ConfigurationError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string misspelt = testing::replace_once(residual_with_stated_relus("random"), "requant: {relu: true}",
                                                     "requant: {relu: true, clamp: [0, 9]}");
  EXPECT_NE(error_of(misspelt).find("network.layers[2].requant.clamp: unknown key"), std::string::npos)
      << error_of(misspelt);
}

// A sweep over network.values: the timing-only point is `ok` with nothing checked, the full
// point `ok` and bit-exact, and both have the same cycles.
TEST(ValuesNoneSweep, ATimingOnlyPointIsOkWithBitExactEmpty) {
  testing::TempDir dir;
  const auto spec = testing::write_spec(
      dir, "images: 2\naxes:\n  - key: network.values\n    values: [none, file]\nmetrics: [cycles]\n");
  const auto out = dir.path() / "out";
  const auto run = testing::run_accelsim({"sweep", "--spec", spec.string(), "--out", out.string(), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto rows = testing::read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("status"), "ok");
  EXPECT_EQ(rows[0].at("bit_exact"), "");
  EXPECT_EQ(rows[1].at("status"), "ok");
  EXPECT_EQ(rows[1].at("bit_exact"), "true");
  EXPECT_EQ(rows[0].at("cycles"), rows[1].at("cycles"));
}

}  // namespace
}  // namespace accelsim::run
