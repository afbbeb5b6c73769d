// The PE array's datapath (gather + multiply) against sums written straight from the layer's
// definition, tile by tile as the PE array sees them: partial[m][n] = sum over k of
// (input at the window position of k, or the zero point in the padding, minus the zero point)
// times (w[n][k] - weight zero point). One datapath serves every tile in turn, as in the PE
// array, so that what it keeps from one tile to the next (the converted weights and line
// buffer, reused when their bytes are the same) is checked when the bytes change as well.
#include "modules/pe_array/tile_datapath.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace accelsim::modules {
namespace {

struct Case {
  const char* name;
  model::LayerType type;
  int64_t channels, height, width, kernel, stride, pad, out_channels;
  model::DType dtype;
  int32_t input_zero_point, weight_zero_point;
};

LayerGeometry geometry(const Case& c) {
  LayerGeometry g;
  g.name = c.name;
  g.type = c.type;
  g.activation_dtype = c.dtype;
  g.input_zero_point = c.input_zero_point;
  g.weight_zero_point = c.weight_zero_point;
  if (c.type == model::LayerType::Linear) {
    g.input = {c.channels * c.height * c.width, 1, 1};
    g.output = {c.out_channels, 1, 1};
    g.gemm_m = 1, g.gemm_k = g.input.channels, g.gemm_n = c.out_channels;
    return g;
  }
  g.input = {c.channels, c.height, c.width};
  g.kernel_h = g.kernel_w = c.kernel;
  g.stride_h = g.stride_w = c.stride;
  g.pad_h = g.pad_w = c.pad;
  g.output = {c.out_channels, (c.height + 2 * c.pad - c.kernel) / c.stride + 1,
              (c.width + 2 * c.pad - c.kernel) / c.stride + 1};
  g.gemm_m = g.output.height * g.output.width;
  g.gemm_k = c.channels * c.kernel * c.kernel;
  g.gemm_n = c.out_channels;
  return g;
}

// The operand of input element k of output pixel m, by the definition (linear: element k).
int64_t operand(const LayerGeometry& g, const std::vector<uint8_t>& input, int64_t m, int64_t k) {
  if (g.type == model::LayerType::Linear) return activation_value(input[k], g.activation_dtype) - g.input_zero_point;
  const int64_t window = g.kernel_h * g.kernel_w;
  const int64_t c = k / window, ky = k % window / g.kernel_w, kx = k % g.kernel_w;
  const int64_t y = m / g.output.width * g.stride_h - g.pad_h + ky;
  const int64_t x = m % g.output.width * g.stride_w - g.pad_w + kx;
  if (y < 0 || y >= g.input.height || x < 0 || x >= g.input.width) return 0;  // padding: the zero point
  return activation_value(input[(c * g.input.height + y) * g.input.width + x], g.activation_dtype) - g.input_zero_point;
}

// Every tile of the layer (M in steps of tile_m, K in steps of tile_k, N in steps of tile_n)
// through `datapath`, compared with the definition; returns the number of differing sums.
int64_t run_tiles(TileDatapath& datapath, const LayerGeometry& g, const std::vector<uint8_t>& input,
                  const std::vector<uint8_t>& weights, int64_t tile_m, int64_t tile_k, int64_t tile_n) {
  int64_t wrong = 0;
  for (int64_t n0 = 0; n0 < g.gemm_n; n0 += tile_n)
    for (int64_t k0 = 0; k0 < g.gemm_k; k0 += tile_k)
      for (int64_t m0 = 0; m0 < g.gemm_m; m0 += tile_m) {  // m innermost: the same weights tile after tile
        isa::Instruction tile;
        tile.m_begin = m0, tile.m_end = std::min(g.gemm_m, m0 + tile_m);
        tile.k_begin = k0, tile.k_end = std::min(g.gemm_k, k0 + tile_k);
        tile.n_begin = n0, tile.n_end = std::min(g.gemm_n, n0 + tile_n);
        const int64_t tm = tile.tile_m(), tk = tile.tile_k(), tn = tile.tile_n();
        std::vector<uint8_t> packed;  // the weight SRAM's rows of the tile
        for (int64_t n = tile.n_begin; n < tile.n_end; ++n)
          for (int64_t k = tile.k_begin; k < tile.k_end; ++k) packed.push_back(weights[n * g.gemm_k + k]);
        InputSlice slice = input_slice_shape(g, tile);  // the line buffer, as the PE array reads it
        if (g.type == model::LayerType::Linear) {
          slice.bytes.assign(input.begin() + tile.k_begin, input.begin() + tile.k_end);
        } else {
          for (int64_t c = slice.channel_begin; c < slice.channel_end; ++c)
            for (int64_t y = slice.row_begin; y < slice.row_end; ++y)
              for (int64_t x = 0; x < slice.width; ++x)
                slice.bytes.push_back(input[(c * g.input.height + y) * g.input.width + x]);
        }
        datapath.gather(g, tile, packed.data(), slice);
        std::vector<int64_t> partial(static_cast<std::size_t>(tm * tn), -1);
        datapath.multiply(tm, tk, tn, partial.data());
        for (int64_t m = 0; m < tm; ++m)
          for (int64_t n = 0; n < tn; ++n) {
            int64_t expected = 0;
            for (int64_t k = tile.k_begin; k < tile.k_end; ++k)
              expected += operand(g, input, tile.m_begin + m, k) *
                          (static_cast<int8_t>(weights[(tile.n_begin + n) * g.gemm_k + k]) - g.weight_zero_point);
            if (partial[m * tn + n] != expected && wrong++ < 5)
              ADD_FAILURE() << g.name << " tile m " << tile.m_begin << " k " << tile.k_begin << " n " << tile.n_begin
                            << ": partial[" << m << "][" << n << "] " << partial[m * tn + n] << ", expected "
                            << expected;
          }
      }
  return wrong;
}

std::vector<uint8_t> random_bytes(std::mt19937& generator, int64_t count) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<uint8_t> bytes(static_cast<std::size_t>(count));
  for (auto& b : bytes) b = static_cast<uint8_t>(byte(generator));
  return bytes;
}

