// Multi-channel (RGB) inputs: images as [N, C, h, w], padded and mapped per channel, and a
// small 3-channel network simulated bit-exactly against the golden model.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/npy/npy_array.h"
#include "golden/reference_model.h"
#include "sim/run/simulation.h"
#include "sim/run/workload.h"
#include "tests/support/temp_dir.h"

namespace accelsim::run {
namespace {

// Tensors with a fixed arithmetic pattern (no generator): each channel's pixels differ, so a
// channel read from the wrong plane changes the outputs.
void write_rgb_network(const testing::TempDir& dir) {
  std::filesystem::create_directories(dir.path() / "rgb");
  std::vector<uint8_t> images(4 * 3 * 5 * 5);
  for (std::size_t i = 0; i < images.size(); ++i) images[i] = static_cast<uint8_t>((i * 37 + i / 25 * 11) % 256);
  npy::write_npy(dir.path() / "rgb/images.npy", npy::Dtype::UInt8, {4, 3, 5, 5}, images.data());
  const std::vector<uint8_t> labels = {0, 1, 2, 1};
  npy::write_npy(dir.path() / "rgb/labels.npy", npy::Dtype::UInt8, {4}, labels.data());
  std::vector<int8_t> table(256);
  for (int p = 0; p < 256; ++p) table[static_cast<std::size_t>(p)] = static_cast<int8_t>(p / 2 - 64);
  npy::write_npy(dir.path() / "rgb/table.npy", npy::Dtype::Int8, {256}, table.data());
  std::vector<int8_t> conv(4 * 3 * 3 * 3);
  for (std::size_t i = 0; i < conv.size(); ++i) conv[i] = static_cast<int8_t>(static_cast<int>(i * 29 % 61) - 30);
  npy::write_npy(dir.path() / "rgb/conv.npy", npy::Dtype::Int8, {4, 3, 3, 3}, conv.data());
  std::vector<int8_t> fc(3 * 4 * 3 * 3);
  for (std::size_t i = 0; i < fc.size(); ++i) fc[i] = static_cast<int8_t>(static_cast<int>(i * 17 % 51) - 25);
  npy::write_npy(dir.path() / "rgb/fc.npy", npy::Dtype::Int8, {3, 36}, fc.data());
}

// conv 3x3 pad 1 (3 -> 4 channels) on a 3x7x7 input (5x5 images padded by 1), maxpool 2 -> 4x3x3
// (floor((7-2)/2)+1 = 3), linear 36 -> 3.
constexpr const char* kRgbConfig = R"(include: )" ACCELSIM_SOURCE_DIR R"(/configs/hardware/edge_small.yaml
network:
  name: rgb
  activation_dtype: int8
  input:
    shape: [3, 7, 7]
    images: rgb/images.npy
    labels: rgb/labels.npy
    pad: 1
    pixel_table: rgb/table.npy
    zero_point: 0
  layers:
    - name: conv
      type: conv2d
      out_channels: 4
      kernel: 3
      padding: 1
      weights: rgb/conv.npy
      input_zero_point: 0
      weight_zero_point: 0
      requant: {mode: divide, divisor: 96, rounding: floor, output_zero_point: 0, clamp: [-127, 127], relu: true}
    - {name: pool, type: maxpool, kernel: 2}
    - name: fc
      type: linear
      out_features: 3
      weights: rgb/fc.npy
      input_zero_point: 0
      weight_zero_point: 0
      requant: {mode: divide, divisor: 128, rounding: floor, output_zero_point: 0, clamp: [-127, 127], relu: false}
)";

TEST(MultiChannelInput, EachChannelIsPaddedAndMappedInItsOwnPlane) {
  testing::TempDir dir;
  write_rgb_network(dir);
  const auto workload = load_workload(dir.write("rgb.yaml", kRgbConfig), {});
  ASSERT_EQ(workload->dataset.channels, 3);
  ASSERT_EQ(workload->dataset.count, 4);
  const auto values = model::input_activations(workload->network.input, workload->dataset, 1);
  ASSERT_EQ(values.size(), 3u * 7 * 7);
  // Image 1, channel c, pixel (y, x) is element i = 75 + 25c + 5y + x of the file, whose value is
  // (37i + 11*floor(i/25)) mod 256; the table maps p to floor(p/2) - 64; padding is pixel 0 -> -64.
  auto expected = [](int c, int y, int x) {
    const int i = 75 + 25 * c + 5 * y + x;
    return (i * 37 + i / 25 * 11) % 256 / 2 - 64;
  };
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(values[static_cast<std::size_t>(c * 49)], -64) << "corner padding of channel " << c;
    EXPECT_EQ(values[static_cast<std::size_t>(c * 49 + 1 * 7 + 1)], expected(c, 0, 0)) << c;
    EXPECT_EQ(values[static_cast<std::size_t>(c * 49 + 5 * 7 + 3)], expected(c, 4, 2)) << c;
  }
  // i = 75 -> 2775 + 33 = 2808 mod 256 = 248 -> 60; i = 100 -> 3700 + 44 = 3744 mod 256 = 160 -> 16.
  EXPECT_EQ(values[1 * 7 + 1], 60);
  EXPECT_EQ(values[49 + 1 * 7 + 1], 16);
}

TEST(MultiChannelInput, ThreeChannelNetworkIsBitExactOnTheAccelerator) {
  testing::TempDir dir;
  write_rgb_network(dir);
  const auto workload = load_workload(dir.write("rgb.yaml", kRgbConfig), {});
  const RunResult result = simulate(*workload, 4);
  ASSERT_FALSE(result.failure) << result.failure->message;
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches, first in layer "
                                  << result.first_mismatch->layer;
  // The conv layer reads all three input channels: K = 3 * 3 * 3 = 27 per output.
  EXPECT_EQ(workload->network.layers[0].gemm_k(), 27);
  EXPECT_EQ(result.stats->layers[0]->value("macs"), 4 * 7 * 7 * 27 * 4);
  // The DMA loads the whole 3-plane input: 3 * 7 * 7 = 147 bytes per image.
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 4 * 147);
  // The check is not vacuous: the conv outputs are not all the same value.
  golden::ReferenceModel golden(workload->network);
  const auto outputs = golden.run(model::input_activations(workload->network.input, workload->dataset, 0));
  int distinct = 0;
  for (std::size_t i = 1; i < outputs[0].values.size(); ++i) distinct += outputs[0].values[i] != outputs[0].values[0];
  EXPECT_GT(distinct, 0);
}

TEST(MultiChannelInput, ImagesWithTheWrongChannelCountAreRefused) {
  testing::TempDir dir;
  write_rgb_network(dir);
  std::vector<uint8_t> gray(4 * 5 * 5, 7);
  npy::write_npy(dir.path() / "rgb/images.npy", npy::Dtype::UInt8, {4, 5, 5}, gray.data());
  try {
    load_workload(dir.write("rgb.yaml", kRgbConfig), {});
    FAIL() << "expected an error";
  } catch (const config::ConfigurationError& e) {
    EXPECT_TRUE(testing::contains(e.what(), "network.input.images: ")) << e.what();
    EXPECT_TRUE(testing::contains(e.what(), "expected uint8 [N, 3, h, w], got uint8 [4, 5, 5]")) << e.what();
  }
}

}  // namespace
}  // namespace accelsim::run
