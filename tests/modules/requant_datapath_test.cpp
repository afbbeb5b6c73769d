// The requantization unit's datapath against the golden model's exact arithmetic, on
// hand-worked cases and on 200,000 random accumulators of every magnitude per setting.
#include "modules/requant_unit/requant_datapath.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "golden/requantize.h"

namespace accelsim::modules {
namespace {

using model::Precision;
using model::RequantMode;
using model::RequantSpec;
using model::Rounding;

const Rounding kSingleRoundings[] = {Rounding::Floor,  Rounding::Ceil,     Rounding::Truncate,
                                     Rounding::HalfUp, Rounding::HalfAway, Rounding::HalfEven};

// Accumulators that matter: zero, small values around ties, the int32 extremes, and random
// values of every magnitude.
std::vector<int32_t> accumulators(uint32_t seed) {
  std::vector<int32_t> values = {0,
                                 1,
                                 -1,
                                 2,
                                 -2,
                                 3,
                                 -3,
                                 127,
                                 -128,
                                 std::numeric_limits<int32_t>::max(),
                                 std::numeric_limits<int32_t>::min(),
                                 std::numeric_limits<int32_t>::min() + 1};
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int32_t> full(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
  std::uniform_int_distribution<int> bits(1, 31);
  for (int i = 0; i < 200000; ++i) {
    const int32_t v = full(generator);
    values.push_back(v >> (31 - bits(generator)));  // spread over magnitudes
  }
  return values;
}

void expect_same(const RequantSpec& spec, const std::vector<int32_t>& values) {
  const RequantDatapath datapath(spec);
  int failures = 0;
  for (int32_t acc : values) {
    const int32_t expected = golden::requantize(acc, spec), actual = datapath(acc);
    if (expected != actual && failures++ < 5)
      ADD_FAILURE() << spec.describe() << ": acc " << acc << " golden " << expected << " datapath " << actual;
  }
  // The same values through run(), the requantization unit's path: every other accumulator
  // (stride 2), as the stored bytes.
  std::vector<uint8_t> bytes(values.size() / 2);
  datapath.run(values.data(), 2, static_cast<int64_t>(bytes.size()), 0, bytes.data());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto expected = static_cast<uint8_t>(golden::requantize(values[2 * i], spec));
    if (expected != bytes[i] && failures++ < 5)
      ADD_FAILURE() << spec.describe() << ": run(), acc " << values[2 * i] << " golden byte " << int{expected}
                    << " datapath byte " << int{bytes[i]};
  }
}

RequantSpec base(RequantMode mode, Rounding rounding, int32_t zero_point, int32_t lo, int32_t hi, bool relu) {
  RequantSpec spec;
  spec.mode = mode;
  spec.rounding = rounding;
  spec.output_zero_point = zero_point;
  spec.clamp_min = lo;
  spec.clamp_max = hi;
  spec.relu = relu;
  return spec;
}

TEST(RequantDatapath, DivideMatchesGoldenForEveryRoundingAndDivisor) {
  const auto values = accumulators(1);
  for (Rounding rounding : kSingleRoundings)
    for (int64_t divisor : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{4}, int64_t{7}, int64_t{859}, int64_t{65536},
                            int64_t{2147483647}}) {
      RequantSpec spec = base(RequantMode::Divide, rounding, 0, -127, 127, false);
      spec.divisor = divisor;
      expect_same(spec, values);
      spec.relu = true;
      expect_same(spec, values);
    }
}

TEST(RequantDatapath, ShiftMatchesGolden) {
  const auto values = accumulators(2);
  for (Rounding rounding : kSingleRoundings)
    for (int32_t shift : {0, 1, 2, 5, 9, 16, 30, 31}) {
      RequantSpec spec = base(RequantMode::Shift, rounding, -3, -128, 127, false);
      spec.shift = shift;
      expect_same(spec, values);
    }
}

TEST(RequantDatapath, FixedPointMatchesGoldenInBothRoundingStyles) {
  const auto values = accumulators(3);
  std::vector<Rounding> roundings(std::begin(kSingleRoundings), std::end(kSingleRoundings));
  roundings.push_back(Rounding::Gemmlowp);
  for (Rounding rounding : roundings)
    for (int32_t mantissa : {1 << 30, (1 << 30) + 1, 1280607666, 2147483647})
      for (int32_t shift : {0, 1, 9, 31}) {
        RequantSpec spec = base(RequantMode::FixedPoint, rounding, 5, 0, 255, true);
        spec.fixed_multiplier = mantissa;
        spec.shift = shift;
        expect_same(spec, values);
      }
}

TEST(RequantDatapath, FloatMultiplyMatchesGoldenIncludingTies) {
  auto values = accumulators(4);
  // Ties for M = 2^-6: every multiple of 32 that is an odd multiple of 32.
  for (int32_t k = -4000; k <= 4000; ++k) values.push_back(64 * k + 32);
  for (Precision precision : {Precision::Float32, Precision::Float64})
    for (Rounding rounding : kSingleRoundings)
      for (double multiplier : {0.015625, 0.0024161175824701786, 0.0021725203841924667, 0.5, 1.0, 3.75}) {
        RequantSpec spec = base(RequantMode::Multiply, rounding, 102, 0, 255, false);
        spec.precision = precision;
        spec.multiplier = precision == Precision::Float32 ? static_cast<float>(multiplier) : multiplier;
        expect_same(spec, values);
      }
}

TEST(RequantDatapath, HandWorkedCases) {
  RequantSpec divide = base(RequantMode::Divide, Rounding::Floor, 0, -127, 127, false);
  divide.divisor = 4;
  EXPECT_EQ(RequantDatapath(divide)(-10), -3);
  EXPECT_EQ(RequantDatapath(divide)(10), 2);
  RequantSpec torch = base(RequantMode::Multiply, Rounding::HalfEven, 10, 0, 255, false);
  torch.precision = Precision::Float32;
  torch.multiplier = 0.5f;
  EXPECT_EQ(RequantDatapath(torch)(5), 12);
  EXPECT_EQ(RequantDatapath(torch)(7), 14);
  EXPECT_EQ(RequantDatapath(torch)(-5), 8);
  RequantSpec gemmlowp = base(RequantMode::FixedPoint, Rounding::Gemmlowp, 0, -128, 127, false);
  gemmlowp.fixed_multiplier = 1 << 30;
  gemmlowp.shift = 0;
  EXPECT_EQ(RequantDatapath(gemmlowp)(-1), 0);
  EXPECT_EQ(RequantDatapath(gemmlowp)(1), 1);
}

// The clamp and the fused ReLU, worked by hand (shift 0: the accumulator passes unscaled).
// With relu, stored values below the output zero point are clipped up to it; without, only
// the clamp range applies; a zero point below the clamp's lower end leaves the clamp in charge.
TEST(RequantDatapath, ClampAndFusedReluHandWorked) {
  RequantSpec spec = base(RequantMode::Shift, Rounding::Floor, 0, -127, 127, false);
  EXPECT_EQ(RequantDatapath(spec)(-200), -127);  // clamp, low end (not -128: clamp [-127, 127])
  EXPECT_EQ(RequantDatapath(spec)(500), 127);    // clamp, high end
  EXPECT_EQ(RequantDatapath(spec)(-5), -5);      // no relu: negatives pass
  spec.relu = true;
  EXPECT_EQ(RequantDatapath(spec)(-5), 0);    // relu: -5 + 0 < zp 0 -> 0
  EXPECT_EQ(RequantDatapath(spec)(-200), 0);  // relu wins over the clamp's low end
  EXPECT_EQ(RequantDatapath(spec)(77), 77);

  RequantSpec uint8 = base(RequantMode::Shift, Rounding::Floor, 30, 0, 255, true);
  EXPECT_EQ(RequantDatapath(uint8)(-31), 30);  // -31 + 30 = -1 < zp 30 -> 30
  EXPECT_EQ(RequantDatapath(uint8)(-1), 30);   // 29 < 30 -> 30
  EXPECT_EQ(RequantDatapath(uint8)(1), 31);
  EXPECT_EQ(RequantDatapath(uint8)(300), 255);  // 330 -> clamp 255
  uint8.relu = false;
  EXPECT_EQ(RequantDatapath(uint8)(-1), 29);
  EXPECT_EQ(RequantDatapath(uint8)(-100), 0);  // -70 -> clamp 0

  // Zero point below the clamp's low end: relu changes nothing, the clamp decides.
  RequantSpec narrow = base(RequantMode::Shift, Rounding::Floor, -100, -50, 50, true);
  EXPECT_EQ(RequantDatapath(narrow)(10), -50);  // -90 -> clamp -50 (zp -100 is lower)
  EXPECT_EQ(RequantDatapath(narrow)(120), 20);
  EXPECT_EQ(RequantDatapath(narrow)(200), 50);
}

// Per-channel multipliers: the same hand-worked cases as the golden model's test (1.5, 2.5 and
// their negatives tie to even; 3 * 40 + 10 saturates), through the multiplier table; and the
// datapath equals the golden model on random accumulators of every channel.
TEST(RequantDatapath, PerChannelMultipliersFromTheTable) {
  RequantSpec spec;
  spec.mode = RequantMode::Multiply;
  spec.precision = Precision::Float32;
  spec.rounding = Rounding::HalfEven;
  spec.channel_multipliers = {0.5, 0.25, 3.0};
  spec.multiplier = 0.5;
  spec.output_zero_point = 10;
  const RequantDatapath datapath(spec);
  EXPECT_EQ(datapath(3, 0), 12);
  EXPECT_EQ(datapath(5, 0), 12);
  EXPECT_EQ(datapath(-5, 0), 8);
  EXPECT_EQ(datapath(-3, 0), 8);
  EXPECT_EQ(datapath(6, 1), 12);
  EXPECT_EQ(datapath(10, 1), 12);
  EXPECT_EQ(datapath(-10, 1), 8);
  EXPECT_EQ(datapath(40, 2), 127);
  EXPECT_EQ(datapath(-47, 2), -128);
  spec.channel_multipliers = {0.0123f, 0.75f, 1.0f / 3.0f, 2.5e-5f};
  for (const Precision precision : {Precision::Float32, Precision::Float64}) {
    spec.precision = precision;
    const RequantDatapath random_datapath(spec);
    for (int64_t channel = 0; channel < 4; ++channel) {
      const auto values = accumulators(static_cast<uint32_t>(channel) + 7);
      for (int32_t acc : values)
        ASSERT_EQ(random_datapath(acc, channel), golden::requantize(acc, spec, channel)) << acc << " " << channel;
      std::vector<uint8_t> bytes(values.size());  // run(), the requantization unit's path
      random_datapath.run(values.data(), 1, static_cast<int64_t>(values.size()), channel, bytes.data());
      for (std::size_t i = 0; i < values.size(); ++i)
        ASSERT_EQ(bytes[i], static_cast<uint8_t>(golden::requantize(values[i], spec, channel)))
            << values[i] << " " << channel;
    }
  }
}

// The AVX2 float32 path of run() (eight accumulators per step) against the scalar definition,
// operator(), one accumulator at a time: ties, saturation past int32 and past the +-2^30 clamp
// the vector path applies before its conversion, negative accumulators, every stride the unit
// uses (the accumulator tile's tile_n) and counts that leave a scalar tail.
TEST(RequantDatapath, Float32VectorPathMatchesScalarDefinition) {
  if (!RequantDatapath::float32_vector_available()) GTEST_SKIP() << "no AVX2 on this CPU";
  std::vector<int32_t> values = accumulators(11);
  for (int32_t k = -3000; k <= 3000; ++k) values.push_back(64 * k + 32);  // ties for M = 2^-6: k + 1/2
  for (int32_t edge : {1 << 30, (1 << 30) - 1, (1 << 30) + 1, 1 << 29, 1 << 24, (1 << 24) + 1}) {
    values.push_back(edge);
    values.push_back(-edge);
  }
  const std::vector<float> multipliers = {
      0.015625f, 0.0024161175824701786f, 0.003470140974968672f, 0.5f, 1.0f, 3.75f, 65536.0f, 0x1.fffffep31f, -0.25f,
      0.0f};
  struct Stage {
    int32_t zero_point, lo, hi;
    bool relu;
  };
  const Stage stages[] = {{0, 0, 255, true},     {102, 0, 255, false},  {0, -128, 127, false},
                          {-3, -128, 127, true}, {-100, -50, 50, true}, {65536, -65536, 65536, false}};
  for (float multiplier : multipliers)
    for (const Stage& stage : stages) {
      RequantSpec spec =
          base(RequantMode::Multiply, Rounding::HalfEven, stage.zero_point, stage.lo, stage.hi, stage.relu);
      spec.precision = Precision::Float32;
      spec.multiplier = multiplier;
      const RequantDatapath datapath(spec);
      ASSERT_TRUE(datapath.float32_vector_applies(multiplier)) << spec.describe();
      for (int64_t stride : {1, 2, 6, 16}) {
        const int64_t count = static_cast<int64_t>(values.size()) / stride - 3;  // not a multiple of 8
        std::vector<uint8_t> bytes(static_cast<std::size_t>(count));
        datapath.run(values.data(), stride, count, 0, bytes.data());
        int failures = 0;
        for (int64_t i = 0; i < count; ++i) {
          const int32_t acc = values[static_cast<std::size_t>(i * stride)];
          const auto expected = static_cast<uint8_t>(datapath(acc));
          if (expected != bytes[static_cast<std::size_t>(i)] && failures++ < 5)
            ADD_FAILURE() << spec.describe() << " stride " << stride << ": acc " << acc << " scalar " << int{expected}
                          << " vector " << int{bytes[static_cast<std::size_t>(i)]};
        }
      }
    }
}

// The same corners worked by hand through run() (whole groups of eight: the vector path),
// M = 2^-6, zero point 0, clamp [-128, 127], no ReLU: acc * M = acc / 64.
TEST(RequantDatapath, Float32VectorPathHandWorked) {
  if (!RequantDatapath::float32_vector_available()) GTEST_SKIP() << "no AVX2 on this CPU";
  RequantSpec spec = base(RequantMode::Multiply, Rounding::HalfEven, 0, -128, 127, false);
  spec.precision = Precision::Float32;
  spec.multiplier = 0.015625;
  const std::vector<int32_t> acc = {32,                                    // 0.5 -> 0 (tie to even)
                                    96,                                    // 1.5 -> 2
                                    160,                                   // 2.5 -> 2
                                    -32,                                   // -0.5 -> -0 -> 0
                                    -96,                                   // -1.5 -> -2 -> byte 0xFE
                                    8127,                                  // 126.98 -> 127
                                    8160,                                  // 127.5 -> 128 -> clamp 127
                                    std::numeric_limits<int32_t>::min()};  // -2^25 -> clamp -128 -> 0x80
  std::vector<uint8_t> bytes(8);
  RequantDatapath(spec).run(acc.data(), 1, 8, 0, bytes.data());
  EXPECT_EQ(bytes, (std::vector<uint8_t>{0, 2, 2, 0, 0xFE, 127, 127, 0x80}));
  // Saturation past int32: M = 3.75, acc = 2^31 - 1 -> fl(2^31) * 3.75 = 8.05e9, beyond int32
  // (a plain cvtps_epi32 would return INT32_MIN there, which clamps to -128, byte 0x80); the
  // product is clamped to 2^30 first, so the output clamps to 127. Its negative to -128.
  spec.multiplier = 3.75;
  const std::vector<int32_t> huge = {std::numeric_limits<int32_t>::max(),
                                     std::numeric_limits<int32_t>::min(),
                                     600000000,
                                     -600000000,
                                     33,
                                     -33,
                                     34,
                                     -34};
  // 600000000 * 3.75 = 2.25e9 > 2^31 -> 127, and -> -128; 33 * 3.75 = 123.75 -> 124;
  // -123.75 -> -124 (0x84); 34 * 3.75 = 127.5 -> 128 -> 127; -127.5 -> -128 (0x80).
  RequantDatapath(spec).run(huge.data(), 1, 8, 0, bytes.data());
  EXPECT_EQ(bytes, (std::vector<uint8_t>{127, 0x80, 127, 0x80, 124, 0x84, 127, 0x80}));
}

// Where the vector path's proof does not hold, run() keeps the scalar loop.
TEST(RequantDatapath, Float32VectorPathOnlyWhereExact) {
  RequantSpec spec = base(RequantMode::Multiply, Rounding::HalfEven, 0, -128, 127, false);
  spec.precision = Precision::Float32;
  EXPECT_TRUE(RequantDatapath(spec).float32_vector_applies(0.5f));
  EXPECT_FALSE(RequantDatapath(spec).float32_vector_applies(0x1p32f));  // product could reach 2^63+
  EXPECT_FALSE(RequantDatapath(spec).float32_vector_applies(std::numeric_limits<float>::infinity()));
  EXPECT_FALSE(RequantDatapath(spec).float32_vector_applies(std::numeric_limits<float>::quiet_NaN()));
  RequantSpec far = spec;
  far.output_zero_point = (1 << 16) + 1;  // the +-2^30 clamp could then reach the output clamp
  EXPECT_FALSE(RequantDatapath(far).float32_vector_applies(0.5f));
  RequantSpec floor = spec;
  floor.rounding = Rounding::Floor;
  EXPECT_FALSE(RequantDatapath(floor).float32_vector_applies(0.5f));
  RequantSpec wide = spec;
  wide.precision = Precision::Float64;
  EXPECT_FALSE(RequantDatapath(wide).float32_vector_applies(0.5f));
}

}  // namespace
}  // namespace accelsim::modules
