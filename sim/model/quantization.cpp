#include "sim/model/quantization.h"

#include <sstream>

namespace accelsim::model {

DTypeRange range_of(DType dtype) { return dtype == DType::Int8 ? DTypeRange{-128, 127} : DTypeRange{0, 255}; }
const char* name_of(DType dtype) { return dtype == DType::Int8 ? "int8" : "uint8"; }

const char* name_of(RequantMode mode) {
  switch (mode) {
    case RequantMode::Divide: return "divide";
    case RequantMode::Multiply: return "multiply";
    case RequantMode::FixedPoint: return "fixed_point";
    case RequantMode::Shift: return "shift";
  }
  return "?";
}

const char* name_of(Rounding rounding) {
  switch (rounding) {
    case Rounding::Floor: return "floor";
    case Rounding::Ceil: return "ceil";
    case Rounding::Truncate: return "truncate";
    case Rounding::HalfUp: return "half_up";
    case Rounding::HalfAway: return "half_away";
    case Rounding::HalfEven: return "half_even";
    case Rounding::Gemmlowp: return "gemmlowp";
  }
  return "?";
}

const char* name_of(Precision precision) { return precision == Precision::Float32 ? "float32" : "float64"; }

std::string RequantSpec::describe() const {
  std::ostringstream out;
  switch (mode) {
    case RequantMode::Divide: out << "divide by " << divisor; break;
    case RequantMode::Multiply: out << "multiply by " << multiplier << " (" << name_of(precision) << ")"; break;
    case RequantMode::FixedPoint: out << "fixed point " << fixed_multiplier << " * 2^-" << (31 + shift); break;
    case RequantMode::Shift: out << "shift right by " << shift; break;
  }
  out << ", " << name_of(rounding) << ", zp " << output_zero_point << ", clamp [" << lower_bound() << ", " << upper_bound() << "]";
  return out.str();
}

}  // namespace accelsim::model
