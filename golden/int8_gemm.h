#pragma once

// The golden model's multiply-accumulate: an exact int8 GEMM on int16 operands.
//
// Both operands enter with their zero points already removed, as int16 in [-255, 255]; a pair of
// products summed by one multiply-add is at most 2 * 255^2 < 2^31, and a whole dot product of depth
// K at most K * 255^2, which stays inside int32 while K <= kMaxExactDepth. Within those bounds every
// path below returns the exact integer sum; callers check the bounds (operand_fits, fits_depth)
// and use plain int64 loops otherwise.
//
// The AVX2 path is compiled with a function-level target attribute and chosen at run time, so the
// build stays portable; the scalar path uses the same packed layout. This is the golden model's
// own code: the accelerator's datapath (modules/) never shares it.

#include <cstdint>
#include <vector>

namespace accelsim::golden::gemm {

constexpr int32_t kMaxOperand = 255;
constexpr int64_t kMaxExactDepth = 33'025;  // 33025 * 255^2 = 2,147,450,625 <= INT32_MAX

enum class Path {
  Auto,    // AVX2 when the CPU has it, else Scalar
  Avx2,    // forced (tests); throws std::logic_error on a CPU without AVX2
  Scalar,  // forced: portable loops over the same packed layout
};

bool avx2_available();
inline bool operand_fits(int64_t value) { return value >= -kMaxOperand && value <= kMaxOperand; }
inline bool fits_depth(int64_t depth) { return depth >= 0 && depth <= kMaxExactDepth; }
// K rounded up to even: operands go in pairs, the padding is zero.
inline int64_t padded_depth(int64_t depth) { return (depth + 1) & ~int64_t{1}; }

// The right-hand operand W[N][K] (a layer's weights, one row per output channel) minus its zero
// point, packed once: panels of 8 output channels, K in pairs: data[panel][k / 2][channel][k % 2].
struct PackedWeights {
  int64_t n = 0, k = 0, kp = 0, panels = 0;
  bool fits = false;  // every operand in [-255, 255] and K <= kMaxExactDepth: the GEMM is exact
  std::vector<int16_t> data;
};
PackedWeights pack_weights(const int8_t* weights, int64_t n, int64_t k, int32_t zero_point);
// Whether W[N][K] minus its zero point fits the exact GEMM: every operand in [-255, 255] (decided by
// the extremes) and K <= kMaxExactDepth.
bool weights_fit(const int8_t* weights, int64_t n, int64_t k, int32_t zero_point);

// c[m][n] = sum over k of a[m][k] * W[n][k], for m < rows. `a` holds `rows` rows of w.kp int16
// (zero point removed, the padding column zero); c is rows x w.n, row-major. Requires w.fits and
// every a in [-255, 255] (not checked here).
void multiply(const int16_t* a, int64_t rows, const PackedWeights& w, int32_t* c, Path path = Path::Auto);

// One row: c[o] = sum over j of a[j] * (w[o][j] - zero_point), o < n, from the int8 weights as they
// are (row-major W[N][K]): for a layer that multiplies a single row per image, where packing would
// cost more than the product. `a` holds k int16 (zero point removed). Requires weights_fit and every
// a in [-255, 255] (not checked here).
void multiply_row(const int16_t* a, const int8_t* w, int64_t n, int64_t k, int32_t zero_point, int32_t* c,
                  Path path = Path::Auto);

}  // namespace accelsim::golden::gemm
