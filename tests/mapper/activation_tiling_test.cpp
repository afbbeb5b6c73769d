// Activations that do not fit the activation SRAM: the mapper's row bands with their halo, and
// its refusal when not even one output row fits (mapper/activation_tiling.h, docs/timing.md).
#include "mapper/activation_tiling.h"

#include <gtest/gtest.h>

#include "mapper/mapper.h"
#include "sim/run/workload.h"
#include "tests/mapper/band_network.h"

namespace accelsim::mapper {
namespace {

using isa::Opcode;
using isa::TileProgram;

int64_t count(const TileProgram& program, Opcode op) {
  int64_t n = 0;
  for (const auto& instruction : program.image_programs[0]) n += instruction.op == op;
  return n;
}

TEST(ActivationTiling, HaloRowsOfABandAreTheWindowSpanClippedToTheMap) {
  testing::TempDir dir;
  const auto workload = run::load_workload(testing::band_conv_config(dir), {});
  const model::Layer& conv = workload->network.layers[0];
  // 3x3, stride 1, pad 1 on 16 rows: output rows [oy0, oy1) read [oy0 - 1, oy1 + 1) clipped.
  EXPECT_EQ(input_rows_of_band(conv, 0, 6).begin, 0);  // -1 clipped to 0
  EXPECT_EQ(input_rows_of_band(conv, 0, 6).end, 7);
  EXPECT_EQ(input_rows_of_band(conv, 6, 12).begin, 5);
  EXPECT_EQ(input_rows_of_band(conv, 6, 12).end, 13);
  EXPECT_EQ(input_rows_of_band(conv, 12, 16).end, 16);  // 17 clipped to 16
}

// The small conv (1 -> 4 channels, 3x3, pad 1, on 16x16) on an activation SRAM of 1,024 bytes.
// Resident it needs 2 input buffers of 256 + a 1,024-byte output = 1,536 > 1,024: it streams.
// Double-buffered, a band of b output rows needs (each buffer 64-byte aligned)
//   2 * align64(1 channel * min(16, b + 2) rows * 16) + 2 * align64(4 channels * b * 16):
//   b = 6: 2 * align64(128) + 2 * align64(384) = 256 + 768 = 1,024  fits;
//   b = 7: 2 * align64(144) + 2 * align64(448) = 384 + 896 = 1,280  does not.
// So 6 rows a band, ceil(16 / 6) = 3 bands: output rows [0,6) [6,12) [12,16), reading input rows
// [0,7) [5,13) [11,16): 7 + 8 + 5 = 20 rows of 16 bytes = 320 bytes loaded per image, of which
// rows 5-6 and 11-12 (4 rows, 64 bytes) are the halo fetched a second time (320 = 256 + 64).
// Stored: the whole output, 4 x 16 x 16 = 1,024 bytes. 320 + 1,024 = 1,344 bytes of DRAM traffic.
TEST(ActivationTiling, ASmallConvStreamsInSixRowBandsWithItsHaloCounted) {
  testing::TempDir dir;
  const auto workload =
      run::load_workload(testing::band_conv_config(dir), {"hardware.activation_sram.capacity_bytes=1024"});
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  const isa::LayerMapping& conv = program.layers[0];
  EXPECT_TRUE(conv.streamed);
  EXPECT_EQ(conv.band_size, 6);
  EXPECT_EQ(conv.bands, 3);
  EXPECT_EQ(conv.halo_refetch_bytes_per_image, 64u);
  EXPECT_EQ(conv.activation_dram_bytes_per_image, 1344u);
  EXPECT_EQ(count(program, Opcode::LoadBand), 3);
  EXPECT_EQ(count(program, Opcode::StoreBand), 3);
  EXPECT_EQ(count(program, Opcode::LoadInput), 0);  // the input is read band by band from DRAM
  // Each band's load is one strided DMA: 1 channel here, rows 5-12 for the middle band.
  for (const auto& instruction : program.image_programs[0]) {
    if (instruction.op != Opcode::LoadBand || instruction.source_address != program.dram_input_address + 5 * 16)
      continue;
    EXPECT_EQ(instruction.bytes, 8u * 16u);
    EXPECT_EQ(instruction.chunks, 1u);
  }
  // Stores write 4 channel chunks of the band's pixels into the [4][16][16] map: the last band's
  // 4 rows x 16 = 64 bytes per channel, 256 bytes apart.
  const auto& last_store = program.image_programs[0].back();
  ASSERT_EQ(last_store.op, Opcode::StoreBand);
  EXPECT_EQ(last_store.chunks, 4u);
  EXPECT_EQ(last_store.bytes, 4u * 64u);
  EXPECT_EQ(last_store.target_chunk_stride, 256u);
  EXPECT_EQ(last_store.target_address, program.dram_output_address + 12 * 16);
  EXPECT_EQ(program.output_memory_of(0), isa::Memory::Dram);
}

TEST(ActivationTiling, ResidentMapsAreUnchangedWhenTheyFit) {
  testing::TempDir dir;
  const auto workload = run::load_workload(testing::band_conv_config(dir), {});  // 16 KiB: fits
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  EXPECT_FALSE(program.layers[0].streamed);
  EXPECT_EQ(count(program, Opcode::LoadInput), 1);
  EXPECT_EQ(count(program, Opcode::LoadBand), 0);
  EXPECT_EQ(program.output_memory_of(0), isa::Memory::ActivationSram);
}

// Below 1,024 bytes the bands get shorter; double-buffered, one output row needs
// 2 * align64(3 rows * 16) + 2 * align64(4 * 16) = 128 + 128 = 256 bytes. Below that the layer runs
// single-buffered: align64(min(16, b + 2) * 16) + align64(4 * b * 16) is 64 + 64 = 128 for b = 1,
// 64 + 128 = 192 for b = 2 and 128 + 192 = 320 for b = 3, so 200 bytes take 2 rows a band
// (8 bands), and below 128 bytes not even one row fits.
TEST(ActivationTiling, FallsBackToSingleBufferingAndIsRefusedOnlyWhenOneRowDoesNotFit) {
  testing::TempDir dir;
  auto map = [&](const std::string& capacity) {
    const auto workload =
        run::load_workload(testing::band_conv_config(dir), {"hardware.activation_sram.capacity_bytes=" + capacity});
    return map_network(workload->network, workload->hardware, 1);
  };
  const TileProgram at_256 = map("256");
  EXPECT_EQ(at_256.layers[0].band_size, 1);
  EXPECT_EQ(at_256.layers[0].bands, 16);
  EXPECT_TRUE(at_256.layers[0].double_buffered_bands);
  const TileProgram at_200 = map("200");
  EXPECT_EQ(at_200.layers[0].band_size, 2);
  EXPECT_EQ(at_200.layers[0].bands, 8);
  EXPECT_FALSE(at_200.layers[0].double_buffered_bands);
  EXPECT_EQ(map("128").layers[0].band_size, 1);
  try {
    map("127");
    FAIL() << "mapped into 127 bytes";
  } catch (const MappingError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("layer conv:"), std::string::npos) << message;
    EXPECT_NE(message.find("activation SRAM (127 bytes)"), std::string::npos) << message;
    EXPECT_NE(message.find("a band of one output row of 4 channel(s)"), std::string::npos) << message;
    EXPECT_NE(message.find("activation_sram.capacity_bytes must be at least 128"), std::string::npos) << message;
  }
}

// 1 -> 32 channels on edge_small (an 8-column array) in 640 bytes. One output row of all 32
// channels, double-buffered: 2 x align64(3 x 16) + 2 x align64(32 x 16) = 128 + 1,024 > 640, so
// the output is written in groups of one array width, 8 channels (tiles cut to tile_n = 8):
//   b = 2: 2 x align64(4 x 16) + 2 x align64(8 x 2 x 16) = 128 + 512 = 640  fits;
//   b = 3: 2 x align64(5 x 16) + 2 x align64(8 x 3 x 16) = 256 + 768        does not.
// 8 bands of 2 rows, each loaded once (all 4 groups read it): rows [0,3), then [2k-1, 2k+3) for
// k = 1..6 and [13,16): 3 + 6 x 4 + 3 = 30 rows x 16 = 480 bytes, 480 - 256 = 224 of them halo
// (7 bands x 2 shared rows x 16). Stored: 32 x 256 = 8,192 bytes in 8 x 4 = 32 stores.
TEST(ActivationTiling, AWideConvWritesItsOutputBandInGroupsOfOneArrayWidth) {
  testing::TempDir dir;
  const auto workload =
      run::load_workload(testing::band_conv_config(dir, 32), {"hardware.activation_sram.capacity_bytes=640"});
  ASSERT_EQ(workload->hardware.pe_array.cols, 8);
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  const isa::LayerMapping& conv = program.layers[0];
  EXPECT_EQ(conv.band_size, 2);
  EXPECT_EQ(conv.bands, 8);
  EXPECT_EQ(conv.channel_group, 8);
  EXPECT_TRUE(conv.double_buffered_bands);
  EXPECT_EQ(conv.tile_n, 8);
  EXPECT_EQ(conv.n_tiles, 4);
  EXPECT_EQ(conv.halo_refetch_bytes_per_image, 224u);
  EXPECT_EQ(conv.activation_dram_bytes_per_image, 480u + 8192u);
  EXPECT_EQ(count(program, Opcode::LoadBand), 8);
  EXPECT_EQ(count(program, Opcode::StoreBand), 32);
}

// 16 -> 8 channels, 3x3, pad 1, on 16x16 (edge_small: 8x8 array, 4 KiB accumulator buffers =
// 1,024 int32, resident weights: tile_n = 8, tile_m = 1,024 / (8 x 16) = 8 rows = 128) in 640
// bytes. One output row of every input channel, single-buffered: align64(16 x 3 x 16) +
// align64(8 x 16) = 768 + 128 = 896 > 640, so the input is loaded in groups of ci channels:
//   double-buffered, b = 1: 2 x align64(ci x 48) + 2 x 128 <= 640  ->  ci = 4 (2 x 192 + 256 = 640;
//   ci = 5: 2 x 256 + 256 = 768); b = 2 with ci = 4: 2 x 256 + 2 x 256 = 1,024 > 640  ->  b = 1.
// 16 bands x 1 weight tile x 1 row tile x 4 groups = 64 loads, each of the output row's input
// rows: 2 rows for rows 0 and 15, 3 for the 14 others = 46 rows x 16 bytes x 16 channels =
// 11,776 bytes; 15 rows x 2 shared rows x 16 x 16 = 7,680 of them halo. Stored: 8 x 256 = 2,048
// bytes in 16 stores. One Compute per group (its K sub-range of 4 x 9 = 36), one Requantize a band.
TEST(ActivationTiling, AConvWhoseRowOfEveryInputChannelDoesNotFitLoadsGroupsOfInputChannels) {
  testing::TempDir dir;
  const auto workload =
      run::load_workload(testing::band_conv_config(dir, 8, 16), {"hardware.activation_sram.capacity_bytes=640"});
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  const isa::LayerMapping& conv = program.layers[0];
  ASSERT_TRUE(conv.resident);
  EXPECT_EQ(conv.tile_m, 128);
  EXPECT_EQ(conv.band_size, 1);
  EXPECT_EQ(conv.bands, 16);
  EXPECT_EQ(conv.input_channel_group, 4);
  EXPECT_TRUE(conv.double_buffered_bands);
  EXPECT_EQ(count(program, Opcode::LoadBand), 64);
  EXPECT_EQ(count(program, Opcode::StoreBand), 16);
  EXPECT_EQ(count(program, Opcode::Compute), 64);
  EXPECT_EQ(count(program, Opcode::Requantize), 16);
  EXPECT_EQ(conv.activation_dram_bytes_per_image, 11776u + 2048u);
  EXPECT_EQ(conv.halo_refetch_bytes_per_image, 7680u);
  int64_t accumulating = 0;
  for (const auto& instruction : program.image_programs[0])
    if (instruction.op == Opcode::Compute) {
      EXPECT_EQ(instruction.tile_k(), 36);
      EXPECT_EQ(instruction.channel_base * 9, instruction.k_begin);
      accumulating += instruction.accumulate;
    }
  EXPECT_EQ(accumulating, 16 * 3);  // every group but the first adds to the accumulator
}

// The smallest band is one output row of one input channel (and the 8 output channels):
// single-buffered align64(1 x 3 x 16) + align64(8 x 16) = 64 + 128 = 192 bytes; below it the
// layer is refused with that figure.
TEST(ActivationTiling, AnInputGroupedConvIsRefusedOnlyBelowOneRowOfOneInputChannel) {
  testing::TempDir dir;
  auto map = [&](const std::string& capacity) {
    const auto workload = run::load_workload(testing::band_conv_config(dir, 8, 16),
                                             {"hardware.activation_sram.capacity_bytes=" + capacity});
    return map_network(workload->network, workload->hardware, 1);
  };
  const TileProgram at_192 = map("192");
  EXPECT_EQ(at_192.layers[0].input_channel_group, 1);
  EXPECT_FALSE(at_192.layers[0].double_buffered_bands);
  try {
    map("191");
    FAIL() << "mapped into 191 bytes";
  } catch (const MappingError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("one output row of 8 channel(s) from one input channel"), std::string::npos) << message;
    EXPECT_NE(message.find("activation_sram.capacity_bytes must be at least 192"), std::string::npos) << message;
  }
}

