#include "modules/pe_array/tile_datapath.h"

#include <algorithm>
#include <array>
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

  // The operand each stored byte stands for, its zero point removed: one table per tile rather
  // than a conversion per element.
  std::array<int16_t, 256> operand{};
  for (int byte = 0; byte < 256; ++byte)
    operand[static_cast<std::size_t>(byte)] = static_cast<int16_t>(
        activation_value(static_cast<uint8_t>(byte), layer.activation_dtype) - layer.input_zero_point);

  a_.assign(static_cast<std::size_t>(tm * tk), 0);
  if (layer.type == LayerType::Linear) {
    for (int64_t k = 0; k < tk; ++k) a_[k] = operand[input.bytes[k]];
    return;
  }
  // The window splits into runs of consecutive k on one input row (same channel and ky, kx
  // rising by one): each run is one contiguous read of the line buffer per output pixel.
  const int64_t window = layer.kernel_h * layer.kernel_w;
  const int64_t rows = input.row_end - input.row_begin;
  const int64_t group_channel = group_first_channel(layer, tile.n_begin);
  runs_.clear();
  for (int64_t k = 0; k < tk;) {
    const int64_t kk = tile.k_begin + k;
    const int64_t c = group_channel + kk / window, ky = (kk % window) / layer.kernel_w, kx = kk % layer.kernel_w;
    const int64_t length = std::min(layer.kernel_w - kx, tk - k);
    runs_.push_back(WindowRun{k, length, (c - input.channel_begin) * rows * input.width, ky, kx});
    k += length;
  }
  const int64_t out_width = layer.output.width;
  for (int64_t m = 0; m < tm; ++m) {
    const int64_t pixel = tile.m_begin + m;
    const int64_t y0 = (pixel / out_width) * layer.stride_h - layer.pad_h;
    const int64_t x0 = (pixel % out_width) * layer.stride_w - layer.pad_w;
    int16_t* row = a_.data() + m * tk;
    for (const WindowRun& run : runs_) {
      // Padding holds the zero point: after its removal, 0 (already in a_).
      const int64_t y = y0 + run.dy;
      if (y < input.row_begin || y >= input.row_end) continue;
      // The run's columns inside the map: [first, last) of its length.
      const int64_t x = x0 + run.dx;
      const int64_t first = std::max<int64_t>(0, -x), last = std::min(run.length, input.width - x);
      if (first >= last) continue;
      const uint8_t* source = input.bytes.data() + run.slice_offset + (y - input.row_begin) * input.width + x + first;
      int16_t* target = row + run.k + first;
      for (int64_t i = 0; i < last - first; ++i) target[i] = operand[source[i]];
    }
  }
}

void TileDatapath::multiply(int64_t tm, int64_t tk, int64_t tn, int64_t* partial) const {
  // |a| <= 255 and |w| <= 255: 2^15 products of at most 65025 stay inside int32, so each
  // chunk of k sums in int32 and the chunks in int64.
  constexpr int64_t kChunk = 32768;
  // Four output channels at a time share each activation load; the k loops vectorize.
  constexpr int64_t kColumns = 4;
  for (int64_t m = 0; m < tm; ++m) {
    const int16_t* a = a_.data() + m * tk;
    int64_t n = 0;
    for (; n + kColumns <= tn; n += kColumns) {
      const int16_t* w0 = w_.data() + n * tk;
      const int16_t *w1 = w0 + tk, *w2 = w1 + tk, *w3 = w2 + tk;
      int64_t sum64[kColumns] = {0, 0, 0, 0};
      for (int64_t k0 = 0; k0 < tk; k0 += kChunk) {
        const int64_t k1 = std::min(tk, k0 + kChunk);
        int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int64_t k = k0; k < k1; ++k) {
          const int32_t ak = a[k];
          s0 += ak * w0[k];
          s1 += ak * w1[k];
          s2 += ak * w2[k];
          s3 += ak * w3[k];
        }
        sum64[0] += s0, sum64[1] += s1, sum64[2] += s2, sum64[3] += s3;
      }
      for (int64_t j = 0; j < kColumns; ++j) partial[m * tn + n + j] = sum64[j];
    }
    for (; n < tn; ++n) {
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
