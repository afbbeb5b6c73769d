#include "modules/pe_array/tile_datapath.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include <string>

namespace accelsim::modules {

using model::LayerType;

InputSlice input_slice_shape(const LayerGeometry& layer, const isa::Instruction& tile) {
  InputSlice slice;
  if (layer.type == LayerType::Linear) {
    slice.channel_begin = 0, slice.channel_end = 1;
    slice.row_begin = 0, slice.row_end = 1;
    slice.width = tile.k_end - tile.k_begin;
    return slice;
  }
  const int64_t window = layer.kernel_h * layer.kernel_w;
  const int64_t out_width = layer.output.width;
  const int64_t first_row = tile.m_begin / out_width, last_row = (tile.m_end - 1) / out_width;
  const int64_t group_channel = group_first_channel(layer, tile.n_begin);
  slice.channel_begin = group_channel + tile.k_begin / window;
  slice.channel_end = group_channel + (tile.k_end - 1) / window + 1;
  slice.row_begin = std::max<int64_t>(0, first_row * layer.stride_h - layer.pad_h);
  slice.row_end = std::min(layer.input.height, last_row * layer.stride_h - layer.pad_h + layer.kernel_h);
  slice.width = layer.input.width;
  return slice;
}

namespace {

// Makes `buffer` hold at least `size` elements: a tile's operands are sized per tile, and a
// vector shrunk and grown again zeroes the grown part each time, work no element needs here.
void hold_at_least(std::vector<int16_t>& buffer, std::size_t size) {
  if (buffer.size() < size) buffer.resize(size);
}

}  // namespace

void TileDatapath::gather(const LayerGeometry& layer, const isa::Instruction& tile, const uint8_t* weights,
                          const InputSlice& input) {
  const int64_t tm = tile.tile_m(), tk = tile.tile_k(), tn = tile.tile_n();
  const auto weight_count = static_cast<std::size_t>(tn * tk);
  if (w_source_.size() != weight_count || w_zero_point_ != layer.weight_zero_point ||
      std::memcmp(w_source_.data(), weights, weight_count) != 0) {
    hold_at_least(w_, weight_count + kPadding);
    for (std::size_t i = 0; i < weight_count; ++i)
      w_[i] = static_cast<int16_t>(static_cast<int8_t>(weights[i]) - layer.weight_zero_point);
    w_source_.assign(weights, weights + weight_count);
    w_zero_point_ = layer.weight_zero_point;
    pairs_k_ = pairs_n_ = 0;  // built from other weights
  }
  if (tm >= 4 && tk <= kPairsMaxK && (pairs_k_ != tk || pairs_n_ != tn)) pack_weight_pairs(tk, tn);

  // The operand each stored byte stands for, its zero point removed: a table rather than a
  // conversion per element, rebuilt only when the layer's dtype or zero point differ.
  if (!operand_valid_ || operand_dtype_ != layer.activation_dtype || operand_zero_point_ != layer.input_zero_point) {
    for (int byte = 0; byte < 256; ++byte)
      operand_[static_cast<std::size_t>(byte)] = static_cast<int16_t>(
          activation_value(static_cast<uint8_t>(byte), layer.activation_dtype) - layer.input_zero_point);
    operand_valid_ = true;
    operand_dtype_ = layer.activation_dtype;
    operand_zero_point_ = layer.input_zero_point;
  }
  const std::array<int16_t, 256>& operand = operand_;

  if (layer.type == LayerType::Linear) {
    hold_at_least(a_, static_cast<std::size_t>(tm * tk) + kPadding);  // not shrunk: the next conv tile would refill it
    for (int64_t k = 0; k < tk; ++k) a_[k] = operand[input.bytes[k]];
    return;
  }
  // The line buffer's operands, once per tile, inside a frame of zeros (padding holds the zero
  // point: after its removal, 0) as far as the tile's windows reach past the map: rows
  // [top, bottom) of the input, columns from -pad_w on, `pitch` wide. Every window run is then
  // one plain copy per output pixel, with no bounds to test.
  const int64_t out_width = layer.output.width;
  const int64_t top = tile.m_begin / out_width * layer.stride_h - layer.pad_h;
  const int64_t bottom = (tile.m_end - 1) / out_width * layer.stride_h - layer.pad_h + layer.kernel_h;
  const int64_t frame_rows = bottom - top;
  const int64_t right = std::max<int64_t>(
      0, (out_width - 1) * layer.stride_w - layer.pad_w + layer.kernel_w - input.width);  // columns past the map
  const int64_t pitch = layer.pad_w + input.width + right;
  const int64_t channels = input.channel_end - input.channel_begin;
  const int64_t rows = input.row_end - input.row_begin;
  // The frame is a function of the line buffer's bytes, this layout and the operand table.
  const std::array<int64_t, 9> layout = {channels,           rows,  input.width, input.row_begin - top,
                                         frame_rows,         pitch, layer.pad_w, static_cast<int64_t>(operand_dtype_),
                                         operand_zero_point_};
  if (!frame_valid_ || layout != frame_layout_ || frame_source_.size() != input.bytes.size() ||
      std::memcmp(frame_source_.data(), input.bytes.data(), input.bytes.size()) != 0) {
    // kPadding spare elements: a run's copy below reads whole groups of eight.
    frame_.assign(static_cast<std::size_t>(channels * frame_rows * pitch) + kPadding, 0);
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t y = input.row_begin; y < input.row_end; ++y) {
        const uint8_t* source = input.bytes.data() + (c * rows + y - input.row_begin) * input.width;
        int16_t* target = frame_.data() + (c * frame_rows + y - top) * pitch + layer.pad_w;
        for (int64_t x = 0; x < input.width; ++x) target[x] = operand[source[x]];
      }
    frame_source_ = input.bytes;
    frame_layout_ = layout;
    frame_valid_ = true;
  }
  // The window splits into runs of consecutive k on one input row (same channel and ky, kx
  // rising by one): each run is one contiguous read of the frame per output pixel.
  const int64_t window = layer.kernel_h * layer.kernel_w;
  runs_.clear();
  int64_t c = group_first_channel(layer, tile.n_begin) + tile.k_begin / window - input.channel_begin;
  int64_t ky = tile.k_begin % window / layer.kernel_w, kx = tile.k_begin % layer.kernel_w;
  for (int64_t k = 0; k < tk;) {
    const int64_t length = std::min(layer.kernel_w - kx, tk - k);
    runs_.push_back(WindowRun{k, length, (c * frame_rows + ky) * pitch + kx});
    k += length;
    kx = 0;  // the next run starts a window row
    if (++ky == layer.kernel_h) ky = 0, ++c;
  }
  // Each run is copied in groups of eight operands, the last group running past the run's end
  // into the k that later runs (or the next pixel's row, or a_'s padding) write afterwards:
  // runs are in rising k and pixels in rising m, so every element ends up with its own value.
  hold_at_least(a_, static_cast<std::size_t>(tm * tk) + kPadding);
  // Runs of at most eight (kernels up to 8 wide) are one copy each: their targets and sources
  // as two flat lists, with no loop inside a run.
  const bool short_runs = std::all_of(runs_.begin(), runs_.end(), [](const WindowRun& run) { return run.length <= 8; });
  run_targets_.clear(), run_sources_.clear();
  for (const WindowRun& run : runs_) run_targets_.push_back(run.k), run_sources_.push_back(run.frame_offset);
  // Locals: the copies below store through memcpy, which may alias the vectors' own pointers.
  const std::size_t run_count = runs_.size();
  const int64_t* const run_targets = run_targets_.data();
  const int64_t* const run_sources = run_sources_.data();
  const int16_t* const frame = frame_.data();
  int16_t* const a = a_.data();
  int64_t out_y = tile.m_begin / out_width, out_x = tile.m_begin % out_width;
  for (int64_t m = 0; m < tm; ++m) {
    const int64_t y0 = out_y * layer.stride_h - layer.pad_h, x0 = out_x * layer.stride_w;  // x0 within the frame
    const int16_t* origin = frame + (y0 - top) * pitch + x0;
    int16_t* row = a + m * tk;
    if (short_runs) {
      for (std::size_t r = 0; r < run_count; ++r)
        std::memcpy(row + run_targets[r], origin + run_sources[r], 8 * sizeof(int16_t));
    } else {
      for (const WindowRun& run : runs_)
        for (int64_t i = 0; i < run.length; i += 8)
          std::memcpy(row + run.k + i, origin + run.frame_offset + i, 8 * sizeof(int16_t));
    }
    if (++out_x == out_width) out_x = 0, ++out_y;
  }
}

