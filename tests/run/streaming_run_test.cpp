// Streamed activations end to end in SystemC: layers whose feature maps do not fit the
// activation SRAM run band by band through DRAM and stay bit-exact with the (whole-tensor)
// golden model; a bit flipped in a streamed output, which lives in DRAM, is caught there.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mapper/mapper.h"
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
// One SystemC simulation per test process (gtest_discover_tests): one test per buffering.
void expect_small_conv_bit_exact_with_hand_counted_bytes(const std::string& buffered) {
  testing::TempDir dir;
  const auto workload = load_workload(
      testing::band_conv_config(dir),
      {"hardware.activation_sram.capacity_bytes=1024", "hardware.activation_sram.double_buffered=" + buffered});
  const RunResult result = simulate(*workload, 3);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_TRUE(result.program.layers[0].streamed);
  const auto& conv = *result.stats->layers[0];
  if (buffered == "true") {
    EXPECT_EQ(conv.value("dram_input_read_bytes"), 3 * 320);  // 6-row bands, derived above
  } else {
    // Single-buffered, 1,024 bytes hold 12-row bands (align64(14 x 16) + align64(4 x 12 x 16) =
    // 256 + 768): rows [0,13) and [11,16), 13 + 5 = 18 rows x 16 = 288 bytes, 2 rows of halo.
    EXPECT_EQ(conv.value("dram_input_read_bytes"), 3 * 288);
    EXPECT_EQ(result.program.layers[0].halo_refetch_bytes_per_image, 32u);
  }
  EXPECT_EQ(conv.value("dram_write_bytes"), 3 * 1024);
}

TEST(StreamingRun, TheSmallConvIsBitExactAndMovesTheHandCountedBytesDoubleBuffered) {
  expect_small_conv_bit_exact_with_hand_counted_bytes("true");
}

TEST(StreamingRun, TheSmallConvIsBitExactAndMovesTheHandCountedBytesSingleBuffered) {
  expect_small_conv_bit_exact_with_hand_counted_bytes("false");
}

TEST(StreamingRun, DoubleBufferedBandsLoadTheNextBandBeforeComputingThisOne) {
  // Double-buffered, the DMA's queue reads: load 0, load 1, store 0, load 2, store 1, store 2:
  // band 1's load is issued before band 0's compute, so it runs beside it. Single-buffered
  // (1,024 bytes then hold 12-row bands: align64(14 x 16) + align64(4 x 12 x 16) = 256 + 768),
  // load, compute and store alternate.
  testing::TempDir dir;
  auto dma_order = [&](const std::string& buffered) {
    const auto workload = load_workload(
        testing::band_conv_config(dir),
        {"hardware.activation_sram.capacity_bytes=1024", "hardware.activation_sram.double_buffered=" + buffered});
    const auto program = mapper::map_network(workload->network, workload->hardware, 1);
    std::string order;
    for (const auto& instruction : program.image_programs[0])
      order += instruction.op == isa::Opcode::LoadBand    ? "L"
               : instruction.op == isa::Opcode::StoreBand ? "S"
               : instruction.op == isa::Opcode::Compute   ? "C"
                                                          : "";
    return order;
  };
  EXPECT_EQ(dma_order("true"), "LLCSLCSCS");
  EXPECT_EQ(dma_order("false"), "LCSLCS");
}

