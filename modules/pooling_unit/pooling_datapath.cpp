#include "modules/pooling_unit/pooling_datapath.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "modules/requant_unit/requant_datapath.h"

namespace accelsim::modules {

namespace {

// The max over each output's window clipped to the input, comparing stored bytes read as
// `Stored` (int8_t or uint8_t: the dtype).
template <typename Stored>
void max_run(const LayerGeometry& g, const uint8_t* plane, int64_t m_begin, int64_t m_end, uint8_t* out) {
  const int64_t width = g.input.width;
  // A window inside the map reads these offsets from its corner, as one loop.
  std::array<int64_t, 64> offsets{};
  const bool listed = g.kernel_h * g.kernel_w <= static_cast<int64_t>(offsets.size());
  int64_t count = 0;
  for (int64_t y = 0; listed && y < g.kernel_h; ++y)
    for (int64_t x = 0; x < g.kernel_w; ++x) offsets[static_cast<std::size_t>(count++)] = y * width + x;
  int64_t out_y = m_begin / g.output.width, out_x = m_begin % g.output.width;
  for (int64_t m = m_begin; m < m_end; ++m) {
    const int64_t y0 = out_y * g.stride_h - g.pad_h, x0 = out_x * g.stride_w - g.pad_w;
    if (listed && y0 >= 0 && x0 >= 0 && y0 + g.kernel_h <= g.input.height && x0 + g.kernel_w <= width) {
      const uint8_t* corner = plane + y0 * width + x0;
      auto best = static_cast<Stored>(corner[0]);
      for (int64_t i = 1; i < count; ++i) best = std::max(best, static_cast<Stored>(corner[offsets[i]]));
      out[m - m_begin] = static_cast<uint8_t>(best);
    } else {  // the window clipped to the map: padding never wins
      const int64_t y_begin = std::max<int64_t>(y0, 0), y_end = std::min(y0 + g.kernel_h, g.input.height);
      const int64_t x_begin = std::max<int64_t>(x0, 0), x_end = std::min(x0 + g.kernel_w, width);
      const uint8_t* row = plane + y_begin * width;
      auto best = static_cast<Stored>(row[x_begin]);
      for (int64_t y = y_begin; y < y_end; ++y, row += width)
        for (int64_t x = x_begin; x < x_end; ++x) best = std::max(best, static_cast<Stored>(row[x]));
      out[m - m_begin] = static_cast<uint8_t>(best);
    }
    if (++out_x == g.output.width) out_x = 0, ++out_y;
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
