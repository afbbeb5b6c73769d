// The units' side of the new layer types: the requantization unit's add datapath and the
// pooling unit's mean and padded max, against hand-derived values and bit for bit against the
// golden model; an add's timing through the activation SRAM port; and a depthwise layer's
// cycles and utilization on an 8x8 array, derived by hand (docs/timing.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

#include "golden/reference_model.h"
#include "golden/requantize.h"
#include "mapper/mapper.h"
#include "modules/pooling_unit/pooling_datapath.h"
#include "modules/requant_unit/requant_datapath.h"
#include "tests/support/accelerator_bench.h"

namespace accelsim::testing {
namespace {

using model::LayerType;
using model::RequantMode;
using model::Rounding;

model::Layer add_layer(RequantMode mode, model::Precision precision, Rounding rounding) {
  model::Layer layer;
  layer.type = LayerType::Add;
  layer.requant.mode = mode;
  layer.requant.precision = precision;
  layer.requant.rounding = rounding;
  layer.requant.clamp_min = -128;
  layer.requant.clamp_max = 127;
  return layer;
}

TEST(AddDatapath, HandDerivedValues) {
  // As GoldenAdd.Float32SumRoundedOnceThenZeroPointAndClamp: Ma = 0.5, Mb = 0.25, za = 1,
  // zb = -2, zo = 3, half_even: (6, 2) -> 3.5 -> 4 -> 7; (-4, -2) -> -2.5 -> -2 -> 1.
  model::Layer layer = add_layer(RequantMode::Multiply, model::Precision::Float32, Rounding::HalfEven);
  layer.add.multipliers = {0.5, 0.25};
  layer.add.input_zero_points = {1, -2};
  layer.requant.output_zero_point = 3;
  const modules::AddDatapath datapath(layer.add, layer.requant);
  EXPECT_EQ(datapath(6, 2), 7);
  EXPECT_EQ(datapath(-4, -2), 1);
  // Fixed point ma = 3, mb = 5, shift 3, za = 1, zb = 0, half_away: (-3, 0) -> -12 / 8 = -1.5 -> -2.
  model::Layer fixed = add_layer(RequantMode::FixedPoint, model::Precision::Float64, Rounding::HalfAway);
  fixed.add.fixed_multipliers = {3, 5};
  fixed.add.input_zero_points = {1, 0};
  fixed.requant.shift = 3;
  EXPECT_EQ(modules::AddDatapath(fixed.add, fixed.requant)(-3, 0), -2);
}

TEST(AddDatapath, BitExactWithTheGoldenModelOnEveryOperandPair) {
  // Every (a, b) in int8 x int8, for specs covering both modes, every rounding, zero points,
  // ReLU and a narrow clamp.
  std::vector<model::Layer> specs;
  for (Rounding rounding : {Rounding::HalfEven, Rounding::HalfAway, Rounding::HalfUp, Rounding::Floor, Rounding::Ceil,
                            Rounding::Truncate}) {
    model::Layer f32 = add_layer(RequantMode::Multiply, model::Precision::Float32, rounding);
    f32.add.multipliers = {static_cast<float>(0.37), static_cast<float>(1.25)};
    f32.add.input_zero_points = {-3, 12};
    f32.requant.output_zero_point = -7;
    specs.push_back(f32);
    model::Layer f64 = add_layer(RequantMode::Multiply, model::Precision::Float64, rounding);
    f64.add.multipliers = {0.5, 0.125};
    f64.add.input_zero_points = {0, 5};
    f64.requant.relu = true;
    specs.push_back(f64);
    model::Layer fixed = add_layer(RequantMode::FixedPoint, model::Precision::Float64, rounding);
    fixed.add.fixed_multipliers = {1398101, 699051};  // ~ 2/3 and 1/3 of 2^21
    fixed.add.input_zero_points = {4, -9};
    fixed.requant.shift = 21;
    fixed.requant.clamp_min = -60;
    fixed.requant.clamp_max = 90;
    specs.push_back(fixed);
  }
  for (const model::Layer& layer : specs) {
    const modules::AddDatapath datapath(layer.add, layer.requant);
    int64_t mismatches = 0;
    for (int a = -128; a <= 127; ++a)
      for (int b = -128; b <= 127; ++b) mismatches += datapath(a, b) != golden::requantize_sum(a, b, layer);
    EXPECT_EQ(mismatches, 0) << model::name_of(layer.requant.mode) << " " << model::name_of(layer.requant.rounding);
  }
}

// ONNX Runtime's QLinearAdd order (arithmetic: onnxruntime_fma), by hand, with the values of
// HandDerivedValues: offset = 3 - fma(0.5, 1, 0.25 * -2) = 3. (6, 2): fma(6, 0.5, fma(2, 0.25,
// 3)) = 3 + 3.5 = 6.5, a tie with the zero point inside, to even 6 (the products order gives 7);
// (-4, -2): -2 + (-0.5 + 3) = 0.5 -> 0 (products: 1); (100, 100): 50 + 28 = 78 -> 78.
TEST(AddDatapath, OnnxRuntimeFmaOrderByHand) {
  model::Layer layer = add_layer(RequantMode::Multiply, model::Precision::Float32, Rounding::HalfEven);
  layer.add.arithmetic = model::AddArithmetic::OnnxRuntimeFma;
  layer.add.multipliers = {0.5, 0.25};
  layer.add.input_zero_points = {1, -2};
  layer.requant.output_zero_point = 3;
  const modules::AddDatapath datapath(layer.add, layer.requant);
  EXPECT_EQ(datapath(6, 2), 6);
  EXPECT_EQ(golden::requantize_sum(6, 2, layer), 6);
  EXPECT_EQ(datapath(-4, -2), 0);
  EXPECT_EQ(golden::requantize_sum(-4, -2, layer), 0);
  EXPECT_EQ(datapath(100, 100), 78);
  layer.requant.relu = true;  // ReLU: nothing below the zero point 3
  EXPECT_EQ(modules::AddDatapath(layer.add, layer.requant)(-4, -2), 3);
  EXPECT_EQ(golden::requantize_sum(-4, -2, layer), 3);
}

// The datapath's float64 multiply-add against the golden model's std::fma on every uint8
// operand pair, for multipliers across the range ORT accepts ([2^-14, 2^8)).
TEST(AddDatapath, OnnxRuntimeFmaBitExactWithTheGoldenModel) {
  const std::vector<std::array<double, 2>> multipliers = {
      {0.5, 0.25}, {0.0371f / 0.0517f, 0.0213f / 0.0517f}, {1.0f / 3.0f, 3.7f}, {200.5f, 0.001f}, {7e-5f, 9e-5f}};
  for (const auto& m : multipliers) {
    model::Layer layer = add_layer(RequantMode::Multiply, model::Precision::Float32, Rounding::HalfEven);
    layer.add.arithmetic = model::AddArithmetic::OnnxRuntimeFma;
    layer.add.multipliers = m;
    layer.add.input_zero_points = {131, 97};
    layer.requant.output_zero_point = 125;
    layer.requant.clamp_min = 0;
    layer.requant.clamp_max = 255;
    const modules::AddDatapath datapath(layer.add, layer.requant);
    int64_t mismatches = 0;
    for (int a = 0; a <= 255; ++a)
      for (int b = 0; b <= 255; ++b) mismatches += datapath(a, b) != golden::requantize_sum(a, b, layer);
    EXPECT_EQ(mismatches, 0) << m[0] << " " << m[1];
  }
}

modules::LayerGeometry pool_geometry(LayerType type, int64_t kernel, int64_t stride, int64_t pad, int64_t side) {
  modules::LayerGeometry g;
  g.type = type;
  g.kernel_h = g.kernel_w = kernel;
  g.stride_h = g.stride_w = stride;
  g.pad_h = g.pad_w = pad;
  g.input = model::Shape{1, side, side, false};
  g.activation_dtype = model::DType::Int8;
  return g;
}

std::vector<uint8_t> bytes_of(std::initializer_list<int> values) {
  std::vector<uint8_t> bytes;
  for (int v : values) bytes.push_back(static_cast<uint8_t>(static_cast<int8_t>(v)));
  return bytes;
}

TEST(PoolingDatapath, MeanAndPaddedMaxByHand) {
  // As the golden tests: the window 1, 2, 3, 4 -> 2.5: half_even 2; -1..-4 -> -2.5: half_away -3.
  modules::LayerGeometry avg = pool_geometry(LayerType::AvgPool, 2, 2, 0, 2);
  EXPECT_EQ(modules::PoolingDatapath(avg)(bytes_of({1, 2, 3, 4}).data(), 0, 0), 2);
  avg.pool_rounding = Rounding::HalfAway;
  EXPECT_EQ(modules::PoolingDatapath(avg)(bytes_of({-1, -2, -3, -4}).data(), 0, 0), -3);
  // Padding 1, zero point 3, stored [7, 11; 15, 19]: the window at output (0, 0) holds the
  // stored 7 (real 4) and three padded real zeros: 4 / 4 = 1 -> 4; without the pad count 4 -> 7.
  modules::LayerGeometry padded = pool_geometry(LayerType::AvgPool, 2, 2, 1, 2);
  padded.input_zero_point = 3;
  const auto map = bytes_of({7, 11, 15, 19});
  EXPECT_EQ(modules::PoolingDatapath(padded)(map.data(), 0, 0), 4);
  EXPECT_EQ(modules::PoolingDatapath(padded)(map.data(), 1, 1), 7);  // 16 / 4 = 4 -> 7
  padded.count_include_pad = false;
  EXPECT_EQ(modules::PoolingDatapath(padded)(map.data(), 1, 1), 19);
  // Max with padding on [-5, -6; -7, -128], window 2 stride 1 pad 1: output (0, 0) sees only
  // -5 (a zero pad would have won), (2, 2) only -128, (1, 1) all four: -5.
  const modules::LayerGeometry max = pool_geometry(LayerType::MaxPool, 2, 1, 1, 2);
  const auto negative = bytes_of({-5, -6, -7, -128});
  EXPECT_EQ(modules::PoolingDatapath(max)(negative.data(), 0, 0), -5);
  EXPECT_EQ(modules::PoolingDatapath(max)(negative.data(), 2, 2), -128);
  EXPECT_EQ(modules::PoolingDatapath(max)(negative.data(), 1, 1), -5);
}

TEST(PoolingDatapath, MaxRunComparesTheStoredBytesAsTheirDtype) {
  // The same padded max (window 2, stride 1, pad 1 over the 2x2 [-5, -6; -7, -128]): the 3x3
  // outputs by hand, row by row: each window is the map's part it covers, e.g. (0, 2) sees
  // only -6, (1, 2) -6 and -128, (2, 1) -7 and -128. As uint8 the same bytes are
  // [251, 250; 249, 128]: 128 is now the smallest, so (2, 2) is 128 and (1, 2) 250.
  modules::LayerGeometry max = pool_geometry(LayerType::MaxPool, 2, 1, 1, 2);
  max.output = model::Shape{1, 3, 3, false};
  const auto negative = bytes_of({-5, -6, -7, -128});
  std::vector<uint8_t> out(9);
  modules::PoolingDatapath(max).run(negative.data(), 0, 9, out.data());
  EXPECT_EQ(out, bytes_of({-5, -5, -6, -5, -5, -6, -7, -7, -128}));
  std::vector<uint8_t> tail(4);  // outputs [5, 9) only
  modules::PoolingDatapath(max).run(negative.data(), 5, 9, tail.data());
  EXPECT_EQ(tail, bytes_of({-6, -7, -7, -128}));
  max.activation_dtype = model::DType::UInt8;
  modules::PoolingDatapath(max).run(negative.data(), 0, 9, out.data());
  EXPECT_EQ(out, (std::vector<uint8_t>{251, 251, 250, 251, 251, 250, 249, 249, 128}));
}

// run()'s row-wise max (column maxima first, windows inside the map) against operator(), one
// window at a time, on random planes of both dtypes: kernels 1 to 4, strides 1 to 3, padding 0
// to 2, and output ranges that start and end inside a row (a streamed band's [m_begin, m_end)).
TEST(PoolingDatapath, MaxRunEqualsTheWindowDefinition) {
  std::mt19937 generator(9);
  std::uniform_int_distribution<int> byte(0, 255);
  int64_t checked = 0;
  for (const model::DType dtype : {model::DType::Int8, model::DType::UInt8})
    for (int64_t kernel = 1; kernel <= 4; ++kernel)
      for (int64_t stride = 1; stride <= 3; ++stride)
        for (int64_t pad = 0; pad < std::min<int64_t>(kernel, 3); ++pad)
          for (int64_t side : {int64_t{7}, int64_t{28}}) {
            modules::LayerGeometry g = pool_geometry(LayerType::MaxPool, kernel, stride, pad, side);
            g.activation_dtype = dtype;
            const int64_t out_side = (side + 2 * pad - kernel) / stride + 1;
            g.output = model::Shape{1, out_side, out_side, false};
            std::vector<uint8_t> plane(static_cast<std::size_t>(side * side));
            for (auto& b : plane) b = static_cast<uint8_t>(byte(generator));
            const modules::PoolingDatapath datapath(g);
            const int64_t outputs = out_side * out_side;
            for (const auto& [m_begin, m_end] : {std::pair<int64_t, int64_t>{0, outputs},
                                                 {1, outputs - 2},
                                                 {out_side + 1, std::min(outputs, 3 * out_side - 1)}}) {
              std::vector<uint8_t> out(static_cast<std::size_t>(m_end - m_begin));
              datapath.run(plane.data(), m_begin, m_end, out.data());
              for (int64_t m = m_begin; m < m_end; ++m, ++checked)
                ASSERT_EQ(out[static_cast<std::size_t>(m - m_begin)],
                          static_cast<uint8_t>(datapath(plane.data(), m / out_side, m % out_side)))
                    << "kernel " << kernel << " stride " << stride << " pad " << pad << " side " << side << " m " << m;
            }
          }
  EXPECT_GT(checked, 10000);
}

// mean: multiply (ONNX Runtime's QLinearGlobalAveragePool): the sum requantized. The window
// 1, 2, 3, 4 (z_in 0): sum 10 * 0.25 = 2.5 -> 2 (half even) + z_out 5 = 7; with M = 3.0 the
// 30 + 5 = 35; the window 100 x 4 with M = 1: 400 + 5 saturates at 127.
TEST(PoolingDatapath, MeanByMultiplyByHand) {
  modules::LayerGeometry avg = pool_geometry(LayerType::GlobalAvgPool, 2, 2, 0, 2);
  avg.mean = model::MeanArithmetic::Multiply;
  avg.requant.mode = RequantMode::Multiply;
  avg.requant.precision = model::Precision::Float32;
  avg.requant.rounding = Rounding::HalfEven;
  avg.requant.multiplier = 0.25;
  avg.requant.output_zero_point = 5;
  EXPECT_EQ(modules::PoolingDatapath(avg)(bytes_of({1, 2, 3, 4}).data(), 0, 0), 7);
  avg.requant.multiplier = 3.0;
  EXPECT_EQ(modules::PoolingDatapath(avg)(bytes_of({1, 2, 3, 4}).data(), 0, 0), 35);
  avg.requant.multiplier = 1.0;
  EXPECT_EQ(modules::PoolingDatapath(avg)(bytes_of({100, 100, 100, 100}).data(), 0, 0), 127);
}

modules::LayerGeometry float_mean_geometry(int64_t kernel, int64_t stride, int64_t pad, int64_t side,
                                           model::DType dtype, int32_t input_zero_point, model::FloatMeanSpec spec) {
  modules::LayerGeometry g = pool_geometry(LayerType::AvgPool, kernel, stride, pad, side);
  g.activation_dtype = dtype;
  g.input_zero_point = input_zero_point;
  g.mean = model::MeanArithmetic::Float32;
  g.float_mean = spec;
  return g;
}

// mean: float32 (ONNX Runtime's QLinearAveragePool), worked out as the golden tests do:
// out = clamp(rne(fl(fl(sum / count) / S_out) + z_out)), the sum of fl(S_in * (q - z_in)) in row-major order.
TEST(PoolingDatapath, Float32MeanByHand) {
  const auto uint8 = model::DType::UInt8, int8 = model::DType::Int8;
  // uint8, z_in = 128, S = 1: stored 129..132 are 1..4: 2.5 + z_out 128 = 130.5 -> 130 (to even);
  // z_out 1: 3.5 -> 4 (the zero point is inside the rounding; rounding first would give 3).
  const std::vector<uint8_t> ones_to_four = {129, 130, 131, 132};
  EXPECT_EQ(modules::PoolingDatapath(float_mean_geometry(2, 2, 0, 2, uint8, 128, {1.0f, 1.0f, 128}))(
                ones_to_four.data(), 0, 0),
            130);
  EXPECT_EQ(
      modules::PoolingDatapath(float_mean_geometry(2, 2, 0, 2, uint8, 128, {1.0f, 1.0f, 1}))(ones_to_four.data(), 0, 0),
      4);
  // uint8 saturation, S_in = 1, S_out = 0.5, z_out = 200: four 255 (z_in 0): 510 + 200 -> 255;
  // four 0 with z_in 255: -510 + 200 = -310 -> 0.
  const std::vector<uint8_t> high = {255, 255, 255, 255}, low = {0, 0, 0, 0};
  EXPECT_EQ(modules::PoolingDatapath(float_mean_geometry(2, 2, 0, 2, uint8, 0, {1.0f, 0.5f, 200}))(high.data(), 0, 0),
            255);
  EXPECT_EQ(modules::PoolingDatapath(float_mean_geometry(2, 2, 0, 2, uint8, 255, {1.0f, 0.5f, 200}))(low.data(), 0, 0),
            0);
  // int8 padding, window 2 stride 2 pad 1, z_in = 3, S_in = 0.5, S_out = 0.25, z_out = -1: stored
  // [7, 11; 15, 19] are 2, 4, 6, 8, one per window: with the pad count 8 / 4 = 2 -> 8 -> 7, without 8 -> 32 -> 31.
  modules::LayerGeometry padded = float_mean_geometry(2, 2, 1, 2, int8, 3, {0.5f, 0.25f, -1});
  const auto map = bytes_of({7, 11, 15, 19});
  EXPECT_EQ(modules::PoolingDatapath(padded)(map.data(), 0, 0), 1);  // 2 / 4 = 0.5 -> 2 -> 1
  EXPECT_EQ(modules::PoolingDatapath(padded)(map.data(), 1, 1), 7);
  padded.count_include_pad = false;
  EXPECT_EQ(modules::PoolingDatapath(padded)(map.data(), 1, 1), 31);
  // The order of the float32 sum (GoldenPooling.Float32MeanSumsInRowMajorOrder derives it):
  // S = fl(0.1), [7, 5; -10, 0] -> 1, [7, -10; 5, 0] -> 0.
  const modules::LayerGeometry tenth = float_mean_geometry(2, 2, 0, 2, int8, 0, {0.1f, 0.1f, 0});
  EXPECT_EQ(modules::PoolingDatapath(tenth)(bytes_of({7, 5, -10, 0}).data(), 0, 0), 1);
  EXPECT_EQ(modules::PoolingDatapath(tenth)(bytes_of({7, -10, 5, 0}).data(), 0, 0), 0);
}

// The pooling unit's float mean against the golden model's (each its own code) on random 9x9
// planes: 3x3 stride 2 padding 1 and 2x2 stride 2, both counts, both dtypes, inexact scales.
TEST(PoolingDatapath, Float32MeanBitExactWithTheGoldenModel) {
  uint32_t state = 12345;
  auto next_byte = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<uint8_t>(state >> 24);
  };
  using Scales = std::tuple<float, float, int32_t>;  // S_in, S_out, z_out (int8's; uint8's is + 128)
  int64_t compared = 0, mismatches = 0;
  for (const auto dtype : {model::DType::Int8, model::DType::UInt8})
    for (const auto& [kernel, stride, pad] : {std::array<int64_t, 3>{3, 2, 1}, std::array<int64_t, 3>{2, 2, 0}})
      for (const bool include_pad : {true, false})
        for (const auto& [s_in, s_out, z_out] :
             {Scales{0.1f, 0.1f, 0}, Scales{0.0731f, 0.0517f, 7}, Scales{0.37f, 0.011f, -3}}) {
          const int32_t z_in = dtype == model::DType::UInt8 ? 131 : -5;
          const int32_t z_out_stored = dtype == model::DType::UInt8 ? z_out + 128 : z_out;
          modules::LayerGeometry g =
              float_mean_geometry(kernel, stride, pad, 9, dtype, z_in, {s_in, s_out, z_out_stored});
          g.count_include_pad = include_pad;
          model::Network network;
          network.activation_dtype = dtype;
          network.input.shape = g.input;
          model::Layer layer;
          layer.name = "avg";
          layer.type = LayerType::AvgPool;
          layer.inputs = {model::kNetworkInput};
          layer.input = g.input;
          layer.kernel_h = layer.kernel_w = kernel;
          layer.stride_h = layer.stride_w = stride;
          layer.pad_h = layer.pad_w = pad;
          const int64_t side = (9 + 2 * pad - kernel) / stride + 1;
          layer.output = g.output = model::Shape{1, side, side, false};
          layer.input_zero_point = z_in;
          layer.count_include_pad = include_pad;
          layer.mean = model::MeanArithmetic::Float32;
          layer.float_mean = g.float_mean;
          network.layers.push_back(layer);
          const golden::ReferenceModel golden_model(network, golden::ReferenceModel::MacPath::Plain);
          for (int trial = 0; trial < 20; ++trial) {
            std::vector<uint8_t> plane(81);
            std::vector<int32_t> values;
            for (auto& byte : plane) {
              byte = next_byte();
              values.push_back(modules::activation_value(byte, dtype));
            }
            const auto expected = golden_model.run(values).at(0).values;
            const modules::PoolingDatapath datapath(g);
            for (int64_t m = 0; m < side * side; ++m, ++compared)
              mismatches += datapath(plane.data(), m / side, m % side) != expected[static_cast<std::size_t>(m)];
          }
        }
  EXPECT_EQ(compared, 2 * 3 * 2 * (25 + 16) * 20);  // dtypes x scale sets x counts x (5x5 + 4x4 outputs) x maps
  EXPECT_EQ(mismatches, 0);
}

// One add layer of two [2, 4, 4] int8 maps (32 elements), operands at 0 and 64, result at 128.
model::Network add_network() {
  model::Network network;
  network.name = "add";
  network.input.shape = model::Shape{2, 4, 4, false};
  model::Layer layer = add_layer(RequantMode::FixedPoint, model::Precision::Float64, Rounding::HalfAway);
  layer.name = "add";
  layer.inputs = {model::kNetworkInput, model::kNetworkInput};
  layer.input = layer.output = network.input.shape;
  layer.add.fixed_multipliers = {1, 2};  // a + 2b, shift 0
  network.layers.push_back(layer);
  return network;
}

isa::TileProgram add_program() {
  ProgramWriter writer;
  const auto a = writer.buffer("a", isa::Memory::ActivationSram, 0, 32);
  const auto b = writer.buffer("b", isa::Memory::ActivationSram, 64, 32);
  const auto out = writer.buffer("out", isa::Memory::ActivationSram, 128, 32);
  isa::Instruction add;
  add.op = isa::Opcode::Add;
  add.n_begin = 0;
  add.n_end = 2;
  add.input_address = 0;
  add.second_input_address = 64;
  add.output_address = 128;
  add.reads = {a, b, -1};
  add.writes[0] = out;
  writer.add(add);
  return writer.finish(64);
}

TEST(AddUnit, SumsTwoMapsAndTakesThePipelineTimeWhenThePortKeepsUp) {
  // 32 elements, 8 lanes, pipeline depth 4: 4 + 32 / 8 = 8 cycles. The port (64 B/cycle,
  // latency 1) moves a (32 B) in cycle 0, b in cycle 1, the result in cycle 2: done at 4 < 8.
  AcceleratorBench bench(bench_hardware(), add_network(), add_program());
  std::vector<uint8_t> a(32), b(32);
  for (int i = 0; i < 32; ++i) {
    a[i] = static_cast<uint8_t>(static_cast<int8_t>(i - 16));
    b[i] = static_cast<uint8_t>(static_cast<int8_t>(3 * i - 50));
  }
  bench.accelerator().activation_sram().backdoor_write(0, a.data(), 32);
  bench.accelerator().activation_sram().backdoor_write(64, b.data(), 32);
  EXPECT_EQ(bench.run(), 8u);
  std::vector<uint8_t> out(32);
  bench.accelerator().activation_sram().backdoor_read(128, out.data(), 32);
  // a + 2b = (i - 16) + 2 (3i - 50) = 7i - 116, clamped to [-128, 127]: i = 0 -> -116, i = 20 -> 24, i = 31 -> 101.
  for (int i = 0; i < 32; ++i) EXPECT_EQ(static_cast<int8_t>(out[i]), std::min(127, 7 * i - 116)) << i;
  EXPECT_EQ(bench.stats().layers[0]->value("requant_ops"), 32);
}

TEST(AddUnit, IsBoundByTheActivationPortWhenItIsNarrow) {
  // A 1 byte/cycle port: a in cycles 0..31, b in 32..63, the result in 64..95, each + 1 cycle
  // latency: the last byte lands at 97 > the pipeline's 8. 3 x 32 bytes at the port's bandwidth.
  auto hw = bench_hardware();
  hw.activation_sram.banks = 1;
  hw.activation_sram.port_bytes = 1;
  AcceleratorBench bench(hw, add_network(), add_program());
  EXPECT_EQ(bench.run(), 97u);
}

// A depthwise 3x3 layer, padding 1, over `channels` channels of 4x4.
model::Network depthwise_network(int64_t channels) {
  model::Network network;
  network.name = "depthwise";
  network.input.shape = model::Shape{channels, 4, 4, false};
  model::Layer layer;
  layer.name = "dw";
  layer.type = LayerType::Conv2d;
  layer.inputs = {model::kNetworkInput};
  layer.input = network.input.shape;
  layer.output = model::Shape{channels, 4, 4, false};
  layer.kernel_h = layer.kernel_w = 3;
  layer.pad_h = layer.pad_w = 1;
  layer.groups = channels;
  layer.weights.assign(static_cast<std::size_t>(channels * 9), 1);
  layer.requant.mode = RequantMode::Shift;
  network.layers.push_back(layer);
  return network;
}

TEST(DepthwiseTiming, OneColumnPerGroupOnAnEightByEightArray) {
  // 2 channels, depthwise: each group is its own GEMM of M = 16 pixels, K = 1 * 3 * 3 = 9,
  // N = 1 channel; the accumulator holds it whole, so one tile per group: m 16, k 9, n 1.
  // Weight-stationary on 8x8 (docs/timing.md): rows Sr = k = 9, columns Sc = n = 1, T = m = 16;
  // folds ceil(9/8) * ceil(1/8) = 2: 8 rows then 1 row, each in 1 column.
  //   s_0 = 1; L_1 = max(L_0 + 8, s_0 + C - 1) = max(8, 8) = 8; s_1 = max(s_0 + T, L_1 + 1) = 17;
  //   cycles = max_j (s_j + T + R + cols_j - 2) = 17 + 16 + 8 + 1 - 2 = 40 per tile.
  // Two groups, one after the other: 80 compute cycles for 2 * 16 * 9 = 288 MACs.
  // compute_utilization = 288 / (80 * 64) = 0.05625: one of the 8 columns, 9 of 16 rows,
  // and the fill and drain of every tile (a dense layer of 288 MACs would ideally take
  // ceil(288 / 64) = 5 cycles).
  auto hw = bench_hardware();
  hw.pe_array.rows = hw.pe_array.cols = 8;
  const model::Network network = depthwise_network(2);
  const isa::TileProgram program = mapper::map_network(network, hw, 1);
  EXPECT_EQ(program.layers[0].m_tiles * program.layers[0].n_tiles, 2);
  AcceleratorBench bench(hw, network, program);
  bench.run();
  const auto& layer = *bench.stats().layers[0];
  EXPECT_EQ(layer.value("compute_cycles"), 80);
  EXPECT_EQ(layer.value("macs"), 288);
  EXPECT_DOUBLE_EQ(layer.formula("compute_utilization"), 0.05625);
}

}  // namespace
}  // namespace accelsim::testing
