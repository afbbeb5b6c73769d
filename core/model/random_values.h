#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "core/model/network.h"

namespace accelsim::model {

// Seeded values for `network.values: random` (docs/config.md states the rules). The same seed
// gives the same values on every machine: std::mt19937_64's sequence is fixed by the standard,
// and integers are mapped to a range here, not by std::uniform_int_distribution (whose mapping
// is implementation-defined).
class SeededValues {
 public:
  // A generator for one purpose (`stream`) and one index (a layer, an image), independent of the
  // others: adding a layer does not change the values of the layers before it.
  SeededValues(uint64_t seed, uint64_t stream, uint64_t index);
  // Uniform in [lo, hi], both included (rejection sampling: unbiased).
  int64_t uniform(int64_t lo, int64_t hi);

 private:
  std::mt19937_64 engine_;
};

// What the generator knows of a tensor's values, modelled as a zero-mean normal variable that a
// ReLU may have rectified: their root mean square about the zero point, which the next layer's
// requantization multiplier is chosen from, and whether they are rectified.
struct ValueSpread {
  double rms = 0;
  bool rectified = false;
};

// Fills one layer's values (weights, bias, zero points, requantization) from `values` and
// returns the spread of its output. `inputs` are the spreads of the tensors it reads; `last` says
// whether it produces the network's output (no ReLU there). Adding a layer type is one function
// of this signature, registered in random_value_generators().
using LayerValueGenerator = ValueSpread (*)(Layer& layer, const std::vector<ValueSpread>& inputs, bool last,
                                            DType dtype, SeededValues& values);
const std::map<LayerType, LayerValueGenerator>& random_value_generators();

// The zero point of every generated activation tensor: 0 for int8, 128 for uint8.
int32_t random_zero_point(DType dtype);
// Fills every layer's values, layer by layer (network.seed), and the input's zero point.
void generate_random_values(Network& network);
// Image `image`'s input activations, uniform over the activation dtype, in [C, H, W] order.
std::vector<int32_t> random_input(const Network& network, int64_t image);

}  // namespace accelsim::model
