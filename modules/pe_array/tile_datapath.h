#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/isa/tile_program.h"
#include "modules/common/host_buffer.h"
#include "modules/common/layer_geometry.h"

namespace accelsim::modules {

// The rows of the input feature map a tile needs, as read from the activation SRAM into the
// PE array's line buffer: channels [channel_begin, channel_end) x rows [row_begin, row_end) x
// the full width, row-major. For a linear layer: one row holding elements [k_begin, k_end).
struct InputSlice {
  int64_t channel_begin = 0, channel_end = 0;
  int64_t row_begin = 0, row_end = 0;
  int64_t width = 0;
  HostBuffer<uint8_t> bytes;  // filled by the read of every tile that looks at it
};

// Which part of the input feature map a Compute instruction reads.
InputSlice input_slice_shape(const LayerGeometry& layer, const isa::Instruction& tile);

// The PE array's functional datapath around the array itself: operands in, partial sums out.
class TileDatapath {
 public:
  // Builds the tile's operands with their zero points removed (9 bits): a = tile_m x tile_k
  // (im2col of the line buffer; padding reads as the zero point, i.e. 0), w = tile_n x tile_k
  // from the weight rows (row stride tile_k).
  void gather(const LayerGeometry& layer, const isa::Instruction& tile, const uint8_t* weights,
              const InputSlice& input);
  const int16_t* a() const { return a_.data(); }
  const int16_t* w() const { return w_.data(); }

  // The array's arithmetic without its timing: partial[m][n] = sum_k a[m][k] * w[n][k], summed
  // in int32 over chunks that cannot overflow.
  void multiply(int64_t m, int64_t k, int64_t n, int64_t* partial) const;

  // Adds the tile's partial sums into the int32 accumulators, starting from the bias (or 0)
  // when the tile begins the accumulation. An accumulator that leaves int32 is saturated, or,
  // when the network says so, reported: the returned message names the layer and output index.
  static std::optional<std::string> accumulate(const LayerGeometry& layer, const isa::Instruction& tile,
                                               const int64_t* partial, const int32_t* bias, int32_t* accumulators);

 private:
  // a_ and w_ hold this many elements past the tile's operands (values of no meaning): the
  // multiply reads a row's last operands as a whole vector of eight.
  static constexpr std::size_t kPadding = 8;
  std::vector<int16_t> a_;
  std::vector<int16_t> w_;
  std::array<int16_t, 256> operand_{};  // stored byte -> operand, for the dtype and zero point below
  bool operand_valid_ = false;
  model::DType operand_dtype_ = model::DType::Int8;
  int32_t operand_zero_point_ = 0;
  std::vector<int16_t> frame_;  // the line buffer's operands inside their padding (gather)
  // What w_ and frame_ were last built from. Consecutive tiles of a layer often read the same
  // weight tile and the same rows (tiles step along m): when the bytes and the layout are
  // those of the previous tile, the conversion would write exactly what is already there.
  std::vector<uint8_t> w_source_;
  int32_t w_zero_point_ = 0;
  HostBuffer<uint8_t> frame_source_;
  std::array<int64_t, 9> frame_layout_{};
  bool frame_valid_ = false;
  // A run of consecutive k on one input row: a[m][k .. k + length) reads the frame from the
  // output pixel's window origin + frame_offset (its channel, window row and column) onwards.
  struct WindowRun {
    int64_t k, length, frame_offset;
  };
  // The weights again for tiles of tile_k <= kPairsMaxK (panels of 32 KiB at most; sums
  // below 1,024 * 255^2 < 2^31) in panels of eight output channels:
  // for each pair of consecutive k, the panel's eight (w[n][k], w[n][k + 1]), zero past tile_k
  // and tile_n (see multiply_pairs_avx2). Built for pairs_k_ x pairs_n_ (0: not built).
  static constexpr int64_t kPairsMaxK = 1024;
  void pack_weight_pairs(int64_t tk, int64_t tn);
  std::vector<int16_t> w_pairs_;
  int64_t pairs_k_ = 0, pairs_n_ = 0;
  std::vector<WindowRun> runs_;
  std::vector<int64_t> run_targets_, run_sources_;  // runs_' k and frame_offset, as flat lists
};

}  // namespace accelsim::modules