// A linear layer 5 x 8 x 8 = 320 -> 24 (edge_small: 8x8 array; the 7,680 weight bytes resident)
// in 256 bytes. Resident it needs 2 input buffers of 320 bytes: it streams. The whole vectors
// need 2 x align64(320) + 2 x align64(24) = 768 bytes double-buffered, 384 single; the whole
// input with output groups of one array width (8): 2 x 320 + 2 x 64 = 768, single 384. So the
// input is loaded in K chunks: 2 x align64(k) + 2 x align64(8) <= 256 -> k = 64 (k = 65: 384),
// ceil(320 / 64) = 5 chunks for each of ceil(24 / 8) = 3 output groups: 15 loads of 64 bytes
// = 960 bytes, 15 Computes (all but each group's first accumulating: 3 x 4 = 12), 3 Requantizes
// and 3 stores of 8 bytes = 24 bytes. 960 + 24 = 984 bytes of DRAM traffic per image.
TEST(ActivationTiling, ALinearLayerWhoseInputDoesNotFitLoadsItInKChunksPerOutputGroup) {
  testing::TempDir dir;
  const auto workload =
      run::load_workload(testing::band_linear_config(dir, 5, 8, 24), {"hardware.activation_sram.capacity_bytes=256"});
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  const isa::LayerMapping& fc = program.layers[0];
  ASSERT_TRUE(fc.resident);
  EXPECT_TRUE(fc.streamed);
  EXPECT_TRUE(fc.double_buffered_bands);
  EXPECT_EQ(fc.input_channel_group, 64);
  EXPECT_EQ(fc.channel_group, 8);
  EXPECT_EQ(fc.tile_n, 8);
  EXPECT_EQ(fc.n_tiles, 3);
  EXPECT_EQ(count(program, Opcode::LoadBand), 15);
  EXPECT_EQ(count(program, Opcode::Compute), 15);
  EXPECT_EQ(count(program, Opcode::Requantize), 3);
  EXPECT_EQ(count(program, Opcode::StoreBand), 3);
  EXPECT_EQ(fc.activation_dram_bytes_per_image, 984u);
  int64_t accumulating = 0;
  for (const auto& instruction : program.image_programs[0]) {
    if (instruction.op == Opcode::LoadBand) {
      EXPECT_EQ(instruction.bytes, 64u);
    }
    if (instruction.op == Opcode::StoreBand) {
      EXPECT_EQ(instruction.bytes, 8u);
    }
    if (instruction.op != Opcode::Compute) continue;
    EXPECT_EQ(instruction.tile_k(), 64);
    EXPECT_EQ(instruction.channel_base, instruction.k_begin);  // the chunk holds K from k_begin on
    accumulating += instruction.accumulate;
  }
  EXPECT_EQ(accumulating, 12);
}

