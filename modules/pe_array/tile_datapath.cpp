#include "modules/pe_array/tile_datapath.h"

#include <algorithm>
#include <limits>

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

void TileDatapath::gather(const LayerGeometry& layer, const isa::Instruction& tile, const uint8_t* weights,
                          const InputSlice& input) {
  const int64_t tm = tile.tile_m(), tk = tile.tile_k(), tn = tile.tile_n();
  w_.resize(static_cast<std::size_t>(tn * tk));
  for (int64_t i = 0; i < tn * tk; ++i)
    w_[i] = static_cast<int16_t>(static_cast<int8_t>(weights[i]) - layer.weight_zero_point);

  a_.assign(static_cast<std::size_t>(tm * tk), 0);
  const int32_t zero_point = layer.input_zero_point;
  if (layer.type == LayerType::Linear) {
    for (int64_t k = 0; k < tk; ++k)
      a_[k] = static_cast<int16_t>(activation_value(input.bytes[k], layer.activation_dtype) - zero_point);
    return;
  }
  // The window position of each k, relative to the output pixel's top-left input position.
  const int64_t window = layer.kernel_h * layer.kernel_w;
  window_offset_.resize(static_cast<std::size_t>(tk));
  window_dy_.resize(static_cast<std::size_t>(tk));
  window_dx_.resize(static_cast<std::size_t>(tk));
  const int64_t rows = input.row_end - input.row_begin;
  const int64_t group_channel = group_first_channel(layer, tile.n_begin);
  for (int64_t k = 0; k < tk; ++k) {
    const int64_t kk = tile.k_begin + k;
    const int64_t c = group_channel + kk / window, ky = (kk % window) / layer.kernel_w, kx = kk % layer.kernel_w;
    window_offset_[k] = (c - input.channel_begin) * rows * input.width;
    window_dy_[k] = static_cast<int32_t>(ky);
    window_dx_[k] = static_cast<int32_t>(kx);
  }
  const int64_t out_width = layer.output.width;
  for (int64_t m = 0; m < tm; ++m) {
    const int64_t pixel = tile.m_begin + m;
    const int64_t y0 = (pixel / out_width) * layer.stride_h - layer.pad_h;
    const int64_t x0 = (pixel % out_width) * layer.stride_w - layer.pad_w;
    int16_t* row = a_.data() + m * tk;
    for (int64_t k = 0; k < tk; ++k) {
      const int64_t y = y0 + window_dy_[k], x = x0 + window_dx_[k];
      // Padding holds the zero point: after its removal, 0 (already in a_).
      if (y < input.row_begin || y >= input.row_end || x < 0 || x >= input.width) continue;
      const uint8_t byte =
          input.bytes[static_cast<std::size_t>(window_offset_[k] + (y - input.row_begin) * input.width + x)];
      row[k] = static_cast<int16_t>(activation_value(byte, layer.activation_dtype) - zero_point);
    }
  }
}

void TileDatapath::multiply(int64_t tm, int64_t tk, int64_t tn, int64_t* partial) const {
  // |a| <= 255 and |w| <= 255: 2^15 products of at most 65025 stay inside int32.
  constexpr int64_t kChunk = 32768;
  for (int64_t m = 0; m < tm; ++m) {
    const int16_t* a = a_.data() + m * tk;
    for (int64_t n = 0; n < tn; ++n) {
      const int16_t* w = w_.data() + n * tk;
      int64_t sum64 = 0;
      for (int64_t k0 = 0; k0 < tk; k0 += kChunk) {
        const int64_t k1 = std::min(tk, k0 + kChunk);
        int32_t sum = 0;
        for (int64_t k = k0; k < k1; ++k) sum += static_cast<int32_t>(a[k]) * static_cast<int32_t>(w[k]);
        sum64 += sum;
      }
      partial[m * tn + n] = sum64;
    }
  }
}

std::optional<std::string> TileDatapath::accumulate(const LayerGeometry& layer, const isa::Instruction& tile,
                                                    const int64_t* partial, const int32_t* bias,
                                                    int32_t* accumulators) {
  const int64_t tm = tile.tile_m(), tn = tile.tile_n();
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