TEST(TileDatapath, EveryTileEqualsTheDefinitionWhenBytesRepeatAndChange) {
  // Tile shapes: odd and even tile_m (rows in pairs and a last single row), tile_n leaving
  // 1, 2 and 3 channels after groups of four, tile_k with tails of every length modulo 16.
  const Case cases[] = {
      {"conv3x3_pad1_uint8", model::LayerType::Conv2d, 5, 9, 11, 3, 1, 1, 7, model::DType::UInt8, 131, 0},
      {"conv7x7_stride2_pad3", model::LayerType::Conv2d, 3, 16, 15, 7, 2, 3, 9, model::DType::UInt8, 2, 0},
      {"conv1x1_stride2_int8", model::LayerType::Conv2d, 13, 8, 8, 1, 2, 0, 6, model::DType::Int8, -5, 3},
      {"conv5x5_int8_weight_zp", model::LayerType::Conv2d, 2, 12, 12, 5, 1, 0, 5, model::DType::Int8, 0, -128},
      {"linear_uint8", model::LayerType::Linear, 37, 1, 1, 1, 1, 0, 10, model::DType::UInt8, 128, 0},
  };
  const int64_t tiles[][3] = {{16, 1 << 20, 64}, {7, 19, 5}, {1, 8, 3}, {4, 33, 2}, {2, 1 << 20, 1}};
  std::mt19937 generator(15);
  TileDatapath datapath;  // one for everything, as in the PE array
  for (const Case& c : cases) {
    const LayerGeometry g = geometry(c);
    const int64_t input_count = g.input.channels * g.input.height * g.input.width;
    for (const auto& t : tiles) {
      // The same weights and two different images: the line buffer's bytes change between
      // them in the same layout; then new weights on the same image.
      const std::vector<uint8_t> weights = random_bytes(generator, g.gemm_n * g.gemm_k);
      const std::vector<uint8_t> first = random_bytes(generator, input_count);
      const std::vector<uint8_t> second = random_bytes(generator, input_count);
      EXPECT_EQ(run_tiles(datapath, g, first, weights, t[0], t[1], t[2]), 0) << c.name;
      EXPECT_EQ(run_tiles(datapath, g, second, weights, t[0], t[1], t[2]), 0) << c.name;
      EXPECT_EQ(run_tiles(datapath, g, second, random_bytes(generator, g.gemm_n * g.gemm_k), t[0], t[1], t[2]), 0)
          << c.name;
    }
  }
}

// The largest operand magnitudes (255 after the zero points, activations and weights) over a
// long window (K = 9,900): the centre pixel's sums are 9,900 * 255 * 255 = 643,747,500.
TEST(TileDatapath, ExtremeOperandsOverALongWindow) {
  const Case c{"extreme", model::LayerType::Conv2d, 1100, 3, 3, 3, 1, 1, 5, model::DType::UInt8, 0, -128};
  const LayerGeometry g = geometry(c);
  const std::vector<uint8_t> input(static_cast<std::size_t>(1100 * 9), 255);                // 255 - 0
  const std::vector<uint8_t> weights(static_cast<std::size_t>(g.gemm_n * g.gemm_k), 0x7f);  // 127 + 128 = 255
  TileDatapath datapath;
  EXPECT_EQ(run_tiles(datapath, g, input, weights, 3, 1 << 20, 5), 0);
}