// The smallest tile is one input element x one output group of 8, single-buffered:
// align64(1) + align64(8) = 64 + 64 = 128 bytes (which then hold chunks of 64 elements); below
// it the layer is refused with that figure.
TEST(ActivationTiling, ALinearLayerIsRefusedOnlyBelowOneKChunkOfOneOutputGroup) {
  testing::TempDir dir;
  auto map = [&](const std::string& capacity) {
    const auto workload = run::load_workload(testing::band_linear_config(dir, 5, 8, 24),
                                             {"hardware.activation_sram.capacity_bytes=" + capacity});
    return map_network(workload->network, workload->hardware, 1);
  };
  const TileProgram at_128 = map("128");
  EXPECT_EQ(at_128.layers[0].input_channel_group, 64);
  EXPECT_FALSE(at_128.layers[0].double_buffered_bands);
  try {
    map("127");
    FAIL() << "mapped into 127 bytes";
  } catch (const MappingError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("layer fc"), std::string::npos) << message;
    EXPECT_NE(message.find("one input element and 8 output(s)"), std::string::npos) << message;
    EXPECT_NE(message.find("activation_sram.capacity_bytes must be at least 128"), std::string::npos) << message;
  }
}

// A linear layer 1 x 10 x 10 = 100 -> 600 in 700 bytes: resident needs 2 x align64(100) +
// align64(600) = 256 + 640 = 896; the whole vectors 256 + 1,280 double-buffered, 128 + 640 = 768
// single. The 60,000 weight bytes stream (32 KiB weight SRAM: 8 KiB buffers, tile_n =
// 8,192 / 100 = 81 cut to 80), so the output group is one array width, 8:
// 2 x align64(100) + 2 x align64(8) = 384 <= 700: the whole input is loaded once (100 bytes) and
// the output written in 600 / 8 = 75 groups (75 Computes, each after its 8 x 100-byte block:
// 60,000 weight bytes) of 8 bytes: 600 bytes stored. 100 + 600 = 700 bytes of DRAM traffic.
TEST(ActivationTiling, ALinearLayerWhoseOutputDoesNotFitWritesItInGroups) {
  testing::TempDir dir;
  const auto workload =
      run::load_workload(testing::band_linear_config(dir, 1, 10, 600), {"hardware.activation_sram.capacity_bytes=700"});
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  const isa::LayerMapping& fc = program.layers[0];
  ASSERT_FALSE(fc.resident);
  EXPECT_TRUE(fc.streamed);
  EXPECT_EQ(fc.input_channel_group, 0);
  EXPECT_EQ(fc.channel_group, 8);
  EXPECT_EQ(fc.n_tiles, 75);
  EXPECT_EQ(count(program, Opcode::LoadBand), 1);
  EXPECT_EQ(count(program, Opcode::Compute), 75);
  EXPECT_EQ(count(program, Opcode::LoadWeights), 75);
  EXPECT_EQ(count(program, Opcode::StoreBand), 75);
  EXPECT_EQ(fc.activation_dram_bytes_per_image, 700u);
  EXPECT_EQ(fc.weight_dram_bytes_per_image, 60000u);
}

