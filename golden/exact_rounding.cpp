#include "golden/exact_rounding.h"

#include <cmath>
#include <stdexcept>

namespace accelsim::golden {

using model::Rounding;

int128 round_quotient(int128 numerator, int128 denominator, Rounding rounding) {
  // Floor quotient and remainder with 0 <= remainder < denominator.
  int128 quotient = numerator / denominator;
  int128 remainder = numerator % denominator;
  if (remainder < 0) {
    quotient -= 1;
    remainder += denominator;
  }
  if (remainder == 0) return quotient;
  const int128 twice = 2 * remainder;  // compare the fraction remainder/denominator with 1/2
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
