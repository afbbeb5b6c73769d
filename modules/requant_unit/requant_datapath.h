#pragma once

#include <cstdint>

#include "core/model/quantization.h"

namespace accelsim::modules {

// The requantization unit's arithmetic, written the way the hardware computes it: a
// sign-magnitude divider with a rounding correction, a float32/float64 multiplier, gemmlowp's
// doubling high multiply and rounding shift, an arithmetic shifter. Independent of the golden
// model's exact-rational formulation, so that each checks the other.
class RequantDatapath {
 public:
  explicit RequantDatapath(const model::RequantSpec& spec) : spec_(spec) {}

  // One int32 accumulator to one output activation (as an int32: int8 or uint8 range).
  int32_t operator()(int32_t acc) const;

 private:
  int64_t divide(int32_t acc) const;
  int64_t multiply(int32_t acc) const;
  int64_t fixed_point(int32_t acc) const;
  int64_t shift(int32_t acc) const;

  model::RequantSpec spec_;
};

}  // namespace accelsim::modules