// Loop order when the weights stream too (edge_small otherwise; 3x3, pad 1, 16x16 maps; the
// test conv has no bias). Weights stream when they exceed the weight SRAM, through buffers of a
// quarter of it (half of it, two buffers) or half (single-buffered).
// Weights outer wins: 1 -> 64 channels in 640 bytes (as the wide conv above: 8 bands of 2 rows
// in groups of 8 channels, I = 480 input bytes a pass) with a 512-byte weight SRAM: W = 64 x 9 =
// 576 bytes stream through 128-byte buffers, tile_n = min(64, 128 / 9 = 14) cut to 8: 8 tiles.
//   bands outer:   I + bands x W = 480 + 8 x 576 = 5,088 bytes
//   weights outer: n_tiles x I + W = 8 x 480 + 576 = 4,416 bytes  <- chosen
// So 8 x 8 = 64 loads (3,840 bytes, 8 x 224 = 1,792 of them halo), 8 weight loads (576 bytes),
// 64 x 256 = 16,384 bytes stored.
TEST(ActivationTiling, StreamedWeightsAreFetchedOnceWhenThatMovesFewerBytes) {
  testing::TempDir dir;
  const auto workload =
      run::load_workload(testing::band_conv_config(dir, 64),
                         {"hardware.activation_sram.capacity_bytes=640", "hardware.weight_sram.capacity_bytes=512"});
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  const isa::LayerMapping& conv = program.layers[0];
  ASSERT_FALSE(conv.resident);
  ASSERT_EQ(conv.k_tiles, 1);
  EXPECT_EQ(conv.n_tiles, 8);
  EXPECT_EQ(conv.bands, 8);
  EXPECT_TRUE(conv.weights_outer);
  EXPECT_EQ(conv.weight_dram_bytes_per_image, 576u);
  EXPECT_EQ(count(program, Opcode::LoadBand), 64);
  EXPECT_EQ(count(program, Opcode::LoadWeights), 8);
  EXPECT_EQ(conv.activation_dram_bytes_per_image, 3840u + 16384u);
  EXPECT_EQ(conv.halo_refetch_bytes_per_image, 1792u);
}

