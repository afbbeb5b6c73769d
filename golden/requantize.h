#pragma once

#include <cstdint>

#include "core/model/quantization.h"

namespace accelsim::golden {

// The output activation for an int32 accumulator, exactly as docs/config.md defines each mode:
// y = scale(acc) rounded, then clamp(y + output_zero_point, lower_bound, upper_bound).
int32_t requantize(int32_t acc, const model::RequantSpec& spec);

}  // namespace accelsim::golden
