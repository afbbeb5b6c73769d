#pragma once

// The golden model's depthwise multiply-accumulate: one input channel's plane against one output
// channel's kernel, int32 sums. Exact while every product and the window's sum fit int32, which
// callers check (|operands| <= gemm::kMaxOperand and taps <= gemm::kMaxExactDepth).

#include <cstdint>

namespace accelsim::golden::depthwise {

struct Window {
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
};

// sums[oy * out_w + ox] = the sum over the kernel's taps (ky, kx) of
// weights[ky * kernel_w + kx] * plane[(oy * stride_h + ky) * plane_w + ox * stride_w + kx]:
// `plane` is the input channel with its zero point removed and its padding written as zeros,
// large enough for every window.
void accumulate(const int32_t* plane, int64_t plane_w, const int32_t* weights, const Window& window, int64_t out_h,
                int64_t out_w, int32_t* sums);

}  // namespace accelsim::golden::depthwise