// Bands outer wins: 8 -> 32 channels (K = 72, W = 2,304 bytes) with a 2 KiB single-buffered
// weight SRAM (one 1,024-byte buffer; tile_n = min(32, 1,024 / 72 = 14) cut to 8: 4 weight tiles)
// in 8,191 bytes (resident needs 2 x 2,048 + 8,192). All 32 channels, double-buffered:
// 2 x 8 x (b + 2) x 16 + 2 x 32 x b x 16 = 1,280 b + 512 <= 8,191 -> b = 5: bands [0,5) [5,10)
// [10,15) [15,16) read 6 + 7 + 7 + 2 = 22 rows, I = 22 x 16 x 8 = 2,816:
//   bands outer:   2,816 + 4 x 2,304 = 12,032 bytes  <- chosen
//   weights outer: 4 x 2,816 + 2,304 = 13,568 bytes
TEST(ActivationTiling, StreamedWeightsAreFetchedPerBandWhenThatMovesFewerBytes) {
  testing::TempDir dir;
  const auto workload =
      run::load_workload(testing::band_conv_config(dir, 32, 8),
                         {"hardware.activation_sram.capacity_bytes=8191", "hardware.weight_sram.capacity_bytes=2048",
                          "hardware.weight_sram.double_buffered=false"});
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  const isa::LayerMapping& conv = program.layers[0];
  ASSERT_FALSE(conv.resident);
  ASSERT_EQ(conv.k_tiles, 1);
  EXPECT_EQ(conv.n_tiles, 4);
  EXPECT_EQ(conv.band_size, 5);
  EXPECT_EQ(conv.bands, 4);
  EXPECT_FALSE(conv.weights_outer);
  EXPECT_EQ(conv.weight_dram_bytes_per_image, 4u * 2304u);
  EXPECT_EQ(count(program, Opcode::LoadBand), 4);
  EXPECT_EQ(conv.activation_dram_bytes_per_image, 2816u + 8192u);
}

