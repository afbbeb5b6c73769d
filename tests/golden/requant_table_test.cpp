#include "golden/requant_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "golden/requantize.h"

// Every expected value here is requantize()'s, the direct exact function: it is the golden
// model's definition of requantization (tested on hand-derived values in requantize_test.cpp),
// and the table must agree with it on every accumulator. The table is never its own reference.

namespace accelsim::golden {
namespace {

using model::Precision;
using model::RequantMode;
using model::RequantSpec;
using model::Rounding;

constexpr int64_t kMinAcc = std::numeric_limits<int32_t>::min(), kMaxAcc = std::numeric_limits<int32_t>::max();
const Rounding kSingleRoundings[] = {Rounding::Floor,  Rounding::Ceil,     Rounding::Truncate,
                                     Rounding::HalfUp, Rounding::HalfAway, Rounding::HalfEven};

std::string describe(const RequantSpec& spec, int64_t channel) {
  return spec.describe() + ", zero point " + std::to_string(spec.output_zero_point) + ", clamp [" +
         std::to_string(spec.clamp_min) + ", " + std::to_string(spec.clamp_max) + "]" + (spec.relu ? ", relu" : "") +
         ", channel " + std::to_string(channel);
}

void expect_same(const RequantTable& table, const RequantSpec& spec, int64_t channel, int64_t acc) {
  if (acc < kMinAcc || acc > kMaxAcc) return;
  const auto a = static_cast<int32_t>(acc);
  ASSERT_EQ(table(a), requantize(a, spec, channel)) << "accumulator " << acc << ", " << describe(spec, channel);
}

// The table against requantize() on: each step and the accumulator below it (every code's first
// accumulator, so with monotonicity every accumulator), the steps' neighbours, the int32 ends,
// zero and small values, the ties of the scale (acc * scale = k + 1/2 where one exists), and
// `random` accumulators, half spread over int32 and half over the range where codes change.
void check_lookup(const RequantSpec& spec, int64_t channel, int random, RequantTable::Lookup lookup);

// Both lookups: the buckets (where the steps allow them) and the corrected float estimate.
void check(const RequantSpec& spec, int64_t channel = 0, int random = 4000) {
  check_lookup(spec, channel, random, RequantTable::Lookup::Buckets);
  check_lookup(spec, channel, random, RequantTable::Lookup::Estimate);
}

void check_lookup(const RequantSpec& spec, int64_t channel, int random, RequantTable::Lookup lookup) {
  SCOPED_TRACE(describe(spec, channel) + (lookup == RequantTable::Lookup::Buckets ? ", buckets" : ", estimate"));
  const std::optional<RequantTable> built = RequantTable::build(spec, channel, lookup);
  ASSERT_TRUE(built.has_value());
  const RequantTable& table = *built;
  if (lookup == RequantTable::Lookup::Estimate) {
    ASSERT_FALSE(table.bucketed());
  }
  // The defining property of every step, against the direct function.
  for (int32_t code = table.lowest() + 1; code <= table.highest(); ++code) {
    const int64_t step = table.step(code);
    if (step <= kMaxAcc) {
      ASSERT_GE(requantize(static_cast<int32_t>(step), spec, channel), code) << "code " << code;
      if (step > kMinAcc) {
        ASSERT_LT(requantize(static_cast<int32_t>(step - 1), spec, channel), code) << "code " << code;
      }
    } else {
      ASSERT_EQ(step, kMaxAcc + 1);
      ASSERT_LT(requantize(static_cast<int32_t>(kMaxAcc), spec, channel), code) << "code " << code;
    }
    for (int64_t delta = -2; delta <= 2; ++delta) expect_same(table, spec, channel, step + delta);
  }
  for (int64_t acc : {kMinAcc, kMinAcc + 1, kMinAcc + 2, kMaxAcc - 1, kMaxAcc, int64_t{0}, int64_t{1}, int64_t{-1}})
    expect_same(table, spec, channel, acc);
  for (int64_t acc = -300; acc <= 300; ++acc) expect_same(table, spec, channel, acc);
  // Ties: acc * scale halfway between two integers, for an exact power-of-two or integer scale.
  for (int64_t k = -300; k <= 300; ++k) {
    if (spec.mode == RequantMode::Divide && spec.divisor % 2 == 0)
      expect_same(table, spec, channel, k * spec.divisor + spec.divisor / 2);
    if (spec.mode == RequantMode::Shift && spec.shift > 0)
      expect_same(table, spec, channel, k * (int64_t{1} << spec.shift) + (int64_t{1} << (spec.shift - 1)));
  }
  std::mt19937_64 random_bits(12345);
  std::uniform_int_distribution<int64_t> anywhere(kMinAcc, kMaxAcc);
  // Where the output changes: the first and last steps, widened by a quarter on each side.
  const bool steps = table.highest() > table.lowest();
  const int64_t first = steps ? table.step(table.lowest() + 1) : 0, last = steps ? table.step(table.highest()) : 0;
  const int64_t lo = std::max(kMinAcc, first - (last - first) / 4 - 8);
  const int64_t hi = std::min(kMaxAcc, std::min(last, kMaxAcc) + (std::min(last, kMaxAcc) - first) / 4 + 8);
  std::uniform_int_distribution<int64_t> changing(lo, std::max(lo, hi));
  for (int i = 0; i < random; ++i) {
    expect_same(table, spec, channel, anywhere(random_bits));
    expect_same(table, spec, channel, changing(random_bits));
  }
}

RequantSpec int8_spec(RequantMode mode, Rounding rounding) {
  RequantSpec spec;
  spec.mode = mode;
  spec.rounding = rounding;
  spec.clamp_min = -128;
  spec.clamp_max = 127;
  return spec;
}

RequantSpec divide(int64_t divisor, Rounding rounding) {
  RequantSpec spec = int8_spec(RequantMode::Divide, rounding);
  spec.divisor = divisor;
  return spec;
}

RequantSpec shift(int32_t bits, Rounding rounding) {
  RequantSpec spec = int8_spec(RequantMode::Shift, rounding);
  spec.shift = bits;
  return spec;
}

RequantSpec fixed_point(int32_t mantissa, int32_t bits, Rounding rounding) {
  RequantSpec spec = int8_spec(RequantMode::FixedPoint, rounding);
  spec.fixed_multiplier = mantissa;
  spec.shift = bits;
  return spec;
}

RequantSpec multiply(double multiplier, Precision precision, Rounding rounding) {
  RequantSpec spec = int8_spec(RequantMode::Multiply, rounding);
  spec.precision = precision;
  spec.multiplier = precision == Precision::Float32 ? static_cast<float>(multiplier) : multiplier;
  return spec;
}

// PyTorch's and ONNX Runtime's conv/linear requantization as the importer writes it: float32
// multiply, ties to even, uint8 with a zero point, a fused ReLU raising the floor to it.
RequantSpec torch_uint8(double multiplier, int32_t zero_point, bool relu) {
  RequantSpec spec = multiply(multiplier, Precision::Float32, Rounding::HalfEven);
  spec.output_zero_point = zero_point;
  spec.clamp_min = 0;
  spec.clamp_max = 255;
  spec.relu = relu;
  return spec;
}

TEST(RequantTable, DivideEveryRounding) {
  for (Rounding rounding : kSingleRoundings)
    for (int64_t divisor : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}, int64_t{1000}, int64_t{65537},
                            int64_t{16777216}, int64_t{2147483647}})
      check(divide(divisor, rounding), 0, 500);
}

