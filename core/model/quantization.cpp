#include "core/model/quantization.h"

#include <sstream>

namespace accelsim::model {

DTypeRange range_of(DType dtype) { return dtype == DType::Int8 ? DTypeRange{-128, 127} : DTypeRange{0, 255}; }
const config::EnumNames<DType>& dtype_names() {
  static const config::EnumNames<DType> names = {{"int8", DType::Int8}, {"uint8", DType::UInt8}};
  return names;
}
const char* name_of(DType dtype) { return config::name_in(dtype_names(), dtype); }

const config::EnumNames<RequantMode>& requant_mode_names() {
  static const config::EnumNames<RequantMode> names = {{"divide", RequantMode::Divide},
                                                       {"multiply", RequantMode::Multiply},
                                                       {"fixed_point", RequantMode::FixedPoint},
                                                       {"shift", RequantMode::Shift}};
  return names;
}
const char* name_of(RequantMode mode) { return config::name_in(requant_mode_names(), mode); }

const config::EnumNames<Rounding>& rounding_names() {
  static const config::EnumNames<Rounding> names = {
      {"floor", Rounding::Floor},      {"ceil", Rounding::Ceil},          {"truncate", Rounding::Truncate},
      {"half_up", Rounding::HalfUp},   {"half_away", Rounding::HalfAway}, {"half_even", Rounding::HalfEven},
      {"gemmlowp", Rounding::Gemmlowp}};
  return names;
}
const char* name_of(Rounding rounding) { return config::name_in(rounding_names(), rounding); }

const config::EnumNames<Precision>& precision_names() {
  static const config::EnumNames<Precision> names = {{"float32", Precision::Float32}, {"float64", Precision::Float64}};
  return names;
}
const char* name_of(Precision precision) { return config::name_in(precision_names(), precision); }

const config::EnumNames<OverflowPolicy>& overflow_policy_names() {
  static const config::EnumNames<OverflowPolicy> names = {{"error", OverflowPolicy::Error},
                                                          {"saturate", OverflowPolicy::Saturate}};
  return names;
}

std::string RequantSpec::describe() const {
  std::ostringstream out;
  switch (mode) {
    case RequantMode::Divide:
      out << "divide by " << divisor;
      break;
    case RequantMode::Multiply:
      if (per_channel())
        out << "multiply by " << channel_multipliers.size() << " per-channel multipliers (" << name_of(precision)
            << ")";
      else
        out << "multiply by " << multiplier << " (" << name_of(precision) << ")";
      break;
    case RequantMode::FixedPoint:
      out << "fixed point " << fixed_multiplier << " * 2^-" << (31 + shift);
      break;
    case RequantMode::Shift:
      out << "shift right by " << shift;
      break;
  }
  out << ", " << name_of(rounding) << ", zp " << output_zero_point << ", clamp [" << clamp_min << ", " << clamp_max
      << "]";
  if (relu) out << ", relu";
  return out.str();
}

}  // namespace accelsim::model