void TileDatapath::pack_weight_pairs(int64_t tk, int64_t tn) {
  const int64_t pairs = (tk + 1) / 2, panels = (tn + 7) / 8;
  w_pairs_.assign(static_cast<std::size_t>(panels * pairs * 16), 0);
  for (int64_t n = 0; n < tn; ++n) {
    int16_t* column = w_pairs_.data() + (n / 8 * pairs * 8 + n % 8) * 2;  // channel n's lanes: 16 apart per pair
    const int16_t* row = w_.data() + n * tk;
    for (int64_t p = 0; p < tk / 2; ++p) column[p * 16] = row[2 * p], column[p * 16 + 1] = row[2 * p + 1];
    if (tk % 2) column[tk / 2 * 16] = row[tk - 1];  // its pair's second weight stays 0
  }
  pairs_k_ = tk, pairs_n_ = tn;
}

namespace {

#if defined(__SSE2__)
// SSE2 (part of every x86-64): pmaddwd multiplies eight int16 pairs exactly and adds adjacent
// products into four int32 lanes. A row's last k % 8 operands are read as a whole vector of
// eight with the lanes past the row masked to zero in the activations (so they add nothing,
// whatever the weights hold there); a_ and w_ keep kPadding spare elements so that the read
// never leaves them.
constexpr int16_t kLaneMasks[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

// The activations a[k .. k + 8), the lanes from `valid` on zeroed.
inline __m128i activations(const int16_t* a, int64_t k, int64_t valid) {
  const __m128i values = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + k));
  if (valid >= 8) return values;
  return _mm_and_si128(values, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kLaneMasks + 8 - valid)));
}

