#pragma once

#include <cstdint>
#include <vector>

#include "core/model/network.h"
#include "core/model/quantization.h"

namespace accelsim::modules {

// The requantization unit's arithmetic, written the way the hardware computes it: a
// sign-magnitude divider with a rounding correction, a float32/float64 multiplier, gemmlowp's
// doubling high multiply and rounding shift, an arithmetic shifter. Independent of the golden
// model's exact-rational formulation, so that each checks the other.
class RequantDatapath {
 public:
  explicit RequantDatapath(const model::RequantSpec& spec);

  // One int32 accumulator of output channel `channel` to one output activation (as an int32:
  // int8 or uint8 range). The channel selects the multiplier-table entry when the layer has
  // per-channel multipliers; otherwise the one multiplier register serves every channel.
  int32_t operator()(int32_t acc, int64_t channel = 0) const;

  // `count` accumulators of output channel `channel`, acc[i * stride], to their stored bytes
  // out[i]: exactly operator()'s values (as bytes), with the mode chosen once per run instead
  // of once per value, and PyTorch's float multiply rounded without a library call.
  void run(const int32_t* acc, int64_t stride, int64_t count, int64_t channel, uint8_t* out) const;

  // Whether run() takes eight accumulators per step (AVX2) for a float32 multiplier: the CPU has
  // AVX2, and the spec is a float32 multiply with ties to even, a finite multiplier below 2^32
  // in magnitude and zero point and clamp bounds within +-2^16 (where the vector path is exact,
  // see requant_datapath.cpp). Public for the tests that hold the two paths against each other.
  static bool float32_vector_available();
  bool float32_vector_applies(float multiplier) const;

 private:
  int64_t divide(int32_t acc) const;
  int64_t multiply(int32_t acc, int64_t channel) const;
  int64_t fixed_point(int32_t acc) const;
  int64_t shift(int32_t acc) const;

  model::RequantSpec spec_;
  // The multiplier table, one entry per output channel (a single entry without per-channel
  // multipliers), in the multiplier's own width.
  std::vector<float> table32_;
  std::vector<double> table64_;
};

// An add layer's arithmetic (docs/arithmetic.md) as the requantization unit computes it: two
// zero-point subtractors, two multipliers (float32/float64, or integer with one shared
// arithmetic shift and a rounding correction), an adder, then the output stage of
// RequantDatapath (zero point, clamp, ReLU).
class AddDatapath {
 public:
  AddDatapath(const model::AddSpec& add, const model::RequantSpec& spec) : add_(add), spec_(spec) {}

  // Two stored activations (as int32) to one output activation.
  int32_t operator()(int32_t a, int32_t b) const;

 private:
  int32_t onnxruntime_fma(int32_t a, int32_t b) const;

  model::AddSpec add_;
  model::RequantSpec spec_;
};

// The sign-magnitude divider with its rounding correction, shared by the pooling unit's mean.
int64_t divide_rounded(int64_t value, uint64_t divisor, model::Rounding rounding);

}  // namespace accelsim::modules
