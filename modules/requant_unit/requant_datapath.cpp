#include "modules/requant_unit/requant_datapath.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace accelsim::modules {

using model::Rounding;

namespace {

// Whether to add one to a truncated magnitude, given the discarded remainder (0 <= rem < div),
// the sign of the exact value and the truncated magnitude's parity.
bool round_magnitude_up(uint64_t remainder, uint64_t divisor, bool negative, bool odd, Rounding rounding) {
  if (remainder == 0) return false;
  const uint64_t twice = remainder * 2;  // remainder < 2^62 here, no wrap
  switch (rounding) {
    case Rounding::Floor:
      return negative;
    case Rounding::Ceil:
      return !negative;
    case Rounding::Truncate:
      return false;
    case Rounding::HalfAway:
      return twice >= divisor;
    case Rounding::HalfUp:
      return negative ? twice > divisor : twice >= divisor;
    case Rounding::HalfEven:
      return twice > divisor || (twice == divisor && odd);
    case Rounding::Gemmlowp:
      break;
  }
  return false;
}

// Signed value / divisor through an unsigned magnitude divider.
int64_t divide_signed(int64_t value, uint64_t divisor, Rounding rounding) {
  const bool negative = value < 0;
  const uint64_t magnitude = negative ? static_cast<uint64_t>(-(value + 1)) + 1 : static_cast<uint64_t>(value);
  uint64_t quotient = magnitude / divisor;
  const uint64_t remainder = magnitude % divisor;
  if (round_magnitude_up(remainder, divisor, negative, quotient & 1, rounding)) ++quotient;
  return negative ? -static_cast<int64_t>(quotient) : static_cast<int64_t>(quotient);
}

// gemmlowp's SaturatingRoundingDoublingHighMul.
int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  const bool overflow = a == b && a == std::numeric_limits<int32_t>::min();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  const int32_t high = static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
  return overflow ? std::numeric_limits<int32_t>::max() : high;
}

// gemmlowp's RoundingDivideByPOT.
int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

template <typename Real>
Real round_to_integer(Real x, Rounding rounding) {
  switch (rounding) {
    case Rounding::Floor:
      return std::floor(x);
    case Rounding::Ceil:
      return std::ceil(x);
    case Rounding::Truncate:
      return std::trunc(x);
    case Rounding::HalfAway:
      return std::round(x);
    case Rounding::HalfEven:
      return std::nearbyint(x);  // the FPU's default mode: to nearest, ties to even
    case Rounding::HalfUp: {
      // round() sends ties away from zero; a negative tie belongs one step up.
      const Real away = std::round(x);
      return (x < 0 && away - x == Real(-0.5)) ? away + 1 : away;
    }
    case Rounding::Gemmlowp:
      break;
  }
  return x;
}

// Zero point, the saturating clamp, then the fused ReLU as a comparator against the zero point
// (the config loader guarantees output_zero_point <= clamp_max when relu is set).
int32_t output_stage(int64_t scaled, const model::RequantSpec& spec) {
  const int64_t shifted = scaled + spec.output_zero_point;
  const int64_t clamped = std::min<int64_t>(std::max<int64_t>(shifted, spec.clamp_min), spec.clamp_max);
  return static_cast<int32_t>(spec.relu ? std::max<int64_t>(clamped, spec.output_zero_point) : clamped);
}

}  // namespace

RequantDatapath::RequantDatapath(const model::RequantSpec& spec) : spec_(spec) {
  const std::vector<double> entries =
      spec.channel_multipliers.empty() ? std::vector<double>{spec.multiplier} : spec.channel_multipliers;
  for (double m : entries) {
    table32_.push_back(static_cast<float>(m));
    table64_.push_back(m);
  }
}

int64_t RequantDatapath::divide(int32_t acc) const {
  return divide_signed(acc, static_cast<uint64_t>(spec_.divisor), spec_.rounding);
}

int64_t RequantDatapath::multiply(int32_t acc, int64_t channel) const {
  const std::size_t entry = table32_.size() == 1 ? 0 : static_cast<std::size_t>(channel);
  if (spec_.precision == model::Precision::Float32) {
    const float product = static_cast<float>(acc) * table32_.at(entry);
    return static_cast<int64_t>(round_to_integer(product, spec_.rounding));
  }
  const double product = static_cast<double>(acc) * table64_.at(entry);
  return static_cast<int64_t>(round_to_integer(product, spec_.rounding));
}

