#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/enum_names.h"

namespace accelsim::model {

// How activation bytes are read. Weights are always int8.
enum class DType { Int8, UInt8 };

struct DTypeRange {
  int32_t min;
  int32_t max;
};
DTypeRange range_of(DType dtype);
const config::EnumNames<DType>& dtype_names();
const char* name_of(DType dtype);

// The arithmetic that maps an int32 accumulator to the next layer's activation.
enum class RequantMode {
  Divide,      // acc / divisor, rounded
  Multiply,    // acc * multiplier in float32 or float64, rounded
  FixedPoint,  // gemmlowp/TFLite: Q31 multiplier and a right shift
  Shift,       // acc / 2^shift, rounded
};

enum class Rounding {
  Floor,
  Ceil,
  Truncate,  // toward zero
  HalfUp,    // to nearest, ties toward +infinity
  HalfAway,  // to nearest, ties away from zero
  HalfEven,  // to nearest, ties to even
  Gemmlowp,  // fixed_point only: SaturatingRoundingDoublingHighMul (ties toward +inf), then
             // RoundingDivideByPOT (ties away from zero)
};

enum class Precision { Float32, Float64 };

const config::EnumNames<RequantMode>& requant_mode_names();
const config::EnumNames<Rounding>& rounding_names();
const config::EnumNames<Precision>& precision_names();
const char* name_of(RequantMode mode);
const char* name_of(Rounding rounding);
const char* name_of(Precision precision);

struct RequantSpec {
  RequantMode mode = RequantMode::Divide;
  Rounding rounding = Rounding::Floor;
  int64_t divisor = 1;      // Divide
  double multiplier = 1.0;  // Multiply (a float32 value when precision is Float32)
  // Multiply: one multiplier per output channel (per-channel weight scales, M[c] = S_in * S_w[c] /
  // S_out); when not empty it replaces `multiplier`. Float32 values when precision is Float32.
  std::vector<double> channel_multipliers;
  Precision precision = Precision::Float64;
  int32_t fixed_multiplier = 1 << 30;  // FixedPoint: Q0.31 mantissa in [2^30, 2^31 - 1]
  int32_t shift = 0;                   // FixedPoint, Shift: right shift in [0, 31]
  int32_t output_zero_point = 0;
  int32_t clamp_min = -128;
  int32_t clamp_max = 127;
  bool relu = false;  // fused: clips real values below 0, i.e. stored values below output_zero_point

  bool per_channel() const { return !channel_multipliers.empty(); }
  // The multiply mode's multiplier for output channel `channel`.
  double multiplier_of(int64_t channel) const {
    return per_channel() ? channel_multipliers[static_cast<std::size_t>(channel)] : multiplier;
  }

  // A one-line description for reports, e.g. "divide by 1234, floor".
  std::string describe() const;
};

// What happens when an accumulator leaves the int32 range.
enum class OverflowPolicy { Error, Saturate };
const config::EnumNames<OverflowPolicy>& overflow_policy_names();

// Float scales the exporter used; informative only, never used by the arithmetic.
struct Scales {
  double input = 0;
  double weight = 0;
  double output = 0;
};

}  // namespace accelsim::model
