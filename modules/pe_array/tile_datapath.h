#pragma once

#include <cstdint>
#include <vector>

#include "modules/common/layer_geometry.h"
#include "sim/mapper/tile_program.h"

namespace accelsim::modules {

// The rows of the input feature map a tile needs, as read from the activation SRAM into the
// PE array's line buffer: channels [channel_begin, channel_end) x rows [row_begin, row_end) x
// the full width, row-major. For a linear layer: one row holding elements [k_begin, k_end).
struct InputSlice {
  int64_t channel_begin = 0, channel_end = 0;
  int64_t row_begin = 0, row_end = 0;
  int64_t width = 0;
  std::vector<uint8_t> bytes;
};

// Which part of the input feature map a Compute instruction reads.
InputSlice input_slice_shape(const LayerGeometry& layer, const mapper::Instruction& tile);

// The functional PE array: the tile's partial sums, sum over its K range of
// (a - input_zero_point) * (w - weight_zero_point), added into the int32 accumulators.
// Operands are 9-bit (zero point removed) and products are summed in 32 bits per chunk; the
// accumulator add is checked against int32 (error or saturate, as the network says).
class TileDatapath {
 public:
  // weights: tile_n rows of tile_k int8 bytes (row stride tile_k); bias: tile_n int32 or null;
  // accumulators: tile_m x tile_n int32, read if tile.accumulate, always written.
  void compute(const LayerGeometry& layer, const mapper::Instruction& tile, const uint8_t* weights, const InputSlice& input,
               const int32_t* bias, int32_t* accumulators);

 private:
  void gather_operands(const LayerGeometry& layer, const mapper::Instruction& tile, const InputSlice& input);

  std::vector<int16_t> a_;  // tile_m x tile_k, zero point removed (im2col)
  std::vector<int16_t> w_;  // tile_n x tile_k, zero point removed
  std::vector<int64_t> window_offset_;  // per k: offset of (c, ky, kx) in the slice, or -1 for padding rows
  std::vector<int32_t> window_dy_, window_dx_;
};

}  // namespace accelsim::modules