int64_t RequantDatapath::fixed_point(int32_t acc) const {
  if (spec_.rounding == Rounding::Gemmlowp)
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(acc, spec_.fixed_multiplier), spec_.shift);
  // One rounding of acc * M0 / 2^(31 + shift), as TFLite's single-rounding path.
  const int64_t product = static_cast<int64_t>(acc) * spec_.fixed_multiplier;
  return divide_signed(product, uint64_t{1} << (31 + spec_.shift), spec_.rounding);
}

int64_t RequantDatapath::shift(int32_t acc) const {
  if (spec_.shift == 0) return acc;
  const int64_t truncated = static_cast<int64_t>(acc) >> spec_.shift;  // arithmetic: rounds toward -inf
  const uint64_t discarded = static_cast<uint64_t>(acc) & ((uint64_t{1} << spec_.shift) - 1);
  const uint64_t half = uint64_t{1} << (spec_.shift - 1);
  const bool exact = discarded == 0;
  const bool negative = acc < 0;
  switch (spec_.rounding) {
    case Rounding::Floor:
      return truncated;
    case Rounding::Ceil:
      return truncated + (exact ? 0 : 1);
    case Rounding::Truncate:
      return truncated + (negative && !exact ? 1 : 0);
    case Rounding::HalfUp:
      return truncated + (discarded >= half ? 1 : 0);
    case Rounding::HalfAway:
      return truncated + (discarded > half || (discarded == half && !negative) ? 1 : 0);
    case Rounding::HalfEven:
      return truncated + (discarded > half || (discarded == half && (truncated & 1)) ? 1 : 0);
    case Rounding::Gemmlowp:
      break;
  }
  return truncated;
}

int32_t RequantDatapath::operator()(int32_t acc, int64_t channel) const {
  int64_t scaled = 0;
  switch (spec_.mode) {
    case model::RequantMode::Divide:
      scaled = divide(acc);
      break;
    case model::RequantMode::Multiply:
      scaled = multiply(acc, channel);
      break;
    case model::RequantMode::FixedPoint:
      scaled = fixed_point(acc);
      break;
    case model::RequantMode::Shift:
      scaled = shift(acc);
      break;
  }
  return output_stage(scaled, spec_);
}