TEST(RequantTable, DivideWithZeroPointReluAndNarrowClamp) {
  RequantSpec spec = divide(37, Rounding::HalfEven);
  spec.output_zero_point = -20;
  spec.relu = true;
  check(spec);
  spec.relu = false;
  spec.clamp_min = -127;  // symmetric int8
  spec.clamp_max = 100;
  check(spec);
  spec.clamp_min = spec.clamp_max = 5;  // one output code: no step at all
  check(spec);
}

TEST(RequantTable, ShiftEveryRounding) {
  for (Rounding rounding : kSingleRoundings)
    for (int32_t bits : {0, 1, 2, 7, 12, 24, 31}) check(shift(bits, rounding), 0, 500);
}

TEST(RequantTable, FixedPointGemmlowpAndSingleRoundings) {
  const int32_t mantissas[] = {1 << 30, (1 << 30) + 1, 1518500250, 2147483647};
  for (int32_t mantissa : mantissas)
    for (int32_t bits : {0, 1, 8, 15, 31}) {
      check(fixed_point(mantissa, bits, Rounding::Gemmlowp), 0, 300);
      for (Rounding rounding : kSingleRoundings) check(fixed_point(mantissa, bits, rounding), 0, 100);
    }
}

TEST(RequantTable, FixedPointUint8WithZeroPointAndRelu) {
  RequantSpec spec = fixed_point(1374389535, 9, Rounding::Gemmlowp);
  spec.output_zero_point = 128;
  spec.clamp_min = 0;
  spec.clamp_max = 255;
  check(spec);
  spec.relu = true;
  check(spec);
}

TEST(RequantTable, MultiplyFloat32AndFloat64EveryRounding) {
  // From a multiplier that skips codes (several per accumulator unit) to one whose steps lie
  // beyond 2^24, where float32 no longer holds every accumulator.
  for (double multiplier : {65536.0, 3.0, 1.0, 0.7071067811865476, 0.01, 1.0 / 3.0, 3.7e-6, 2.0e-8, 1.0e-10})
    for (Precision precision : {Precision::Float32, Precision::Float64})
      for (Rounding rounding : kSingleRoundings) check(multiply(multiplier, precision, rounding), 0, 300);
}

