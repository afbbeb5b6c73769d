#include "golden/requantize.h"

#include <algorithm>
#include <cmath>

#include "golden/exact_rounding.h"

namespace accelsim::golden {

using model::Precision;
using model::RequantMode;
using model::Rounding;

namespace {

int128 power_of_two(int exponent) { return int128{1} << exponent; }

// The scaled accumulator, rounded; wide enough that nothing wraps before the clamp.
int128 scaled(int32_t acc, const model::RequantSpec& spec) {
  switch (spec.mode) {
    case RequantMode::Divide:
      return round_quotient(acc, spec.divisor, spec.rounding);
    case RequantMode::Shift:
      return round_quotient(acc, power_of_two(spec.shift), spec.rounding);
    case RequantMode::FixedPoint: {
      const int128 product = int128{acc} * spec.fixed_multiplier;
      if (spec.rounding != Rounding::Gemmlowp)
        return round_quotient(product, power_of_two(31 + spec.shift), spec.rounding);
      // gemmlowp rounds twice: the doubling high multiply to nearest with ties up, then the
      // power-of-two division to nearest with ties away from zero.
      const int128 high = round_quotient(product, power_of_two(31), Rounding::HalfUp);
      return round_quotient(high, power_of_two(spec.shift), Rounding::HalfAway);
    }
    case RequantMode::Multiply: {
      double rounded = 0;
      if (spec.precision == Precision::Float32) {
        const float product = static_cast<float>(acc) * static_cast<float>(spec.multiplier);
        rounded = round_real(product, spec.rounding);
      } else {
        rounded = round_real(static_cast<double>(acc) * spec.multiplier, spec.rounding);
      }
      // |acc| < 2^31 and M <= 2^16, so the value fits an int128 comfortably.
      return static_cast<int128>(rounded);
    }
  }
  return 0;
}

}  // namespace

int32_t requantize(int32_t acc, const model::RequantSpec& spec) {
  const int128 shifted = scaled(acc, spec) + spec.output_zero_point;
  // A fused ReLU clips real values below 0, i.e. stored values below the output zero point.
  const int128 low = spec.relu ? std::max(spec.clamp_min, spec.output_zero_point) : spec.clamp_min;
  const int128 clamped = std::clamp<int128>(shifted, low, spec.clamp_max);
  return static_cast<int32_t>(clamped);
}

}  // namespace accelsim::golden
