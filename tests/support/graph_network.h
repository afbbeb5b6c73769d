#pragma once

#include <filesystem>
#include <string>

#include "tests/support/temp_dir.h"

namespace accelsim::testing {

// A small graph network with every layer type and both kinds of branch (a residual add, a
// layer reading the network input), seeded random int8 tensors and five 6x6 images, written
// into a TempDir (as TinyNetwork):
//
//   input [1,8,8] -> stem (conv 3x3 pad 1, 1->4, ReLU) -> dw (depthwise 3x3 pad 1, 4->8:
//   channel multiplier 2) -> pw (conv 1x1 8->4) -> add1 = stem + pw (float32) ->
//   add2 = add1 + side (fixed point), side = conv 1x1 of the input -> maxp (maxpool 3x3
//   stride 2 pad 1) -> avg (avgpool 2x2 stride 1 pad 1) -> gap (global_avgpool) -> flat ->
//   fc (linear 4->4)
class GraphNetwork {
 public:
  explicit GraphNetwork(const TempDir& dir, unsigned seed = 7);

  // The whole config (network: and an include of configs/hardware/edge_small.yaml).
  static std::string yaml();
  std::filesystem::path write_config(const std::string& text, const std::string& name = "graph.yaml") const;

 private:
  const TempDir& dir_;
};

}  // namespace accelsim::testing
