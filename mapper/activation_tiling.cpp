#include "mapper/activation_tiling.h"

#include <algorithm>
#include <string>

#include "mapper/mapper.h"

namespace accelsim::mapper {

using model::Layer;
using model::LayerType;

namespace {

uint64_t align64(uint64_t bytes) { return (bytes + 63) / 64 * 64; }

BandKind kind_of(const Layer& layer) {
  if (layer.type == LayerType::GlobalAvgPool) return BandKind::Channels;
  if (layer.type == LayerType::Linear) return BandKind::Whole;
  return BandKind::Rows;
}

// The most input rows any band of `band` output rows holds: the unclipped window span
//   (band - 1) * stride + kernel
// (clipping at the map's edges only shortens it), at most the map's height. An add: band.
int64_t held_input_rows(const Layer& layer, int64_t band) {
  if (layer.type == LayerType::Add) return band;
  return std::min(layer.input.height, (band - 1) * layer.stride_h + layer.kernel_h);
}

// One input band buffer and one output band buffer for bands of size b, in bytes.
std::pair<uint64_t, uint64_t> buffer_bytes(const Layer& layer, BandKind kind, int64_t b) {
  const auto& in = layer.input;
  const auto& out = layer.output;
  switch (kind) {
    case BandKind::Rows: {
      const int64_t operands = layer.type == LayerType::Add ? 2 : 1;
      return {static_cast<uint64_t>(operands * in.channels * held_input_rows(layer, b) * in.width),
              static_cast<uint64_t>(out.channels * b * out.width)};
    }
    case BandKind::Channels:  // b whole input planes in, b outputs (1x1) out
      return {static_cast<uint64_t>(b * in.height * in.width), static_cast<uint64_t>(b * out.height * out.width)};
    case BandKind::Whole:
      break;
  }
  return {static_cast<uint64_t>(in.elements()), static_cast<uint64_t>(out.elements())};
}

}  // namespace

RowRange input_rows_of_band(const Layer& layer, int64_t out_begin, int64_t out_end) {
  if (layer.type == LayerType::Add) return {out_begin, out_end};
  const int64_t first = out_begin * layer.stride_h - layer.pad_h;
  const int64_t last_end = (out_end - 1) * layer.stride_h - layer.pad_h + layer.kernel_h;
  return {std::max<int64_t>(0, first), std::min(layer.input.height, last_end)};
}

BandPlan plan_bands(const Layer& layer, uint64_t capacity, uint64_t slots) {
  BandPlan plan;
  plan.kind = kind_of(layer);
  const int64_t extent = plan.kind == BandKind::Rows       ? layer.output.height
                         : plan.kind == BandKind::Channels ? layer.output.channels
                                                           : 1;
  auto needed = [&](int64_t b) {
    const auto [in, out] = buffer_bytes(layer, plan.kind, b);
    return slots * align64(in) + slots * align64(out);
  };
  if (needed(1) > capacity) {
    const auto [in, out] = buffer_bytes(layer, plan.kind, 1);
    const char* unit = plan.kind == BandKind::Rows       ? "one output row"
                       : plan.kind == BandKind::Channels ? "one channel"
                                                         : "the whole input and output vectors";
    throw MappingError("layer " + layer.name + ": its feature maps do not fit the activation SRAM (" +
                       std::to_string(capacity) + " bytes) and must stream, but not even a band of " + unit +
                       " fits: " + std::to_string(slots) + " input band buffer(s) of " + std::to_string(in) +
                       " bytes and " + std::to_string(slots) + " output band buffer(s) of " + std::to_string(out) +
                       " bytes; activation_sram.capacity_bytes must be at least " + std::to_string(needed(1)));
  }
  // Bisection for the largest b in [1, extent] with needed(b) <= capacity: needed grows with b.
  int64_t fits = 1, too_big = extent + 1;
  while (too_big - fits > 1) {
    const int64_t middle = fits + (too_big - fits) / 2;
    (needed(middle) <= capacity ? fits : too_big) = middle;
  }
  plan.band_size = fits;
  plan.bands = (extent + fits - 1) / fits;
  const auto [in, out] = buffer_bytes(layer, plan.kind, fits);
  plan.input_buffer_bytes = in;
  plan.output_buffer_bytes = out;
  return plan;
}

}  // namespace accelsim::mapper