inline __m128i weights(const int16_t* w, int64_t k) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + k)); }

// The sum of each of four int32 vectors' lanes, in order.
inline void lane_sums(__m128i l0, __m128i l1, __m128i l2, __m128i l3, int32_t sum[4]) {
  const __m128i s01 = _mm_add_epi32(_mm_unpacklo_epi32(l0, l1), _mm_unpackhi_epi32(l0, l1));
  const __m128i s23 = _mm_add_epi32(_mm_unpacklo_epi32(l2, l3), _mm_unpackhi_epi32(l2, l3));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(sum),
                   _mm_add_epi32(_mm_unpacklo_epi64(s01, s23), _mm_unpackhi_epi64(s01, s23)));
}
#endif

#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#define ACCELSIM_TILE_AVX2 1
// The same sums sixteen k per step where the CPU has AVX2 (chosen at run time), the last
// k % 16 by the SSE2 steps above.
__attribute__((target("avx2"))) inline __m128i halves_added(__m256i lanes) {
  return _mm_add_epi32(_mm256_castsi256_si128(lanes), _mm256_extracti128_si256(lanes, 1));
}

__attribute__((target("avx2"))) inline void dot4_avx2(const int16_t* a, const int16_t* const w[4], int64_t k0,
                                                      int64_t k1, int32_t sum[4]) {
  __m256i l0 = _mm256_setzero_si256(), l1 = l0, l2 = l0, l3 = l0;
  int64_t k = k0;
  for (; k + 16 <= k1; k += 16) {
    const __m256i ak = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + k));
    l0 = _mm256_add_epi32(l0, _mm256_madd_epi16(ak, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[0] + k))));
    l1 = _mm256_add_epi32(l1, _mm256_madd_epi16(ak, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[1] + k))));
    l2 = _mm256_add_epi32(l2, _mm256_madd_epi16(ak, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[2] + k))));
    l3 = _mm256_add_epi32(l3, _mm256_madd_epi16(ak, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[3] + k))));
  }
  __m128i s0 = halves_added(l0), s1 = halves_added(l1), s2 = halves_added(l2), s3 = halves_added(l3);
  for (; k < k1; k += 8) {
    const __m128i ak = activations(a, k, k1 - k);
    s0 = _mm_add_epi32(s0, _mm_madd_epi16(ak, weights(w[0], k)));
    s1 = _mm_add_epi32(s1, _mm_madd_epi16(ak, weights(w[1], k)));
    s2 = _mm_add_epi32(s2, _mm_madd_epi16(ak, weights(w[2], k)));
    s3 = _mm_add_epi32(s3, _mm_madd_epi16(ak, weights(w[3], k)));
  }
  lane_sums(s0, s1, s2, s3, sum);
}

