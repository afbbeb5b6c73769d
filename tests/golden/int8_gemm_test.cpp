// The golden model's fast multiply-accumulate (golden/int8_gemm) against plain int64 loops, on
// crafted operands: the extremes 255 / -128 / 127 with zero points, K at the exact limit, sizes
// that are not multiples of the register tiles. Both paths, AVX2 and scalar, forced.
#include "golden/int8_gemm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

#include "golden/reference_model.h"

namespace accelsim::golden {
namespace {

// Plain int64 sums, straight from the definition: (a - za) * (w - zw) over k.
std::vector<int64_t> plain_gemm(const std::vector<int32_t>& a, int32_t za, const std::vector<int8_t>& w, int32_t zw,
                                int64_t m, int64_t k, int64_t n) {
  std::vector<int64_t> c(static_cast<std::size_t>(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t o = 0; o < n; ++o) {
      int64_t acc = 0;
      for (int64_t j = 0; j < k; ++j) acc += (int64_t{a[i * k + j]} - za) * (int64_t{w[o * k + j]} - zw);
      c[i * n + o] = acc;
    }
  return c;
}

std::vector<gemm::Path> forced_paths() {
  std::vector<gemm::Path> paths{gemm::Path::Scalar};
  if (gemm::avx2_available()) paths.push_back(gemm::Path::Avx2);
  return paths;
}

void expect_gemm_matches_plain(const std::vector<int32_t>& a, int32_t za, const std::vector<int8_t>& w, int32_t zw,
                               int64_t m, int64_t k, int64_t n) {
  const gemm::PackedWeights packed = gemm::pack_weights(w.data(), n, k, zw);
  ASSERT_TRUE(packed.fits);
  std::vector<int16_t> lowered(static_cast<std::size_t>(m * packed.kp), 0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < k; ++j) lowered[i * packed.kp + j] = static_cast<int16_t>(a[i * k + j] - za);
  const std::vector<int64_t> expected = plain_gemm(a, za, w, zw, m, k, n);
  for (gemm::Path path : forced_paths()) {
    std::vector<int32_t> c(static_cast<std::size_t>(m * n), -1);
    gemm::multiply(lowered.data(), m, packed, c.data(), path);
    for (std::size_t i = 0; i < c.size(); ++i)
      ASSERT_EQ(c[i], expected[i]) << "path " << (path == gemm::Path::Avx2 ? "avx2" : "scalar") << " m=" << m
                                   << " k=" << k << " n=" << n << " element " << i;
  }
}

TEST(Int8Gemm, ExtremeOperandsAtTheExactDepthLimit) {
  // uint8 255 against zero point 0 and int8 -128 against zero point 127: both factors at their
  // largest magnitude (255 and -255), all K terms of one sign: |sum| = 33025 * 65025, just
  // under 2^31. One product pair alone (2 * 65025) would saturate _mm256_maddubs_epi16.
  const int64_t k = gemm::kMaxExactDepth, m = 3, n = 9;
  std::vector<int32_t> a(static_cast<std::size_t>(m * k), 255);
  std::vector<int8_t> w(static_cast<std::size_t>(n * k), -128);
  for (int64_t j = 0; j < k; ++j) w[8 * k + j] = 127;  // one channel: 127 - 127 = 0
  expect_gemm_matches_plain(a, 0, w, 127, m, k, n);
  EXPECT_LE(int64_t{255} * 255 * k, std::numeric_limits<int32_t>::max());
  EXPECT_GT(int64_t{255} * 255 * (k + 1), std::numeric_limits<int32_t>::max());
}

TEST(Int8Gemm, NegativeExtremesAndZeroPoints) {
  // int8 activations -128 against zero point 127: -255; weights 127 against -128: +255.
  const int64_t k = 1001, m = 7, n = 13;
  std::vector<int32_t> a(static_cast<std::size_t>(m * k), -128);
  std::vector<int8_t> w(static_cast<std::size_t>(n * k), 127);
  expect_gemm_matches_plain(a, 127, w, -128, m, k, n);
}

TEST(Int8Gemm, RandomOperandsOnOddSizes) {
  std::mt19937 rng(15);
  std::uniform_int_distribution<int> u8(0, 255), s8(-128, 127), zp(-128, 127);
  for (int64_t m : {1, 2, 5, 6, 7, 11, 12, 13, 25, 37})
    for (int64_t k : {1, 2, 3, 15, 17, 25, 150, 401})
      for (int64_t n : {1, 3, 6, 8, 9, 15, 16, 17, 24, 33}) {
        std::vector<int32_t> a(static_cast<std::size_t>(m * k));
        std::vector<int8_t> w(static_cast<std::size_t>(n * k));
        for (auto& v : a) v = u8(rng);
        for (auto& v : w) v = static_cast<int8_t>(s8(rng));
        // Extremes sprinkled in.
        a[0] = 255;
        a.back() = 0;
        w[0] = -128;
        w.back() = 127;
        const int32_t za = u8(rng), zw = zp(rng);
        expect_gemm_matches_plain(a, za, w, zw, m, k, n);
      }
}

TEST(Int8Gemm, OperandsOutsideTheExactRangeAreRefused) {
  const std::vector<int8_t> w(10, -128);
  EXPECT_FALSE(gemm::pack_weights(w.data(), 2, 5, 128).fits);  // -256
  EXPECT_TRUE(gemm::pack_weights(w.data(), 2, 5, 127).fits);
  const std::vector<int8_t> deep(static_cast<std::size_t>(gemm::kMaxExactDepth + 1), 1);
  EXPECT_FALSE(gemm::pack_weights(deep.data(), 1, gemm::kMaxExactDepth + 1, 0).fits);
  // Decided by the extremes wherever they sit: one weight of 127 among zeros, 127 - (-129) = 256;
  // one of -128, -128 - 128 = -256; each a step inside the range fits.
  std::vector<int8_t> one_high(24, 0), one_low(24, 0);
  one_high[13] = 127;
  one_low[17] = -128;
  EXPECT_FALSE(gemm::pack_weights(one_high.data(), 3, 8, -129).fits);
  EXPECT_TRUE(gemm::pack_weights(one_high.data(), 3, 8, -128).fits);
  EXPECT_FALSE(gemm::pack_weights(one_low.data(), 3, 8, 128).fits);
  EXPECT_TRUE(gemm::pack_weights(one_low.data(), 3, 8, 127).fits);
}

// One row by the unpacked int8 weights (gemm::multiply_row) against the plain int64 loops: tails of
// K % 16, output counts around the 4 done together, zero points on both sides.
TEST(Int8Gemm, OneRowByUnpackedWeightsMatchesThePlainLoop) {
  std::mt19937 rng(21);
  std::uniform_int_distribution<int> u8(0, 255), s8(-128, 127), zp(-128, 127);
  for (int64_t k : {1, 2, 15, 16, 17, 31, 33, 150, 401})
    for (int64_t n : {1, 3, 4, 5, 8, 9, 120}) {
      std::vector<int32_t> a(static_cast<std::size_t>(k));
      std::vector<int8_t> w(static_cast<std::size_t>(n * k));
      for (auto& v : a) v = u8(rng);
      for (auto& v : w) v = static_cast<int8_t>(s8(rng));
      a[0] = 255;
      w[0] = -128;
      w.back() = 127;
      const int32_t za = u8(rng), zw = zp(rng);
      ASSERT_TRUE(gemm::weights_fit(w.data(), n, k, zw));
      std::vector<int16_t> row(static_cast<std::size_t>(k));
      for (int64_t j = 0; j < k; ++j) row[j] = static_cast<int16_t>(a[j] - za);
      const std::vector<int64_t> expected = plain_gemm(a, za, w, zw, 1, k, n);
      for (gemm::Path path : forced_paths()) {
        std::vector<int32_t> c(static_cast<std::size_t>(n), -1);
        gemm::multiply_row(row.data(), w.data(), n, k, zw, c.data(), path);
        for (int64_t o = 0; o < n; ++o) ASSERT_EQ(c[o], expected[o]) << "k=" << k << " n=" << n << " output " << o;
      }
    }
}

// The largest sums of either sign at the exact depth limit: every term 255 * 255 or 255 * -255,
// |sum| = 33025 * 65025 = 2,147,450,625 <= 2^31 - 1. The zero point's share (127 * sum a = 127 *
// 33025 * 255, beyond int32) is subtracted in int64.
TEST(Int8Gemm, OneRowExtremesAtTheExactDepthLimit) {
  const int64_t k = gemm::kMaxExactDepth;
  const std::vector<int16_t> row(static_cast<std::size_t>(k), 255);
  std::vector<int8_t> w(static_cast<std::size_t>(2 * k), -128);            // -128 - 127 = -255
  std::fill(w.begin() + k, w.end(), int8_t{127});                          // 127 - 127 = 0
  std::vector<int8_t> positive(static_cast<std::size_t>(k), int8_t{127});  // 127 - (-128) = 255
  for (gemm::Path path : forced_paths()) {
    std::vector<int32_t> c(2, -1);
    gemm::multiply_row(row.data(), w.data(), 2, k, 127, c.data(), path);
    EXPECT_EQ(c[0], -int64_t{255} * 255 * k);
    EXPECT_EQ(c[1], 0);
    gemm::multiply_row(row.data(), positive.data(), 1, k, -128, c.data(), path);
    EXPECT_EQ(c[0], int64_t{255} * 255 * k);
  }
}

// A one-layer network whose requantization passes the int32 accumulator through unchanged, so
// the outputs are the accumulators themselves.
model::Network one_layer(model::LayerType type, model::Shape in, model::Shape out, int64_t kernel, int64_t stride,
                         int64_t pad, int32_t za, int32_t zw, unsigned seed) {
  model::Network network;
  network.name = "crafted";
  network.overflow = model::OverflowPolicy::Saturate;
  network.input.shape = in;
  model::Layer layer;
  layer.name = "l0";
  layer.type = type;
  layer.input = in;
  layer.output = out;
  layer.kernel_h = layer.kernel_w = kernel;
  layer.stride_h = layer.stride_w = stride;
  layer.pad_h = layer.pad_w = pad;
  layer.input_zero_point = za;
  layer.weight_zero_point = zw;
  layer.requant.clamp_min = std::numeric_limits<int32_t>::min();
  layer.requant.clamp_max = std::numeric_limits<int32_t>::max();
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> s8(-128, 127), bias(-100000, 100000);
  const int64_t k = type == model::LayerType::Linear ? in.elements() : in.channels * kernel * kernel;
  layer.weights.resize(static_cast<std::size_t>(out.channels * k));
  for (auto& v : layer.weights) v = static_cast<int8_t>(s8(rng));
  layer.weights[0] = -128;
  layer.weights.back() = 127;
  for (int64_t o = 0; o < out.channels; ++o) layer.bias.push_back(bias(rng));
  network.layers.push_back(layer);
  return network;
}

void expect_model_paths_agree(const model::Network& network, const std::vector<int32_t>& input) {
  const auto plain = ReferenceModel(network, ReferenceModel::MacPath::Plain).run(input);
  std::vector<ReferenceModel::MacPath> paths{ReferenceModel::MacPath::Scalar, ReferenceModel::MacPath::Auto};
  if (gemm::avx2_available()) paths.push_back(ReferenceModel::MacPath::Avx2);
  for (auto path : paths) {
    const auto fast = ReferenceModel(network, path).run(input);
    ASSERT_EQ(fast.size(), plain.size());
    for (std::size_t l = 0; l < fast.size(); ++l) EXPECT_EQ(fast[l].values, plain[l].values) << "layer " << l;
  }
}

TEST(Int8Gemm, ConvolutionWithPaddingStrideAndOddSizesMatchesThePlainLoop) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> u8(0, 255);
  struct Case {
    int64_t c, h, w, o, kernel, stride, pad;
  };
  for (const Case& c : {Case{1, 32, 32, 6, 5, 1, 0}, Case{3, 13, 11, 17, 3, 1, 1}, Case{5, 15, 9, 9, 3, 2, 1},
                        Case{2, 7, 7, 3, 7, 1, 3}, Case{4, 9, 10, 25, 1, 1, 0}, Case{3, 6, 5, 9, 1, 1, 0},
                        Case{6, 9, 8, 10, 1, 2, 0}, Case{16, 8, 8, 12, 3, 1, 1}}) {
    const model::Shape in{c.c, c.h, c.w, false};
    const model::Shape out{c.o, (c.h + 2 * c.pad - c.kernel) / c.stride + 1,
                           (c.w + 2 * c.pad - c.kernel) / c.stride + 1, false};
    const auto network = one_layer(model::LayerType::Conv2d, in, out, c.kernel, c.stride, c.pad, 128, -3, 7);
    std::vector<int32_t> input(static_cast<std::size_t>(in.elements()));
    for (auto& v : input) v = u8(rng);
    input[0] = 255;
    input[1] = 0;
    expect_model_paths_agree(network, input);
  }
}

// Depthwise convolutions (one input channel per group, a channel multiplier of 1 or 2) take
// their own plane-by-plane loop: the same integers as the plain loops.
TEST(Int8Gemm, DepthwiseConvolutionMatchesThePlainLoop) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> u8(0, 255), s8(-128, 127);
  struct Case {
    int64_t c, h, w, multiplier, kernel, stride, pad;
  };
  for (const Case& c : {Case{4, 9, 11, 1, 3, 1, 1}, Case{3, 12, 10, 2, 3, 2, 1}, Case{5, 7, 7, 1, 5, 1, 2},
                        Case{2, 8, 9, 1, 3, 2, 0}, Case{6, 6, 6, 1, 1, 1, 0}}) {
    const model::Shape in{c.c, c.h, c.w, false};
    const model::Shape out{c.c * c.multiplier, (c.h + 2 * c.pad - c.kernel) / c.stride + 1,
                           (c.w + 2 * c.pad - c.kernel) / c.stride + 1, false};
    auto network = one_layer(model::LayerType::Conv2d, in, out, c.kernel, c.stride, c.pad, 128, 3, 9);
    model::Layer& layer = network.layers[0];
    layer.groups = c.c;
    layer.weights.resize(static_cast<std::size_t>(out.channels * c.kernel * c.kernel));
    for (auto& v : layer.weights) v = static_cast<int8_t>(s8(rng));
    layer.weights[0] = -128;  // -128 - 3 = -131 and 127 - 3 = 124: the extremes of w - zw
    layer.weights.back() = 127;
    std::vector<int32_t> input(static_cast<std::size_t>(in.elements()));
    for (auto& v : input) v = u8(rng);
    input[0] = 255;
    input[1] = 0;
    expect_model_paths_agree(network, input);
    input[2] = 400;  // 400 - 128 > 255: outside the exact range, the plain loops take over
    expect_model_paths_agree(network, input);
  }
}

TEST(Int8Gemm, LinearAndOutOfRangeInputsMatchThePlainLoop) {
  const model::Shape in{401, 1, 1, true}, out{19, 1, 1, true};
  const auto network = one_layer(model::LayerType::Linear, in, out, 1, 1, 0, -128, 127, 11);
  std::vector<int32_t> input(401, 127);
  input[3] = -128;
  expect_model_paths_agree(network, input);
  input[5] = 200;  // 200 + 128 > 255: outside the GEMM's exact range, the plain loops take over
  expect_model_paths_agree(network, input);
}

// A convolution whose one window is its whole unpadded input ([16, 5, 5] by 5x5 kernels: LeNet's
// third layer) and a linear layer multiply one row per image from the unpacked weights. Requantized
// by 1/2 with half-to-even rounding (odd accumulators are ties) into [-128, 127] (saturated), with
// negative accumulators: the same outputs as the plain loops, and under the saturating overflow
// policy an accumulator beyond int32 (the bias near INT32_MAX) is clamped the same way.
TEST(Int8Gemm, OneRowLayersMatchThePlainLoopWithTiesSaturationAndNegativeSums) {
  std::mt19937 rng(8);
  std::uniform_int_distribution<int> u8(0, 255);
  struct Case {
    model::LayerType type;
    model::Shape in, out;
    int64_t kernel;
  };
  for (const Case& c : {Case{model::LayerType::Conv2d, {16, 5, 5, false}, {120, 1, 1, false}, 5},
                        Case{model::LayerType::Conv2d, {3, 4, 4, false}, {5, 1, 1, false}, 4},
                        Case{model::LayerType::Linear, {120, 1, 1, true}, {84, 1, 1, true}, 1},
                        Case{model::LayerType::Linear, {17, 1, 1, true}, {3, 1, 1, true}, 1}}) {
    for (bool requantized : {false, true}) {
      auto network = one_layer(c.type, c.in, c.out, c.kernel, 1, 0, 128, 5, 13);
      model::Layer& layer = network.layers[0];
      if (requantized) {
        layer.requant.mode = model::RequantMode::Multiply;
        layer.requant.precision = model::Precision::Float32;
        layer.requant.multiplier = 0.5;
        layer.requant.rounding = model::Rounding::HalfEven;
        layer.requant.clamp_min = -128;
        layer.requant.clamp_max = 127;
        for (auto& b : layer.bias) b = b % 200;  // outputs near the clamp on both sides
      }
      const int64_t k = c.in.elements();
      std::vector<int32_t> input(static_cast<std::size_t>(k));
      for (auto& v : input) v = requantized ? u8(rng) : 200;
      input[0] = 255;
      input[1] = 0;
      if (!requantized) {
        // Output 1: weights 127 - 5 = 122 against 72 (200 - 128) but for 127 and -128: a sum of
        // 122 * (72 * (K - 2) - 1) > 5 on top of a bias of INT32_MAX - 5: beyond int32, saturated.
        std::fill(layer.weights.begin() + k, layer.weights.begin() + 2 * k, int8_t{127});
        layer.bias[1] = std::numeric_limits<int32_t>::max() - 5;
      }
      expect_model_paths_agree(network, input);
      const auto outputs = ReferenceModel(network, ReferenceModel::MacPath::Auto).run(input);
      const auto& values = outputs.back().values;
      EXPECT_TRUE(std::any_of(values.begin(), values.end(), [](int32_t v) { return v < 0; }));
      if (requantized) {
        EXPECT_TRUE(std::any_of(values.begin(), values.end(), [](int32_t v) { return v == -128 || v == 127; }));
      } else {
        EXPECT_EQ(values[1], std::numeric_limits<int32_t>::max());
      }
      std::vector<int32_t> outside = input;
      outside[2] = 400;  // 400 - 128 > 255: outside the exact range, the plain loops take over
      expect_model_paths_agree(network, outside);
    }
  }
}

}  // namespace
}  // namespace accelsim::golden