namespace {

// static_cast<int64_t>(std::nearbyint(x)) inline: SSE's conversion rounds in the same mode
// (MXCSR's, to nearest with ties to even: accelsim never changes it) without a library call.
// Magnitudes from 2^62 on (never an int32 accumulator times a multiplier below 2^8) go to the
// library.
inline int64_t nearest_even(float x) {
#if defined(__SSE__) && defined(__x86_64__)
  if (x > -0x1p62f && x < 0x1p62f) return _mm_cvtss_si64(_mm_set_ss(x));
#endif
  return static_cast<int64_t>(std::nearbyint(x));
}

inline int64_t nearest_even(double x) {
#if defined(__SSE2__) && defined(__x86_64__)
  if (x > -0x1p62 && x < 0x1p62) return _mm_cvtsd_si64(_mm_set_sd(x));
#endif
  return static_cast<int64_t>(std::nearbyint(x));
}

template <typename Real>
void multiply_run(const int32_t* acc, int64_t stride, int64_t count, Real multiplier, const model::RequantSpec& spec,
                  uint8_t* out) {
  if (spec.rounding == Rounding::HalfEven) {
    for (int64_t i = 0; i < count; ++i)
      out[i] = static_cast<uint8_t>(output_stage(nearest_even(static_cast<Real>(acc[i * stride]) * multiplier), spec));
    return;
  }
  for (int64_t i = 0; i < count; ++i)
    out[i] = static_cast<uint8_t>(output_stage(
        static_cast<int64_t>(round_to_integer(static_cast<Real>(acc[i * stride]) * multiplier, spec.rounding)), spec));
}

#if defined(__x86_64__) && defined(__GNUC__)
#define ACCELSIM_REQUANT_AVX2 1
// The float32 multiply with ties to even, eight accumulators per step where the CPU has AVX2
// (chosen at run time). Exactly multiply_run's values when float32_vector_applies() holds:
// - cvtepi32_ps and mul_ps round to nearest even as the scalar int -> float conversion and
//   multiply do (MXCSR's mode, which accelsim never changes), so p = fl(fl(acc) * m) is the same
//   float; |m| < 2^32 keeps |p| <= 2^63, finite.
// - cvtps_epi32 rounds p to nearest even like nearest_even(), but only inside int32 (outside it
//   returns INT32_MIN). So p is first clamped to [-2^30, 2^30]: both bounds are integers and
//   rounding is monotonic, so rne(clamp(p)) = clamp(rne(p)). A clamped value (|rne(p)| >= 2^30)
//   plus the zero point lies beyond the output clamp either way (|zero point|, |clamp bounds| <=
//   2^16), so the output stage gives the same byte, and the int32 additions cannot wrap.
// Returns how many of the `count` accumulators it did (whole groups of eight).
__attribute__((target("avx2"))) int64_t multiply_half_even_avx2(const int32_t* acc, int64_t stride, int64_t count,
                                                                float multiplier, const model::RequantSpec& spec,
                                                                uint8_t* out) {
  const __m256 scale = _mm256_set1_ps(multiplier);
  const __m256 low = _mm256_set1_ps(-0x1p30f), high = _mm256_set1_ps(0x1p30f);
  const __m256i zero_point = _mm256_set1_epi32(spec.output_zero_point);
  const __m256i clamp_min = _mm256_set1_epi32(spec.clamp_min), clamp_max = _mm256_set1_epi32(spec.clamp_max);
  const __m256i lanes =
      _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(static_cast<int32_t>(stride)));
  const __m256i low_byte = _mm256_set1_epi32(0xFF);
  const int64_t whole = count - count % 8;
  for (int64_t i = 0; i < whole; i += 8) {
    const int32_t* first = acc + i * stride;
    const __m256i values = stride == 1 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(first))
                                       : _mm256_i32gather_epi32(reinterpret_cast<const int*>(first), lanes, 4);
    __m256 product = _mm256_mul_ps(_mm256_cvtepi32_ps(values), scale);
    product = _mm256_min_ps(_mm256_max_ps(product, low), high);
    __m256i stored = _mm256_add_epi32(_mm256_cvtps_epi32(product), zero_point);
    stored = _mm256_min_epi32(_mm256_max_epi32(stored, clamp_min), clamp_max);
    if (spec.relu) stored = _mm256_max_epi32(stored, zero_point);  // output_stage's order
    // The low byte of each int32, as static_cast<uint8_t> takes it: 0..255 packs without saturating.
    stored = _mm256_and_si256(stored, low_byte);
    const __m256i words = _mm256_packus_epi32(stored, stored);  // per 128-bit half: its four values, twice
    const __m256i bytes = _mm256_packus_epi16(words, words);
    const int32_t first_four = _mm_cvtsi128_si32(_mm256_castsi256_si128(bytes));
    const int32_t last_four = _mm_cvtsi128_si32(_mm256_extracti128_si256(bytes, 1));
    std::memcpy(out + i, &first_four, 4);
    std::memcpy(out + i + 4, &last_four, 4);
  }
  return whole;
}
#endif

}  // namespace

bool RequantDatapath::float32_vector_applies(float multiplier) const {
  constexpr int32_t kBound = 1 << 16;
  auto small = [](int32_t v) { return v >= -kBound && v <= kBound; };
  return spec_.mode == model::RequantMode::Multiply && spec_.precision == model::Precision::Float32 &&
         spec_.rounding == Rounding::HalfEven && std::isfinite(multiplier) && std::fabs(multiplier) < 0x1p32f &&
         small(spec_.output_zero_point) && small(spec_.clamp_min) && small(spec_.clamp_max);
}

bool RequantDatapath::float32_vector_available() {
#ifdef ACCELSIM_REQUANT_AVX2
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2;
#else
  return false;
#endif
}

