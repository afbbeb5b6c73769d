#include "golden/int8_gemm.h"

#include <immintrin.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <stdexcept>

namespace accelsim::golden::gemm {

namespace {

constexpr int64_t kPanel = 8;  // output channels per packed panel (one AVX2 register of int32)

// ---- AVX2: a register tile of Rows rows x Panels panels of 8 channels. The left operand's pair
// (a[2k], a[2k+1]) is broadcast as one int32, multiplied pairwise with 8 channels' pairs and summed
// by _mm256_madd_epi16 (exact; never _mm256_maddubs_epi16, which saturates).
template <int Rows, int Panels>
__attribute__((target("avx2"))) inline void tile_avx2(const int16_t* a, int64_t lda, const int16_t* w,
                                                      int64_t panel_stride, int64_t pairs, int32_t* c, int64_t ldc,
                                                      int64_t columns) {
  __m256i acc[Rows][Panels];
  for (int i = 0; i < Rows; ++i)
    for (int j = 0; j < Panels; ++j) acc[i][j] = _mm256_setzero_si256();
  for (int64_t p = 0; p < pairs; ++p) {
    __m256i b[Panels];
    for (int j = 0; j < Panels; ++j)
      b[j] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + j * panel_stride + p * 2 * kPanel));
    for (int i = 0; i < Rows; ++i) {
      int32_t pair = 0;
      std::memcpy(&pair, a + i * lda + 2 * p, sizeof pair);
      const __m256i broadcast = _mm256_set1_epi32(pair);
      for (int j = 0; j < Panels; ++j) acc[i][j] = _mm256_add_epi32(acc[i][j], _mm256_madd_epi16(broadcast, b[j]));
    }
  }
  for (int i = 0; i < Rows; ++i)
    for (int j = 0; j < Panels; ++j) {
      const int64_t left = columns - kPanel * j;
      int32_t* out = c + i * ldc + kPanel * j;
      if (left >= kPanel) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), acc[i][j]);
      } else {
        alignas(32) int32_t lanes[kPanel];
        _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc[i][j]);
        std::memcpy(out, lanes, static_cast<std::size_t>(left) * sizeof(int32_t));
      }
    }
}

template <int Panels>
__attribute__((target("avx2"))) void rows_tail_avx2(int64_t rows, const int16_t* a, int64_t lda, const int16_t* w,
                                                    int64_t panel_stride, int64_t pairs, int32_t* c, int64_t ldc,
                                                    int64_t columns) {
  switch (rows) {
    case 1:
      tile_avx2<1, Panels>(a, lda, w, panel_stride, pairs, c, ldc, columns);
      break;
    case 2:
      tile_avx2<2, Panels>(a, lda, w, panel_stride, pairs, c, ldc, columns);
      break;
    case 3:
      tile_avx2<3, Panels>(a, lda, w, panel_stride, pairs, c, ldc, columns);
      break;
    case 4:
      tile_avx2<4, Panels>(a, lda, w, panel_stride, pairs, c, ldc, columns);
      break;
    case 5:
      tile_avx2<5, Panels>(a, lda, w, panel_stride, pairs, c, ldc, columns);
      break;
    default:
      assert(false && "a row tail is shorter than 6");
  }
}

// Panels in pairs (16 channels) over 6-row tiles; a last odd panel over 12-row tiles. The weight
// panels stay in cache while the rows stream past.
__attribute__((target("avx2"))) void multiply_avx2(const int16_t* a, int64_t rows, const PackedWeights& w, int32_t* c) {
  const int64_t lda = w.kp, pairs = w.kp / 2, panel_stride = w.kp * kPanel;
  for (int64_t panel = 0; panel < w.panels; panel += 2) {
    const bool two = w.panels - panel >= 2;
    const int64_t columns = std::min(w.n - kPanel * panel, two ? 2 * kPanel : kPanel);
    const int16_t* wp = w.data.data() + panel * panel_stride;
    int32_t* cp = c + kPanel * panel;
    int64_t m = 0;
    if (two) {
      for (; m + 6 <= rows; m += 6)
        tile_avx2<6, 2>(a + m * lda, lda, wp, panel_stride, pairs, cp + m * w.n, w.n, columns);
      if (m < rows) rows_tail_avx2<2>(rows - m, a + m * lda, lda, wp, panel_stride, pairs, cp + m * w.n, w.n, columns);
    } else {
      for (; m + 12 <= rows; m += 12)
        tile_avx2<12, 1>(a + m * lda, lda, wp, panel_stride, pairs, cp + m * w.n, w.n, columns);
      for (; m + 6 <= rows; m += 6)
        tile_avx2<6, 1>(a + m * lda, lda, wp, panel_stride, pairs, cp + m * w.n, w.n, columns);
      if (m < rows) rows_tail_avx2<1>(rows - m, a + m * lda, lda, wp, panel_stride, pairs, cp + m * w.n, w.n, columns);
    }
  }
}

