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
// An add reads the same rows it writes.
RowRange input_rows_of_band(const model::Layer& layer, int64_t out_begin, int64_t out_end);

// How a streamed layer is cut.
enum class BandKind {
  Rows,      // conv2d, maxpool, avgpool, add: bands of output rows, every channel
  Channels,  // global_avgpool: groups of whole channel planes
  Whole,     // linear: the whole input vector and output vector, one band
};

struct BandPlan {
  BandKind kind = BandKind::Rows;
  int64_t band_size = 0;             // output rows (Rows), channels (Channels) or 1 (Whole) per band
  int64_t bands = 0;                 // ceil(output rows or channels / band_size)
  uint64_t input_buffer_bytes = 0;   // one input band buffer (an add's holds both operands)
  uint64_t output_buffer_bytes = 0;  // one output band buffer
};

// The largest band whose buffers fit `capacity` bytes of activation SRAM: `slots` input band
// buffers and `slots` output band buffers (2 when double-buffered), each 64-byte aligned:
//   slots * align64(input band bytes(b)) + slots * align64(output band bytes(b)) <= capacity.
// Both sides grow with b, so the largest b is found by bisection. Throws MappingError naming
// the layer, the activation SRAM and the capacity needed when not even b = 1 fits.
BandPlan plan_bands(const model::Layer& layer, uint64_t capacity, uint64_t slots);

}  // namespace accelsim::mapper
