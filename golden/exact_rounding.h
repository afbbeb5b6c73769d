#pragma once

#include <cstdint>

#include "core/model/quantization.h"

namespace accelsim::golden {

__extension__ typedef __int128 int128;

// numerator / denominator rounded as `rounding` says, computed exactly on integers.
// denominator > 0. Gemmlowp is not a single rounding and is rejected.
int128 round_quotient(int128 numerator, int128 denominator, model::Rounding rounding);

// x rounded to an integer as `rounding` says; x is finite. Ties are detected exactly.
double round_real(double x, model::Rounding rounding);
float round_real(float x, model::Rounding rounding);

}  // namespace accelsim::golden