// ---- Scalar: the same packed layout, one row and one panel at a time, int32 sums of pairs.
void multiply_scalar(const int16_t* a, int64_t rows, const PackedWeights& w, int32_t* c) {
  const int64_t pairs = w.kp / 2, panel_stride = w.kp * kPanel;
  for (int64_t m = 0; m < rows; ++m) {
    const int16_t* row = a + m * w.kp;
    for (int64_t panel = 0; panel < w.panels; ++panel) {
      const int16_t* wp = w.data.data() + panel * panel_stride;
      int32_t acc[kPanel] = {};
      for (int64_t p = 0; p < pairs; ++p) {
        const int32_t a0 = row[2 * p], a1 = row[2 * p + 1];
        const int16_t* wk = wp + p * 2 * kPanel;
        for (int64_t j = 0; j < kPanel; ++j) acc[j] += a0 * wk[2 * j] + a1 * wk[2 * j + 1];
      }
      const int64_t columns = std::min(kPanel, w.n - kPanel * panel);
      std::memcpy(c + m * w.n + kPanel * panel, acc, static_cast<std::size_t>(columns) * sizeof(int32_t));
    }
  }
}

// ---- One row by unpacked int8 weights. sum a[j] * (w[j] - zp) = sum a[j] * w[j] - zp * sum a[j]: the
// weights enter as they are (sign-extended to int16), the zero point's share once per output. Every
// partial sum is bounded by K * 255 * 128 < 2^31 for K <= kMaxExactDepth; the correction is int64.
__attribute__((target("avx2"))) inline int32_t horizontal_sum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

// 16 int8 weights sign-extended to int16.
__attribute__((target("avx2"))) inline __m256i weights16(const int8_t* p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

__attribute__((target("avx2"))) void row_sums_avx2(const int16_t* a, const int8_t* w, int64_t n, int64_t k,
                                                   int32_t* c) {
  const int64_t body = k & ~int64_t{15};
  int64_t o = 0;
  for (; o + 4 <= n; o += 4) {  // four outputs share each load of the row
    const int8_t* w0 = w + o * k;
    __m256i acc0 = _mm256_setzero_si256(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int64_t j = 0; j < body; j += 16) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + j));
      acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(x, weights16(w0 + j)));
      acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(x, weights16(w0 + k + j)));
      acc2 = _mm256_add_epi32(acc2, _mm256_madd_epi16(x, weights16(w0 + 2 * k + j)));
      acc3 = _mm256_add_epi32(acc3, _mm256_madd_epi16(x, weights16(w0 + 3 * k + j)));
    }
    c[o] = horizontal_sum(acc0);
    c[o + 1] = horizontal_sum(acc1);
    c[o + 2] = horizontal_sum(acc2);
    c[o + 3] = horizontal_sum(acc3);
  }
  for (; o < n; ++o) {
    const int8_t* row = w + o * k;
    __m256i acc = _mm256_setzero_si256();
    for (int64_t j = 0; j < body; j += 16)
      acc = _mm256_add_epi32(
          acc, _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + j)), weights16(row + j)));
    c[o] = horizontal_sum(acc);
  }
  for (o = 0; o < n; ++o)  // the last k % 16 terms
    for (int64_t j = body; j < k; ++j) c[o] += int32_t{a[j]} * w[o * k + j];
}

void row_sums_scalar(const int16_t* a, const int8_t* w, int64_t n, int64_t k, int32_t* c) {
  for (int64_t o = 0; o < n; ++o) {
    const int8_t* row = w + o * k;
    int32_t sum = 0;
    for (int64_t j = 0; j < k; ++j) sum += int32_t{a[j]} * row[j];
    c[o] = sum;
  }
}