// A depthwise conv (16 -> 16 channels, groups 16, 3x3, pad 1, on 16x16) in 640 bytes: a band of
// one output row of every input channel needs align64(16 x 3 x 16) = 768 bytes of input alone,
// so before grouped inputs the layer was refused. Each output group (one weight tile: 1 channel,
// tile_n = N / groups = 1) now loads only its own input channel; double-buffered, a band of b rows
//   2 * align64(min(16, b + 2) * 16) + 2 * align64(b * 16):
//   b = 8: 2 * align64(160) + 2 * align64(128) = 384 + 256 = 640  fits;
//   b = 9: 2 * align64(176) + 2 * align64(144) = 384 + 384 = 768  does not.
// Input band buffer 10 rows x 16 = 160 bytes, output 8 x 16 = 128. 2 bands [0,8) [8,16) read input
// rows [0,9) [7,16): 18 rows x 16 = 288 bytes per channel, 16 x 288 = 4,608 bytes loaded per
// image in 2 x 16 = 32 loads, rows 7-8 (2 x 16 x 16 = 512 bytes) the halo; 16 x 256 = 4,096 stored.
TEST(ActivationTiling, ADepthwiseConvLoadsOnlyEachOutputGroupsOwnInputChannel) {
  testing::TempDir dir;
  const auto workload =
      run::load_workload(testing::band_conv_config(dir, 16, 16, 16), {"hardware.activation_sram.capacity_bytes=640"});
  const model::Layer& layer = workload->network.layers[0];
  const BandPlan plan = plan_bands(layer, 640, 2, 1);
  EXPECT_TRUE(plan.own_group_inputs);
  EXPECT_EQ(plan.slots, 2u);
  EXPECT_EQ(plan.band_size, 8);
  EXPECT_EQ(plan.channel_group, 1);
  EXPECT_EQ(plan.input_buffer_bytes, 160u);
  EXPECT_EQ(plan.output_buffer_bytes, 128u);
  const TileProgram program = map_network(workload->network, workload->hardware, 1);
  const isa::LayerMapping& conv = program.layers[0];
  EXPECT_TRUE(conv.streamed);
  EXPECT_EQ(conv.bands, 2);
  EXPECT_EQ(conv.tile_n, 1);
  EXPECT_EQ(count(program, Opcode::LoadBand), 32);
  EXPECT_EQ(count(program, Opcode::StoreBand), 32);
  EXPECT_EQ(conv.activation_dram_bytes_per_image, 4608u + 4096u);
  EXPECT_EQ(conv.halo_refetch_bytes_per_image, 512u);
  // Output channel n reads input channel n: each Compute names its band's first channel.
  int64_t computes = 0;
  for (const auto& instruction : program.image_programs[0]) {
    if (instruction.op != Opcode::Compute) continue;
    EXPECT_EQ(instruction.channel_base, instruction.n_begin);
    ++computes;
  }
  EXPECT_GE(computes, 32);
}

