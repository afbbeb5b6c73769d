#include "golden/requantize.h"

#include <gtest/gtest.h>

#include "golden/exact_rounding.h"

namespace accelsim::golden {
namespace {

using model::Precision;
using model::RequantMode;
using model::RequantSpec;
using model::Rounding;

RequantSpec divide(int64_t divisor, Rounding rounding, int32_t lo = -128, int32_t hi = 127) {
  RequantSpec spec;
  spec.mode = RequantMode::Divide;
  spec.divisor = divisor;
  spec.rounding = rounding;
  spec.clamp_min = lo;
  spec.clamp_max = hi;
  return spec;
}

TEST(Requantize, DivideFloorRoundsNegativeAccumulatorsDown) {
  const RequantSpec spec = divide(4, Rounding::Floor);
  EXPECT_EQ(requantize(10, spec), 2);    // 2.5 -> 2
  EXPECT_EQ(requantize(-10, spec), -3);  // -2.5 -> -3: floor, not C++'s truncation (-2)
  EXPECT_EQ(requantize(-8, spec), -2);   // exact
  EXPECT_EQ(requantize(-1, spec), -1);   // -0.25 -> -1
  EXPECT_EQ(requantize(3, spec), 0);
}

TEST(Requantize, DivideByOneIsIdentityUpToTheClamp) {
  const RequantSpec spec = divide(1, Rounding::Floor, -127, 127);
  EXPECT_EQ(requantize(0, spec), 0);
  EXPECT_EQ(requantize(-127, spec), -127);
  EXPECT_EQ(requantize(127, spec), 127);
  EXPECT_EQ(requantize(128, spec), 127);    // saturates high
  EXPECT_EQ(requantize(-128, spec), -127);  // saturates low at the symmetric bound
  EXPECT_EQ(requantize(2147483647, spec), 127);
  EXPECT_EQ(requantize(-2147483647 - 1, spec), -127);
}

TEST(Requantize, DivideTiesFollowTheRoundingMode) {
  // 10/4 = 2.5, -10/4 = -2.5, 14/4 = 3.5, -14/4 = -3.5
  EXPECT_EQ(requantize(10, divide(4, Rounding::HalfEven)), 2);
  EXPECT_EQ(requantize(14, divide(4, Rounding::HalfEven)), 4);
  EXPECT_EQ(requantize(-10, divide(4, Rounding::HalfEven)), -2);
  EXPECT_EQ(requantize(-14, divide(4, Rounding::HalfEven)), -4);
  EXPECT_EQ(requantize(10, divide(4, Rounding::HalfAway)), 3);
  EXPECT_EQ(requantize(-10, divide(4, Rounding::HalfAway)), -3);
  EXPECT_EQ(requantize(10, divide(4, Rounding::HalfUp)), 3);
  EXPECT_EQ(requantize(-10, divide(4, Rounding::HalfUp)), -2);
  EXPECT_EQ(requantize(-10, divide(4, Rounding::Truncate)), -2);
  EXPECT_EQ(requantize(10, divide(4, Rounding::Truncate)), 2);
  EXPECT_EQ(requantize(-10, divide(4, Rounding::Ceil)), -2);
  EXPECT_EQ(requantize(9, divide(4, Rounding::Ceil)), 3);
  // Not a tie: nearest wins whatever the tie rule.
  EXPECT_EQ(requantize(-11, divide(4, Rounding::HalfUp)), -3);  // -2.75
  EXPECT_EQ(requantize(9, divide(4, Rounding::HalfAway)), 2);   // 2.25
}

TEST(Requantize, ReluRaisesTheLowerBoundToTheZeroPoint) {
  RequantSpec spec = divide(4, Rounding::Floor, -127, 127);
  spec.relu = true;
  EXPECT_EQ(requantize(-10, spec), 0);
  EXPECT_EQ(requantize(10, spec), 2);
  spec.output_zero_point = 5;
  spec.clamp_min = 0;
  spec.clamp_max = 255;
  EXPECT_EQ(requantize(-10, spec), 5);  // -3 + 5 = 2, below the zero point
  EXPECT_EQ(requantize(10, spec), 7);   // 2 + 5
}

RequantSpec torch_like(float multiplier, int32_t zero_point, bool relu) {
  RequantSpec spec;
  spec.mode = RequantMode::Multiply;
  spec.precision = Precision::Float32;
  spec.rounding = Rounding::HalfEven;
  spec.multiplier = multiplier;
  spec.output_zero_point = zero_point;
  spec.clamp_min = 0;
  spec.clamp_max = 255;
  spec.relu = relu;
  return spec;
}

TEST(Requantize, Float32HalfEvenWithZeroPoint) {
  const RequantSpec spec = torch_like(0.5f, 10, false);
  EXPECT_EQ(requantize(5, spec), 12);    // 2.5 -> 2 (even), + 10
  EXPECT_EQ(requantize(7, spec), 14);    // 3.5 -> 4 (even), + 10
  EXPECT_EQ(requantize(-5, spec), 8);    // -2.5 -> -2, + 10
  EXPECT_EQ(requantize(-7, spec), 6);    // -3.5 -> -4, + 10
  EXPECT_EQ(requantize(-100, spec), 0);  // -50 + 10 saturates at 0
  EXPECT_EQ(requantize(1000, spec), 255);
  EXPECT_EQ(requantize(-100, torch_like(0.5f, 10, true)), 10);  // fused ReLU: floor at the zero point
}

TEST(Requantize, Float32ProductIsRoundedToFloat32First) {
  // acc = 2^25 - 1 is not a float32: it becomes 2^25. With M = 2^-18 the float32 product is
  // exactly 128, while the float64 product is 128 - 2^-18, whose floor is 127.
  RequantSpec spec = torch_like(1.0f / 262144.0f, 0, false);
  spec.rounding = Rounding::Floor;
  EXPECT_EQ(requantize(33554431, spec), 128);
  spec.precision = Precision::Float64;
  EXPECT_EQ(requantize(33554431, spec), 127);
}

TEST(Requantize, Float64FloorMultiply) {
  RequantSpec spec;
  spec.mode = RequantMode::Multiply;
  spec.precision = Precision::Float64;
  spec.rounding = Rounding::Floor;
  spec.multiplier = 0.01;
  spec.clamp_min = -127;
  spec.clamp_max = 127;
  EXPECT_EQ(requantize(250, spec), 2);    // 2.5
  EXPECT_EQ(requantize(-250, spec), -3);  // -2.5
  EXPECT_EQ(requantize(-1, spec), -1);    // -0.01
}

RequantSpec fixed_point(int32_t mantissa, int32_t shift, Rounding rounding) {
  RequantSpec spec;
  spec.mode = RequantMode::FixedPoint;
  spec.fixed_multiplier = mantissa;
  spec.shift = shift;
  spec.rounding = rounding;
  return spec;
}

TEST(Requantize, GemmlowpFixedPointRoundsTwice) {
  constexpr int32_t half = 1 << 30;  // M0 = 0.5
  // SaturatingRoundingDoublingHighMul(1, 2^30) = 0.5 rounds up to 1; (-1) -> -0.5 rounds up to 0.
  EXPECT_EQ(requantize(1, fixed_point(half, 0, Rounding::Gemmlowp)), 1);
  EXPECT_EQ(requantize(-1, fixed_point(half, 0, Rounding::Gemmlowp)), 0);
  // acc = -2, M = 0.25: the high multiply gives exactly -1, the shift -0.5 rounds away to -1.
  EXPECT_EQ(requantize(-2, fixed_point(half, 1, Rounding::Gemmlowp)), -1);
  EXPECT_EQ(requantize(2, fixed_point(half, 1, Rounding::Gemmlowp)), 1);
  // acc = 3, M = 0.25: high multiply 1.5 -> 2, then 2/2 = 1 (exact 0.75 -> 1 as well).
  EXPECT_EQ(requantize(3, fixed_point(half, 1, Rounding::Gemmlowp)), 1);
  // Double rounding differs from one rounding: acc = 1, M = 0.25 * (1 + 2^-30):
  // high multiply 0.5000000005 -> 1, then 1/2 = 0.5 -> 1; exactly, 0.25000000023 -> 0.
  EXPECT_EQ(requantize(1, fixed_point(half + 1, 1, Rounding::Gemmlowp)), 1);
  EXPECT_EQ(requantize(1, fixed_point(half + 1, 1, Rounding::HalfAway)), 0);
}

TEST(Requantize, FixedPointSingleRoundingAndSaturation) {
  constexpr int32_t three_quarters = (1 << 30) + (1 << 29);                       // M0 = 0.75
  EXPECT_EQ(requantize(-2, fixed_point(1 << 30, 1, Rounding::HalfUp)), 0);        // -0.5 -> 0
  EXPECT_EQ(requantize(10, fixed_point(three_quarters, 0, Rounding::Floor)), 7);  // 7.5
  EXPECT_EQ(requantize(1000, fixed_point(three_quarters, 0, Rounding::Floor)), 127);
  EXPECT_EQ(requantize(-1000, fixed_point(three_quarters, 0, Rounding::Floor)), -128);
  EXPECT_EQ(requantize(2147483647, fixed_point(2147483647, 31, Rounding::Gemmlowp)), 1);
}

TEST(Requantize, PowerOfTwoShift) {
  RequantSpec spec;
  spec.mode = RequantMode::Shift;
  spec.shift = 2;
  spec.rounding = Rounding::Floor;
  EXPECT_EQ(requantize(-5, spec), -2);  // -1.25
  EXPECT_EQ(requantize(5, spec), 1);
  spec.rounding = Rounding::HalfEven;
  EXPECT_EQ(requantize(6, spec), 2);    // 1.5
  EXPECT_EQ(requantize(10, spec), 2);   // 2.5
  EXPECT_EQ(requantize(-6, spec), -2);  // -1.5
  spec.shift = 0;
  EXPECT_EQ(requantize(-7, spec), -7);
}

// Per-channel multipliers (per-channel weight scales): the channel picks the multiplier.
// float32 products of powers of two are exact, so every tie below is a true tie.
TEST(Requantize, PerChannelMultipliersPickTheChannelsMultiplier) {
  RequantSpec spec;
  spec.mode = RequantMode::Multiply;
  spec.precision = Precision::Float32;
  spec.rounding = Rounding::HalfEven;
  spec.channel_multipliers = {0.5, 0.25, 3.0};
  spec.multiplier = 0.5;
  spec.output_zero_point = 10;
  spec.clamp_min = -128;
  spec.clamp_max = 127;
  EXPECT_EQ(requantize(3, spec, 0), 12);                    // 1.5 -> 2 (tie to even), + 10
  EXPECT_EQ(requantize(5, spec, 0), 12);                    // 2.5 -> 2 (tie to even), + 10
  EXPECT_EQ(requantize(-5, spec, 0), 8);                    // -2.5 -> -2, + 10
  EXPECT_EQ(requantize(-3, spec, 0), 8);                    // -1.5 -> -2, + 10
  EXPECT_EQ(requantize(6, spec, 1), 12);                    // 1.5 -> 2, + 10
  EXPECT_EQ(requantize(10, spec, 1), 12);                   // 2.5 -> 2, + 10
  EXPECT_EQ(requantize(-10, spec, 1), 8);                   // -2.5 -> -2, + 10
  EXPECT_EQ(requantize(39, spec, 2), 127);                  // 117 + 10 = 127: the top, not beyond
  EXPECT_EQ(requantize(40, spec, 2), 127);                  // 120 + 10 = 130 saturates
  EXPECT_EQ(requantize(-46, spec, 2), -128);                // -138 + 10 = -128
  EXPECT_EQ(requantize(-47, spec, 2), -128);                // -141 + 10 = -131 saturates
  EXPECT_THROW(requantize(1, spec, 3), std::out_of_range);  // no fourth channel
}

// round_quotient divides in 64 bits while |numerator| and the denominator are below 2^62, in
// 128 bits beyond: the same results on both sides of that edge.
TEST(RoundQuotient, SameRoundingOnBothSidesOfThe64BitPath) {
  const int128 two62 = int128{1} << 62, two61 = int128{1} << 61;
  // (2^62 - 1) / 2 = 2^61 - 1/2 (64-bit path): a tie between 2^61 - 1 (odd) and 2^61 (even).
  EXPECT_TRUE(round_quotient(two62 - 1, 2, Rounding::HalfEven) == two61);
  EXPECT_TRUE(round_quotient(two62 - 1, 2, Rounding::HalfAway) == two61);
  EXPECT_TRUE(round_quotient(two62 - 1, 2, Rounding::Floor) == two61 - 1);
  // (2^62 + 1) / 2 = 2^61 + 1/2 (128-bit path): the tie's even neighbour is 2^61 again.
  EXPECT_TRUE(round_quotient(two62 + 1, 2, Rounding::HalfEven) == two61);
  EXPECT_TRUE(round_quotient(two62 + 1, 2, Rounding::HalfUp) == two61 + 1);
  // -(2^62 - 1) / 2 = -2^61 + 1/2: ties to even and away both give -2^61; toward zero -2^61 + 1.
  EXPECT_TRUE(round_quotient(1 - two62, 2, Rounding::HalfEven) == -two61);
  EXPECT_TRUE(round_quotient(1 - two62, 2, Rounding::HalfAway) == -two61);
  EXPECT_TRUE(round_quotient(1 - two62, 2, Rounding::Truncate) == 1 - two61);
  EXPECT_TRUE(round_quotient(1 - two62, 2, Rounding::Ceil) == 1 - two61);
  // A tiny fraction with a denominator of 2^62 (128-bit) and of 2^62 - 1 (64-bit).
  EXPECT_TRUE(round_quotient(7, two62, Rounding::Ceil) == 1);
  EXPECT_TRUE(round_quotient(7, two62, Rounding::HalfUp) == 0);
  EXPECT_TRUE(round_quotient(-7, two62 - 1, Rounding::Floor) == -1);
  EXPECT_TRUE(round_quotient(-7, two62 - 1, Rounding::Truncate) == 0);
  EXPECT_TRUE(round_quotient(two62 - 1, two62 - 1, Rounding::Floor) == 1);
}

}  // namespace
}  // namespace accelsim::golden