// Two activation rows against the same four weight rows: each weight load serves two rows
// (a tile's weights, tile_n rows of tile_k, are far larger than one activation row).
__attribute__((target("avx2"))) inline void dot4x2_avx2(const int16_t* a0, const int16_t* a1, const int16_t* const w[4],
                                                        int64_t k0, int64_t k1, int32_t sum0[4], int32_t sum1[4]) {
  __m256i l0 = _mm256_setzero_si256(), l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
  int64_t k = k0;
  for (; k + 16 <= k1; k += 16) {
    const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a0 + k));
    const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a1 + k));
    __m256i wk = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[0] + k));
    l0 = _mm256_add_epi32(l0, _mm256_madd_epi16(x0, wk));
    h0 = _mm256_add_epi32(h0, _mm256_madd_epi16(x1, wk));
    wk = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[1] + k));
    l1 = _mm256_add_epi32(l1, _mm256_madd_epi16(x0, wk));
    h1 = _mm256_add_epi32(h1, _mm256_madd_epi16(x1, wk));
    wk = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[2] + k));
    l2 = _mm256_add_epi32(l2, _mm256_madd_epi16(x0, wk));
    h2 = _mm256_add_epi32(h2, _mm256_madd_epi16(x1, wk));
    wk = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[3] + k));
    l3 = _mm256_add_epi32(l3, _mm256_madd_epi16(x0, wk));
    h3 = _mm256_add_epi32(h3, _mm256_madd_epi16(x1, wk));
  }
  __m128i s0 = halves_added(l0), s1 = halves_added(l1), s2 = halves_added(l2), s3 = halves_added(l3);
  __m128i t0 = halves_added(h0), t1 = halves_added(h1), t2 = halves_added(h2), t3 = halves_added(h3);
  for (; k < k1; k += 8) {
    const __m128i x0 = activations(a0, k, k1 - k), x1 = activations(a1, k, k1 - k);
    __m128i wk = weights(w[0], k);
    s0 = _mm_add_epi32(s0, _mm_madd_epi16(x0, wk));
    t0 = _mm_add_epi32(t0, _mm_madd_epi16(x1, wk));
    wk = weights(w[1], k);
    s1 = _mm_add_epi32(s1, _mm_madd_epi16(x0, wk));
    t1 = _mm_add_epi32(t1, _mm_madd_epi16(x1, wk));
    wk = weights(w[2], k);
    s2 = _mm_add_epi32(s2, _mm_madd_epi16(x0, wk));
    t2 = _mm_add_epi32(t2, _mm_madd_epi16(x1, wk));
    wk = weights(w[3], k);
    s3 = _mm_add_epi32(s3, _mm_madd_epi16(x0, wk));
    t3 = _mm_add_epi32(t3, _mm_madd_epi16(x1, wk));
  }
  lane_sums(s0, s1, s2, s3, sum0);
  lane_sums(t0, t1, t2, t3, sum1);
}

__attribute__((target("avx2"))) inline int32_t dot1_avx2(const int16_t* a, const int16_t* w, int64_t k0, int64_t k1) {
  __m256i l0 = _mm256_setzero_si256();
  int64_t k = k0;
  for (; k + 16 <= k1; k += 16)
    l0 = _mm256_add_epi32(l0, _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + k)),
                                                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + k))));
  __m128i s0 = halves_added(l0);
  for (; k < k1; k += 8) s0 = _mm_add_epi32(s0, _mm_madd_epi16(activations(a, k, k1 - k), weights(w, k)));
  int32_t sum[4];
  const __m128i zero = _mm_setzero_si128();
  lane_sums(s0, zero, zero, zero, sum);
  return sum[0];
}
#endif

