#include "mapper/activation_tiling.h"

#include <algorithm>
#include <string>

#include "mapper/mapper.h"

namespace accelsim::mapper {

using model::Layer;
using model::LayerType;

namespace {

// The largest x in [fits, too_big) for which `fit(x)` holds, by bisection: `fit(fits)` holds and
// `fit` is monotone (the bytes a buffer needs grow with the size asked for).
template <typename Fit>
int64_t largest_fitting(int64_t fits, int64_t too_big, Fit fit) {
  while (too_big - fits > 1) {
    const int64_t middle = fits + (too_big - fits) / 2;
    (fit(middle) ? fits : too_big) = middle;
  }
  return fits;
}

uint64_t align64(uint64_t bytes) { return (bytes + 63) / 64 * 64; }

// The most input rows any band of `band` output rows holds: the unclipped window span
//   (band - 1) * stride + kernel
// (clipping at the map's edges only shortens it), at most the map's height. An add: band.
int64_t held_input_rows(const Layer& layer, int64_t band) {
  if (layer.type == LayerType::Add) return band;
  if (layer.type == LayerType::GlobalAvgPool || layer.type == LayerType::Linear) return layer.input.height;
  return std::min(layer.input.height, (band - 1) * layer.stride_h + layer.kernel_h);
}

// One input band buffer and one output band buffer for bands of b rows in groups of g channels.
// input_group > 0: a conv2d loading that many input channels at a time.
std::pair<uint64_t, uint64_t> buffer_bytes(const Layer& layer, BandKind kind, int64_t b, int64_t g,
                                           int64_t input_group = 0) {
  const auto& in = layer.input;
  const auto& out = layer.output;
  if (kind == BandKind::Whole) return {static_cast<uint64_t>(in.elements()), static_cast<uint64_t>(out.elements())};
  // A conv2d reads every input channel whatever group of outputs it writes.
  // (A grouped conv2d's own-group band passes its input channels as input_group.)
  const int64_t in_channels = layer.type == LayerType::Conv2d ? (input_group > 0 ? input_group : in.channels) : g;
  const int64_t operands = layer.type == LayerType::Add ? 2 : 1;
  return {static_cast<uint64_t>(operands * in_channels * held_input_rows(layer, b) * in.width),
          static_cast<uint64_t>(g * b * out.width)};
}

// A linear layer whose whole input and output vectors do not fit (see the header): the whole
// input with the output in groups, else the input in K chunks with the output in groups.
BandPlan plan_linear_tiles(const Layer& layer, uint64_t capacity, uint64_t max_slots, int64_t output_group,
                           int64_t chunk_multiple) {
  const int64_t K = layer.input.elements(), N = layer.output.elements();
  const int64_t group = std::min(N, std::max<int64_t>(1, output_group));
  auto needed = [&](uint64_t slots, int64_t chunk) {
    return slots * align64(static_cast<uint64_t>(chunk)) + slots * align64(static_cast<uint64_t>(group));
  };
  BandPlan plan;
  plan.kind = BandKind::Whole;
  plan.band_size = 1;
  plan.bands = 1;
  plan.channel_group = group;
  plan.groups = (N + group - 1) / group;
  plan.output_buffer_bytes = static_cast<uint64_t>(group);
  for (uint64_t slots = std::max<uint64_t>(1, max_slots); slots >= 1; --slots) {
    if (needed(slots, K) > capacity) continue;
    plan.slots = slots;
    plan.input_buffer_bytes = static_cast<uint64_t>(K);
    return plan;
  }
  for (uint64_t slots = std::max<uint64_t>(1, max_slots); slots >= 1; --slots) {
    if (needed(slots, 1) > capacity) continue;
    // The largest chunk in [1, K) that fits (bisection: the bytes grow with the chunk).
    int64_t fits = largest_fitting(1, K, [&](int64_t size) { return needed(slots, size) <= capacity; });
    // Whole weight blocks per chunk where one fits, so that no block is fetched for two chunks.
    if (chunk_multiple > 1 && fits >= chunk_multiple) fits = fits / chunk_multiple * chunk_multiple;
    plan.slots = slots;
    plan.input_channel_group = fits;
    plan.input_groups = (K + fits - 1) / fits;
    plan.input_buffer_bytes = static_cast<uint64_t>(fits);
    return plan;
  }
  throw MappingError("layer " + layer.name + ": its feature maps do not fit the activation SRAM (" +
                     std::to_string(capacity) + " bytes) and must stream, but not even a tile of one input element " +
                     "and " + std::to_string(group) +
                     " output(s) fits, single-buffered: an input chunk buffer of 1 byte (64 aligned) and an output " +
                     "group buffer of " + std::to_string(group) +
                     " bytes; activation_sram.capacity_bytes must be at least " + std::to_string(needed(1, 1)));
}

}  // namespace

ChannelRange input_channels_of_outputs(const Layer& layer, int64_t n_begin, int64_t n_end) {
  if (layer.groups <= 1) return {0, layer.input.channels};
  const int64_t outputs_per_group = layer.output.channels / layer.groups;
  const int64_t inputs_per_group = layer.input.channels / layer.groups;
  return {n_begin / outputs_per_group * inputs_per_group, ((n_end - 1) / outputs_per_group + 1) * inputs_per_group};
}

RowRange input_rows_of_band(const Layer& layer, int64_t out_begin, int64_t out_end) {
  if (layer.type == LayerType::Add) return {out_begin, out_end};
  if (layer.type == LayerType::GlobalAvgPool || layer.type == LayerType::Linear) return {0, layer.input.height};
  const int64_t first = out_begin * layer.stride_h - layer.pad_h;
  const int64_t last_end = (out_end - 1) * layer.stride_h - layer.pad_h + layer.kernel_h;
  return {std::max<int64_t>(0, first), std::min(layer.input.height, last_end)};
}

BandPlan plan_bands(const Layer& layer, uint64_t capacity, uint64_t max_slots, int64_t output_group,
                    int64_t input_group_max_rows, int64_t chunk_multiple) {
  BandPlan plan;
  plan.kind = layer.type == LayerType::Linear ? BandKind::Whole : BandKind::Rows;
  const int64_t rows = plan.kind == BandKind::Whole ? 1 : layer.output.height;
  const int64_t channels = layer.output.channels;
  // The smallest group: conv2d writes one weight tile's channels at a time; the others, one channel.
  const int64_t smallest_group = plan.kind == BandKind::Whole ? channels
                                 : layer.type == LayerType::Conv2d
                                     ? std::min(channels, std::max<int64_t>(1, output_group))
                                     : 1;
  auto needed = [&](uint64_t slots, int64_t b, int64_t g) {
    const auto [in, out] = buffer_bytes(layer, plan.kind, b, g);
    return slots * align64(in) + slots * align64(out);
  };
  // The largest group in [smallest_group, channels] with a one-row band that fits (bisection:
  // the bytes grow with g); conv2d's groups are whole weight tiles, so only the two ends.
  auto largest_group = [&](uint64_t slots) -> int64_t {
    if (needed(slots, 1, channels) <= capacity) return channels;
    if (needed(slots, 1, smallest_group) > capacity) return 0;
    if (layer.type == LayerType::Conv2d) return smallest_group;
    return largest_fitting(smallest_group, channels, [&](int64_t size) { return needed(slots, 1, size) <= capacity; });
  };
  for (uint64_t slots = std::max<uint64_t>(1, max_slots); slots >= 1; --slots) {
    const int64_t group = largest_group(slots);
    if (group == 0) continue;
    // The largest b in [1, rows] with needed(slots, b, group) <= capacity.
    int64_t fits = largest_fitting(1, rows + 1, [&](int64_t size) { return needed(slots, size, group) <= capacity; });
    plan.slots = slots;
    plan.band_size = fits;
    plan.bands = (rows + fits - 1) / fits;
    plan.channel_group = group;
    plan.groups = (channels + group - 1) / group;
    const auto [in, out] = buffer_bytes(layer, plan.kind, fits, group);
    plan.input_buffer_bytes = in;
    plan.output_buffer_bytes = out;
    return plan;
  }
  if (plan.kind == BandKind::Whole) return plan_linear_tiles(layer, capacity, max_slots, output_group, chunk_multiple);
  // A grouped conv2d: each output group's band holds only its own groups' input channels.
  const bool own_group_inputs = layer.type == LayerType::Conv2d && layer.groups > 1;
  const int64_t own_inputs =
      own_group_inputs ? input_channels_of_outputs(layer, 0, smallest_group).channels() : layer.input.channels;
  auto needed_own = [&](uint64_t slots, int64_t b) {
    const auto [in, out] = buffer_bytes(layer, plan.kind, b, smallest_group, own_inputs);
    return slots * align64(in) + slots * align64(out);
  };
  for (uint64_t slots = std::max<uint64_t>(1, max_slots); own_group_inputs && slots >= 1; --slots) {
    if (needed_own(slots, 1) > capacity) continue;
    int64_t fits = largest_fitting(1, rows + 1, [&](int64_t size) { return needed_own(slots, size) <= capacity; });
    plan.slots = slots;
    plan.band_size = fits;
    plan.bands = (rows + fits - 1) / fits;
    plan.channel_group = smallest_group;
    plan.groups = (channels + smallest_group - 1) / smallest_group;
    plan.own_group_inputs = true;
    const auto [in, out] = buffer_bytes(layer, plan.kind, fits, smallest_group, own_inputs);
    plan.input_buffer_bytes = in;
    plan.output_buffer_bytes = out;
    return plan;
  }
  // A conv2d (not grouped): groups of input channels, accumulated (see the header).
  const bool input_groups = layer.type == LayerType::Conv2d && layer.groups == 1;
  auto needed_grouped = [&](uint64_t slots, int64_t b, int64_t ci) {
    const auto [in, out] = buffer_bytes(layer, plan.kind, b, smallest_group, ci);
    return slots * align64(in) + slots * align64(out);
  };
  for (uint64_t slots = std::max<uint64_t>(1, max_slots); input_groups && slots >= 1; --slots) {
    if (needed_grouped(slots, 1, 1) > capacity) continue;
    int64_t fits = largest_fitting(1, layer.input.channels + 1,
                                   [&](int64_t size) { return needed_grouped(slots, 1, size) <= capacity; });
    const int64_t ci = fits;
    fits = largest_fitting(1, std::min(rows, std::max<int64_t>(1, input_group_max_rows)) + 1,
                           [&](int64_t size) { return needed_grouped(slots, size, ci) <= capacity; });
    plan.slots = slots;
    plan.band_size = fits;
    plan.bands = (rows + fits - 1) / fits;
    plan.channel_group = smallest_group;
    plan.groups = (channels + smallest_group - 1) / smallest_group;
    plan.input_channel_group = ci;
    plan.input_groups = (layer.input.channels + ci - 1) / ci;
    const auto [in, out] = buffer_bytes(layer, plan.kind, fits, smallest_group, ci);
    plan.input_buffer_bytes = in;
    plan.output_buffer_bytes = out;
    return plan;
  }
  const auto [in, out] = buffer_bytes(layer, plan.kind, 1, smallest_group,
                                      input_groups       ? 1
                                      : own_group_inputs ? own_inputs
                                                         : 0);
  const std::string band =
      plan.kind == BandKind::Whole
          ? "the whole input and output vectors"
          : "one output row of " + std::to_string(smallest_group) + " channel(s)" +
                (input_groups       ? " from one input channel"
                 : own_group_inputs ? " from its group's " + std::to_string(own_inputs) + " input channel(s)"
                                    : "");
  throw MappingError("layer " + layer.name + ": its feature maps do not fit the activation SRAM (" +
                     std::to_string(capacity) + " bytes) and must stream, but not even a band of " + band +
                     " fits, single-buffered: an input band buffer of " + std::to_string(in) +
                     " bytes and an output band buffer of " + std::to_string(out) +
                     " bytes; activation_sram.capacity_bytes must be at least " +
                     std::to_string(input_groups       ? needed_grouped(1, 1, 1)
                                    : own_group_inputs ? needed_own(1, 1)
                                                       : needed(1, 1, smallest_group)));
}

LoopOrderCost loop_order_cost(const Layer& layer, const BandPlan& plan, int64_t n_tiles) {
  uint64_t rows = 0;
  for (int64_t b = 0; b < plan.bands; ++b)
    rows += static_cast<uint64_t>(
        input_rows_of_band(layer, b * plan.band_size, std::min(layer.output.height, (b + 1) * plan.band_size)).rows());
  const int64_t channels = plan.own_group_inputs
                               ? n_tiles * input_channels_of_outputs(layer, 0, plan.channel_group).channels()
                               : layer.input.channels;
  const uint64_t input = static_cast<uint64_t>(channels * layer.input.width) * rows;
  const uint64_t weights = static_cast<uint64_t>(layer.gemm_n() * layer.gemm_k());
  // Own-group inputs: every tile loads its own channels in either order, so I is moved once.
  const uint64_t input_loads = plan.own_group_inputs ? 1 : static_cast<uint64_t>(n_tiles);
  return {input + static_cast<uint64_t>(plan.bands) * weights, input_loads * input + weights};
}

}  // namespace accelsim::mapper
