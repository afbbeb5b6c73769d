#include "golden/depthwise.h"

#include <algorithm>

namespace accelsim::golden::depthwise {

// Tap by tap over whole output rows: the inner loop is a multiply-add along a row of the plane,
// which the compiler vectorizes (an AVX2 clone is chosen at load time where the CPU has it).
__attribute__((target_clones("avx2", "default"))) void accumulate(const int32_t* plane, int64_t plane_w,
                                                                  const int32_t* weights, const Window& window,
                                                                  int64_t out_h, int64_t out_w, int32_t* sums) {
  std::fill(sums, sums + out_h * out_w, 0);
  for (int64_t ky = 0; ky < window.kernel_h; ++ky)
    for (int64_t kx = 0; kx < window.kernel_w; ++kx) {
      const int32_t weight = weights[ky * window.kernel_w + kx];
      if (weight == 0) continue;
      for (int64_t oy = 0; oy < out_h; ++oy) {
        const int32_t* src = plane + (oy * window.stride_h + ky) * plane_w + kx;
        int32_t* dst = sums + oy * out_w;
        if (window.stride_w == 1) {
          for (int64_t ox = 0; ox < out_w; ++ox) dst[ox] += weight * src[ox];
        } else {
          for (int64_t ox = 0; ox < out_w; ++ox) dst[ox] += weight * src[ox * window.stride_w];
        }
      }
    }
}

}  // namespace accelsim::golden::depthwise