// sum[j] = sum over k in [k0, k1) of a[k] * w[j][k], four weight rows at once, in int32 (the
// caller keeps k1 - k0 small enough that no sum can leave it).
inline void dot4(const int16_t* a, const int16_t* const w[4], int64_t k0, int64_t k1, int32_t sum[4]) {
#if defined(__SSE2__)
  __m128i l0 = _mm_setzero_si128(), l1 = l0, l2 = l0, l3 = l0;
  for (int64_t k = k0; k < k1; k += 8) {
    const __m128i ak = activations(a, k, k1 - k);
    l0 = _mm_add_epi32(l0, _mm_madd_epi16(ak, weights(w[0], k)));
    l1 = _mm_add_epi32(l1, _mm_madd_epi16(ak, weights(w[1], k)));
    l2 = _mm_add_epi32(l2, _mm_madd_epi16(ak, weights(w[2], k)));
    l3 = _mm_add_epi32(l3, _mm_madd_epi16(ak, weights(w[3], k)));
  }
  lane_sums(l0, l1, l2, l3, sum);
#else
  sum[0] = sum[1] = sum[2] = sum[3] = 0;
  for (int64_t k = k0; k < k1; ++k)
    for (int j = 0; j < 4; ++j) sum[j] += static_cast<int32_t>(a[k]) * static_cast<int32_t>(w[j][k]);
#endif
}

// The same for one weight row.
inline int32_t dot1(const int16_t* a, const int16_t* w, int64_t k0, int64_t k1) {
#if defined(__SSE2__)
  __m128i l0 = _mm_setzero_si128();
  for (int64_t k = k0; k < k1; k += 8) l0 = _mm_add_epi32(l0, _mm_madd_epi16(activations(a, k, k1 - k), weights(w, k)));
  int32_t sum[4];
  const __m128i zero = _mm_setzero_si128();
  lane_sums(l0, zero, zero, zero, sum);
  return sum[0];
#else
  int32_t sum = 0;
  for (int64_t k = k0; k < k1; ++k) sum += static_cast<int32_t>(a[k]) * static_cast<int32_t>(w[k]);
  return sum;
#endif
}

// partial[m][n] = sum_k a[m][k] * w[n][k] with the dot products of kAvx2's kind, inlined.
// |a| <= 255 and |w| <= 255: 2^15 products of at most 65025 stay inside int32, so each chunk
// of k sums in int32 and the chunks in int64. Four output channels at a time share each
// activation load; two or three left over go through the four-row kernel too (its spare rows
// repeat the last one, their sums unused), one through the one-row kernel.
template <bool kAvx2>
__attribute__((always_inline)) inline void multiply_rows(const int16_t* a_data, const int16_t* w_data, int64_t tm,
                                                         int64_t tk, int64_t tn, int64_t* partial) {
  constexpr int64_t kChunk = 32768;
  int64_t m = 0;
#ifdef ACCELSIM_TILE_AVX2
  // Pairs of rows first (four or two or three output channels at a time as below; a last
  // single channel by the one-row kernel, row by row).
  // Four (or two or three) output channels' weights at a time against every pair of rows: a
  // group's weights stay in the first-level cache while the rows stream past them.
  if (kAvx2 && tm >= 2) {
    const int64_t pairs_end = tm - tm % 2;
    for (int64_t n = 0; n < tn;) {
      const int64_t columns = std::min<int64_t>(4, tn - n);
      const int16_t* w[4];
      for (int64_t j = 0; j < 4; ++j) w[j] = w_data + (n + std::min(j, columns - 1)) * tk;
      for (int64_t pair = 0; pair < pairs_end; pair += 2) {
        const int16_t* a0 = a_data + pair * tk;
        const int16_t* a1 = a0 + tk;
        int64_t sum64[2][4] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
        for (int64_t k0 = 0; k0 < tk; k0 += kChunk) {
          const int64_t k1 = std::min(tk, k0 + kChunk);
          if (columns == 1) {
            sum64[0][0] += dot1_avx2(a0, w[0], k0, k1);
            sum64[1][0] += dot1_avx2(a1, w[0], k0, k1);
          } else {
            int32_t sum0[4], sum1[4];
            dot4x2_avx2(a0, a1, w, k0, k1, sum0, sum1);
            for (int64_t j = 0; j < 4; ++j) sum64[0][j] += sum0[j], sum64[1][j] += sum1[j];
          }
        }
        for (int64_t j = 0; j < columns; ++j) {
          partial[pair * tn + n + j] = sum64[0][j];
          partial[(pair + 1) * tn + n + j] = sum64[1][j];
        }
      }
      n += columns;
    }
    m = pairs_end;  // an odd last row below
  }
#endif
  for (; m < tm; ++m) {
    const int16_t* a = a_data + m * tk;
    for (int64_t n = 0; n < tn;) {
      const int64_t columns = std::min<int64_t>(4, tn - n);
      int64_t sum64[4] = {0, 0, 0, 0};
      if (columns == 1) {
        for (int64_t k0 = 0; k0 < tk; k0 += kChunk) {
          const int64_t k1 = std::min(tk, k0 + kChunk);
#ifdef ACCELSIM_TILE_AVX2
          sum64[0] += kAvx2 ? dot1_avx2(a, w_data + n * tk, k0, k1) : dot1(a, w_data + n * tk, k0, k1);
#else
          sum64[0] += dot1(a, w_data + n * tk, k0, k1);
#endif
        }
      } else {
        const int16_t* w[4];
        for (int64_t j = 0; j < 4; ++j) w[j] = w_data + (n + std::min(j, columns - 1)) * tk;
        for (int64_t k0 = 0; k0 < tk; k0 += kChunk) {
          const int64_t k1 = std::min(tk, k0 + kChunk);
          int32_t sum[4];
#ifdef ACCELSIM_TILE_AVX2
          if (kAvx2)
            dot4_avx2(a, w, k0, k1, sum);
          else
            dot4(a, w, k0, k1, sum);
#else
          dot4(a, w, k0, k1, sum);
#endif
          for (int64_t j = 0; j < 4; ++j) sum64[j] += sum[j];
        }
      }
      for (int64_t j = 0; j < columns; ++j) partial[m * tn + n + j] = sum64[j];
      n += columns;
    }
  }
}