// The same through the pair kernel (tile_k <= 1,024: pairs of k against eight channels):
// K = 7 * 3 * 3 = 63, odd, so the last pair's second operand lies past the row; 9 channels (a
// full panel of eight and one more); every sum is 63 * 255 * 255 = 4,096,575 at the centre and
// less where the window meets the padding. Then tile_m 6 (a group of four rows and two single
// rows), tile_n 3, and a random image with tile_k 21 (odd) over two panels.
TEST(TileDatapath, ExtremeOperandsThroughThePairKernel) {
  const Case c{"short", model::LayerType::Conv2d, 7, 5, 6, 3, 1, 1, 9, model::DType::UInt8, 0, -128};
  const LayerGeometry g = geometry(c);
  const std::vector<uint8_t> input(static_cast<std::size_t>(7 * 5 * 6), 255);
  const std::vector<uint8_t> weights(static_cast<std::size_t>(g.gemm_n * g.gemm_k), 0x7f);
  TileDatapath datapath;
  EXPECT_EQ(run_tiles(datapath, g, input, weights, 30, 63, 9), 0);
  EXPECT_EQ(run_tiles(datapath, g, input, weights, 6, 64, 3), 0);
  std::mt19937 generator(3);
  EXPECT_EQ(run_tiles(datapath, g, random_bytes(generator, 7 * 5 * 6), weights, 13, 21, 9), 0);
  // The kernel's longest tile_k, 1,024 of K = 114 * 9 = 1,026: 1,024 * 255 * 255 = 66,585,600
  // at the centre pixel, then a tile of the last 2.
  const Case wide{"long", model::LayerType::Conv2d, 114, 3, 3, 3, 1, 1, 9, model::DType::UInt8, 0, -128};
  const LayerGeometry long_window = geometry(wide);
  EXPECT_EQ(run_tiles(datapath, long_window, std::vector<uint8_t>(static_cast<std::size_t>(114 * 9), 255),
                      std::vector<uint8_t>(static_cast<std::size_t>(long_window.gemm_n * long_window.gemm_k), 0x7f), 9,
                      1024, 9),
            0);
}

// accumulate() against its definition, element by element: start (the accumulator when the tile
// continues a sum, else the bias or 0) + partial, and at the int32 edges: a sum of exactly
// INT32_MAX or INT32_MIN stays, one past either end saturates (or, with the error policy, is
// reported with its output index and value).
TEST(TileDatapath, AccumulateEqualsItsDefinitionAtTheInt32Edges) {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max(), kMin = std::numeric_limits<int32_t>::min();
  LayerGeometry g;
  g.name = "edge";
  g.output = {3, 2, 5};  // 3 channels of 2 x 5: output index = (n_begin + n) * 10 + m_begin + m
  isa::Instruction tile;
  tile.m_begin = 2, tile.m_end = 9;  // tm = 7
  tile.n_begin = 1, tile.n_end = 3;  // tn = 2
  const int64_t tm = 7, tn = 2;
  const std::vector<int32_t> bias = {-1000, 70000};
  std::mt19937 generator(5);
  std::uniform_int_distribution<int32_t> small(-100000, 100000);
  for (const bool continues : {false, true})
    for (const bool with_bias : {false, true}) {
      std::vector<int32_t> before(static_cast<std::size_t>(tm * tn));
      for (auto& v : before) v = small(generator);
      std::vector<int64_t> partial(before.size());
      for (auto& v : partial) v = small(generator);
      auto start = [&](int64_t m, int64_t n) -> int64_t {
        if (continues) return before[static_cast<std::size_t>(m * tn + n)];
        return with_bias ? bias[static_cast<std::size_t>(n)] : 0;
      };
      // Sums at exactly the int32 ends: partial = end - start.
      partial[3] = kMax - start(1, 1);
      partial[8] = kMin - start(4, 0);
      tile.accumulate = continues;
      const int32_t* bias_or_null = with_bias ? bias.data() : nullptr;
      g.overflow = model::OverflowPolicy::Error;
      std::vector<int32_t> acc = before;
      EXPECT_FALSE(TileDatapath::accumulate(g, tile, partial.data(), bias_or_null, acc.data()));
      for (int64_t m = 0; m < tm; ++m)
        for (int64_t n = 0; n < tn; ++n)
          ASSERT_EQ(acc[static_cast<std::size_t>(m * tn + n)],
                    start(m, n) + partial[static_cast<std::size_t>(m * tn + n)])
              << m << " " << n << " continues " << continues << " bias " << with_bias;
      EXPECT_EQ(acc[3], kMax);
      EXPECT_EQ(acc[8], kMin);

      // One past each end: element (m 1, n 1) reaches INT32_MAX + 1, (m 4, n 0) INT32_MIN - 1.
      partial[3] += 1;
      partial[8] -= 1;
      acc = before;
      const auto error = TileDatapath::accumulate(g, tile, partial.data(), bias_or_null, acc.data());
      ASSERT_TRUE(error);
      // The first in m-major order: m 1, n 1 -> output index (1 + 1) * 10 + 2 + 1 = 23.
      EXPECT_NE(error->find("output element 23 reached 2147483648"), std::string::npos) << *error;
      g.overflow = model::OverflowPolicy::Saturate;
      acc = before;
      EXPECT_FALSE(TileDatapath::accumulate(g, tile, partial.data(), bias_or_null, acc.data()));
      for (int64_t i = 0; i < tm * tn; ++i) {
        const int64_t sum = start(i / tn, i % tn) + partial[static_cast<std::size_t>(i)];
        ASSERT_EQ(acc[static_cast<std::size_t>(i)], std::clamp(sum, kMin, kMax)) << i;
      }
      EXPECT_EQ(acc[3], kMax);
      EXPECT_EQ(acc[8], kMin);
    }
}

}  // namespace
}  // namespace accelsim::modules
