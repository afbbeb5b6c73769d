// Streamed activations end to end in SystemC: layers whose feature maps do not fit the
// activation SRAM run band by band through DRAM and stay bit-exact with the (whole-tensor)
// golden model; a bit flipped in a streamed output, which lives in DRAM, is caught there.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/run/simulation.h"
#include "sim/run/workload.h"
#include "tests/mapper/band_network.h"
#include "tests/support/graph_network.h"
#include "tests/support/run_command.h"

namespace accelsim::run {
namespace {

using nlohmann::json;

// tests/mapper/activation_tiling_test.cpp derives the plan: 3 bands of 6 rows, 320 bytes of
// input rows loaded (256 + 64 of halo) and 1,024 bytes of output stored per image.
TEST(StreamingRun, TheSmallConvIsBitExactAndMovesTheHandCountedBytes) {
  testing::TempDir dir;
  for (const std::string buffered : {"true", "false"}) {
    const auto workload = load_workload(
        testing::band_conv_config(dir),
        {"hardware.activation_sram.capacity_bytes=1024", "hardware.activation_sram.double_buffered=" + buffered});
    const RunResult result = simulate(*workload, 3);
    EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches, buffered " << buffered;
    EXPECT_TRUE(result.program.layers[0].streamed);
    const auto& conv = *result.stats->layers[0];
    EXPECT_EQ(conv.value("dram_input_read_bytes"), 3 * 320) << buffered;
    EXPECT_EQ(conv.value("dram_write_bytes"), 3 * 1024) << buffered;
  }
}

TEST(StreamingRun, DoubleBufferedBandsOverlapLoadsWithCompute) {
  // Single-buffered, each band's load waits for the previous band's compute to finish; double-
  // buffered, the next band's load runs beside it: the run can only get shorter.
  testing::TempDir dir;
  auto cycles = [&](const std::string& buffered) {
    const auto workload = load_workload(
        testing::band_conv_config(dir),
        {"hardware.activation_sram.capacity_bytes=1024", "hardware.activation_sram.double_buffered=" + buffered});
    return simulate(*workload, 2).stats->total()->value("cycles");
  };
  EXPECT_LT(cycles("true"), cycles("false"));
}

TEST(StreamingRun, AFlippedBitInAStreamedLayerIsCaughtInDram) {
  testing::TempDir dir;
  const auto workload = load_workload(testing::band_conv_config(dir), {"hardware.activation_sram.capacity_bytes=1024"});
  RunOptions options;
  options.bit_flips.push_back(BitFlip{"conv", 1, 300, 2});
  const RunResult result = simulate(*workload, 2, {}, options);
  ASSERT_FALSE(result.bit_exact());
  ASSERT_TRUE(result.first_mismatch.has_value());
  EXPECT_EQ(result.first_mismatch->image, 1);
  EXPECT_EQ(result.first_mismatch->layer, "conv");
  EXPECT_EQ(result.first_mismatch->index, 300);
  EXPECT_EQ(result.first_mismatch->actual ^ result.first_mismatch->expected, 4);
  EXPECT_EQ(result.mismatches, 1);
}

// Every layer type streaming (tests/support/graph_network.h: depthwise with a channel
// multiplier, residual adds, maxpool and avgpool with padding, global_avgpool, linear) in a
// 512-byte activation SRAM (too small to hold its maps resident), double- and single-buffered.
// The largest one-row band is dw's: 2 x align64(4 channels x 3 rows x 8) + 2 x align64(8 x 8)
// = 256 + 128 = 384 bytes, so every layer fits a band.
TEST(StreamingRun, TheGraphNetworkStreamsEveryLayerBitExact) {
  for (const std::string buffered : {"true", "false"}) {
    testing::TempDir dir;
    testing::GraphNetwork graph(dir);
    const auto config = graph.write_config(testing::GraphNetwork::yaml());
    const testing::CommandResult run =
        testing::run_accelsim({"--config", config.string(), "--images", "3", "--out", (dir.path() / "out").string(),
                               "--quiet", "--set", "hardware.activation_sram.capacity_bytes=512", "--set",
                               "hardware.activation_sram.double_buffered=" + buffered});
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const json stats = testing::read_json(dir.path() / "out/stats.json");
    for (const json& layer : stats.at("layers")) {
      EXPECT_EQ(layer.at("bit_exact"), true) << layer.at("name") << " buffered " << buffered;
      if (layer.at("type") != "flatten") {
        EXPECT_TRUE(layer.contains("activation_streaming")) << layer.at("name");
      }
    }
    EXPECT_EQ(stats.at("total").at("mismatches"), 0);
  }
}

// A shipped topology with residual adds and depthwise layers, reduced to a 64x64 input, in a
// 64 KiB activation SRAM: resident, the first depthwise layer alone would need two 12 KiB input
// buffers (3 x 64 x 64) and its 32 KiB input and output maps (32 x 32 x 32) = 88 KiB, so every
// layer streams, and every layer is bit-exact.
TEST(StreamingRun, MobileNetV2At64x64StreamsBitExactIn64KiB) {
  testing::TempDir dir;
  const testing::CommandResult run = testing::run_accelsim(
      {"--config", (testing::source_dir() / "configs/topologies/mobilenet_v2_random.yaml").string(), "--images", "1",
       "--out", (dir.path() / "out").string(), "--quiet", "--set", "network.input.shape=[3, 64, 64]", "--set",
       "hardware.activation_sram.capacity_bytes=65536"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json stats = testing::read_json(dir.path() / "out/stats.json");
  int64_t streamed = 0, halo = 0;
  for (const json& layer : stats.at("layers")) {
    EXPECT_EQ(layer.at("bit_exact"), true) << layer.at("name");
    if (!layer.contains("activation_streaming")) continue;
    ++streamed;
    halo += layer.at("activation_streaming").at("halo_refetch_bytes_per_image").get<int64_t>();
  }
  EXPECT_GT(streamed, 0);
  EXPECT_GT(halo, 0);
  EXPECT_EQ(stats.at("total").at("mismatches"), 0);
}

}  // namespace
}  // namespace accelsim::run
