#include "golden/reference_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "golden/depthwise.h"
#include "golden/exact_rounding.h"
#include "golden/requantize.h"

namespace accelsim::golden {

using model::Layer;
using model::LayerType;

AccumulatorOverflow::AccumulatorOverflow(const std::string& layer_name, int64_t element, int64_t acc)
    : std::runtime_error("layer " + layer_name + ": accumulator of output element " + std::to_string(element) + " is " +
                         std::to_string(acc) +
                         ", outside int32 (set network.accumulator_overflow: saturate to clamp it)"),
      layer(layer_name),
      index(element),
      value(acc) {}

namespace {

// The requantization tables of a convolution or fully-connected layer: one per output channel
// when the multiplier is per channel, else one for them all; none where they do not pay.
// A table costs about RequantTable::build_cost() requantize() calls to build (two per output
// step: 510 for int8) and makes each lookup several times cheaper than a call, so it is built
// only when one image's accumulators through it are at least that many: it then pays for
// itself within the first image, and a one-image run never spends more on the tables than the
// calls they replace. Below that (the fully-connected layers, small per-channel layers such as
// ResNet-18's 7x7 ones with 49 accumulators per channel) the layer calls requantize().
std::vector<RequantTable> requant_tables(const Layer& layer) {
  if (layer.type == LayerType::Add) {
    // A fixed-point add rounds its integer sum S = ma * da + mb * db exactly as requantize()'s
    // shift mode rounds an accumulator (requantize_sum): one table over S, built as for a
    // layer whose accumulators are the sums.
    if (layer.requant.mode != model::RequantMode::FixedPoint) return {};
    model::RequantSpec shift = layer.requant;
    shift.mode = model::RequantMode::Shift;
    if (layer.output.elements() < RequantTable::build_cost(shift)) return {};
    std::optional<RequantTable> table = RequantTable::build(shift, 0);
    if (!table) return {};
    return {std::move(*table)};
  }
  const model::RequantSpec& spec = layer.requant;
  const int64_t channels = layer.output.channels, per_channel = layer.output.height * layer.output.width;
  const int64_t served = spec.per_channel() ? per_channel : channels * per_channel;
  std::vector<RequantTable> tables;
  if (served < RequantTable::build_cost(spec)) return tables;
  for (int64_t channel = 0; channel < (spec.per_channel() ? channels : 1); ++channel) {
    std::optional<RequantTable> table = RequantTable::build(spec, channel);
    if (!table) return {};  // a spec the table does not cover: every channel calls requantize()
    tables.push_back(std::move(*table));
  }
  return tables;
}

}  // namespace

ReferenceModel::ReferenceModel(const model::Network& network, MacPath path) : network_(network), path_(path) {
  packed_.resize(network.layers.size());
  tables_.resize(network.layers.size());
  depthwise_weights_.resize(network.layers.size());
  one_row_.resize(network.layers.size(), 0);
  if (path_ == MacPath::Plain) return;  // straight from the definitions: requantize() on every accumulator
  for (std::size_t i = 0; i < network.layers.size(); ++i)
    if (network.layers[i].has_weights() || network.layers[i].type == LayerType::Add)
      tables_[i] = requant_tables(network.layers[i]);
  if (path_ == MacPath::Avx2 && !gemm::avx2_available())
    throw std::logic_error("golden model: AVX2 forced on a CPU without it");
  for (std::size_t i = 0; i < network.layers.size(); ++i) {
    const Layer& layer = network.layers[i];
    if (layer.type == LayerType::Conv2d && layer.groups > 1 && layer.groups == layer.input.channels &&
        layer.output.channels % layer.groups == 0 &&
        static_cast<int64_t>(layer.weights.size()) == layer.output.channels * layer.kernel_h * layer.kernel_w &&
        gemm::fits_depth(layer.kernel_h * layer.kernel_w)) {
      std::vector<int32_t> weights;
      for (int8_t weight : layer.weights) weights.push_back(int32_t{weight} - layer.weight_zero_point);
      if (std::all_of(weights.begin(), weights.end(), [](int32_t v) { return gemm::operand_fits(v); }))
        depthwise_weights_[i] = std::move(weights);
    }
    if (!layer.has_weights() || layer.groups != 1) continue;  // other grouped convolutions take the plain loops
    const int64_t n = layer.output.channels, k = static_cast<int64_t>(layer.weights.size()) / std::max<int64_t>(n, 1);
    const int64_t taps = layer.kernel_h * layer.kernel_w;
    const bool whole_input_window = layer.type == LayerType::Conv2d && layer.output.height == 1 &&
                                    layer.output.width == 1 && layer.pad_h == 0 && layer.pad_w == 0 &&
                                    layer.kernel_h == layer.input.height && layer.kernel_w == layer.input.width;
    if (layer.type == LayerType::Linear || whole_input_window) {
      one_row_[i] = 1;
      packed_[i].fits = gemm::weights_fit(layer.weights.data(), n, k, layer.weight_zero_point);  // nothing packed
      continue;
    }
    if (layer.type != LayerType::Conv2d || taps < 1 || k % taps != 0) {
      packed_[i] = gemm::pack_weights(layer.weights.data(), n, k, layer.weight_zero_point);
      continue;
    }
    // A convolution's weights in (kernel row, kernel column, channel) order, that of its lowered
    // input rows (see conv2d): the same products, summed in another order, exact in integers.
    // conv2d multiplies by it only when its input has k / taps channels (else the plain loops run).
    const int64_t channels = k / taps;
    std::vector<int8_t> reordered(static_cast<std::size_t>(n * k));
    const int8_t* from = layer.weights.data();  // read in order: [o][c][t]
    for (int64_t o = 0; o < n; ++o) {
      int8_t* row = reordered.data() + o * k;  // written [t][c]
      for (int64_t c = 0; c < channels; ++c)
        for (int64_t t = 0; t < taps; ++t) row[t * channels + c] = *from++;
    }
    packed_[i] = gemm::pack_weights(reordered.data(), n, k, layer.weight_zero_point);
  }
}

std::vector<Tensor> ReferenceModel::run(const std::vector<int32_t>& input) const {
  std::optional<AccumulatorOverflow> overflow;
  std::vector<Tensor> outputs = run(input, overflow);
  if (overflow) throw *overflow;
  return outputs;
}

std::vector<Tensor> ReferenceModel::run(const std::vector<int32_t>& input,
                                        std::optional<AccumulatorOverflow>& overflow) const {
  // Every layer's output stays alive to the end (they are all returned): a layer reads any
  // earlier one. Reserved up front, so that references into it stay valid.
  std::vector<Tensor> outputs;
  outputs.reserve(network_.layers.size());
  const Tensor network_input{network_.input.shape, input};
  auto operand = [&](int32_t producer) -> const Tensor& {
    return producer == model::kNetworkInput ? network_input : outputs[static_cast<std::size_t>(producer)];
  };
  for (std::size_t index = 0; index < network_.layers.size(); ++index) {
    const Layer& layer = network_.layers[index];
    const std::vector<int32_t> producers = network_.inputs_of(index);
    const Tensor& in = operand(producers.at(0));
    Tensor result;
    switch (layer.type) {
      case LayerType::Conv2d:
        result = conv2d(index, in, overflow);
        break;
      case LayerType::Linear:
        result = linear(index, in, overflow);
        break;
      case LayerType::MaxPool:
        result = maxpool(layer, in);
        break;
      case LayerType::AvgPool:
      case LayerType::GlobalAvgPool:
        result = avgpool(layer, in);
        break;
      case LayerType::Add:
        result = add(index, in, operand(producers.at(1)));
        break;
      case LayerType::Flatten:
        result = in;
        result.shape = layer.output;
        break;
    }
    if (overflow) break;
    outputs.push_back(std::move(result));
  }
  return outputs;
}

namespace {

// The least and greatest of `values`: a plain min/max loop, which the compiler vectorizes
// (std::minmax_element's index bookkeeping does not). Compiled plainly and for AVX2, chosen at run
// time (not by target_clones: its resolver runs before a sanitizer's runtime is up).
__attribute__((always_inline)) inline std::pair<int32_t, int32_t> min_max(const int32_t* values, std::size_t count) {
  int32_t lo = std::numeric_limits<int32_t>::max(), hi = std::numeric_limits<int32_t>::min();
  for (std::size_t i = 0; i < count; ++i) {
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  return {lo, hi};
}

__attribute__((target("avx2"))) std::pair<int32_t, int32_t> min_max_avx2(const int32_t* values, std::size_t count) {
  return min_max(values, count);
}

std::pair<int32_t, int32_t> min_max_portable(const int32_t* values, std::size_t count) {
  return min_max(values, count);
}

// Whether every value minus the zero point is a GEMM operand (in [-255, 255]).
bool operands_fit(const std::vector<int32_t>& values, int32_t zero_point) {
  if (values.empty()) return true;
  const auto [lo, hi] = (gemm::avx2_available() ? min_max_avx2 : min_max_portable)(values.data(), values.size());
  return gemm::operand_fits(int64_t{lo} - zero_point) && gemm::operand_fits(int64_t{hi} - zero_point);
}

}  // namespace

const RequantTable* ReferenceModel::table_of(std::size_t index, int64_t channel) const {
  const std::vector<RequantTable>& tables = tables_[index];
  if (tables.empty()) return nullptr;
  return &tables[tables.size() == 1 ? 0 : static_cast<std::size_t>(channel)];
}

int32_t ReferenceModel::finish_accumulator(const Layer& layer, int64_t index, int64_t acc,
                                           std::optional<AccumulatorOverflow>& overflow,
                                           const RequantTable* table) const {
  constexpr int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  if (acc < lo || acc > hi) {
    if (network_.overflow == model::OverflowPolicy::Error && !overflow) overflow.emplace(layer.name, index, acc);
    acc = std::clamp(acc, lo, hi);
  }
  if (table) return (*table)(static_cast<int32_t>(acc));
  // Element `index` of the [C, H, W] output (or of a linear layer's [C]) is in channel index / (H * W).
  const int64_t channel = index / (layer.output.height * layer.output.width);
  return requantize(static_cast<int32_t>(acc), layer.requant, channel);
}

std::optional<gemm::Path> ReferenceModel::gemm_path(std::size_t index, const Tensor& input) const {
  if (path_ == MacPath::Plain || !packed_[index].fits) return std::nullopt;
  const int32_t zero_point = network_.layers[index].input_zero_point;
  if (!operands_fit(input.values, zero_point)) return std::nullopt;
  switch (path_) {
    case MacPath::Avx2:
      return gemm::Path::Avx2;
    case MacPath::Scalar:
      return gemm::Path::Scalar;
    default:
      return gemm::Path::Auto;
  }
}

namespace {
// Per-thread scratch: a convolution's input channels-last, its im2col rows, the int32 sums of one layer.
thread_local std::vector<int16_t> channels_last;
thread_local std::vector<int16_t> lowered;
thread_local std::vector<int32_t> sums;
constexpr int64_t kOutputBlock = 64;  // output pixels finished together: their sums' rows stay in L1

// Copies n int16 values. A window row is often short (5 values for LeNet's first layer), where a
// library call costs more than the copy: four values at a time by fixed-size (inlined) copies.
inline void copy_run(const int16_t* src, int64_t n, int16_t* dst) {
  if (n >= 64) {
    std::memcpy(dst, src, static_cast<std::size_t>(n) * sizeof(int16_t));
    return;
  }
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) std::memcpy(dst + i, src + i, 4 * sizeof(int16_t));
  for (; i < n; ++i) dst[i] = src[i];
}
}  // namespace

std::optional<Tensor> ReferenceModel::one_row(std::size_t index, const Tensor& input,
                                              std::optional<AccumulatorOverflow>& overflow) const {
  const Layer& layer = network_.layers[index];
  const int64_t n = layer.output.channels, k = input.shape.elements();
  if (n * k != static_cast<int64_t>(layer.weights.size()) || k != static_cast<int64_t>(input.values.size()))
    return std::nullopt;
  const std::optional<gemm::Path> path = gemm_path(index, input);
  if (!path) return std::nullopt;
  // The row: the input in [C, H, W] order, that of the weights (a convolution's one window covers it whole).
  lowered.resize(static_cast<std::size_t>(k));
  for (int64_t i = 0; i < k; ++i)
    lowered[static_cast<std::size_t>(i)] =
        static_cast<int16_t>(input.values[static_cast<std::size_t>(i)] - layer.input_zero_point);
  sums.resize(static_cast<std::size_t>(n));
  gemm::multiply_row(lowered.data(), layer.weights.data(), n, k, layer.weight_zero_point, sums.data(), *path);
  Tensor result{layer.output, std::vector<int32_t>(static_cast<std::size_t>(n))};
  for (int64_t o = 0; o < n; ++o) {  // element o is channel o's only one
    const int64_t bias = layer.bias.empty() ? 0 : layer.bias[static_cast<std::size_t>(o)];
    result.values[static_cast<std::size_t>(o)] =
        finish_accumulator(layer, o, bias + sums[static_cast<std::size_t>(o)], overflow, table_of(index, o));
  }
  return result;
}

// A convolution as one GEMM: row m of the lowered input holds output pixel m's receptive field
// in the packed weights' order (kernel row, kernel column, channel), zero point removed; a padded
// position is a real zero. The input is first laid out channels-last ([H][W][C], int16, zero
// point removed), so that each kernel row of a window is one contiguous run of kernel_w * C
// values; a 1x1 convolution with stride 1 and no padding multiplies that layout directly.
Tensor ReferenceModel::conv2d(std::size_t index, const Tensor& input,
                              std::optional<AccumulatorOverflow>& overflow) const {
  const Layer& layer = network_.layers[index];
  if (one_row_[index]) {
    std::optional<Tensor> result = one_row(index, input, overflow);
    return result ? std::move(*result) : conv2d_plain(index, input, overflow);
  }
  const std::optional<gemm::Path> path = gemm_path(index, input);
  const gemm::PackedWeights& w = packed_[index];
  const auto& in = input.shape;
  if (layer.groups != 1 && !depthwise_weights_[index].empty() && in.channels == layer.groups) {
    std::optional<Tensor> result = depthwise_conv(index, input, overflow);
    if (result) return std::move(*result);
  }
  if (!path || layer.groups != 1 || w.k != in.channels * layer.kernel_h * layer.kernel_w)
    return conv2d_plain(index, input, overflow);
  const auto& out = layer.output;
  const int64_t m_total = out.height * out.width, kp = w.kp, channels = in.channels, plane = in.height * in.width;
  const int32_t za = layer.input_zero_point;
  channels_last.resize(static_cast<std::size_t>(plane * channels));
  for (int64_t c = 0; c < channels; ++c) {
    const int32_t* src = input.values.data() + c * plane;
    int16_t* dst = channels_last.data() + c;
    for (int64_t i = 0; i < plane; ++i) dst[i * channels] = static_cast<int16_t>(src[i] - za);
  }
  const int16_t* a = channels_last.data();
  const bool pointwise = layer.kernel_h == 1 && layer.kernel_w == 1 && layer.stride_h == 1 && layer.stride_w == 1 &&
                         layer.pad_h == 0 && layer.pad_w == 0 && kp == channels && m_total == plane;
  if (!pointwise) {
    const int64_t run = layer.kernel_w * channels;  // one kernel row of a window
    lowered.resize(static_cast<std::size_t>(m_total * kp));
    for (int64_t oy = 0; oy < out.height; ++oy)
      for (int64_t ox = 0; ox < out.width; ++ox) {
        int16_t* row = lowered.data() + (oy * out.width + ox) * kp;
        const int64_t ix0 = ox * layer.stride_w - layer.pad_w;
        const bool inside = ix0 >= 0 && ix0 + layer.kernel_w <= in.width;
        for (int64_t ky = 0; ky < layer.kernel_h; ++ky) {
          int16_t* dst = row + ky * run;
          const int64_t iy = oy * layer.stride_h - layer.pad_h + ky;
          if (iy < 0 || iy >= in.height) {
            std::fill(dst, dst + run, int16_t{0});
            continue;
          }
          const int16_t* src = channels_last.data() + iy * in.width * channels;
          if (inside) {
            copy_run(src + ix0 * channels, run, dst);
            continue;
          }
          for (int64_t kx = 0; kx < layer.kernel_w; ++kx) {
            const int64_t ix = ix0 + kx;
            if (ix >= 0 && ix < in.width)
              copy_run(src + ix * channels, channels, dst + kx * channels);
            else
              std::fill(dst + kx * channels, dst + (kx + 1) * channels, int16_t{0});
          }
        }
        std::fill(row + w.k, row + kp, int16_t{0});  // the pair padding
      }
    a = lowered.data();
  }
  sums.resize(static_cast<std::size_t>(m_total * w.n));
  gemm::multiply(a, m_total, w, sums.data(), *path);
  Tensor result{out, std::vector<int32_t>(static_cast<std::size_t>(out.elements()))};
  // sums is [pixel][channel] and the output [channel][pixel]: a block of pixels at a time, so
  // that its rows of sums stay in cache while every channel reads them.
  bool outside_int32 = false;
  for (int64_t m0 = 0; m0 < m_total; m0 += kOutputBlock) {
    const int64_t m1 = std::min(m_total, m0 + kOutputBlock);
    for (int64_t o = 0; o < w.n; ++o) {
      const int64_t bias = layer.bias.empty() ? 0 : layer.bias[static_cast<std::size_t>(o)];
      const RequantTable* table = table_of(index, o);
      int32_t* output = result.values.data() + o * m_total;
      const int32_t* column = sums.data() + o;
      for (int64_t m = m0; m < m1; ++m) {
        const int64_t acc = bias + column[m * w.n];
        if (acc < std::numeric_limits<int32_t>::min() || acc > std::numeric_limits<int32_t>::max()) {
          outside_int32 = true;  // finished below in element order, which decides the overflow reported
          continue;
        }
        output[m] = table ? (*table)(static_cast<int32_t>(acc))
                          : finish_accumulator(layer, o * m_total + m, acc, overflow, nullptr);
      }
    }
  }
  if (outside_int32)
    for (int64_t o = 0; o < w.n; ++o) {
      const int64_t bias = layer.bias.empty() ? 0 : layer.bias[static_cast<std::size_t>(o)];
      for (int64_t m = 0; m < m_total; ++m)
        result.values[static_cast<std::size_t>(o * m_total + m)] = finish_accumulator(
            layer, o * m_total + m, bias + sums[static_cast<std::size_t>(m * w.n + o)], overflow, table_of(index, o));
    }
  return result;
}

Tensor ReferenceModel::linear(std::size_t index, const Tensor& input,
                              std::optional<AccumulatorOverflow>& overflow) const {
  const Layer& layer = network_.layers[index];
  if (one_row_[index]) {
    std::optional<Tensor> result = one_row(index, input, overflow);
    return result ? std::move(*result) : linear_plain(index, input, overflow);
  }
  const std::optional<gemm::Path> path = gemm_path(index, input);
  const gemm::PackedWeights& w = packed_[index];
  if (!path || w.k != input.shape.elements()) return linear_plain(index, input, overflow);
  lowered.assign(static_cast<std::size_t>(w.kp), 0);
  for (int64_t i = 0; i < w.k; ++i)
    lowered[static_cast<std::size_t>(i)] =
        static_cast<int16_t>(input.values[static_cast<std::size_t>(i)] - layer.input_zero_point);
  sums.resize(static_cast<std::size_t>(w.n));
  gemm::multiply(lowered.data(), 1, w, sums.data(), *path);
  Tensor result{layer.output, std::vector<int32_t>(static_cast<std::size_t>(layer.output.channels))};
  for (int64_t o = 0; o < w.n; ++o) {
    const int64_t bias = layer.bias.empty() ? 0 : layer.bias[static_cast<std::size_t>(o)];
    result.values[static_cast<std::size_t>(o)] =
        finish_accumulator(layer, o, bias + sums[static_cast<std::size_t>(o)], overflow, table_of(index, o));
  }
  return result;
}

std::optional<Tensor> ReferenceModel::depthwise_conv(std::size_t index, const Tensor& input,
                                                     std::optional<AccumulatorOverflow>& overflow) const {
  const Layer& layer = network_.layers[index];
  const int32_t za = layer.input_zero_point;
  if (input.values.empty() || !operands_fit(input.values, za)) return std::nullopt;
  const auto& in = input.shape;
  const auto& out = layer.output;
  const depthwise::Window window{layer.kernel_h, layer.kernel_w, layer.stride_h, layer.stride_w};
  // Each input plane once, zero point removed, inside a border of zeros (the padding: real
  // zeros) wide enough for every window.
  const int64_t plane_h = std::max(in.height + layer.pad_h, (out.height - 1) * layer.stride_h + layer.kernel_h);
  const int64_t plane_w = std::max(in.width + layer.pad_w, (out.width - 1) * layer.stride_w + layer.kernel_w);
  const int64_t per_group = out.channels / layer.groups, taps = layer.kernel_h * layer.kernel_w;
  const int64_t m_total = out.height * out.width;
  std::vector<int32_t> plane(static_cast<std::size_t>(plane_h * plane_w)),
      sums_of_channel(static_cast<std::size_t>(m_total));
  Tensor result{out, std::vector<int32_t>(static_cast<std::size_t>(out.elements()))};
  for (int64_t c = 0; c < in.channels; ++c) {
    std::fill(plane.begin(), plane.end(), 0);
    for (int64_t y = 0; y < in.height; ++y) {
      const int32_t* src = input.values.data() + (c * in.height + y) * in.width;
      int32_t* dst = plane.data() + (y + layer.pad_h) * plane_w + layer.pad_w;
      for (int64_t x = 0; x < in.width; ++x) dst[x] = src[x] - za;
    }
    for (int64_t o = c * per_group; o < (c + 1) * per_group; ++o) {
      depthwise::accumulate(plane.data(), plane_w, depthwise_weights_[index].data() + o * taps, window, out.height,
                            out.width, sums_of_channel.data());
      const int64_t bias = layer.bias.empty() ? 0 : layer.bias[static_cast<std::size_t>(o)];
      const RequantTable* table = table_of(index, o);
      int32_t* output = result.values.data() + o * m_total;
      for (int64_t m = 0; m < m_total; ++m) {
        const int64_t acc = bias + sums_of_channel[static_cast<std::size_t>(m)];
        const bool inside = acc >= std::numeric_limits<int32_t>::min() && acc <= std::numeric_limits<int32_t>::max();
        // In element order, as the plain loop: an overflow is reported for the same element.
        output[m] = table && inside ? (*table)(static_cast<int32_t>(acc))
                                    : finish_accumulator(layer, o * m_total + m, acc, overflow, table);
      }
    }
  }
  return result;
}

Tensor ReferenceModel::conv2d_plain(std::size_t index, const Tensor& input,
                                    std::optional<AccumulatorOverflow>& overflow) const {
  const Layer& layer = network_.layers[index];
  const auto& in = input.shape;
  const auto& out = layer.output;
  // Output channel o of group g = o / (out / groups) reads input channels g * (in / groups) on.
  const int64_t group_in = in.channels / layer.groups, group_out = out.channels / layer.groups;
  Tensor result{out, std::vector<int32_t>(static_cast<std::size_t>(out.elements()))};
  for (int64_t o = 0; o < out.channels; ++o) {
    const int64_t first_channel = o / group_out * group_in;
    const RequantTable* table = table_of(index, o);
    for (int64_t oy = 0; oy < out.height; ++oy) {
      for (int64_t ox = 0; ox < out.width; ++ox) {
        int64_t acc = layer.bias.empty() ? 0 : layer.bias[o];
        const int8_t* w = layer.weights.data() + o * group_in * layer.kernel_h * layer.kernel_w;
        for (int64_t c = first_channel; c < first_channel + group_in; ++c) {
          for (int64_t ky = 0; ky < layer.kernel_h; ++ky) {
            const int64_t iy = oy * layer.stride_h - layer.pad_h + ky;
            for (int64_t kx = 0; kx < layer.kernel_w; ++kx, ++w) {
              const int64_t ix = ox * layer.stride_w - layer.pad_w + kx;
              // A padded position holds the input zero point, i.e. a real zero: it adds nothing.
              if (iy < 0 || iy >= in.height || ix < 0 || ix >= in.width) continue;
              const int64_t a = input.values[(c * in.height + iy) * in.width + ix];
              acc += (a - layer.input_zero_point) * (int64_t{*w} - layer.weight_zero_point);
            }
          }
        }
        const int64_t element = (o * out.height + oy) * out.width + ox;
        result.values[element] = finish_accumulator(layer, element, acc, overflow, table);
      }
    }
  }
  return result;
}

Tensor ReferenceModel::linear_plain(std::size_t index, const Tensor& input,
                                    std::optional<AccumulatorOverflow>& overflow) const {
  const Layer& layer = network_.layers[index];
  const int64_t in_features = input.shape.elements();
  Tensor result{layer.output, std::vector<int32_t>(static_cast<std::size_t>(layer.output.channels))};
  for (int64_t o = 0; o < layer.output.channels; ++o) {
    int64_t acc = layer.bias.empty() ? 0 : layer.bias[o];
    for (int64_t i = 0; i < in_features; ++i) {
      const int64_t a = input.values[i];
      const int64_t w = layer.weights[o * in_features + i];
      acc += (a - layer.input_zero_point) * (w - layer.weight_zero_point);
    }
    result.values[o] = finish_accumulator(layer, o, acc, overflow, table_of(index, o));
  }
  return result;
}

// A padded position never wins: it is skipped (padding is at most half the window, so every
// window holds a real element).
Tensor ReferenceModel::maxpool(const Layer& layer, const Tensor& input) const {
  const auto& in = input.shape;
  const auto& out = layer.output;
  Tensor result{out, std::vector<int32_t>(static_cast<std::size_t>(out.elements()))};
  // The window's largest element: the padding is skipped (never a candidate). A window wholly
  // inside the input reads its rows directly, with no bounds test (not on the plain path, which
  // keeps the definition's loop for every window).
  const auto window_max = [&](int64_t c, int64_t oy, int64_t ox) {
    const int64_t iy0 = oy * layer.stride_h - layer.pad_h, ix0 = ox * layer.stride_w - layer.pad_w;
    const int32_t* plane = input.values.data() + c * in.height * in.width;
    int32_t best = std::numeric_limits<int32_t>::min();
    if (path_ != MacPath::Plain && iy0 >= 0 && ix0 >= 0 && iy0 + layer.kernel_h <= in.height &&
        ix0 + layer.kernel_w <= in.width) {
      for (int64_t ky = 0; ky < layer.kernel_h; ++ky) {
        const int32_t* row = plane + (iy0 + ky) * in.width + ix0;
        for (int64_t kx = 0; kx < layer.kernel_w; ++kx) best = std::max(best, row[kx]);
      }
      return best;
    }
    for (int64_t ky = 0; ky < layer.kernel_h; ++ky)
      for (int64_t kx = 0; kx < layer.kernel_w; ++kx) {
        const int64_t iy = iy0 + ky, ix = ix0 + kx;
        if (iy < 0 || iy >= in.height || ix < 0 || ix >= in.width) continue;
        best = std::max(best, plane[iy * in.width + ix]);
      }
    return best;
  };
  int32_t* output = result.values.data();
  for (int64_t c = 0; c < out.channels; ++c)
    for (int64_t oy = 0; oy < out.height; ++oy)
      for (int64_t ox = 0; ox < out.width; ++ox) *output++ = window_max(c, oy, ox);
  return result;
}

namespace {

// mean: float32, ONNX Runtime's QLinearAveragePool, from its definition (docs/arithmetic.md): the
// window's real values dequantized and summed one by one in float32 (row-major order: float
// addition is not associative), the sum divided by the count, then quantized with the zero point
// added before the round half to even, saturated to the dtype.
int32_t float32_mean(const std::vector<int32_t>& window, int64_t count, int32_t input_zero_point,
                     const model::FloatMeanSpec& spec, model::DType dtype) {
  float sum = 0.0f;
  for (int32_t q : window) {
    const float dequantized = spec.input_scale * static_cast<float>(q - input_zero_point);
    sum = sum + dequantized;
  }
  const float mean = sum / static_cast<float>(count);
  const float shifted = mean / spec.output_scale + static_cast<float>(spec.output_zero_point);
  const auto rounded = static_cast<int64_t>(std::nearbyint(shifted));  // ties to even: the default mode
  const model::DTypeRange range = model::range_of(dtype);
  return static_cast<int32_t>(std::clamp<int64_t>(rounded, range.min, range.max));
}

}  // namespace

// mean = z + round(sum(q - z) / count) over the window (docs/arithmetic.md): padded positions are
// real zeros; count is the whole window, or only its real elements without count_include_pad.
Tensor ReferenceModel::avgpool(const Layer& layer, const Tensor& input) const {
  const auto& in = input.shape;
  const auto& out = layer.output;
  const int64_t zero_point = layer.input_zero_point;
  Tensor result{out, std::vector<int32_t>(static_cast<std::size_t>(out.elements()))};
  std::vector<int32_t> window;  // the window's real values, row-major
  for (int64_t c = 0; c < out.channels; ++c)
    for (int64_t oy = 0; oy < out.height; ++oy)
      for (int64_t ox = 0; ox < out.width; ++ox) {
        int64_t sum = 0, real = 0;
        window.clear();
        for (int64_t ky = 0; ky < layer.kernel_h; ++ky)
          for (int64_t kx = 0; kx < layer.kernel_w; ++kx) {
            const int64_t iy = oy * layer.stride_h - layer.pad_h + ky, ix = ox * layer.stride_w - layer.pad_w + kx;
            if (iy < 0 || iy >= in.height || ix < 0 || ix >= in.width) continue;
            window.push_back(input.values[static_cast<std::size_t>((c * in.height + iy) * in.width + ix)]);
            sum += window.back() - zero_point;
            ++real;
          }
        const int64_t count = layer.count_include_pad ? layer.kernel_h * layer.kernel_w : real;
        int32_t& output = result.values[static_cast<std::size_t>((c * out.height + oy) * out.width + ox)];
        if (layer.mean == model::MeanArithmetic::Float32)
          output = float32_mean(window, count, zero_point, layer.float_mean, network_.activation_dtype);
        else if (layer.mean == model::MeanArithmetic::Multiply)  // the multiplier holds 1 / count
          output = requantize(static_cast<int32_t>(sum), layer.requant, c);
        else
          output = static_cast<int32_t>(zero_point + round_quotient(sum, count, layer.pool_rounding));
      }
  return result;
}

Tensor ReferenceModel::add(std::size_t index, const Tensor& a, const Tensor& b) const {
  const Layer& layer = network_.layers[index];
  Tensor result{layer.output, std::vector<int32_t>(a.values.size())};
  const RequantTable* table = table_of(index, 0);  // a fixed-point add's table over its integer sum
  if (!table) {
    for (std::size_t i = 0; i < a.values.size(); ++i)
      result.values[i] = requantize_sum(a.values[i], b.values[i], layer);
    return result;
  }
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    const int128 sum = fixed_point_sum(a.values[i], b.values[i], layer.add);
    const bool fits = sum >= std::numeric_limits<int32_t>::min() && sum <= std::numeric_limits<int32_t>::max();
    result.values[i] = fits ? (*table)(static_cast<int32_t>(sum)) : requantize_sum(a.values[i], b.values[i], layer);
  }
  return result;
}

int64_t ReferenceModel::argmax(const Tensor& scores) {
  int64_t best = 0;
  for (int64_t i = 1; i < static_cast<int64_t>(scores.values.size()); ++i)
    if (scores.values[i] > scores.values[best]) best = i;
  return best;
}

}  // namespace accelsim::golden
