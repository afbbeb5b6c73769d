#pragma once

#include <cstdint>

#include "core/model/network.h"

namespace accelsim::mapper {

// Spatial tiling of feature maps that do not fit the activation SRAM (docs/timing.md,
// "Activations that do not fit"): a streamed layer reads its input from DRAM and writes its
// output to DRAM, passing through the SRAM in bands.

// Input rows [begin, end) of a map.
struct RowRange {
  int64_t begin = 0, end = 0;
  int64_t rows() const { return end - begin; }
};

// The input rows a band of output rows [out_begin, out_end) of a windowed layer (conv2d,
// maxpool, avgpool) reads, clipped to the map: output row oy reads input rows
// oy*stride - pad .. oy*stride - pad + kernel - 1, so the band reads
//   [out_begin*stride - pad, (out_end - 1)*stride - pad + kernel)  ∩  [0, H).
// An add reads the same rows it writes; global_avgpool and linear read every row.
RowRange input_rows_of_band(const model::Layer& layer, int64_t out_begin, int64_t out_end);

// How a streamed layer is cut: bands of output rows, each band in groups of channels.
//  - conv2d: every input channel of the band's rows is loaded once; the output is written for
//    all channels at once, or, when one row of all of them does not fit, per group of
//    `output_group` channels (the layer's tile_n: one output band per weight tile).
//  - maxpool, avgpool, add (channel by channel): rows of every channel, or of groups of
//    channels when one row of all does not fit (an add's groups hold both operands).
//  - global_avgpool: one band of the whole plane, in groups of whole channel planes.
//  - linear: the whole input and output vectors, one band; when they do not fit, the whole
//    input with the output in groups of `output_group` (one weight tile each), and when the
//    input does not fit either, the input in K chunks (input_channel_group elements each,
//    accumulated into the accumulator, requantized and stored after the last chunk) for each
//    output group:  slots * align64(chunk) + slots * align64(output_group) <= capacity.
//    The chunk is cut to a multiple of `chunk_multiple` (streamed weights: the layer's tile_k,
//    so that every weight block serves one chunk) when at least one multiple fits; a smaller
//    chunk cuts the blocks to its own size instead (mapper.cpp).
//    Its smallest tile is one input element (64 bytes aligned) x one output group.
// Double buffering (2 slots of each buffer) is kept when some band fits with it; otherwise the
// layer runs single-buffered rather than being refused.
enum class BandKind { Rows, Whole };

struct BandPlan {
  BandKind kind = BandKind::Rows;
  int64_t band_size = 0;             // output rows per band (Whole: 1)
  int64_t bands = 0;                 // ceil(output rows / band_size)
  int64_t channel_group = 0;         // channels per group: the output's (conv2d) or both sides' (others)
  int64_t groups = 1;                // ceil(channels / channel_group)
  int64_t input_channel_group = 0;   // conv2d: input channels per band load; linear: K chunk (0: all)
  int64_t input_groups = 1;          // ceil(input channels (linear: K) / input_channel_group)
  bool own_group_inputs = false;     // grouped conv2d: each output group loads only its groups' inputs
  uint64_t slots = 1;                // buffers of each kind: 2 = double-buffered
  uint64_t input_buffer_bytes = 0;   // one input band buffer
  uint64_t output_buffer_bytes = 0;  // one output band buffer
};

// The largest band whose buffers fit `capacity` bytes of activation SRAM, each 64-byte aligned:
//   slots * align64(input band bytes(b, g)) + slots * align64(output band bytes(b, g)) <= capacity,
// preferring, in order: `max_slots` slots with all channels, then with channel groups (g = the
// largest that fits a one-row band; conv2d: g = output_group), then one slot likewise. For the
// chosen (slots, g) the rows b grow both sides, so the largest b is found by bisection. Throws
// MappingError naming the layer, the activation SRAM and the capacity needed when not even the
// smallest band fits (one row of one group, single-buffered).
//
// A conv2d (not grouped) whose one-row band of every input channel does not fit even so loads
// its input in groups of input channels: each group is a K sub-range of the GEMM (K in c, ky, kx
// order) accumulated into the accumulator, requantized after the last group. Its output group
// is then `output_group`, its bands at most `input_group_max_rows` rows (one accumulator tile:
// the partial sums of a tile must wait in the accumulator for every input group), and the
// largest input group ci with a one-row band that fits is taken, then the largest band:
//   slots * align64(ci * held_input_rows(b) * W_in) + slots * align64(output_group * b * W_out) <= capacity.
// Its smallest band is one output row of one input channel and `output_group` output channels.
//
// A grouped conv2d (depthwise included) whose one-row band of every input channel does not fit
// even so loads, for each output group (one weight tile, `output_group` channels, never spanning
// two of the layer's groups), only the input channels of the groups it covers
// (input_channels_of_outputs): a band per output group, whole K windows, any number of rows:
//   slots * align64(C_in/groups * held_input_rows(b) * W_in) + slots * align64(output_group * b * W_out) <= capacity.
// Its smallest band is one output row of `output_group` channels from their group's input channels.
BandPlan plan_bands(const model::Layer& layer, uint64_t capacity, uint64_t max_slots, int64_t output_group,
                    int64_t input_group_max_rows = 1, int64_t chunk_multiple = 1);

// The input channels output channels [n_begin, n_end) of a conv2d read: those of the groups
// they belong to, [group(n_begin) * C_in/groups, (group(n_end - 1) + 1) * C_in/groups); a
// depthwise conv with channel multiplier m: [n_begin / m, (n_end - 1) / m + 1).
struct ChannelRange {
  int64_t begin = 0, end = 0;
  int64_t channels() const { return end - begin; }
};
ChannelRange input_channels_of_outputs(const model::Layer& layer, int64_t n_begin, int64_t n_end);

// The loop order of a streamed conv2d whose weights stream too (not resident, whole K windows:
// one block of tile_n rows x K per weight tile), and the DRAM bytes each moves per image:
//   bands outer:   I + bands * W        (every band fetches every weight tile again)
//   weights outer: n_tiles * I + W      (every weight tile is fetched once; the input bands
//                                        are fetched again for each weight tile)
// where I = C_in * W_in * sum over bands of the band's input rows (halo included) and W = N * K,
// the layer's weight bytes. A plan with own_group_inputs loads each weight tile's own input
// channels once per band in either order: I counts n_tiles * C_in/groups channels, moved once
// (bands outer: I + bands * W; weights outer: I + W). The output's stores are the same in both orders. Ties keep bands
// outer (the order of layers whose weights are resident).
struct LoopOrderCost {
  uint64_t bands_outer = 0, weights_outer = 0;
  bool weights_outer_wins() const { return weights_outer < bands_outer; }
};
LoopOrderCost loop_order_cost(const model::Layer& layer, const BandPlan& plan, int64_t n_tiles);

}  // namespace accelsim::mapper