TEST(StreamingRun, AWideConvWithGroupedOutputBandsIsBitExact) {
  // activation_tiling_test.cpp: 8 bands of 2 rows, written in 4 groups of 8 channels.
  testing::TempDir dir;
  const auto workload =
      load_workload(testing::band_conv_config(dir, 32), {"hardware.activation_sram.capacity_bytes=640"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_EQ(result.program.layers[0].channel_group, 8);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 2 * 480);
  EXPECT_EQ(result.stats->layers[0]->value("dram_write_bytes"), 2 * 8192);
}

// A conv whose input is loaded in groups of 4 input channels (16 -> 8 channels in 640 bytes:
// tests/mapper/activation_tiling_test.cpp derives 64 loads of 11,776 bytes in all and 2,048
// bytes stored per image), accumulated over the groups and requantized after the last.
// Weights resident: one Compute per group reads its 36 of each row's 144 weights in place.
TEST(StreamingRun, AConvLoadingGroupsOfInputChannelsIsBitExactWithResidentWeights) {
  testing::TempDir dir;
  const auto workload =
      load_workload(testing::band_conv_config(dir, 8, 16), {"hardware.activation_sram.capacity_bytes=640"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_EQ(result.program.layers[0].input_channel_group, 4);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 2 * 11776);
  EXPECT_EQ(result.stats->layers[0]->value("dram_write_bytes"), 2 * 2048);
}

// The same with streamed weights: a 1,024-byte weight SRAM streams the 8 x 144 = 1,152 weight
// bytes through 256-byte buffers (1,024 / 2 halves / 2 buffers), in blocks of 8 rows x 32 of K
// (256 / 8 = 32, a multiple of the 8 array rows): K blocks [0,32) [32,64) [64,96) [96,128)
// [128,144). The groups' K ranges [0,36) [36,72) [72,108) [108,144) each overlap two blocks,
// fetched for them: 8 x (32 + 32) x 3 + 8 x (32 + 16) = 1,920 bytes a band, 16 bands = 30,720
// bytes of weights per image, each group computing from a block at a row stride of its width.
TEST(StreamingRun, AConvLoadingGroupsOfInputChannelsIsBitExactWithStreamedWeights) {
  testing::TempDir dir;
  const auto workload =
      load_workload(testing::band_conv_config(dir, 8, 16),
                    {"hardware.activation_sram.capacity_bytes=640", "hardware.weight_sram.capacity_bytes=1024"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_FALSE(result.program.layers[0].resident);
  EXPECT_EQ(result.program.layers[0].tile_k, 32);
  EXPECT_EQ(result.program.layers[0].weight_dram_bytes_per_image, 30720u);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 2 * 11776);
}

// A depthwise conv (16 -> 16 channels, groups 16) in 640 bytes, each output channel's band
// loading only its own input channel: tests/mapper/activation_tiling_test.cpp derives 2 bands of
// 8 rows, 4,608 bytes of input rows loaded and 4,096 bytes stored per image.
TEST(StreamingRun, ADepthwiseConvLoadingItsGroupsOwnInputsIsBitExact) {
  testing::TempDir dir;
  const auto workload =
      load_workload(testing::band_conv_config(dir, 16, 16, 16), {"hardware.activation_sram.capacity_bytes=640"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_EQ(result.program.layers[0].bands, 2);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 2 * 4608);
  EXPECT_EQ(result.stats->layers[0]->value("dram_write_bytes"), 2 * 4096);
}

// Channel multiplier 2 (16 -> 32 channels, groups 16) in 640 bytes: output groups of 2 channels
// (one weight tile, tile_n = 32 / 16), each loading its 1 input channel n0 / 2; double-buffered
// 2 * align64(min(16, b + 2) * 16) + 2 * align64(2 * b * 16) is 640 at b = 6 (256 + 384) and
// 896 at b = 7, so bands [0,6) [6,12) [12,16) read rows [0,7) [5,13) [11,16): 20 rows x 16 =
// 320 bytes per tile, 16 x 320 = 5,120 loaded and 32 x 256 = 8,192 stored per image.
TEST(StreamingRun, ADepthwiseConvWithChannelMultiplierTwoIsBitExact) {
  testing::TempDir dir;
  const auto workload =
      load_workload(testing::band_conv_config(dir, 32, 16, 16), {"hardware.activation_sram.capacity_bytes=640"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_EQ(result.program.layers[0].band_size, 6);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 2 * 5120);
  EXPECT_EQ(result.stats->layers[0]->value("dram_write_bytes"), 2 * 8192);
}

// Weights outer (tests/mapper/activation_tiling_test.cpp: 8 weight tiles fetched once, 8 bands
// loaded for each, 3,840 input bytes per image) computes the same values.
TEST(StreamingRun, AConvWithWeightsOuterIsBitExact) {
  testing::TempDir dir;
  const auto workload =
      load_workload(testing::band_conv_config(dir, 64),
                    {"hardware.activation_sram.capacity_bytes=640", "hardware.weight_sram.capacity_bytes=512"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_TRUE(result.program.layers[0].weights_outer);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 2 * 3840);
  EXPECT_EQ(result.stats->layers[0]->value("dram_weight_read_bytes"), 2 * 576);
}

// A linear layer 320 -> 24 in 256 bytes (tests/mapper/activation_tiling_test.cpp: 5 K chunks of
// 64 elements for each of 3 output groups of 8: 960 input bytes loaded and 24 bytes stored per
// image), accumulated over the chunks and requantized after the last. Weights resident: each
// chunk's Compute reads its 64 of each row's 320 weights in place.
TEST(StreamingRun, ALinearLayerLoadingKChunksIsBitExactWithResidentWeights) {
  testing::TempDir dir;
  const auto workload =
      load_workload(testing::band_linear_config(dir, 5, 8, 24), {"hardware.activation_sram.capacity_bytes=256"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_EQ(result.program.layers[0].input_channel_group, 64);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 2 * 960);
  EXPECT_EQ(result.stats->layers[0]->value("dram_write_bytes"), 2 * 24);
}

// The same with streamed weights: a 1,024-byte weight SRAM streams the 24 x 320 = 7,680 weight
// bytes through 256-byte buffers (1,024 / 2 halves / 2 buffers) in blocks of 8 rows x 32 of K
// (256 / 8): each 64-element chunk is two whole blocks, so every block is fetched once per
// image: 7,680 weight bytes, in 3 x 10 = 30 Computes.
TEST(StreamingRun, ALinearLayerLoadingKChunksIsBitExactWithStreamedWeights) {
  testing::TempDir dir;
  const auto workload =
      load_workload(testing::band_linear_config(dir, 5, 8, 24),
                    {"hardware.activation_sram.capacity_bytes=256", "hardware.weight_sram.capacity_bytes=1024"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_FALSE(result.program.layers[0].resident);
  EXPECT_EQ(result.program.layers[0].tile_k, 32);
  EXPECT_EQ(result.program.layers[0].weight_dram_bytes_per_image, 7680u);
  int64_t computes = 0;
  for (const auto& instruction : result.program.image_programs[0]) computes += instruction.op == isa::Opcode::Compute;
  EXPECT_EQ(computes, 30);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 2 * 960);
}

// A linear layer 100 -> 600 whose output is written in 75 groups of 8 from the whole input
// (tests/mapper/activation_tiling_test.cpp): 100 bytes loaded and 600 stored per image.
TEST(StreamingRun, ALinearLayerWritingOutputGroupsIsBitExact) {
  testing::TempDir dir;
  const auto workload =
      load_workload(testing::band_linear_config(dir, 1, 10, 600), {"hardware.activation_sram.capacity_bytes=700"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  EXPECT_EQ(result.program.layers[0].channel_group, 8);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 2 * 100);
  EXPECT_EQ(result.stats->layers[0]->value("dram_write_bytes"), 2 * 600);
}

TEST(StreamingRun, AFlippedBitInAStreamedLayerIsCaughtInDram) {
  testing::TempDir dir;
  const auto workload = load_workload(testing::band_conv_config(dir), {"hardware.activation_sram.capacity_bytes=1024"});
  RunOptions options;
  options.bit_flips.push_back(BitFlip{"conv", 300, 2, 1});  // index 300, bit 2, image 1
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
// multiplier, residual adds, maxpool and avgpool with padding, global_avgpool, linear), in an
// activation SRAM too small to hold its maps resident. At 512 bytes every layer takes whole-
// channel bands, double- or single-buffered: the largest one-row band is dw's, 2 x align64(4
// channels x 3 rows x 8) + 2 x align64(8 x 8) = 256 + 128 = 384 bytes. At 256 bytes (double-
// buffered): dw runs single-buffered (128 + 64 = 192); maxpool (3x3 stride 2 on 8x8 -> 4x4) in
// groups of 2 channels: 2 x align64(2 x 3 x 8) + 2 x align64(2 x 4) = 128 + 128 = 256, 3 channels
// needing 2 x 128 + 128; gap (4 planes of 5 x 5) in groups of 2: 2 x align64(50) + 2 x 64 = 256.
struct GraphCase {
  std::string capacity, double_buffered;
};

TEST(StreamingRun, TheGraphNetworkStreamsEveryLayerBitExact) {
  for (const GraphCase& c : {GraphCase{"512", "true"}, GraphCase{"512", "false"}, GraphCase{"256", "true"}}) {
    testing::TempDir dir;
    testing::GraphNetwork graph(dir);
    const auto config = graph.write_config(testing::GraphNetwork::yaml());
    const testing::CommandResult run =
        testing::run_accelsim({"--config", config.string(), "--images", "3", "--out", (dir.path() / "out").string(),
                               "--quiet", "--set", "hardware.activation_sram.capacity_bytes=" + c.capacity, "--set",
                               "hardware.activation_sram.double_buffered=" + c.double_buffered});
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const json stats = testing::read_json(dir.path() / "out/stats.json");
    for (const json& layer : stats.at("layers")) {
      EXPECT_EQ(layer.at("bit_exact"), true) << layer.at("name") << " at " << c.capacity;
      if (layer.at("type") != "flatten") {
        EXPECT_TRUE(layer.contains("activation_streaming")) << layer.at("name");
      }
    }
    EXPECT_EQ(stats.at("total").at("mismatches"), 0);
    if (c.capacity != "256") continue;
    const json& layers = stats.at("layers");
    EXPECT_EQ(layers[1].at("activation_streaming").at("double_buffered"), false);  // dw
    EXPECT_EQ(layers[6].at("activation_streaming").at("channels_per_buffer"), 2);  // maxp
    EXPECT_EQ(layers[8].at("activation_streaming").at("channels_per_buffer"), 2);  // gap
    EXPECT_EQ(layers[0].at("activation_streaming").at("channels_per_buffer"), 4);  // stem: all
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

// ResNet-18 reduced to a 64x64 input on its shipped hardware (edge_small: a 16 KiB activation
// SRAM, which cannot hold conv1's 64 x 32 x 32 = 64 KiB output): every layer streams, residual
// adds included, and every layer is bit-exact.
TEST(StreamingRun, ResNet18At64x64StreamsBitExactOnItsShippedHardware) {
  testing::TempDir dir;
  const testing::CommandResult run = testing::run_accelsim(
      {"--config", (testing::source_dir() / "configs/topologies/resnet18_random.yaml").string(), "--images", "1",
       "--out", (dir.path() / "out").string(), "--quiet", "--set", "network.input.shape=[3, 64, 64]"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json stats = testing::read_json(dir.path() / "out/stats.json");
  int64_t streamed = 0;
  for (const json& layer : stats.at("layers")) {
    EXPECT_EQ(layer.at("bit_exact"), true) << layer.at("name");
    streamed += layer.contains("activation_streaming");
  }
  EXPECT_EQ(streamed, 31);  // every layer but the flatten
  EXPECT_EQ(stats.at("total").at("mismatches"), 0);
}

// ResNet-50 reduced to a 64x64 input in a 4 KiB activation SRAM: its wide 1x1 and 3x3 convs
// cannot hold one output row of every input channel even single-buffered (layer4_0_conv2: 512
// channels x 3 rows x 4 = 6 KiB of input alone), so they load groups of input channels,
// accumulating across them, with weights streamed in K blocks; every layer is bit-exact.
TEST(StreamingRun, ResNet50At64x64LoadsGroupsOfInputChannelsBitExactIn4KiB) {
  testing::TempDir dir;
  const testing::CommandResult run = testing::run_accelsim(
      {"--config", (testing::source_dir() / "configs/topologies/resnet50_random.yaml").string(), "--images", "1",
       "--out", (dir.path() / "out").string(), "--quiet", "--set", "network.input.shape=[3, 64, 64]", "--set",
       "hardware.activation_sram.capacity_bytes=4096"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json stats = testing::read_json(dir.path() / "out/stats.json");
  int64_t input_grouped = 0;
  for (const json& layer : stats.at("layers")) {
    EXPECT_EQ(layer.at("bit_exact"), true) << layer.at("name");
    if (layer.contains("activation_streaming"))
      input_grouped += layer.at("activation_streaming").contains("input_channels_per_load");
  }
  EXPECT_GT(input_grouped, 0);
  EXPECT_EQ(stats.at("total").at("mismatches"), 0);
}

// VGG-16 reduced to a 64x64 input in a 2 KiB activation SRAM: classifier_0 (512 x 2 x 2 = 2,048
// -> 4,096; weights streamed in blocks of 8 rows x 1,024 of K: 8 KiB buffers / 8) cannot hold its
// input vector beside one output group even single-buffered (align64(2,048) + align64(8) =
// 2,112), so it loads K chunks: 2 x align64(k) + 2 x align64(8) <= 2,048 -> k = 960 (less than
// one block), ceil(2,048 / 960) = 3 chunks for each of 4,096 / 8 = 512 groups: 512 x 2,048 =
// 1,048,576 input bytes. The blocks are cut to the chunk (tile_k = 960, 3 K blocks), else the
// 1,024-wide blocks would span two chunks and be fetched for both: each block is fetched once,
// the matrix's 2,048 x 4,096 = 8,388,608 weight bytes. Every layer is bit-exact.
TEST(StreamingRun, Vgg16At64x64LoadsItsClassifierInKChunksBitExactIn2KiB) {
  testing::TempDir dir;
  const testing::CommandResult run = testing::run_accelsim(
      {"--config", (testing::source_dir() / "configs/topologies/vgg16_random.yaml").string(), "--images", "1", "--out",
       (dir.path() / "out").string(), "--quiet", "--set", "network.input.shape=[3, 64, 64]", "--set",
       "hardware.activation_sram.capacity_bytes=2048"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const json stats = testing::read_json(dir.path() / "out/stats.json");
  for (const json& layer : stats.at("layers")) {
    EXPECT_EQ(layer.at("bit_exact"), true) << layer.at("name");
    if (layer.at("name") != "classifier_0") continue;
    EXPECT_EQ(layer.at("activation_streaming").at("input_channels_per_load"), 960);
    EXPECT_EQ(layer.at("activation_streaming").at("channels_per_buffer"), 8);
    EXPECT_EQ(layer.at("dram_input_read_bytes"), 1048576);
    EXPECT_EQ(layer.at("dram_weight_read_bytes"), 8388608);
    EXPECT_EQ(layer.at("dram_write_bytes"), 4096);
  }
  EXPECT_EQ(stats.at("total").at("mismatches"), 0);
}

}  // namespace
}  // namespace accelsim::run
