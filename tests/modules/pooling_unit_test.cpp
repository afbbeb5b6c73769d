// The pooling unit on hand-made int8 feature maps: the pooled values it writes into the
// activation SRAM, and its cycles, `pipeline_depth + ceil(outputs / lanes) * window` or the
// activation SRAM's time if longer (docs/architecture.md, Timing). The bench's activation SRAM
// moves 64 bytes/cycle with 1 cycle latency (tests/support/accelerator_bench.h).
#include <gtest/gtest.h>

#include <vector>

#include "tests/support/accelerator_bench.h"

namespace accelsim::testing {
namespace {

using isa::Memory;

constexpr uint64_t kInputAddress = 0, kOutputAddress = 256;

// One max-pool layer over an int8 [channels, 4, 4] map.
model::Network pool_network(int64_t channels, int64_t kernel, int64_t stride) {
  model::Network network;
  network.name = "pool";
  network.activation_dtype = model::DType::Int8;
  network.input.shape = model::Shape{channels, 4, 4, false};
  model::Layer layer;
  layer.name = "pool";
  layer.type = model::LayerType::MaxPool;
  layer.input = network.input.shape;
  const int64_t side = (4 - kernel) / stride + 1;
  layer.output = model::Shape{channels, side, side, false};
  layer.kernel_h = layer.kernel_w = kernel;
  layer.stride_h = layer.stride_w = stride;
  network.layers.push_back(layer);
  return network;
}

// One Pool instruction over every channel, input at 0, output at 256 of the activation SRAM.
isa::TileProgram pool_program(const model::Network& network) {
  const model::Layer& layer = network.layers[0];
  ProgramWriter writer;
  const auto in =
      writer.buffer("in", Memory::ActivationSram, kInputAddress, static_cast<uint64_t>(layer.input.elements()));
  const auto out =
      writer.buffer("out", Memory::ActivationSram, kOutputAddress, static_cast<uint64_t>(layer.output.elements()));
  isa::Instruction pool;
  pool.op = isa::Opcode::Pool;
  pool.n_begin = 0;
  pool.n_end = layer.input.channels;
  pool.input_address = kInputAddress;
  pool.output_address = kOutputAddress;
  pool.reads[0] = in;
  pool.writes[0] = out;
  writer.add(pool);
  return writer.finish(64);
}

// Two 4x4 channels, [channel][row][column]. Channel 1 is negative everywhere, and channel 0's
// top right window holds 7 beside -128, -9, -8: compared as unsigned bytes those would win.
const std::vector<int8_t> kMaps = {
    -5,   -3,   7,   -128,  //
    -1,   -2,   -9,  -8,    //
    -100, -50,  0,   -1,    //
    -60,  -70,  -2,  -3,    //

    -128, -127, -20, -30,  //
    -126, -125, -40, -10,  //
    -7,   -8,   -90, -91,  //
    -9,   -6,   -92, -93,  //
};

void write_maps(AcceleratorBench& bench, std::size_t channels) {
  bench.accelerator().activation_sram().backdoor_write(kInputAddress, reinterpret_cast<const uint8_t*>(kMaps.data()),
                                                       channels * 16);
}

std::vector<int8_t> read_output(AcceleratorBench& bench, std::size_t bytes) {
  std::vector<int8_t> out(bytes);
  bench.accelerator().activation_sram().backdoor_read(kOutputAddress, reinterpret_cast<uint8_t*>(out.data()), bytes);
  return out;
}

TEST(PoolingUnit, TwoByTwoStrideTwoMaxPoolOfNegativeValues) {
  // Channel 0's 2x2 windows: {-5, -3, -1, -2} -> -1; {7, -128, -9, -8} -> 7;
  // {-100, -50, -60, -70} -> -50; {0, -1, -2, -3} -> 0.
  // Channel 1's: {-128, -127, -126, -125} -> -125; {-20, -30, -40, -10} -> -10;
  // {-7, -8, -9, -6} -> -6; {-90, -91, -92, -93} -> -90.
  // Cycles with 3 lanes and a 5-stage pipeline: 8 outputs, ceil(8 / 3) = 3 lane passes of a
  // 4-element window: 5 + 3 * 4 = 17. The memory is faster: the 32-byte read holds the port
  // in [0, 1), delivered at 2; the 8-byte write queues behind it, [1, 2), delivered at 3.
  auto hw = bench_hardware();
  hw.pooling_unit.lanes = 3;
  hw.pooling_unit.pipeline_depth = 5;
  const auto network = pool_network(2, 2, 2);
  AcceleratorBench bench(hw, network, pool_program(network));
  write_maps(bench, 2);

  EXPECT_EQ(bench.run(), 17u);
  ASSERT_EQ(bench.executed().size(), 1u);
  EXPECT_EQ(bench.executed()[0].unit, "pooling_unit");
  EXPECT_EQ(bench.executed()[0].start, 0u);
  EXPECT_EQ(bench.executed()[0].end, 17u);
  EXPECT_EQ(read_output(bench, 8), (std::vector<int8_t>{-1, 7, -50, 0, -125, -10, -6, -90}));
}

TEST(PoolingUnit, OverlappingThreeByThreeWindowsCostNineComparesPerLanePass) {
  // Channel 1 alone, 3x3 windows at stride 1: a 2x2 output.
  //   (0, 0): rows 0-2, columns 0-2: {-128, -127, -20, -126, -125, -40, -7, -8, -90} -> -7
  //   (0, 1): rows 0-2, columns 1-3: {-127, -20, -30, -125, -40, -10, -8, -90, -91} -> -8
  //   (1, 0): rows 1-3, columns 0-2: {-126, -125, -40, -7, -8, -90, -9, -6, -92} -> -6
  //   (1, 1): rows 1-3, columns 1-3: {-125, -40, -10, -8, -90, -91, -6, -92, -93} -> -6
  // Cycles with 1 lane and no pipeline: 0 + 4 outputs * 9 = 36 (memory: 16 bytes read in
  // [0, 1), 4 written in [1, 2), delivered at 3).
  auto hw = bench_hardware();
  hw.pooling_unit.lanes = 1;
  hw.pooling_unit.pipeline_depth = 0;
  const auto network = pool_network(1, 3, 1);
  AcceleratorBench bench(hw, network, pool_program(network));
  bench.accelerator().activation_sram().backdoor_write(kInputAddress,
                                                       reinterpret_cast<const uint8_t*>(kMaps.data()) + 16, 16);

  EXPECT_EQ(bench.run(), 36u);
  EXPECT_EQ(read_output(bench, 4), (std::vector<int8_t>{-7, -8, -6, -6}));
}

TEST(PoolingUnit, ASlowActivationSramSetsTheTime) {
  // The first test's layer with an activation SRAM of 1 byte/cycle, latency 1: the 32-byte
  // read holds the port in [0, 32), the 8-byte write queues behind it in [32, 40) and is
  // delivered at 41, later than the compare pipeline's 17. The results are the same.
  auto hw = bench_hardware();
  hw.pooling_unit.lanes = 3;
  hw.pooling_unit.pipeline_depth = 5;
  hw.activation_sram.banks = 1;
  hw.activation_sram.port_bytes = 1;
  const auto network = pool_network(2, 2, 2);
  AcceleratorBench bench(hw, network, pool_program(network));
  write_maps(bench, 2);

  EXPECT_EQ(bench.run(), 41u);
  EXPECT_EQ(read_output(bench, 8), (std::vector<int8_t>{-1, 7, -50, 0, -125, -10, -6, -90}));
}

TEST(PoolingUnit, TwoByTwoAverageOfNegativeValuesRoundsHalfToEven) {
  // The windows of TwoByTwoStrideTwoMaxPoolOfNegativeValues, averaged (zero point 0):
  // channel 0: -11 / 4 = -2.75 -> -3; -138 / 4 = -34.5 -> -34 (even); -280 / 4 = -70;
  //            -6 / 4 = -1.5 -> -2 (even);
  // channel 1: -506 / 4 = -126.5 -> -126; -100 / 4 = -25; -30 / 4 = -7.5 -> -8; -366 / 4 = -91.5 -> -92.
  // Cycles as the max pool's: one window element per lane per cycle, 5 + 3 * 4 = 17.
  auto hw = bench_hardware();
  hw.pooling_unit.lanes = 3;
  hw.pooling_unit.pipeline_depth = 5;
  auto network = pool_network(2, 2, 2);
  network.layers[0].type = model::LayerType::AvgPool;
  network.layers[0].pool_rounding = model::Rounding::HalfEven;
  AcceleratorBench bench(hw, network, pool_program(network));
  write_maps(bench, 2);

  EXPECT_EQ(bench.run(), 17u);
  EXPECT_EQ(read_output(bench, 8), (std::vector<int8_t>{-3, -34, -70, -2, -126, -25, -8, -92}));
}

TEST(PoolingUnit, GlobalAverageAddsTheWholePlane) {
  // Channel 1's 16 values sum to -1002: -1002 / 16 = -62.625 -> -63. With 1 lane and no
  // pipeline: 1 output * 16 window elements = 16 cycles (memory done at 3).
  auto hw = bench_hardware();
  hw.pooling_unit.lanes = 1;
  hw.pooling_unit.pipeline_depth = 0;
  auto network = pool_network(1, 4, 4);
  network.layers[0].type = model::LayerType::GlobalAvgPool;
  AcceleratorBench bench(hw, network, pool_program(network));
  bench.accelerator().activation_sram().backdoor_write(kInputAddress,
                                                       reinterpret_cast<const uint8_t*>(kMaps.data()) + 16, 16);

  EXPECT_EQ(bench.run(), 16u);
  EXPECT_EQ(read_output(bench, 1), std::vector<int8_t>{-63});
}

}  // namespace
}  // namespace accelsim::testing
