#pragma once

#include <cstdint>

#include "core/model/network.h"
#include "core/model/quantization.h"
#include "golden/exact_rounding.h"

namespace accelsim::golden {

// The output activation for an int32 accumulator, exactly as docs/config.md defines each mode:
// y = scale(acc) rounded, then clamp(y + output_zero_point, lower_bound, upper_bound).
// `channel` is the accumulator's output channel: it picks the multiplier when the spec has one
// per channel (per-channel weight scales) and is ignored otherwise.
int32_t requantize(int32_t acc, const model::RequantSpec& spec, int64_t channel = 0);

// An add layer's output for its stored operands a and b (docs/arithmetic.md): each operand's
// zero point removed and its multiplier applied, the sum rounded once, then the output zero
// point, clamp and ReLU as requantize().
int32_t requantize_sum(int32_t a, int32_t b, const model::Layer& layer);

// The integer sum a fixed-point add rounds: ma * (a - za) + mb * (b - zb).
int128 fixed_point_sum(int32_t a, int32_t b, const model::AddSpec& add);

}  // namespace accelsim::golden
