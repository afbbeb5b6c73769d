// report::FixedText and IntegerText must write exactly what fmt writes ("{:.Nf}", "{}"): the
// report's bytes did not change when its figures stopped going through fmt's format strings.
#include "sim/report/number_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace accelsim::report {
namespace {

std::string fixed(double value, int decimals) { return std::string(FixedText(value, decimals).view()); }

TEST(ReportNumberText, WritesWholeNumbersAndHalvesByHand) {
  // A whole number gets ".0..." appended; a half, scaled by 10^decimals, is a whole number of units.
  EXPECT_EQ(fixed(0, 1), "0.0");
  EXPECT_EQ(fixed(117600, 0), "117600");
  EXPECT_EQ(fixed(120.5, 1), "120.5");
  EXPECT_EQ(fixed(120.5, 3), "120.500");
  EXPECT_EQ(fixed(-3, 2), "-3.00");
  EXPECT_EQ(fixed(-0.5, 1), "-0.5");
  // Negative zero keeps its sign, as printf and fmt write it.
  EXPECT_EQ(fixed(-0.0, 1), "-0.0");
  // With no decimals a half is a tie, rounded to the even neighbour: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2.
  EXPECT_EQ(fixed(0.5, 0), "0");
  EXPECT_EQ(fixed(1.5, 0), "2");
  EXPECT_EQ(fixed(2.5, 0), "2");
  EXPECT_EQ(fixed(-2.5, 0), "-2");
  // 0.25 is exact in binary: a tie at one decimal, rounded to even (0.2); 0.35 is 0.34999...96 (0.3).
  EXPECT_EQ(fixed(0.25, 1), "0.2");
  EXPECT_EQ(fixed(0.35, 1), "0.3");
  // 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary: 2.67, not 2.68.
  EXPECT_EQ(fixed(2.675, 2), "2.67");
  // 123.456 * 10 = 1234.56 units: rounded up, the point one digit from the right.
  EXPECT_EQ(fixed(123.456, 1), "123.5");
  EXPECT_EQ(fixed(-0.04, 1), "-0.0");
  EXPECT_EQ(std::string(IntegerText(0).view()), "0");
  EXPECT_EQ(std::string(IntegerText(-42).view()), "-42");
}

TEST(ReportNumberText, MatchesFmtOnEdgeValues) {
  const double edges[] = {0.0,
                          -0.0,
                          1e-300,
                          -1e-300,
                          std::numeric_limits<double>::denorm_min(),
                          0.05,
                          0.15,
                          0.125,
                          -0.125,
                          0.999999,
                          9.95,
                          -9.95,
                          4503599627370495.5,  // the largest half below 2^52
                          4503599627370496.5,  // not representable: 2^52 + 0 or 1
                          9007199254740992.0,  // 2^53
                          9007199254740994.0,
                          -9007199254740994.0,
                          1e22,
                          123456789012345678.0,
                          std::numeric_limits<double>::max(),
                          -std::numeric_limits<double>::max(),
                          std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::quiet_NaN(),
                          -std::numeric_limits<double>::quiet_NaN()};
  for (const double value : edges)
    for (int decimals = 0; decimals <= kMaxDecimals; ++decimals)
      EXPECT_EQ(fixed(value, decimals), fmt::format("{:.{}f}", value, decimals)) << value << " " << decimals;
  const int64_t integers[] = {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), -1, 1,
                              1000000007};
  for (const int64_t value : integers) EXPECT_EQ(std::string(IntegerText(value).view()), fmt::format("{}", value));
}

TEST(ReportNumberText, MatchesFmtOnRandomValues) {
  // Values of the kinds a report draws (pixel coordinates, halves, whole counts), decimal near-ties and
  // arbitrary bit patterns.
  std::mt19937_64 random(15);
  std::uniform_real_distribution<double> coordinate(-1e4, 1e4);
  for (int i = 0; i < 20000; ++i) {
    double value = 0;
    switch (i % 5) {
      case 0:
        value = coordinate(random);
        break;
      case 1:  // a multiple of 2^-k: halves, quarters, ... (ties for some decimals)
        value = std::ldexp(static_cast<double>(random() % 100000) - 50000, -static_cast<int>(random() % 6));
        break;
      case 2:
        value = static_cast<double>(static_cast<int64_t>(random() >> 8)) * (random() % 2 ? 1 : -1);
        break;
      case 3:  // thousandths and the half-thousandths between them: decimal ties (2.675) one binary step off
        value = static_cast<double>(random() % 1000000) / 1000.0 + static_cast<double>(random() % 3) * 0.0005;
        break;
      default: {
        const uint64_t bits = random();
        std::memcpy(&value, &bits, sizeof value);
      }
    }
    const int decimals = static_cast<int>(random() % 5);
    ASSERT_EQ(fixed(value, decimals), fmt::format("{:.{}f}", value, decimals)) << value << " " << decimals;
  }
}

TEST(ReportNumberText, RejectsDecimalsOutOfRange) {
  EXPECT_THROW(FixedText(1.0, -1), std::invalid_argument);
  EXPECT_THROW(FixedText(1.0, kMaxDecimals + 1), std::invalid_argument);
}

}  // namespace
}  // namespace accelsim::report
