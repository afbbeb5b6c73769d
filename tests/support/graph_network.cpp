#include "tests/support/graph_network.h"

#include <cstdint>
#include <random>
#include <vector>

#include "core/npy/npy_array.h"
#include "tests/support/random_tensor.h"

namespace accelsim::testing {

GraphNetwork::GraphNetwork(const TempDir& dir, unsigned seed) : dir_(dir) {
  std::mt19937 generator(seed);
  const auto root = dir.path() / "graph";
  std::filesystem::create_directories(root);
  auto weights = [&](const char* file, std::vector<int64_t> shape) {
    std::size_t count = 1;
    for (int64_t d : shape) count *= static_cast<std::size_t>(d);
    const auto values = random_values<int8_t>(generator, count, -127, 127);
    npy::write_npy(root / file, npy::Dtype::Int8, shape, values.data());
  };
  weights("stem.npy", {4, 1, 3, 3});
  weights("dw.npy", {8, 1, 3, 3});
  weights("pw.npy", {4, 8, 1, 1});
  weights("side.npy", {4, 1, 1, 1});
  weights("fc.npy", {4, 4});
  const auto bias = random_values<int32_t>(generator, 8, -2000, 2000);
  npy::write_npy(root / "dw.bias.npy", npy::Dtype::Int32, {8}, bias.data());
  std::vector<int8_t> table(256);
  for (int p = 0; p < 256; ++p) table[p] = static_cast<int8_t>(p / 2 - 64);
  npy::write_npy(root / "input_table.npy", npy::Dtype::Int8, {256}, table.data());
  auto images = random_values<uint8_t>(generator, 5 * 6 * 6, 0, 255);
  npy::write_npy(root / "images.npy", npy::Dtype::UInt8, {5, 6, 6}, images.data());
  auto labels = random_values<uint8_t>(generator, 5, 0, 3);
  npy::write_npy(root / "labels.npy", npy::Dtype::UInt8, {5}, labels.data());
}

std::string GraphNetwork::yaml() {
  return std::string("include:\n  - ") + ACCELSIM_SOURCE_DIR + R"(/configs/hardware/edge_small.yaml
network:
  name: graph
  activation_dtype: int8
  input:
    shape: [1, 8, 8]
    images: graph/images.npy
    labels: graph/labels.npy
    pad: 1
    pixel_table: graph/input_table.npy
    zero_point: 0
  layers:
    - name: stem
      type: conv2d
      out_channels: 4
      kernel: 3
      padding: 1
      weights: graph/stem.npy
      input_zero_point: 0
      weight_zero_point: 0
      requant: {mode: divide, divisor: 64, rounding: floor, output_zero_point: 0, clamp: [-128, 127], relu: true}
    - name: dw
      type: conv2d
      out_channels: 8
      kernel: 3
      padding: 1
      groups: 4
      weights: graph/dw.npy
      bias: graph/dw.bias.npy
      input_zero_point: 0
      weight_zero_point: 0
      requant: {mode: multiply, multiplier: 0.01, precision: float32, rounding: half_even, output_zero_point: 3,
                clamp: [-128, 127], relu: false}
    - name: pw
      type: conv2d
      out_channels: 4
      kernel: 1
      weights: graph/pw.npy
      input_zero_point: 3
      weight_zero_point: 0
      requant: {mode: fixed_point, multiplier: 1717986918, shift: 7, rounding: gemmlowp, output_zero_point: -2,
                clamp: [-128, 127], relu: false}
    - name: add1
      type: add
      inputs: [stem, pw]
      input_zero_points: [0, -2]
      requant: {mode: multiply, multipliers: [0.75, 0.5], precision: float32, rounding: half_even,
                output_zero_point: 1, clamp: [-128, 127], relu: true}
    - name: side
      type: conv2d
      inputs: [input]
      out_channels: 4
      kernel: 1
      weights: graph/side.npy
      input_zero_point: 0
      weight_zero_point: 0
      requant: {mode: shift, shift: 5, rounding: half_away, output_zero_point: 0, clamp: [-128, 127], relu: false}
    - name: add2
      type: add
      inputs: [add1, side]
      input_zero_points: [1, 0]
      requant: {mode: fixed_point, multipliers: [3, 5], shift: 3, rounding: half_away, output_zero_point: 0,
                clamp: [-100, 100], relu: false}
    - {name: maxp, type: maxpool, kernel: 3, stride: 2, padding: 1}
    - {name: avg, type: avgpool, kernel: 2, stride: 1, padding: 1, rounding: half_away}
    - {name: gap, type: global_avgpool}
    - {name: flat, type: flatten}
    - name: fc
      type: linear
      out_features: 4
      weights: graph/fc.npy
      input_zero_point: 0
      weight_zero_point: 0
      requant: {mode: divide, divisor: 16, rounding: half_even, output_zero_point: 0, clamp: [-128, 127], relu: false}
)";
}

std::filesystem::path GraphNetwork::write_config(const std::string& text, const std::string& name) const {
  return dir_.write(name, text);
}

}  // namespace accelsim::testing