// Writes W's rows, each element through `operand`, into `packed`'s panels (see pack_weights).
template <typename Operand>
void pack_rows(const int8_t* weights, int64_t n, int64_t k, PackedWeights& packed, Operand operand) {
  for (int64_t o = 0; o < n; ++o) {
    const int8_t* row = weights + o * k;
    int16_t* out = packed.data.data() + (o / kPanel) * packed.kp * kPanel + (o % kPanel) * 2;
    int64_t i = 0;
    for (; i + 1 < k; i += 2, out += 2 * kPanel) {
      out[0] = operand(row[i]);
      out[1] = operand(row[i + 1]);
    }
    if (i < k) out[0] = operand(row[i]);  // an odd K: its pair's second operand stays the zero padding
  }
}

}  // namespace

bool avx2_available() {
  static const bool available = __builtin_cpu_supports("avx2");
  return available;
}

bool weights_fit(const int8_t* weights, int64_t n, int64_t k, int32_t zero_point) {
  if (!fits_depth(k)) return false;
  const std::size_t count = static_cast<std::size_t>(n * k);
  if (count == 0) return true;
  // One pass over the int8 values (vectorised), not a test per element: every operand fits when the extremes do.
  int8_t low = weights[0], high = weights[0];
  for (std::size_t i = 1; i < count; ++i) {
    low = std::min(low, weights[i]);
    high = std::max(high, weights[i]);
  }
  return operand_fits(int64_t{low} - zero_point) && operand_fits(int64_t{high} - zero_point);
}

PackedWeights pack_weights(const int8_t* weights, int64_t n, int64_t k, int32_t zero_point) {
  PackedWeights packed;
  packed.n = n;
  packed.k = k;
  packed.kp = padded_depth(k);
  packed.panels = (n + kPanel - 1) / kPanel;
  packed.data.assign(static_cast<std::size_t>(packed.panels * packed.kp * kPanel), 0);
  packed.fits = weights_fit(weights, n, k, zero_point);
  // Row o goes to panel o / 8, lane o % 8: element i at [i / 2][lane][i % 2], written a pair at a
  // time from the row read in order. Clamped only when some operand does not fit (then the GEMM
  // refuses these weights; the values are kept defined all the same).
  if (packed.fits)
    pack_rows(weights, n, k, packed, [zero_point](int8_t weight) { return static_cast<int16_t>(weight - zero_point); });
  else
    pack_rows(weights, n, k, packed, [zero_point](int8_t weight) {
      return static_cast<int16_t>(std::clamp(int32_t{weight} - zero_point, -kMaxOperand, kMaxOperand));
    });
  return packed;
}

void multiply(const int16_t* a, int64_t rows, const PackedWeights& w, int32_t* c, Path path) {
  if (!w.fits) throw std::logic_error("gemm::multiply: operands outside the exact range");
  if (path == Path::Auto) path = avx2_available() ? Path::Avx2 : Path::Scalar;
  if (path == Path::Avx2) {
    if (!avx2_available()) throw std::logic_error("gemm::multiply: AVX2 forced on a CPU without it");
    multiply_avx2(a, rows, w, c);
  } else {
    multiply_scalar(a, rows, w, c);
  }
}

void multiply_row(const int16_t* a, const int8_t* w, int64_t n, int64_t k, int32_t zero_point, int32_t* c, Path path) {
  if (!fits_depth(k)) throw std::logic_error("gemm::multiply_row: depth outside the exact range");
  if (path == Path::Auto) path = avx2_available() ? Path::Avx2 : Path::Scalar;
  if (path == Path::Avx2) {
    if (!avx2_available()) throw std::logic_error("gemm::multiply_row: AVX2 forced on a CPU without it");
    row_sums_avx2(a, w, n, k, c);
  } else {
    row_sums_scalar(a, w, n, k, c);
  }
  if (zero_point == 0) return;
  int64_t row_total = 0;
  for (int64_t j = 0; j < k; ++j) row_total += a[j];
  const int64_t correction = int64_t{zero_point} * row_total;
  // Each result is the exact sum of K terms of at most 255^2: inside int32 (the caller checked the bounds).
  for (int64_t o = 0; o < n; ++o) c[o] = static_cast<int32_t>(int64_t{c[o]} - correction);
}

}  // namespace accelsim::golden::gemm
