// The golden model's new layer types on tiny tensors, every expected value worked out by hand
// from docs/arithmetic.md: negative values, ties and saturation.
#include <gtest/gtest.h>

#include "golden/reference_model.h"
#include "golden/requantize.h"

namespace accelsim::golden {
namespace {

using model::Layer;
using model::LayerType;
using model::Network;
using model::RequantMode;
using model::Rounding;
using model::Shape;

model::RequantSpec output_stage(int32_t zero_point, int32_t lo, int32_t hi, bool relu, Rounding rounding) {
  model::RequantSpec spec;
  spec.output_zero_point = zero_point;
  spec.clamp_min = lo;
  spec.clamp_max = hi;
  spec.relu = relu;
  spec.rounding = rounding;
  return spec;
}

Layer float_add(double ma, double mb, int32_t za, int32_t zb, model::RequantSpec spec) {
  Layer layer;
  layer.type = LayerType::Add;
  layer.requant = spec;
  layer.requant.mode = RequantMode::Multiply;
  layer.requant.precision = model::Precision::Float32;
  layer.add.multipliers = {ma, mb};
  layer.add.input_zero_points = {za, zb};
  return layer;
}

TEST(GoldenAdd, Float32SumRoundedOnceThenZeroPointAndClamp) {
  // Ma = 0.5, Mb = 0.25, za = 1, zb = -2, output zero point 3, half_even.
  const Layer add = float_add(0.5, 0.25, 1, -2, output_stage(3, -128, 127, false, Rounding::HalfEven));
  // a = 6, b = 2: 0.5 * 5 + 0.25 * 4 = 3.5, a tie: to even 4; + 3 = 7.
  EXPECT_EQ(requantize_sum(6, 2, add), 7);
  // a = 4, b = -4: 0.5 * 3 + 0.25 * -2 = 1.0; + 3 = 4.
  EXPECT_EQ(requantize_sum(4, -4, add), 4);
  // a = -4, b = -2: 0.5 * -5 + 0 = -2.5, a negative tie: to even -2; + 3 = 1.
  EXPECT_EQ(requantize_sum(-4, -2, add), 1);
  // a = b = -128: 0.5 * -129 + 0.25 * -126 = -64.5 - 31.5 = -96; + 3 = -93.
  EXPECT_EQ(requantize_sum(-128, -128, add), -93);
  // The same tie -2.5 rounded half_away: -3; + 3 = 0.
  Layer away = add;
  away.requant.rounding = Rounding::HalfAway;
  EXPECT_EQ(requantize_sum(-4, -2, away), 0);
  // ReLU: the lower bound becomes the zero point: 1 -> 3.
  Layer relu = add;
  relu.requant.relu = true;
  EXPECT_EQ(requantize_sum(-4, -2, relu), 3);
}

TEST(GoldenAdd, SaturatesAtTheClamp) {
  // Ma = Mb = 2, zero points 0: a = b = 127: 254 + 254 = 508 -> 127; a = b = -128: -512 -> -128.
  const Layer add = float_add(2, 2, 0, 0, output_stage(0, -128, 127, false, Rounding::HalfEven));
  EXPECT_EQ(requantize_sum(127, 127, add), 127);
  EXPECT_EQ(requantize_sum(-128, -128, add), -128);
  // A narrower clamp [-100, 100]: 60 + 60 -> 2 * 60 + 2 * 60 = 240 -> 100.
  Layer narrow = add;
  narrow.requant.clamp_min = -100;
  narrow.requant.clamp_max = 100;
  EXPECT_EQ(requantize_sum(60, 60, narrow), 100);
}

TEST(GoldenAdd, FixedPointRoundsTheIntegerSumOnce) {
  // ma = 3, mb = 5, shift 3 (divide by 8), za = 1, zb = 0.
  Layer add;
  add.type = LayerType::Add;
  add.requant = output_stage(0, -128, 127, false, Rounding::HalfAway);
  add.requant.mode = RequantMode::FixedPoint;
  add.requant.shift = 3;
  add.add.fixed_multipliers = {3, 5};
  add.add.input_zero_points = {1, 0};
  // a = 2, b = 1: 3 * 1 + 5 * 1 = 8 -> 8 / 8 = 1.
  EXPECT_EQ(requantize_sum(2, 1, add), 1);
  // a = -3, b = 0: 3 * -4 = -12 -> -1.5, a tie: away -2, even -2, up -1, floor -2, ceil -1, truncate -1.
  const std::pair<Rounding, int32_t> expected[] = {{Rounding::HalfAway, -2}, {Rounding::HalfEven, -2},
                                                   {Rounding::HalfUp, -1},   {Rounding::Floor, -2},
                                                   {Rounding::Ceil, -1},     {Rounding::Truncate, -1}};
  for (const auto& [rounding, value] : expected) {
    add.requant.rounding = rounding;
    EXPECT_EQ(requantize_sum(-3, 0, add), value) << model::name_of(rounding);
  }
  // a = 127, b = 127: 3 * 126 + 5 * 127 = 1013 -> 126.6 -> 127 (half_away); output zero point 5 -> 132 -> 127.
  add.requant.rounding = Rounding::HalfAway;
  add.requant.output_zero_point = 5;
  EXPECT_EQ(requantize_sum(127, 127, add), 127);
}

// A one-layer network on a [C, H, W] input, run by the golden model.
std::vector<int32_t> run_one(Layer layer, Shape input, Shape output, const std::vector<int32_t>& values) {
  Network network;
  network.input.shape = input;
  layer.name = "layer";
  layer.inputs = {model::kNetworkInput};
  layer.input = input;
  layer.output = output;
  network.layers.push_back(layer);
  const ReferenceModel model(network, ReferenceModel::MacPath::Plain);
  return model.run(values).at(0).values;
}

Layer pool(LayerType type, int64_t kernel, int64_t stride, int64_t pad, Rounding rounding, int32_t zero_point = 0) {
  Layer layer;
  layer.type = type;
  layer.kernel_h = layer.kernel_w = kernel;
  layer.stride_h = layer.stride_w = stride;
  layer.pad_h = layer.pad_w = pad;
  layer.pool_rounding = rounding;
  layer.input_zero_point = zero_point;
  return layer;
}

// A fixed-point add large enough for its requantization table (1,024 outputs, above the
// table's cost of 510 calls): the model's outputs against requantize_sum(), the add's direct
// definition, element by element, with and without the table (the plain path builds none).
// The operands are the input and its 3x3 max-pool (same shape, different values); qnnpack's
// add: shift 20, half away from zero, uint8 with zero points and a ReLU.
TEST(GoldenAdd, FixedPointTableEqualsTheDirectSum) {
  const Shape shape{4, 16, 16, false};
  Network network;
  network.input.shape = shape;
  Layer max = pool(LayerType::MaxPool, 3, 1, 1, Rounding::Floor);
  max.name = "max";
  max.inputs = {model::kNetworkInput};
  max.input = max.output = shape;
  Layer add;
  add.name = "add";
  add.type = LayerType::Add;
  add.inputs = {model::kNetworkInput, 0};
  add.input = add.output = shape;
  add.requant = output_stage(100, 0, 255, true, Rounding::HalfAway);
  add.requant.mode = RequantMode::FixedPoint;
  add.requant.shift = 20;
  add.add.fixed_multipliers = {314573, 262147};  // about 0.3 and 0.25: outputs inside the clamp
  add.add.input_zero_points = {120, 7};
  network.layers = {max, add};
  std::vector<int32_t> input(static_cast<std::size_t>(shape.elements()));
  uint32_t state = 17;
  for (auto& v : input) v = static_cast<int32_t>((state = state * 1664525u + 1013904223u) >> 24);  // 0..255
  input[0] = 0;
  input[1] = 255;
  for (auto path : {ReferenceModel::MacPath::Auto, ReferenceModel::MacPath::Plain}) {
    const auto outputs = ReferenceModel(network, path).run(input);
    ASSERT_EQ(outputs.size(), 2u);
    for (std::size_t i = 0; i < input.size(); ++i)
      ASSERT_EQ(outputs[1].values[i], requantize_sum(input[i], outputs[0].values[i], add)) << "element " << i;
  }
}

TEST(GoldenPooling, AverageTiesFollowTheRounding) {
  // One 2x2 window: 1 + 2 + 3 + 4 = 10, 10 / 4 = 2.5: half_even 2, half_away 3.
  const Shape in{1, 2, 2}, out{1, 1, 1};
  EXPECT_EQ(run_one(pool(LayerType::AvgPool, 2, 2, 0, Rounding::HalfEven), in, out, {1, 2, 3, 4}),
            std::vector<int32_t>{2});
  EXPECT_EQ(run_one(pool(LayerType::AvgPool, 2, 2, 0, Rounding::HalfAway), in, out, {1, 2, 3, 4}),
            std::vector<int32_t>{3});
  // Negative: -10 / 4 = -2.5: half_even -2, half_away -3, floor -3.
  EXPECT_EQ(run_one(pool(LayerType::AvgPool, 2, 2, 0, Rounding::HalfEven), in, out, {-1, -2, -3, -4}),
            std::vector<int32_t>{-2});
  EXPECT_EQ(run_one(pool(LayerType::AvgPool, 2, 2, 0, Rounding::HalfAway), in, out, {-1, -2, -3, -4}),
            std::vector<int32_t>{-3});
  EXPECT_EQ(run_one(pool(LayerType::AvgPool, 2, 2, 0, Rounding::Floor), in, out, {-1, -2, -3, -4}),
            std::vector<int32_t>{-3});
  // Zero point 2: stored 3..6 are real 1..4: mean 2.5 -> 2 (half_even), stored 2 + 2 = 4.
  EXPECT_EQ(run_one(pool(LayerType::AvgPool, 2, 2, 0, Rounding::HalfEven, 2), in, out, {3, 4, 5, 6}),
            std::vector<int32_t>{4});
  // The extremes stay in range: the mean of four -128 is -128, of four 127 is 127.
  EXPECT_EQ(run_one(pool(LayerType::AvgPool, 2, 2, 0, Rounding::HalfEven), in, out, {-128, -128, -128, -128}),
            std::vector<int32_t>{-128});
  EXPECT_EQ(run_one(pool(LayerType::GlobalAvgPool, 2, 2, 0, Rounding::HalfEven), in, out, {127, 127, 127, 127}),
            std::vector<int32_t>{127});
}

TEST(GoldenPooling, PaddingCountsAsZeroInTheAverageOnlyWhenIncluded) {
  // 2x2 input [4, 8; 12, 16], window 2 stride 2 padding 1: 2x2 outputs, each window holding one
  // real element and three padded ones (real zeros: the zero point, here 3, stored 7, 11, 15, 19).
  const Shape in{1, 2, 2}, out{1, 2, 2};
  Layer layer = pool(LayerType::AvgPool, 2, 2, 1, Rounding::HalfEven, 3);
  // count_include_pad: 4/4, 8/4, 12/4, 16/4 = 1, 2, 3, 4; stored + 3.
  EXPECT_EQ(run_one(layer, in, out, {7, 11, 15, 19}), (std::vector<int32_t>{4, 5, 6, 7}));
  // Without: each divides by its one real element.
  layer.count_include_pad = false;
  EXPECT_EQ(run_one(layer, in, out, {7, 11, 15, 19}), (std::vector<int32_t>{7, 11, 15, 19}));
}

TEST(GoldenPooling, GlobalAverageOverTheWholePlane) {
  // Two channels of 3x3: 1..9 (sum 45, mean 5) and -1, -1, ..., -1, 3 (sum -5, -5/9 = -0.56 -> -1).
  std::vector<int32_t> values = {1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1, -1, -1, 3};
  EXPECT_EQ(run_one(pool(LayerType::GlobalAvgPool, 3, 3, 0, Rounding::HalfEven), {2, 3, 3}, {2, 1, 1}, values),
            (std::vector<int32_t>{5, -1}));
  // truncate: -0.56 -> 0.
  EXPECT_EQ(run_one(pool(LayerType::GlobalAvgPool, 3, 3, 0, Rounding::Truncate), {2, 3, 3}, {2, 1, 1}, values),
            (std::vector<int32_t>{5, 0}));
}

Layer float_mean_pool(int64_t kernel, int64_t stride, int64_t pad, int32_t input_zero_point, float input_scale,
                      float output_scale, int32_t output_zero_point) {
  Layer layer = pool(LayerType::AvgPool, kernel, stride, pad, Rounding::HalfEven, input_zero_point);
  layer.mean = model::MeanArithmetic::Float32;
  layer.float_mean = model::FloatMeanSpec{input_scale, output_scale, output_zero_point};
  return layer;
}

// mean: float32 (ONNX Runtime's QLinearAveragePool): out = clamp(rne(fl(fl(sum / count) / S_out) + z_out)).
TEST(GoldenPooling, Float32MeanTiesRoundHalfEvenWithTheZeroPointInside) {
  const Shape in{1, 2, 2}, out{1, 1, 1};
  // S_in = S_out = 1, every step exact: 1 + 2 + 3 + 4 = 10, 10 / 4 = 2.5 -> 2 (to even).
  EXPECT_EQ(run_one(float_mean_pool(2, 2, 0, 0, 1.0f, 1.0f, 0), in, out, {1, 2, 3, 4}), std::vector<int32_t>{2});
  // -2.5 -> -2; 3 + 4 + 5 + 6 = 18, 4.5 -> 4.
  EXPECT_EQ(run_one(float_mean_pool(2, 2, 0, 0, 1.0f, 1.0f, 0), in, out, {-1, -2, -3, -4}), std::vector<int32_t>{-2});
  EXPECT_EQ(run_one(float_mean_pool(2, 2, 0, 0, 1.0f, 1.0f, 0), in, out, {3, 4, 5, 6}), std::vector<int32_t>{4});
  // z_out = 1 is added before the rounding: 2.5 + 1 = 3.5 -> 4 (rounding first would give 2 + 1 = 3).
  EXPECT_EQ(run_one(float_mean_pool(2, 2, 0, 0, 1.0f, 1.0f, 1), in, out, {1, 2, 3, 4}), std::vector<int32_t>{4});
  // z_in = 2, S_in = 0.5, S_out = 0.25: stored 3..6 are 0.5, 1, 1.5, 2; mean 1.25; / 0.25 = 5; + 1 = 6.
  EXPECT_EQ(run_one(float_mean_pool(2, 2, 0, 2, 0.5f, 0.25f, 1), in, out, {3, 4, 5, 6}), std::vector<int32_t>{6});
}

TEST(GoldenPooling, Float32MeanCountsPaddingOnlyWhenIncluded) {
  // 2x2 input, window 2 stride 2 padding 1: each of the 2x2 windows holds one real element.
  // z_in = 3, S_in = 0.5: stored 7, 11, 15, 19 are 2, 4, 6, 8. S_out = 0.25, z_out = -1.
  const Shape in{1, 2, 2}, out{1, 2, 2};
  Layer layer = float_mean_pool(2, 2, 1, 3, 0.5f, 0.25f, -1);
  // count_include_pad: 2 / 4 = 0.5 -> 2 -> 1; 1 -> 4 -> 3; 1.5 -> 6 -> 5; 2 -> 8 -> 7.
  EXPECT_EQ(run_one(layer, in, out, {7, 11, 15, 19}), (std::vector<int32_t>{1, 3, 5, 7}));
  // Without: each divides by 1: 2 -> 8 -> 7; 4 -> 16 -> 15; 6 -> 24 -> 23; 8 -> 32 -> 31.
  layer.count_include_pad = false;
  EXPECT_EQ(run_one(layer, in, out, {7, 11, 15, 19}), (std::vector<int32_t>{7, 15, 23, 31}));
}

TEST(GoldenPooling, Float32MeanSaturatesToTheDtype) {
  const Shape in{1, 2, 2}, out{1, 1, 1};
  // S_in = 1, S_out = 0.5, z_out = 100: mean 100 -> 200 + 100 = 300 -> 127 (int8).
  EXPECT_EQ(run_one(float_mean_pool(2, 2, 0, 0, 1.0f, 0.5f, 100), in, out, {100, 100, 100, 100}),
            std::vector<int32_t>{127});
  // z_out = -100: mean -128 -> -256 - 100 = -356 -> -128.
  EXPECT_EQ(run_one(float_mean_pool(2, 2, 0, 0, 1.0f, 0.5f, -100), in, out, {-128, -128, -128, -128}),
            std::vector<int32_t>{-128});
}

// The window [7, 5; -10, 0] with S_in = S_out = fl(0.1) = 13421773 * 2^-27, z_in = z_out = 0:
// exactly 2 * 0.1 / 4 / 0.1 = 0.5 in reals (a tie, to 0), but float32 decides it by the order of
// the sum. Dequantized: fl(0.7000000104) = 11744051 * 2^-24; fl(0.5000000075) = 0.5;
// fl(-1.0000000149) = -1; 0.
//   row-major 7, 5, -10, 0: 11744051 * 2^-24 + 0.5 = 10066329.5 * 2^-23 -> (tie, to even)
//     10066330 * 2^-23; - 1 = 1677722 * 2^-23 = 0.20000005 (exact); / 4 = 13421776 * 2^-28;
//     / S_out = 0.5 * 13421776 / 13421773 = 0.50000011 -> 0.50000012 > 0.5 -> 1.
//   column-major 7, -10, 5, 0 would give 11744051 * 2^-24 - 1 = -5033165 * 2^-24 (exact);
//     + 0.5 = 3355443 * 2^-24 = 0.19999998; / 4 / S_out = 0.5 * 13421772 / 13421773 < 0.5 -> 0.
TEST(GoldenPooling, Float32MeanSumsInRowMajorOrder) {
  const float tenth = 0.1f;
  EXPECT_EQ(run_one(float_mean_pool(2, 2, 0, 0, tenth, tenth, 0), {1, 2, 2}, {1, 1, 1}, {7, 5, -10, 0}),
            std::vector<int32_t>{1});
  // The same four values with the -10 second in row-major order (the column-major sum above): 0.
  EXPECT_EQ(run_one(float_mean_pool(2, 2, 0, 0, tenth, tenth, 0), {1, 2, 2}, {1, 1, 1}, {7, -10, 5, 0}),
            std::vector<int32_t>{0});
}

TEST(GoldenPooling, MaxPaddingNeverWins) {
  // All negative [-5, -6; -7, -128], window 2 stride 1 padding 1: 3x3 outputs. A zero pad
  // would win everywhere; skipped, each window's largest real element does:
  //   corners see one element: -5, -6, -7, -128; edges two: top (-5, -6) -5, left (-5, -7) -5,
  //   right (-6, -128) -6, bottom (-7, -128) -7; the centre all four: -5.
  EXPECT_EQ(run_one(pool(LayerType::MaxPool, 2, 1, 1, Rounding::HalfEven), {1, 2, 2}, {1, 3, 3}, {-5, -6, -7, -128}),
            (std::vector<int32_t>{-5, -5, -6, -5, -5, -6, -7, -7, -128}));
}

// Windows wholly inside the input skip the bounds tests (all paths but the plain one): the same
// maxima as the plain path's loop, with padding, strides, windows past the edge and negative values.
TEST(GoldenPooling, MaxWindowsInsideTheInputAgreeWithThePlainLoop) {
  struct Case {
    int64_t channels, height, width, kernel, stride, pad;
  };
  uint32_t state = 5;
  for (const Case& c : {Case{6, 28, 28, 2, 2, 0}, Case{3, 7, 9, 3, 2, 1}, Case{2, 5, 5, 3, 1, 1},
                        Case{4, 8, 6, 2, 3, 0}, Case{1, 4, 4, 4, 1, 2}}) {
    const Shape in{c.channels, c.height, c.width, false};
    const Shape out{c.channels, (c.height + 2 * c.pad - c.kernel) / c.stride + 1,
                    (c.width + 2 * c.pad - c.kernel) / c.stride + 1, false};
    Network network;
    network.input.shape = in;
    Layer layer = pool(LayerType::MaxPool, c.kernel, c.stride, c.pad, Rounding::Floor);
    layer.name = "max";
    layer.inputs = {model::kNetworkInput};
    layer.input = in;
    layer.output = out;
    network.layers = {layer};
    std::vector<int32_t> input(static_cast<std::size_t>(in.elements()));
    for (auto& v : input) v = static_cast<int32_t>((state = state * 1664525u + 1013904223u) >> 24) - 200;  // -200..55
    const auto plain = ReferenceModel(network, ReferenceModel::MacPath::Plain).run(input);
    const auto fast = ReferenceModel(network, ReferenceModel::MacPath::Auto).run(input);
    EXPECT_EQ(fast.at(0).values, plain.at(0).values) << c.kernel << "/" << c.stride << "/" << c.pad;
    EXPECT_EQ(fast.at(0).values.size(), static_cast<std::size_t>(out.elements()));
  }
}

Layer conv_shift0(int64_t groups, std::vector<int8_t> weights) {
  Layer layer;
  layer.type = LayerType::Conv2d;
  layer.kernel_h = 1;
  layer.kernel_w = 2;
  layer.groups = groups;
  layer.weights = std::move(weights);
  layer.requant = output_stage(0, -128, 127, false, Rounding::Floor);
  layer.requant.mode = RequantMode::Shift;
  layer.requant.shift = 0;
  return layer;
}

TEST(GoldenGroupedConv, DepthwiseAndChannelMultiplier) {
  // Input [2, 1, 2]: channel 0 = [1, 2], channel 1 = [3, 4]; kernel 1x2, no padding: one pixel.
  const std::vector<int32_t> input = {1, 2, 3, 4};
  // Depthwise (groups 2, 2 outputs), weights [2, 1, 1, 2] = [1, -1], [2, 3]:
  //   out 0 = 1 - 2 = -1 (channel 0 only); out 1 = 2 * 3 + 3 * 4 = 18 (channel 1 only).
  EXPECT_EQ(run_one(conv_shift0(2, {1, -1, 2, 3}), {2, 1, 2}, {2, 1, 1}, input), (std::vector<int32_t>{-1, 18}));
  // Channel multiplier 2 (groups 2, 4 outputs): outputs 0, 1 read channel 0, outputs 2, 3 channel 1:
  //   [1, 1] -> 3, [0, 1] -> 2, [1, 0] -> 3, [-1, 1] -> 1.
  EXPECT_EQ(run_one(conv_shift0(2, {1, 1, 0, 1, 1, 0, -1, 1}), {2, 1, 2}, {4, 1, 1}, input),
            (std::vector<int32_t>{3, 2, 3, 1}));
  // Saturation through the clamp: weights 127 on [127, 127] -> 2 * 127 * 127 = 32258 -> 127.
  EXPECT_EQ(run_one(conv_shift0(2, {127, 127, -128, -128}), {2, 1, 2}, {2, 1, 1}, {127, 127, 127, 127}),
            (std::vector<int32_t>{127, -128}));
}

}  // namespace
}  // namespace accelsim::golden
