#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace accelsim::testing {

// `count` values drawn uniformly from [lo, hi], for the tensors of the tests' small networks.
template <typename T>
std::vector<T> random_values(std::mt19937& generator, std::size_t count, int lo, int hi) {
  std::uniform_int_distribution<int> distribution(lo, hi);
  std::vector<T> values(count);
  for (auto& v : values) v = static_cast<T>(distribution(generator));
  return values;
}

}  // namespace accelsim::testing