TEST(RequantTable, PyTorchAndOnnxRuntimeFlavours) {
  check(torch_uint8(0.0031, 128, false));
  check(torch_uint8(0.0031, 128, true));
  check(torch_uint8(0.000123, 0, true));
  RequantSpec clipped = torch_uint8(0.02, 10, false);  // a clip to [0, 6] quantized: [10, 13]
  clipped.clamp_min = 10;
  clipped.clamp_max = 13;
  check(clipped);
  RequantSpec int8 = multiply(0.0047, Precision::Float32, Rounding::HalfEven);  // ORT's int8 QLinearConv
  int8.output_zero_point = -3;
  check(int8);
}

TEST(RequantTable, PerChannelMultipliersOneTablePerChannel) {
  RequantSpec spec = torch_uint8(0.5, 100, false);
  spec.channel_multipliers = {0.5, 0.25, 3.0, 0.00071, 1.5e-5, 65536.0};
  for (int64_t channel = 0; channel < static_cast<int64_t>(spec.channel_multipliers.size()); ++channel)
    check(spec, channel);
  EXPECT_FALSE(RequantTable::build(spec, 6).has_value());  // no seventh multiplier: the call throws instead
  EXPECT_FALSE(RequantTable::build(spec, -1).has_value());
}

TEST(RequantTable, NotBuiltWhereTheDirectCallMustDecide) {
  EXPECT_FALSE(RequantTable::build(divide(0, Rounding::Floor), 0).has_value());
  EXPECT_FALSE(RequantTable::build(divide(-3, Rounding::Floor), 0).has_value());
  EXPECT_FALSE(RequantTable::build(multiply(0.0, Precision::Float64, Rounding::Floor), 0).has_value());
  EXPECT_FALSE(RequantTable::build(multiply(-0.5, Precision::Float64, Rounding::Floor), 0).has_value());
  EXPECT_FALSE(
      RequantTable::build(multiply(std::numeric_limits<double>::infinity(), Precision::Float64, Rounding::Floor), 0)
          .has_value());
  EXPECT_FALSE(
      RequantTable::build(multiply(1e-50, Precision::Float32, Rounding::Floor), 0).has_value());  // 0 in float32
  EXPECT_FALSE(RequantTable::build(fixed_point(0, 3, Rounding::Floor), 0).has_value());
  EXPECT_FALSE(RequantTable::build(fixed_point(-(1 << 30), 3, Rounding::Floor), 0).has_value());
  EXPECT_FALSE(RequantTable::build(divide(4, Rounding::Gemmlowp), 0).has_value());  // requantize() throws
  RequantSpec empty = divide(4, Rounding::Floor);
  empty.clamp_min = 3;
  empty.clamp_max = 2;
  EXPECT_FALSE(RequantTable::build(empty, 0).has_value());
  RequantSpec wide = divide(4, Rounding::Floor);  // beyond kMaxCodes output codes
  wide.clamp_min = -100000;
  wide.clamp_max = 100000;
  EXPECT_FALSE(RequantTable::build(wide, 0).has_value());
}

TEST(RequantTable, WideButAllowedRangeStaysExact) {
  RequantSpec spec = divide(3, Rounding::HalfAway);  // 40,001 codes: int32 outputs, not an activation dtype
  spec.clamp_min = -20000;
  spec.clamp_max = 20000;
  check(spec, 0, 2000);
}

// The usual layers' steps are even enough for buckets (the lookup without branches).
TEST(RequantTable, UsualSpecsAreBucketed) {
  EXPECT_TRUE(RequantTable::build(torch_uint8(0.0031, 128, true), 0)->bucketed());
  EXPECT_TRUE(RequantTable::build(fixed_point(1374389535, 9, Rounding::Gemmlowp), 0)->bucketed());
  EXPECT_TRUE(RequantTable::build(multiply(65536.0, Precision::Float32, Rounding::HalfEven), 0)->bucketed());
  EXPECT_TRUE(RequantTable::build(divide(3, Rounding::HalfAway), 0)->bucketed());
}

// The build costs about two calls per step when the float estimate of each step is right (the
// step and the accumulator below it), as build_cost() says: 255 steps for int8, so 510. Allow
// a few extra calls for steps the float estimate misses by more than one; a bisection from
// the int32 ends would take about 64 per step, over 30 times this.
TEST(RequantTable, BuildCostsAboutTwoCallsPerStep) {
  const RequantSpec specs[] = {torch_uint8(0.0031, 128, false),
                               multiply(0.0047, Precision::Float32, Rounding::HalfEven),
                               fixed_point(1374389535, 9, Rounding::Gemmlowp),
                               divide(1000, Rounding::Floor),
                               shift(7, Rounding::HalfUp),
                               multiply(0.01, Precision::Float64, Rounding::Truncate)};
  for (const RequantSpec& spec : specs) {
    SCOPED_TRACE(describe(spec, 0));
    const std::optional<RequantTable> table = RequantTable::build(spec, 0);
    ASSERT_TRUE(table.has_value());
    EXPECT_EQ(RequantTable::build_cost(spec), 510);
    EXPECT_GE(table->calls(), 255);
    EXPECT_LE(table->calls(), RequantTable::build_cost(spec) + 64);
  }
}

}  // namespace
}  // namespace accelsim::golden