void RequantDatapath::run(const int32_t* acc, int64_t stride, int64_t count, int64_t channel, uint8_t* out) const {
  if (spec_.mode == model::RequantMode::Multiply) {
    const std::size_t entry = table32_.size() == 1 ? 0 : static_cast<std::size_t>(channel);
    if (spec_.precision == model::Precision::Float32) {
      const float multiplier = table32_.at(entry);
#ifdef ACCELSIM_REQUANT_AVX2
      // Gathered lanes are stride * 0..7 in int32.
      if (float32_vector_available() && stride > 0 && stride < (int64_t{1} << 27) &&
          float32_vector_applies(multiplier)) {
        const int64_t done = multiply_half_even_avx2(acc, stride, count, multiplier, spec_, out);
        acc += done * stride, count -= done, out += done;
      }
#endif
      return multiply_run(acc, stride, count, multiplier, spec_, out);
    }
    return multiply_run(acc, stride, count, table64_.at(entry), spec_, out);
  }
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<uint8_t>((*this)(acc[i * stride], channel));
}

namespace {

// A float32 multiply-add with one rounding, as a wide multiplier-adder would: the product of a
// 9-bit integer and a float32 (at most 33 significant bits) plus a float32 is exact in float64
// while the operands' exponents lie within 20 of each other (multipliers in [2^-14, 2^8),
// addends below 2^10, as ONNX Runtime's QLinearAdd requires), so one final float64 -> float32
// rounding is the fused result.
float multiply_add(float x, float multiplier, float addend) {
  return static_cast<float>(static_cast<double>(x) * static_cast<double>(multiplier) + static_cast<double>(addend));
}

}  // namespace

// ONNX Runtime's QLinearAdd on AVX2: the offset zo - (Ma * za + Mb * zb) folded once, then per
// element fma(qa, Ma, fma(qb, Mb, offset)), rounded; the zero point is already inside.
int32_t AddDatapath::onnxruntime_fma(int32_t a, int32_t b) const {
  const float ma = static_cast<float>(add_.multipliers[0]), mb = static_cast<float>(add_.multipliers[1]);
  const float offset =
      static_cast<float>(spec_.output_zero_point) - multiply_add(ma, static_cast<float>(add_.input_zero_points[0]),
                                                                 mb * static_cast<float>(add_.input_zero_points[1]));
  const float sum = multiply_add(static_cast<float>(a), ma, multiply_add(static_cast<float>(b), mb, offset));
  const int64_t stored = static_cast<int64_t>(round_to_integer(sum, spec_.rounding));
  const int64_t low = spec_.relu ? std::max(spec_.clamp_min, spec_.output_zero_point) : spec_.clamp_min;
  return static_cast<int32_t>(std::min<int64_t>(std::max(stored, low), spec_.clamp_max));
}

int32_t AddDatapath::operator()(int32_t a, int32_t b) const {
  if (add_.arithmetic == model::AddArithmetic::OnnxRuntimeFma) return onnxruntime_fma(a, b);
  const int64_t da = int64_t{a} - add_.input_zero_points[0], db = int64_t{b} - add_.input_zero_points[1];
  int64_t scaled = 0;
  if (spec_.mode == model::RequantMode::FixedPoint) {
    // |d| <= 255 and m < 2^31: each product and the sum stay below 2^41.
    const int64_t sum = add_.fixed_multipliers[0] * da + add_.fixed_multipliers[1] * db;
    scaled = divide_signed(sum, uint64_t{1} << spec_.shift, spec_.rounding);
  } else if (spec_.precision == model::Precision::Float32) {
    const float sum = static_cast<float>(add_.multipliers[0]) * static_cast<float>(da) +
                      static_cast<float>(add_.multipliers[1]) * static_cast<float>(db);
    scaled = static_cast<int64_t>(round_to_integer(sum, spec_.rounding));
  } else {
    const double sum = add_.multipliers[0] * static_cast<double>(da) + add_.multipliers[1] * static_cast<double>(db);
    scaled = static_cast<int64_t>(round_to_integer(sum, spec_.rounding));
  }
  return output_stage(scaled, spec_);
}

int64_t divide_rounded(int64_t value, uint64_t divisor, model::Rounding rounding) {
  return divide_signed(value, divisor, rounding);
}

}  // namespace accelsim::modules
