#include "tests/support/tiny_network.h"

#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "core/npy/npy_array.h"
#include "tests/support/random_tensor.h"

namespace accelsim::testing {

TinyNetwork::TinyNetwork(const TempDir& dir, unsigned seed) : dir_(dir) {
  std::mt19937 generator(seed);
  const auto root = dir.path();
  std::filesystem::create_directories(root / "tiny");
  auto conv = random_values<int8_t>(generator, 3 * 1 * 3 * 3, -127, 127);
  npy::write_npy(root / "tiny/conv.weights.npy", npy::Dtype::Int8, {3, 1, 3, 3}, conv.data());
  auto fc = random_values<int8_t>(generator, 4 * 27, -127, 127);
  npy::write_npy(root / "tiny/fc.weights.npy", npy::Dtype::Int8, {4, 27}, fc.data());
  std::vector<int8_t> table(256);
  for (int p = 0; p < 256; ++p) table[p] = static_cast<int8_t>(p / 2 - 64);
  npy::write_npy(root / "tiny/input_table.npy", npy::Dtype::Int8, {256}, table.data());
  auto images = random_values<uint8_t>(generator, 5 * 6 * 6, 0, 255);
  npy::write_npy(root / "tiny/images.npy", npy::Dtype::UInt8, {5, 6, 6}, images.data());
  auto labels = random_values<uint8_t>(generator, 5, 0, 3);
  npy::write_npy(root / "tiny/labels.npy", npy::Dtype::UInt8, {5}, labels.data());
}

std::string TinyNetwork::yaml() {
  return R"(network:
  name: tiny
  activation_dtype: int8
  input:
    shape: [1, 8, 8]
    images: tiny/images.npy
    labels: tiny/labels.npy
    pad: 1
    pixel_table: tiny/input_table.npy
    zero_point: 0
  layers:
    - name: conv
      type: conv2d
      out_channels: 3
      kernel: 3
      weights: tiny/conv.weights.npy
      input_zero_point: 0
      weight_zero_point: 0
      requant:
        mode: divide
        divisor: 64
        rounding: floor
        output_zero_point: 0
        clamp: [-127, 127]
        relu: true
    - name: pool
      type: maxpool
      kernel: 2
      stride: 2
    - name: fc
      type: linear
      out_features: 4
      weights: tiny/fc.weights.npy
      input_zero_point: 0
      weight_zero_point: 0
      requant:
        mode: divide
        divisor: 256
        rounding: floor
        output_zero_point: 0
        clamp: [-127, 127]
        relu: false
)";
}

std::filesystem::path TinyNetwork::write_config(const std::string& text, const std::string& name) const {
  return dir_.write(name, text);
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("replace_once: '" + from + "' not in text");
  return text.replace(at, from.size(), to);
}

}  // namespace accelsim::testing
