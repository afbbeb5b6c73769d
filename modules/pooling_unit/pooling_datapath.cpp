#include "modules/pooling_unit/pooling_datapath.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "modules/requant_unit/requant_datapath.h"

namespace accelsim::modules {

namespace {

// The max over each output's window clipped to the input, comparing stored bytes read as
// `Stored` (int8_t or uint8_t: the dtype).
template <typename Stored>
void max_window(const LayerGeometry& g, const uint8_t* plane, int64_t out_y, int64_t out_x, uint8_t* out) {
  const int64_t width = g.input.width;
  const int64_t y0 = out_y * g.stride_h - g.pad_h, x0 = out_x * g.stride_w - g.pad_w;
  const int64_t y_begin = std::max<int64_t>(y0, 0), y_end = std::min(y0 + g.kernel_h, g.input.height);
  const int64_t x_begin = std::max<int64_t>(x0, 0), x_end = std::min(x0 + g.kernel_w, width);
  const uint8_t* row = plane + y_begin * width;
  auto best = static_cast<Stored>(row[x_begin]);
  for (int64_t y = y_begin; y < y_end; ++y, row += width)
    for (int64_t x = x_begin; x < x_end; ++x) best = std::max(best, static_cast<Stored>(row[x]));
  *out = static_cast<uint8_t>(best);
}

// Outputs [m_begin, m_end) row by row. Where a row's windows lie inside the map, the max of each
// input column over the window's rows comes first (one pass per window row over a contiguous
// run of bytes, which the compiler vectorizes), then each output takes the max of its kernel_w
// columns; a max does not depend on the order of its comparisons, so this is the window's max.
// Windows that reach into the padding take them one at a time, clipped.
#if defined(__SSE2__)
// Eight 2x2 maxima: out[i] = max(upper[2i], upper[2i + 1], lower[2i], lower[2i + 1]). int8 bytes
// are compared as uint8 after flipping their sign bit (which maps int8's order onto uint8's),
// and flipped back.
template <typename Stored>
inline void max_2x2_eight(const uint8_t* upper, const uint8_t* lower, uint8_t* out) {
  const __m128i flip = _mm_set1_epi8(std::is_signed_v<Stored> ? static_cast<char>(0x80) : 0);
  const __m128i rows = _mm_max_epu8(_mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(upper)), flip),
                                    _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(lower)), flip));
  // Each 16-bit lane holds one window's two column maxima: its low and high byte.
  const __m128i best = _mm_max_epi16(_mm_and_si128(rows, _mm_set1_epi16(0xFF)), _mm_srli_epi16(rows, 8));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_xor_si128(_mm_packus_epi16(best, best), flip));
}
#endif

template <typename Stored>
void max_run(const LayerGeometry& g, const uint8_t* plane, int64_t m_begin, int64_t m_end, uint8_t* out) {
  const int64_t width = g.input.width, out_width = g.output.width;
  std::array<Stored, 1024> columns;
  for (int64_t m = m_begin; m < m_end;) {
    const int64_t out_y = m / out_width, ox_begin = m % out_width;
    const int64_t ox_end = std::min(out_width, ox_begin + (m_end - m));
    const int64_t y0 = out_y * g.stride_h - g.pad_h;
    const int64_t x_begin = ox_begin * g.stride_w - g.pad_w, x_end = (ox_end - 1) * g.stride_w - g.pad_w + g.kernel_w;
    const int64_t span = x_end - x_begin;
    const bool inside = y0 >= 0 && y0 + g.kernel_h <= g.input.height && x_begin >= 0 && x_end <= width &&
                        span <= static_cast<int64_t>(columns.size());
    uint8_t* target = out + (m - m_begin);  // output ox_begin + i at target[i]
    const uint8_t* corner = plane + y0 * width + x_begin;
    int64_t i = 0;  // outputs of the row done
#if defined(__SSE2__)
    // 2x2 windows at stride 2 (most CNNs' pooling): eight outputs from sixteen bytes of each of
    // the two rows (span = 2 * outputs); a last part group ends with the row, recomputing
    // some outputs of the group before it to the same values.
    const int64_t outputs = ox_end - ox_begin;
    if (inside && g.kernel_h == 2 && g.kernel_w == 2 && g.stride_w == 2 && outputs >= 8) {
      for (; i + 8 <= outputs; i += 8) max_2x2_eight<Stored>(corner + 2 * i, corner + width + 2 * i, target + i);
      if (i < outputs)
        max_2x2_eight<Stored>(corner + 2 * (outputs - 8), corner + width + 2 * (outputs - 8), target + outputs - 8);
      i = outputs;
    }
#endif
    if (i < ox_end - ox_begin && inside) {
      const uint8_t* row = corner;
      for (int64_t x = 0; x < span; ++x) columns[static_cast<std::size_t>(x)] = static_cast<Stored>(row[x]);
      for (int64_t ky = 1; ky < g.kernel_h; ++ky) {
        row += width;
        for (int64_t x = 0; x < span; ++x)
          columns[static_cast<std::size_t>(x)] =
              std::max(columns[static_cast<std::size_t>(x)], static_cast<Stored>(row[x]));
      }
      for (; i < ox_end - ox_begin; ++i) {
        const Stored* window = columns.data() + i * g.stride_w;
        Stored best = window[0];
        for (int64_t kx = 1; kx < g.kernel_w; ++kx) best = std::max(best, window[kx]);
        target[i] = static_cast<uint8_t>(best);
      }
    }
    for (; i < ox_end - ox_begin; ++i) max_window<Stored>(g, plane, out_y, ox_begin + i, target + i);
    m += ox_end - ox_begin;
  }
}

}  // namespace

