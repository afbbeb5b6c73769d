#include "golden/requantize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "golden/exact_rounding.h"

namespace accelsim::golden {

using model::Precision;
using model::RequantMode;
using model::Rounding;

namespace {

int128 power_of_two(int exponent) { return int128{1} << exponent; }

// The scaled accumulator, rounded; wide enough that nothing wraps before the clamp.
int128 scaled(int32_t acc, const model::RequantSpec& spec, int64_t channel) {
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
      if (spec.per_channel() && (channel < 0 || channel >= static_cast<int64_t>(spec.channel_multipliers.size())))
        throw std::out_of_range("requantize: channel " + std::to_string(channel) + " has no multiplier");
      const double multiplier = spec.multiplier_of(channel);
      double rounded = 0;
      if (spec.precision == Precision::Float32) {
        const float product = static_cast<float>(acc) * static_cast<float>(multiplier);
        rounded = round_real(product, spec.rounding);
      } else {
        rounded = round_real(static_cast<double>(acc) * multiplier, spec.rounding);
      }
      // |acc| < 2^31 and M <= 2^16, so the value fits an int128 comfortably.
      return static_cast<int128>(rounded);
    }
  }
  return 0;
}

int32_t clamp_output(int128 scaled_value, const model::RequantSpec& spec) {
  const int128 shifted = scaled_value + spec.output_zero_point;
  // A fused ReLU clips real values below 0, i.e. stored values below the output zero point.
  const int128 low = spec.relu ? std::max(spec.clamp_min, spec.output_zero_point) : spec.clamp_min;
  const int128 clamped = std::clamp<int128>(shifted, low, spec.clamp_max);
  return static_cast<int32_t>(clamped);
}

// The float sum of the two scaled operands, each product and the sum rounded to Real (IEEE,
// to nearest even), then rounded to an integer by `rounding`.
template <typename Real>
int128 float_sum(int64_t da, int64_t db, const model::AddSpec& add, model::Rounding rounding) {
  const Real product_a = static_cast<Real>(add.multipliers[0]) * static_cast<Real>(da);
  const Real product_b = static_cast<Real>(add.multipliers[1]) * static_cast<Real>(db);
  const Real sum = product_a + product_b;
  return static_cast<int128>(round_real(sum, rounding));
}

}  // namespace

int32_t requantize(int32_t acc, const model::RequantSpec& spec, int64_t channel) {
  return clamp_output(scaled(acc, spec, channel), spec);
}

int128 fixed_point_sum(int32_t a, int32_t b, const model::AddSpec& add) {
  return int128{add.fixed_multipliers[0]} * (int64_t{a} - add.input_zero_points[0]) +
         int128{add.fixed_multipliers[1]} * (int64_t{b} - add.input_zero_points[1]);
}

int32_t requantize_sum(int32_t a, int32_t b, const model::Layer& layer) {
  const model::AddSpec& add = layer.add;
  const model::RequantSpec& spec = layer.requant;
  const int64_t da = int64_t{a} - add.input_zero_points[0], db = int64_t{b} - add.input_zero_points[1];
  if (spec.mode == RequantMode::FixedPoint)
    return clamp_output(round_quotient(fixed_point_sum(a, b, add), power_of_two(spec.shift), spec.rounding), spec);
  if (add.arithmetic == model::AddArithmetic::OnnxRuntimeFma) {
    // ONNX Runtime's QLinearAdd (AVX2): on the stored values, the output zero point inside the
    // float sum, every multiply-add fused (one rounding each, std::fma).
    const float ma = static_cast<float>(add.multipliers[0]), mb = static_cast<float>(add.multipliers[1]);
    const float offset =
        static_cast<float>(spec.output_zero_point) -
        std::fma(ma, static_cast<float>(add.input_zero_points[0]), mb * static_cast<float>(add.input_zero_points[1]));
    const float sum = std::fma(static_cast<float>(a), ma, std::fma(static_cast<float>(b), mb, offset));
    const int128 stored = static_cast<int128>(round_real(sum, spec.rounding));
    const int128 low = spec.relu ? std::max(spec.clamp_min, spec.output_zero_point) : spec.clamp_min;
    return static_cast<int32_t>(std::clamp<int128>(stored, low, spec.clamp_max));
  }
  if (spec.precision == Precision::Float32) return clamp_output(float_sum<float>(da, db, add, spec.rounding), spec);
  return clamp_output(float_sum<double>(da, db, add, spec.rounding), spec);
}

}  // namespace accelsim::golden
