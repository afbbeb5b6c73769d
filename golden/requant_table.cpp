#include "golden/requant_table.h"

#include <cmath>
#include <limits>

#include "golden/requantize.h"

namespace accelsim::golden {

using model::RequantMode;
using model::Rounding;

namespace {

constexpr int64_t kMinAcc = std::numeric_limits<int32_t>::min(), kMaxAcc = std::numeric_limits<int32_t>::max();
constexpr int64_t kUnreached = kMaxAcc + 1;  // a step no int32 accumulator reaches

// The scale as a double (output units per accumulator unit), or 0 where the table does not apply.
double positive_scale(const model::RequantSpec& spec, int64_t channel) {
  // requantize() rejects gemmlowp rounding outside fixed point (it throws per call): keep that.
  if (spec.rounding == Rounding::Gemmlowp && spec.mode != RequantMode::FixedPoint) return 0;
  double scale = 0;
  switch (spec.mode) {
    case RequantMode::Divide:
      scale = spec.divisor > 0 ? 1.0 / static_cast<double>(spec.divisor) : 0;
      break;
    case RequantMode::Shift:
      scale = spec.shift >= 0 && spec.shift < 64 ? std::ldexp(1.0, -spec.shift) : 0;
      break;
    case RequantMode::FixedPoint:
      scale = spec.fixed_multiplier > 0 && spec.shift >= 0 && spec.shift < 64
                  ? std::ldexp(static_cast<double>(spec.fixed_multiplier), -31 - spec.shift)
                  : 0;
      break;
    case RequantMode::Multiply:
      if (spec.per_channel() && (channel < 0 || channel >= static_cast<int64_t>(spec.channel_multipliers.size())))
        return 0;
      scale = spec.multiplier_of(channel);
      if (spec.precision == model::Precision::Float32) scale = static_cast<float>(scale);
      break;
  }
  return std::isfinite(scale) && scale > 0 ? scale : 0;
}

// The real scaled value at which the rounding first gives q or more (up to the float error of
// the product, which the exact calls absorb): the estimate of a step, before dividing by the scale.
double rounding_boundary(int64_t q, Rounding rounding) {
  const auto real = static_cast<double>(q);
  switch (rounding) {
    case Rounding::Floor:
      return real;
    case Rounding::Ceil:
      return real - 1;  // just above it
    case Rounding::Truncate:
      return q > 0 ? real : real - 1;
    default:  // to nearest, gemmlowp's included
      return real - 0.5;
  }
}

struct StepFinder {
  const model::RequantSpec& spec;
  int64_t channel;
  int64_t calls = 0;

  bool reaches(int64_t acc, int32_t code) {
    ++calls;
    return requantize(static_cast<int32_t>(acc), spec, channel) >= code;
  }

