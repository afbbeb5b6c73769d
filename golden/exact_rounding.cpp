#include "golden/exact_rounding.h"

#include <cmath>
#include <stdexcept>

namespace accelsim::golden {

using model::Rounding;

namespace {

// One body for both widths: the int64 instance is the same arithmetic on a narrower type.
template <typename Int>
Int quotient_rounded(Int numerator, Int denominator, Rounding rounding) {
  // Floor quotient and remainder with 0 <= remainder < denominator.
  Int quotient = numerator / denominator;
  Int remainder = numerator % denominator;
  if (remainder < 0) {
    quotient -= 1;
    remainder += denominator;
  }
  if (remainder == 0) return quotient;
  const Int twice = 2 * remainder;  // compare the fraction remainder/denominator with 1/2
  switch (rounding) {
    case Rounding::Floor:
      return quotient;
    case Rounding::Ceil:
      return quotient + 1;
    case Rounding::Truncate:
      return numerator < 0 ? quotient + 1 : quotient;
    case Rounding::HalfUp:
      return twice >= denominator ? quotient + 1 : quotient;
    case Rounding::HalfAway:
      if (twice != denominator) return twice > denominator ? quotient + 1 : quotient;
      return numerator < 0 ? quotient : quotient + 1;
    case Rounding::HalfEven:
      if (twice != denominator) return twice > denominator ? quotient + 1 : quotient;
      return (quotient % 2 == 0) ? quotient : quotient + 1;
    case Rounding::Gemmlowp:
      break;
  }
  throw std::logic_error("round_quotient: gemmlowp rounding is two roundings, not one");
}

}  // namespace

int128 round_quotient(int128 numerator, int128 denominator, Rounding rounding) {
  // A 128-bit division is a library call several times slower than a 64-bit one; within 2^62
  // nothing below overflows 64 bits (twice the remainder, the quotient plus one).
  constexpr int128 kNarrow = int128{1} << 62;
  if (numerator > -kNarrow && numerator < kNarrow && denominator < kNarrow)
    return quotient_rounded<int64_t>(static_cast<int64_t>(numerator), static_cast<int64_t>(denominator), rounding);
  return quotient_rounded<int128>(numerator, denominator, rounding);
}

namespace {
template <typename Real>
Real round_any(Real x, Rounding rounding) {
  const Real below = std::floor(x);
  const Real fraction = x - below;  // exact: below and x share the binade or fraction is tiny
  const Real half = Real(0.5);
  switch (rounding) {
    case Rounding::Floor:
      return below;
    case Rounding::Ceil:
      return fraction > 0 ? below + 1 : below;
    case Rounding::Truncate:
      return (x < 0 && fraction > 0) ? below + 1 : below;
    case Rounding::HalfUp:
      return fraction >= half ? below + 1 : below;
    case Rounding::HalfAway:
      if (fraction != half) return fraction > half ? below + 1 : below;
      return x < 0 ? below : below + 1;
    case Rounding::HalfEven:
      if (fraction != half) return fraction > half ? below + 1 : below;
      return std::fmod(below, Real(2)) == 0 ? below : below + 1;
    case Rounding::Gemmlowp:
      break;
  }
  throw std::logic_error("round_real: gemmlowp rounding applies to fixed point only");
}
}  // namespace

double round_real(double x, Rounding rounding) { return round_any(x, rounding); }
float round_real(float x, Rounding rounding) { return round_any(x, rounding); }

}  // namespace accelsim::golden
