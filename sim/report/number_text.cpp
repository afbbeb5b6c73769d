#include "sim/report/number_text.h"

#include <charconv>
#include <cmath>
#include <iterator>
#include <stdexcept>

namespace accelsim::report {

namespace {

// Whole numbers below this are converted through int64_t exactly (2^53: every double up to it
// with no fraction is an integer that int64_t holds).
constexpr double kExactIntegers = 9007199254740992.0;

// Scaled figures below this (2^40) are a product with an error under 2^-13, far from the margin below.
constexpr double kScaledLimit = 1099511627776.0;
// How far from a tie (.5) the scaled figure's fraction must be for its rounding to be certain.
constexpr double kTieMargin = 1.0 / 1024;
constexpr int64_t kPowersOfTen[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// `units` (the figure times 10^decimals, rounded) written as digits with the point `decimals` from the right.
char* put_scaled(char* out, char* end, int64_t units, int decimals) {
  const int64_t scale = kPowersOfTen[decimals];
  out = std::to_chars(out, end, units / scale).ptr;
  if (decimals == 0) return out;
  *out++ = '.';
  int64_t fraction = units % scale;
  for (int d = decimals - 1; d >= 0; --d) {
    out[d] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  return out + decimals;
}

}  // namespace

FixedText::FixedText(double value, int decimals) {
  if (decimals < 0 || decimals > kMaxDecimals) throw std::invalid_argument("FixedText: decimals out of range");
  char* out = digits_;
  char* const end = digits_ + sizeof digits_;
  const double magnitude = std::abs(value);
  const double whole = std::floor(magnitude);
  if (magnitude < kExactIntegers && magnitude == whole) {
    // Most of the reports' figures are whole (counts of cycles and bytes): written exactly, with zeros after the point.
    if (std::signbit(value)) *out++ = '-';
    out = std::to_chars(out, end, static_cast<int64_t>(whole)).ptr;
    if (decimals > 0) {
      *out++ = '.';
      for (int d = 0; d < decimals; ++d) *out++ = '0';
    }
    size_ = static_cast<std::size_t>(out - digits_);
    return;
  }
  // A figure with a fraction, to a few decimals (pixel coordinates, percentages): the magnitude times
  // 10^decimals, rounded to the nearest integer, is the digits. The product carries a rounding error far
  // below kTieMargin, so unless its fraction lies within that margin of a tie the nearest integer is the
  // one the exact value rounds to. Near a tie (where fmt rounds the exact binary value, ties to even),
  // and for large figures or many decimals, std::to_chars does the same as fmt.
  if (decimals < static_cast<int>(std::size(kPowersOfTen)) && std::isfinite(magnitude)) {
    const double scaled = magnitude * static_cast<double>(kPowersOfTen[decimals]);
    if (scaled < kScaledLimit) {
      const double below = std::floor(scaled);
      const double fraction = scaled - below;
      if (std::abs(fraction - 0.5) > kTieMargin) {
        if (std::signbit(value)) *out++ = '-';
        const int64_t units = static_cast<int64_t>(below) + (fraction > 0.5 ? 1 : 0);
        out = put_scaled(out, end, units, decimals);
        size_ = static_cast<std::size_t>(out - digits_);
        return;
      }
    }
  }
  out = std::to_chars(out, end, value, std::chars_format::fixed, decimals).ptr;  // nan, inf too
  size_ = static_cast<std::size_t>(out - digits_);
}

IntegerText::IntegerText(int64_t value) {
  size_ = static_cast<std::size_t>(std::to_chars(digits_, digits_ + sizeof digits_, value).ptr - digits_);
}

}  // namespace accelsim::report
