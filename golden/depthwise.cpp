#include "golden/depthwise.h"

#include <algorithm>

#include "golden/int8_gemm.h"

namespace accelsim::golden::depthwise {

namespace {

// Tap by tap over whole output rows: the inner loop is a multiply-add along a row of the plane,
// which the compiler vectorizes. Compiled twice below, plainly and for AVX2, and chosen at run
// time as the GEMM is: not by target_clones, whose resolver runs while the dynamic loader
// relocates, before a sanitizer's runtime is up (ThreadSanitizer crashes there).
__attribute__((always_inline)) inline void accumulate_rows(const int32_t* plane, int64_t plane_w,
                                                           const int32_t* weights, const Window& window, int64_t out_h,
                                                           int64_t out_w, int32_t* sums) {
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

__attribute__((target("avx2"))) void accumulate_avx2(const int32_t* plane, int64_t plane_w, const int32_t* weights,
                                                     const Window& window, int64_t out_h, int64_t out_w,
                                                     int32_t* sums) {
  accumulate_rows(plane, plane_w, weights, window, out_h, out_w, sums);
}

void accumulate_portable(const int32_t* plane, int64_t plane_w, const int32_t* weights, const Window& window,
                         int64_t out_h, int64_t out_w, int32_t* sums) {
  accumulate_rows(plane, plane_w, weights, window, out_h, out_w, sums);
}

}  // namespace

void accumulate(const int32_t* plane, int64_t plane_w, const int32_t* weights, const Window& window, int64_t out_h,
                int64_t out_w, int32_t* sums) {
  (gemm::avx2_available() ? accumulate_avx2 : accumulate_portable)(plane, plane_w, weights, window, out_h, out_w, sums);
}

}  // namespace accelsim::golden::depthwise