#ifdef ACCELSIM_TILE_AVX2
// Tiles of tile_k up to kPairsMaxK (and four rows or more) the other way round: one register holds eight output
// channels' weights for two consecutive k (the packed pairs), and each row's two activations
// at those k, broadcast, multiply it: madd gives the eight channels' sums over the two k, with
// no horizontal sums and no lanes wasted on a short k. Four rows share each weight load.
// |sum| <= kPairsMaxK * 255 * 255 < 2^31. An odd tile_k's last pair reads one operand past the
// row (the next row's first, or a_'s padding): its weight in the pair is 0, so it adds 0.
__attribute__((target("avx2"))) inline __m256i pair_of(const int16_t* row, int64_t k) {
  int32_t pair;
  std::memcpy(&pair, row + k, sizeof(pair));
  return _mm256_set1_epi32(pair);
}

__attribute__((target("avx2"))) void store_sums(__m256i sums, int64_t columns, int64_t* partial) {
  alignas(32) int32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), sums);
  for (int64_t j = 0; j < columns; ++j) partial[j] = lanes[j];
}

__attribute__((target("avx2"))) void multiply_pairs_avx2(const int16_t* a, const int16_t* w_pairs, int64_t tm,
                                                         int64_t tk, int64_t tn, int64_t* partial) {
  const int64_t pairs = (tk + 1) / 2;
  for (int64_t panel = 0; panel * 8 < tn; ++panel) {
    const int16_t* w = w_pairs + panel * pairs * 16;
    const int64_t columns = std::min<int64_t>(8, tn - panel * 8);
    int64_t m = 0;
    for (; m + 4 <= tm; m += 4) {
      const int16_t* r0 = a + m * tk;
      const int16_t *r1 = r0 + tk, *r2 = r1 + tk, *r3 = r2 + tk;
      __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
      for (int64_t p = 0; p < pairs; ++p) {
        const __m256i wp = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + p * 16));
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(pair_of(r0, 2 * p), wp));
        s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(pair_of(r1, 2 * p), wp));
        s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(pair_of(r2, 2 * p), wp));
        s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(pair_of(r3, 2 * p), wp));
      }
      int64_t* out = partial + m * tn + panel * 8;
      store_sums(s0, columns, out);
      store_sums(s1, columns, out + tn);
      store_sums(s2, columns, out + 2 * tn);
      store_sums(s3, columns, out + 3 * tn);
    }
    for (; m < tm; ++m) {
      const int16_t* r0 = a + m * tk;
      __m256i s0 = _mm256_setzero_si256();
      for (int64_t p = 0; p < pairs; ++p)
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(pair_of(r0, 2 * p),
                                                    _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + p * 16))));
      store_sums(s0, columns, partial + m * tn + panel * 8);
    }
  }
}
#endif