void PoolingDatapath::run(const uint8_t* plane, int64_t m_begin, int64_t m_end, uint8_t* out) const {
  if (layer_.type == model::LayerType::MaxPool) {
    if (layer_.activation_dtype == model::DType::Int8) return max_run<int8_t>(layer_, plane, m_begin, m_end, out);
    return max_run<uint8_t>(layer_, plane, m_begin, m_end, out);
  }
  for (int64_t m = m_begin; m < m_end; ++m)
    out[m - m_begin] = static_cast<uint8_t>((*this)(plane, m / layer_.output.width, m % layer_.output.width));
}

PoolingDatapath::PoolingDatapath(const LayerGeometry& layer) : layer_(layer), requant_(layer.requant) {
  if (layer.mean != model::MeanArithmetic::Float32) return;
  for (int byte = 0; byte < 256; ++byte)
    dequantized_[static_cast<std::size_t>(byte)] =
        layer.float_mean.input_scale *
        static_cast<float>(activation_value(static_cast<uint8_t>(byte), layer.activation_dtype) -
                           layer.input_zero_point);
}

// Clamping before rounding gives the same as after: the bounds are integers and rounding is
// monotonic. The zero point is added in float32, before the rounding, as ONNX Runtime does.
int32_t PoolingDatapath::quantize_float_mean(float sum, int64_t count) const {
  const model::FloatMeanSpec& spec = layer_.float_mean;
  const model::DTypeRange range = model::range_of(layer_.activation_dtype);
  const float mean = sum / static_cast<float>(count);
  float stored = mean / spec.output_scale;
  stored += static_cast<float>(spec.output_zero_point);
  stored = std::min(std::max(stored, static_cast<float>(range.min)), static_cast<float>(range.max));
  return static_cast<int32_t>(std::nearbyint(stored));  // round half to even (the default rounding mode)
}

int32_t PoolingDatapath::operator()(const uint8_t* plane, int64_t out_y, int64_t out_x) const {
  const LayerGeometry& g = layer_;
  // The window clipped to the input: padding is what lies outside it.
  const int64_t y0 = out_y * g.stride_h - g.pad_h, x0 = out_x * g.stride_w - g.pad_w;
  const int64_t y_begin = std::max<int64_t>(y0, 0), y_end = std::min(y0 + g.kernel_h, g.input.height);
  const int64_t x_begin = std::max<int64_t>(x0, 0), x_end = std::min(x0 + g.kernel_w, g.input.width);
  if (g.type == model::LayerType::MaxPool) {
    int32_t best = activation_value(plane[y_begin * g.input.width + x_begin], g.activation_dtype);
    for (int64_t y = y_begin; y < y_end; ++y)
      for (int64_t x = x_begin; x < x_end; ++x)
        best = std::max(best, activation_value(plane[y * g.input.width + x], g.activation_dtype));
    return best;
  }
  const int64_t count = g.count_include_pad ? g.kernel_h * g.kernel_w : (y_end - y_begin) * (x_end - x_begin);
  if (g.mean == model::MeanArithmetic::Float32) {
    float accumulator = 0.0f;  // one float32 addition per window element, in row-major order
    for (int64_t y = y_begin; y < y_end; ++y)
      for (int64_t x = x_begin; x < x_end; ++x) accumulator += dequantized_[plane[y * g.input.width + x]];
    return quantize_float_mean(accumulator, count);
  }
  int64_t sum = 0;
  for (int64_t y = y_begin; y < y_end; ++y)
    for (int64_t x = x_begin; x < x_end; ++x)
      sum += activation_value(plane[y * g.input.width + x], g.activation_dtype) - g.input_zero_point;
  if (g.mean == model::MeanArithmetic::Multiply)  // the multiplier holds 1 / count: no divider
    return requant_(static_cast<int32_t>(sum));
  return static_cast<int32_t>(g.input_zero_point + divide_rounded(sum, static_cast<uint64_t>(count), g.pool_rounding));
}

}  // namespace accelsim::modules
