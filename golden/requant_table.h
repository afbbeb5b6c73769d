#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/model/quantization.h"

namespace accelsim::golden {

// requantize(acc, spec, channel) for every int32 accumulator, looked up instead of computed.
//
// With a positive scale every mode is a nondecreasing function of the accumulator: int32 ->
// float and the float product round to nearest (monotone), every rounding of a quotient or of a
// real is monotone, gemmlowp's two roundings compose two monotone functions, and the clamp is
// monotone. So the output is a step function: for each code c above the lowest output, steps[c]
// is the least accumulator whose output is >= c, and the output of acc is the largest c with
// steps[c] <= acc. The steps are found by calling requantize() itself, so a lookup returns
// exactly what the call would, by construction.
//
// Lookup: the accumulators between the first and the last step are cut into buckets of a power
// of two no wider than the closest two steps, so that a bucket holds at most one step: the output
// is the bucket's code below or above its step (one load and one comparison, no branch). Where
// that would take over kMaxBuckets buckets (steps very unevenly spaced), a float estimate of the
// code is corrected by the steps instead.
class RequantTable {
 public:
  // The table for `spec`'s output channel `channel`, or nullopt where it does not apply (keep
  // calling requantize()): a scale that is not positive and finite, a rounding the mode rejects,
  // a per-channel spec without this channel, an empty output range or one over kMaxCodes codes.
  // `lookup` picks the lookup (the tests check both; Buckets falls back to Estimate by itself).
  enum class Lookup { Buckets, Estimate };
  static std::optional<RequantTable> build(const model::RequantSpec& spec, int64_t channel,
                                           Lookup lookup = Lookup::Buckets);

  // About how many requantize() calls build() makes for `spec` when its float estimates of the
  // steps are right: two per step (the step and the accumulator below it). Callers compare it
  // with the number of accumulators the table would serve to decide whether it pays.
  static int64_t build_cost(const model::RequantSpec& spec);

  static constexpr int64_t kMaxCodes = 1 << 16;
  static constexpr int64_t kMaxBuckets = 1 << 12;

  int32_t operator()(int32_t acc) const {
    if (!buckets_.empty()) {
      // Below the first step and above the last the output is that of the region's ends.
      const int64_t clamped = std::clamp<int64_t>(acc, first_, last_);
      const Bucket& bucket = buckets_[static_cast<std::size_t>((clamped - first_) >> bucket_bits_)];
      // Arithmetic, not a conditional (which the compiler may turn into a mispredicted branch).
      return bucket.below + bucket.rise * static_cast<int32_t>(clamped >= bucket.step);
    }
    const double estimate = std::clamp(static_cast<double>(acc) * scale_ + offset_, 0.0, top_);
    auto code = static_cast<std::size_t>(estimate);
    // Usually right or one off: a branch-free step each way, then loops that rarely run (a
    // mispredicted branch per lookup would cost more than the rest of it).
    code += static_cast<std::size_t>(acc >= steps_[code + 1]);
    code -= static_cast<std::size_t>(acc < steps_[code]);
    while (acc >= steps_[code + 1]) ++code;
    while (acc < steps_[code]) --code;
    return low_ + static_cast<int32_t>(code);
  }

  // How many requantize() calls build() made (the tests hold it to its cost model).
  int64_t calls() const { return calls_; }
  // The outputs' range, and the least accumulator whose output is >= code for code in
  // (lowest(), highest()] (2^31 when no int32 accumulator reaches it): for the tests.
  int32_t lowest() const { return low_; }
  int32_t highest() const { return low_ + static_cast<int32_t>(top_); }
  int64_t step(int32_t code) const { return steps_[static_cast<std::size_t>(int64_t{code} - low_)]; }
  bool bucketed() const { return !buckets_.empty(); }

 private:
  RequantTable() = default;

  double scale_ = 0;   // the scale's float value: codes per accumulator unit
  double offset_ = 0;  // output zero point - low_ (+ 1/2 to nearest, + 1 up): the code index at acc = 0
  double top_ = 0;     // the highest code index
  int32_t low_ = 0;    // the lowest output: the clamp's lower end, raised to the zero point by a fused ReLU
  int64_t calls_ = 0;
  // steps_[i] = the least accumulator whose output is >= low_ + i, for i in [1, top]; 2^31 when
  // no int32 accumulator reaches it. steps_[0] = -2^63 and steps_[top + 1] = 2^63 - 1 end the
  // correction loops without bounds checks.
  std::vector<int64_t> steps_;

  // Bucket j holds the accumulators [first_ + j * 2^bucket_bits_, first_ + (j + 1) * 2^bucket_bits_):
  // the output at its start (below), and its one step inside it past its start with how much the
  // output rises there (step = 2^63 - 1 and rise = 0 when it holds none).
  struct Bucket {
    int64_t step;
    int32_t below;
    int32_t rise;
  };
  void bucket_steps();
  std::vector<Bucket> buckets_;
  int64_t first_ = 0, last_ = 0;  // the first finite step minus one and the last finite step
  int bucket_bits_ = 0;
};

}  // namespace accelsim::golden