// Channel multiplier 2 (16 -> 32 channels, groups 16): output channels [n0, n1) read input
// channels [n0 / 2, (n1 - 1) / 2 + 1); a group of channels spanning two groups reads both.
TEST(ActivationTiling, OutputChannelsOfAGroupedConvReadTheirGroupsInputChannels) {
  testing::TempDir dir;
  const auto workload = run::load_workload(testing::band_conv_config(dir, 32, 16, 16), {});
  const model::Layer& layer = workload->network.layers[0];
  EXPECT_EQ(input_channels_of_outputs(layer, 4, 6).begin, 2);
  EXPECT_EQ(input_channels_of_outputs(layer, 4, 6).end, 3);
  EXPECT_EQ(input_channels_of_outputs(layer, 3, 5).begin, 1);
  EXPECT_EQ(input_channels_of_outputs(layer, 3, 5).end, 3);
  EXPECT_EQ(input_channels_of_outputs(layer, 31, 32).begin, 15);
}

// The depthwise conv's smallest band is one output row of one channel from its one input
// channel, single-buffered: align64(1 x 3 x 16) + align64(1 x 16) = 64 + 64 = 128 bytes (where
// rows b = 2 still fit: align64(4 x 16) + align64(2 x 16) = 128); below it the layer is refused.
TEST(ActivationTiling, ADepthwiseConvIsRefusedOnlyBelowOneRowOfOneChannel) {
  testing::TempDir dir;
  auto map = [&](const std::string& capacity) {
    const auto workload = run::load_workload(testing::band_conv_config(dir, 16, 16, 16),
                                             {"hardware.activation_sram.capacity_bytes=" + capacity});
    return map_network(workload->network, workload->hardware, 1);
  };
  const TileProgram at_128 = map("128");
  EXPECT_FALSE(at_128.layers[0].double_buffered_bands);
  EXPECT_EQ(at_128.layers[0].band_size, 2);
  try {
    map("127");
    FAIL() << "mapped into 127 bytes";
  } catch (const MappingError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("one output row of 1 channel(s) from its group's 1 input channel(s)"), std::string::npos)
        << message;
    EXPECT_NE(message.find("activation_sram.capacity_bytes must be at least 128"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace accelsim::mapper
