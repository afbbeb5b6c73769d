// LeNet under every dataflow and timing model: bit-exact, fast == detailed layer by layer, and
// the scalesim model reproducing SCALE-Sim v2's equations worked out by hand below.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/run/simulation.h"
#include "sim/run/workload.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::run {
namespace {

std::unique_ptr<Workload> lenet(const std::string& config, const std::string& dataflow, const std::string& timing) {
  return load_workload(testing::source_dir() / "configs" / config,
                       {"hardware.pe_array.dataflow=" + dataflow, "hardware.pe_array.timing=" + timing});
}

std::vector<int64_t> compute_cycles_of(const RunResult& result) {
  std::vector<int64_t> cycles;
  for (const auto& layer : result.stats->layers) cycles.push_back(layer->value("compute_cycles"));
  return cycles;
}

// SCALE-Sim v2 on the 8x8 array, LeNet's GEMMs (M, K, N): conv1 (784, 25, 6),
// conv3 (100, 150, 16), conv5 (1, 400, 120), fc6 (1, 120, 84), fc7 (1, 84, 10).
// folds = ceil(Sr / 8) * ceil(Sc / 8); per fold WS/IS 2R + C + T - 2 = 22 + T, OS T + 14;
// layer = folds * per_fold - 1. Max-pool layers are not counted (0).
//   WS (Sr=K, Sc=N, T=M): conv1 4*806-1 = 3223, conv3 38*122-1 = 4635, conv5 750*23-1 = 17249,
//                         fc6 165*23-1 = 3794, fc7 22*23-1 = 505
//   OS (Sr=M, Sc=N, T=K): conv1 98*39-1 = 3821, conv3 26*164-1 = 4263, conv5 15*414-1 = 6209,
//                         fc6 11*134-1 = 1473, fc7 2*98-1 = 195
//   IS (Sr=K, Sc=M, T=N): conv1 392*28-1 = 10975, conv3 247*38-1 = 9385, conv5 50*142-1 = 7099,
//                         fc6 15*106-1 = 1589, fc7 11*32-1 = 351
struct ScaleSimCase {
  std::string dataflow;
  std::vector<int64_t> expected;  // conv1, pool2, conv3, pool4, conv5, fc6, fc7
};

class ScaleSimEquations : public ::testing::TestWithParam<ScaleSimCase> {};

TEST_P(ScaleSimEquations, LeNetComputeCyclesFollowThem) {
  const auto workload = lenet("lenet.yaml", GetParam().dataflow, "scalesim");
  const RunResult result = simulate(*workload, 1);
  EXPECT_TRUE(result.bit_exact());
  EXPECT_EQ(compute_cycles_of(result), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Dataflows, ScaleSimEquations,
                         ::testing::Values(ScaleSimCase{"ws", {3223, 0, 4635, 0, 17249, 3794, 505}},
                                           ScaleSimCase{"os", {3821, 0, 4263, 0, 6209, 1473, 195}},
                                           ScaleSimCase{"is", {10975, 0, 9385, 0, 7099, 1589, 351}}),
                         [](const ::testing::TestParamInfo<ScaleSimCase>& param_info) {
                           return param_info.param.dataflow;
                         });

struct ModeCase {
  std::string config;
  std::string dataflow;
};
void PrintTo(const ModeCase& c, std::ostream* out) { *out << c.config << " " << c.dataflow; }

class FastAgainstDetailed : public ::testing::TestWithParam<ModeCase> {};

// One process can elaborate SystemC once: the detailed run is this test's, the fast figures
// come from a child accelsim process over the same images.
TEST_P(FastAgainstDetailed, SameValuesAndSameComputeCyclesLayerByLayer) {
  const ModeCase c = GetParam();
  constexpr int64_t kImages = 50;
  const auto detailed_workload = lenet(c.config, c.dataflow, "detailed");
  const RunResult detailed = simulate(*detailed_workload, kImages);
  EXPECT_TRUE(detailed.bit_exact());
  EXPECT_EQ(detailed.stats->correct, detailed.stats->golden_correct);

  testing::TempDir out;
  const auto run = testing::run_accelsim(
      {"--config", (testing::source_dir() / "configs" / c.config).string(), "--images", std::to_string(kImages),
       "--quiet", "--set", std::string("hardware.pe_array.dataflow=") + c.dataflow, "--out", out.path().string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto fast = nlohmann::json::parse(testing::read_file(out.path() / "stats.json"));
  ASSERT_EQ(fast["layers"].size(), detailed.stats->layers.size());
  for (std::size_t l = 0; l < detailed.stats->layers.size(); ++l) {
    const auto& layer = *detailed.stats->layers[l];
    EXPECT_EQ(fast["layers"][l]["name"], layer.name());
    EXPECT_EQ(layer.value("compute_cycles"), fast["layers"][l]["compute_cycles"].get<int64_t>()) << layer.name();
    EXPECT_EQ(layer.value("macs"), fast["layers"][l]["macs"].get<int64_t>()) << layer.name();
  }
}

INSTANTIATE_TEST_SUITE_P(Dataflows, FastAgainstDetailed,
                         ::testing::Values(ModeCase{"lenet.yaml", "ws"}, ModeCase{"lenet.yaml", "os"},
                                           ModeCase{"lenet.yaml", "is"}, ModeCase{"lenet_torch.yaml", "ws"},
                                           ModeCase{"lenet_torch.yaml", "os"}, ModeCase{"lenet_torch.yaml", "is"}),
                         [](const ::testing::TestParamInfo<ModeCase>& param_info) {
                           return (param_info.param.config == "lenet.yaml" ? std::string("seed_")
                                                                           : std::string("torch_")) +
                                  param_info.param.dataflow;
                         });

class EveryDataflowFast : public ::testing::TestWithParam<ModeCase> {};

TEST_P(EveryDataflowFast, BitExactOnAllHeldOutImages) {
  const auto workload = lenet(GetParam().config, GetParam().dataflow, "fast");
  const RunResult result = simulate(*workload, 2000);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches;
  EXPECT_EQ(result.stats->correct, result.stats->golden_correct);
}

INSTANTIATE_TEST_SUITE_P(Dataflows, EveryDataflowFast,
                         ::testing::Values(ModeCase{"lenet.yaml", "os"}, ModeCase{"lenet.yaml", "is"},
                                           ModeCase{"lenet_torch.yaml", "os"}, ModeCase{"lenet_torch.yaml", "is"}),
                         [](const ::testing::TestParamInfo<ModeCase>& param_info) {
                           return (param_info.param.config == "lenet.yaml" ? std::string("seed_")
                                                                           : std::string("torch_")) +
                                  param_info.param.dataflow;
                         });

}  // namespace
}  // namespace accelsim::run
