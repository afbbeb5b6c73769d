#include "sim/report/number_text.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace accelsim::report {

namespace {

// Whole numbers below this are converted through int64_t exactly (2^53: every double up to it
// with no fraction is an integer that int64_t holds).
constexpr double kExactIntegers = 9007199254740992.0;

// Writes |value|'s integer digits of a whole `magnitude` at `out`; returns the end.
char* whole_digits(char* out, char* end, double magnitude) {
  return std::to_chars(out, end, static_cast<int64_t>(magnitude)).ptr;
}

}  // namespace

FixedText::FixedText(double value, int decimals) {
  if (decimals < 0 || decimals > kMaxDecimals) throw std::invalid_argument("FixedText: decimals out of range");
  char* out = digits_;
  char* const end = digits_ + sizeof digits_;
  const double magnitude = std::abs(value);
  // Most of the reports' figures are whole (counts of cycles and bytes) or halves (pixel
  // coordinates on a line's centre); those are written exactly without the general conversion.
  // A half with no decimals is a tie fmt rounds to even: left to std::to_chars, which does the same.
  const bool whole = magnitude < kExactIntegers && magnitude == std::floor(magnitude);
  const bool half =
      decimals > 0 && !whole && magnitude < kExactIntegers / 2 && magnitude * 2 == std::floor(magnitude * 2);
  if (whole || half) {
    if (std::signbit(value)) *out++ = '-';
    out = whole_digits(out, end, std::floor(magnitude));
    if (decimals > 0) {
      *out++ = '.';
      *out++ = half ? '5' : '0';
      for (int d = 1; d < decimals; ++d) *out++ = '0';
    }
  } else {  // the general case: std::to_chars rounds the exact binary value as fmt does (nan, inf too)
    out = std::to_chars(out, end, value, std::chars_format::fixed, decimals).ptr;
  }
  size_ = static_cast<std::size_t>(out - digits_);
}

IntegerText::IntegerText(int64_t value) {
  size_ = static_cast<std::size_t>(std::to_chars(digits_, digits_ + sizeof digits_, value).ptr - digits_);
}

}  // namespace accelsim::report
