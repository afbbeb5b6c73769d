#pragma once

#include <filesystem>
#include <string>

#include "tests/support/temp_dir.h"

namespace accelsim::testing {

// One conv2d (`in_channels` -> `out_channels` channels in `groups` groups, 3x3, stride 1, pad 1) on an
// [in_channels, 16, 16] input with seeded random values (values: random), on
// configs/hardware/edge_small.yaml; written into `dir`.
inline std::filesystem::path band_conv_config(const TempDir& dir, int out_channels = 4, int in_channels = 1,
                                              int groups = 1) {
  return dir.write("band_conv.yaml", std::string("include:\n  - ") + ACCELSIM_SOURCE_DIR +
                                         R"(/configs/hardware/edge_small.yaml
network:
  name: band_conv
  activation_dtype: int8
  values: random
  seed: 3
  input:
    shape: [)" + std::to_string(in_channels) +
                                         R"(, 16, 16]
    zero_point: 0
  layers:
    - name: conv
      type: conv2d
      out_channels: )" + std::to_string(out_channels) +
                                         R"(
      kernel: [3, 3]
      stride: 1
      padding: 1
      groups: )" + std::to_string(groups) +
                                         "\n");
}

// One linear layer (`in_channels` x `in_size` x `in_size` inputs -> `out_features`) with seeded
// random values (values: random), on configs/hardware/edge_small.yaml; written into `dir`.
inline std::filesystem::path band_linear_config(const TempDir& dir, int in_channels, int in_size, int out_features) {
  return dir.write("band_linear.yaml", std::string("include:\n  - ") + ACCELSIM_SOURCE_DIR +
                                           R"(/configs/hardware/edge_small.yaml
network:
  name: band_linear
  activation_dtype: int8
  values: random
  seed: 5
  input:
    shape: [)" + std::to_string(in_channels) +
                                           ", " + std::to_string(in_size) + ", " + std::to_string(in_size) +
                                           R"(]
    zero_point: 0
  layers:
    - name: fc
      type: linear
      out_features: )" + std::to_string(out_features) +
                                           "\n");
}

}  // namespace accelsim::testing