  // The least accumulator in [floor, kMaxAcc] whose output is >= code (kUnreached if none),
  // knowing that every accumulator below `floor` gives less. Starts at `estimate` and walks away
  // from it in doubling strides until the step is bracketed, then bisects the bracket: two calls
  // when the estimate is right or one too low.
  int64_t find(int32_t code, int64_t floor, int64_t estimate) {
    int64_t below, at;  // reaches(below) is false (or below < floor), reaches(at) is true
    int64_t probe = std::clamp(estimate, floor, kMaxAcc);
    if (reaches(probe, code)) {
      at = probe;
      for (int64_t stride = 1;; stride *= 2) {
        if (at - stride < floor) {
          if (at == floor || reaches(floor, code)) return floor;
          below = floor;
          break;
        }
        if (!reaches(at - stride, code)) {
          below = at - stride;
          break;
        }
        at -= stride;
      }
    } else {
      below = probe;
      for (int64_t stride = 1;; stride *= 2) {
        if (below + stride > kMaxAcc) {
          if (below == kMaxAcc || !reaches(kMaxAcc, code)) return kUnreached;
          at = kMaxAcc;
          break;
        }
        if (reaches(below + stride, code)) {
          at = below + stride;
          break;
        }
        below += stride;
      }
    }
    while (at - below > 1) {
      const int64_t middle = below + (at - below) / 2;
      if (reaches(middle, code))
        at = middle;
      else
        below = middle;
    }
    return at;
  }
};

int32_t lowest_output(const model::RequantSpec& spec) {
  return spec.relu ? std::max(spec.clamp_min, spec.output_zero_point) : spec.clamp_min;
}

}  // namespace

int64_t RequantTable::build_cost(const model::RequantSpec& spec) {
  return 2 * std::max<int64_t>(0, int64_t{spec.clamp_max} - lowest_output(spec));
}

// The buckets from the steps: the output of an accumulator is low_ + the number of steps at or
// below it.
void RequantTable::bucket_steps() {
  const auto top = static_cast<std::size_t>(top_);
  // The finite steps (int32 accumulators above INT32_MIN: below them every output is the same).
  std::vector<int64_t> finite;
  for (std::size_t i = 1; i <= top; ++i)
    if (steps_[i] > kMinAcc && steps_[i] <= kMaxAcc && (finite.empty() || steps_[i] != finite.back()))
      finite.push_back(steps_[i]);
  std::size_t code = 0;  // the queries below come in nondecreasing order: one walk up the steps
  auto output_at = [&](int64_t acc) {
    while (code < top && steps_[code + 1] <= acc) ++code;
    return low_ + static_cast<int32_t>(code);
  };
  int64_t closest = std::numeric_limits<int64_t>::max();
  for (std::size_t i = 1; i < finite.size(); ++i) closest = std::min(closest, finite[i] - finite[i - 1]);
  first_ = finite.empty() ? 0 : finite.front() - 1;
  last_ = finite.empty() ? 0 : finite.back();
  bucket_bits_ = 0;
  while (bucket_bits_ < 62 && (int64_t{2} << bucket_bits_) <= closest) ++bucket_bits_;
  const int64_t count = ((last_ - first_) >> bucket_bits_) + 1;
  if (count > kMaxBuckets) return;  // keep the estimate
  buckets_.resize(static_cast<std::size_t>(count));
  std::size_t next = 0;  // the first finite step past the current bucket's start
  for (int64_t j = 0; j < count; ++j) {
    const int64_t start = first_ + (j << bucket_bits_), end = start + (int64_t{1} << bucket_bits_);
    while (next < finite.size() && finite[next] <= start) ++next;
    Bucket& bucket = buckets_[static_cast<std::size_t>(j)];
    bucket.below = output_at(start);
    bucket.step = std::numeric_limits<int64_t>::max();
    bucket.rise = 0;
    if (next < finite.size() && finite[next] < end) {  // at most one: no two steps are closer than a bucket
      bucket.step = finite[next];
      bucket.rise = output_at(finite[next]) - bucket.below;
    }
  }
}

std::optional<RequantTable> RequantTable::build(const model::RequantSpec& spec, int64_t channel, Lookup lookup) {
  const double scale = positive_scale(spec, channel);
  const int32_t low = lowest_output(spec), high = spec.clamp_max;
  const int64_t top = int64_t{high} - low;
  if (scale == 0 || top < 0 || top >= kMaxCodes) return std::nullopt;
  RequantTable table;
  table.scale_ = scale;
  // The estimate truncates: shifted so that it usually lands on the code itself.
  const double rounding_shift = spec.rounding == Rounding::Floor || spec.rounding == Rounding::Truncate ? 0.0
                                : spec.rounding == Rounding::Ceil                                       ? 1.0
                                                                                                        : 0.5;
  table.offset_ = static_cast<double>(int64_t{spec.output_zero_point} - low) + rounding_shift;
  table.top_ = static_cast<double>(top);
  table.low_ = low;
  table.steps_.assign(static_cast<std::size_t>(top + 2), kUnreached);
  table.steps_.front() = std::numeric_limits<int64_t>::min();
  table.steps_.back() = std::numeric_limits<int64_t>::max();
  StepFinder finder{spec, channel};
  int64_t floor = kMinAcc;  // steps are nondecreasing: each search starts at the previous step
  for (int64_t i = 1; i <= top && floor < kUnreached; ++i) {
    const auto code = static_cast<int32_t>(low + i);
    const double real = std::ceil(rounding_boundary(int64_t{code} - spec.output_zero_point, spec.rounding) / scale);
    const auto estimate =
        static_cast<int64_t>(std::clamp(real, static_cast<double>(kMinAcc), static_cast<double>(kMaxAcc)));
    floor = finder.find(code, floor, estimate);
    table.steps_[static_cast<std::size_t>(i)] = floor;
  }
  table.calls_ = finder.calls;
  if (lookup == Lookup::Buckets) table.bucket_steps();
  return table;
}

}  // namespace accelsim::golden