void multiply_sse2(const int16_t* a, const int16_t* w, int64_t tm, int64_t tk, int64_t tn, int64_t* partial) {
  multiply_rows<false>(a, w, tm, tk, tn, partial);
}

#ifdef ACCELSIM_TILE_AVX2
__attribute__((target("avx2"))) void multiply_avx2(const int16_t* a, const int16_t* w, int64_t tm, int64_t tk,
                                                   int64_t tn, int64_t* partial) {
  multiply_rows<true>(a, w, tm, tk, tn, partial);
}
#endif

}  // namespace

void TileDatapath::multiply(int64_t tm, int64_t tk, int64_t tn, int64_t* partial) const {
#ifdef ACCELSIM_TILE_AVX2
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2 && tm >= 4 && tk <= kPairsMaxK && pairs_k_ == tk && pairs_n_ == tn)
    return multiply_pairs_avx2(a_.data(), w_pairs_.data(), tm, tk, tn, partial);
  if (avx2) return multiply_avx2(a_.data(), w_.data(), tm, tk, tn, partial);
#endif
  multiply_sse2(a_.data(), w_.data(), tm, tk, tn, partial);
}

namespace {

// Non-zero when `value` lies outside int32: value + 2^31 is then below 0 or from 2^32 on, so its
// high 32 bits (as unsigned) are not all zero. Branch-free, so the loops below vectorize.
inline uint64_t outside_int32(int64_t value) { return (static_cast<uint64_t>(value) + (uint64_t{1} << 31)) >> 32; }

// The accumulation when no sum leaves int32 (the common case, checked for the whole tile in one
// branch-free pass first): accumulators[m][n] = start + partial[m][n]. Returns false, having
// written nothing, when some sum would leave int32.
bool accumulate_inside_int32(int64_t tm, int64_t tn, bool accumulate, const int64_t* partial, const int32_t* bias,
                             int32_t* accumulators) {
  const int64_t count = tm * tn;
  uint64_t outside = 0;
  if (accumulate) {
    for (int64_t i = 0; i < count; ++i) outside |= outside_int32(accumulators[i] + partial[i]);
    if (outside) return false;
    for (int64_t i = 0; i < count; ++i) accumulators[i] = static_cast<int32_t>(accumulators[i] + partial[i]);
  } else if (bias) {
    for (int64_t m = 0; m < tm; ++m)
      for (int64_t n = 0; n < tn; ++n) outside |= outside_int32(bias[n] + partial[m * tn + n]);
    if (outside) return false;
    for (int64_t m = 0; m < tm; ++m)
      for (int64_t n = 0; n < tn; ++n) accumulators[m * tn + n] = static_cast<int32_t>(bias[n] + partial[m * tn + n]);
  } else {
    for (int64_t i = 0; i < count; ++i) outside |= outside_int32(partial[i]);
    if (outside) return false;
    for (int64_t i = 0; i < count; ++i) accumulators[i] = static_cast<int32_t>(partial[i]);
  }
  return true;
}

}  // namespace

std::optional<std::string> TileDatapath::accumulate(const LayerGeometry& layer, const isa::Instruction& tile,
                                                    const int64_t* partial, const int32_t* bias,
                                                    int32_t* accumulators) {
  const int64_t tm = tile.tile_m(), tn = tile.tile_n();
  if (accumulate_inside_int32(tm, tn, tile.accumulate, partial, bias, accumulators)) return std::nullopt;
  // Some sum leaves int32: element by element, saturating or reporting the first.
  for (int64_t m = 0; m < tm; ++m) {
    for (int64_t n = 0; n < tn; ++n) {
      int32_t& acc = accumulators[m * tn + n];
      const int64_t start = tile.accumulate ? acc : (bias ? bias[n] : 0);
      int64_t value = start + partial[m * tn + n];
      if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max()) {
        if (layer.overflow == model::OverflowPolicy::Error) {
          const int64_t index = (tile.n_begin + n) * layer.output.height * layer.output.width + tile.m_begin + m;
          return "layer " + layer.name + ": accumulator of output element " + std::to_string(index) + " reached " +
                 std::to_string(value) + ", outside int32 (set network.accumulator_overflow: saturate to clamp it)";
        }
        value = std::clamp<int64_t>(value, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
      }
      acc = static_cast<int32_t>(value);
    }
  }
  return std::nullopt;
}

}  // namespace accelsim::modules
