#include "golden/reference_model.h"

#include <algorithm>
#include <limits>

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

std::vector<Tensor> ReferenceModel::run(const std::vector<int32_t>& input) const {
  std::optional<AccumulatorOverflow> overflow;
  std::vector<Tensor> outputs = run(input, overflow);
  if (overflow) throw *overflow;
  return outputs;
}

std::vector<Tensor> ReferenceModel::run(const std::vector<int32_t>& input,
                                        std::optional<AccumulatorOverflow>& overflow) const {
  std::vector<Tensor> outputs;
  outputs.reserve(network_.layers.size());
  Tensor current{network_.input.shape, input};
  for (const Layer& layer : network_.layers) {
    switch (layer.type) {
      case LayerType::Conv2d:
        current = conv2d(layer, current, overflow);
        break;
      case LayerType::Linear:
        current = linear(layer, current, overflow);
        break;
      case LayerType::MaxPool:
        current = maxpool(layer, current);
        break;
      case LayerType::Flatten:
        current.shape = layer.output;
        break;
    }
    if (overflow) break;
    outputs.push_back(current);
  }
  return outputs;
}

int32_t ReferenceModel::finish_accumulator(const Layer& layer, int64_t index, int64_t acc,
                                           std::optional<AccumulatorOverflow>& overflow) const {
  constexpr int64_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  if (acc < lo || acc > hi) {
    if (network_.overflow == model::OverflowPolicy::Error && !overflow) overflow.emplace(layer.name, index, acc);
    acc = std::clamp(acc, lo, hi);
  }
  return requantize(static_cast<int32_t>(acc), layer.requant);
}

Tensor ReferenceModel::conv2d(const Layer& layer, const Tensor& input,
                              std::optional<AccumulatorOverflow>& overflow) const {
  const auto& in = input.shape;
  const auto& out = layer.output;
  Tensor result{out, std::vector<int32_t>(static_cast<std::size_t>(out.elements()))};
  for (int64_t o = 0; o < out.channels; ++o) {
    for (int64_t oy = 0; oy < out.height; ++oy) {
      for (int64_t ox = 0; ox < out.width; ++ox) {
        int64_t acc = layer.bias.empty() ? 0 : layer.bias[o];
        const int8_t* w = layer.weights.data() + o * in.channels * layer.kernel_h * layer.kernel_w;
        for (int64_t c = 0; c < in.channels; ++c) {
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
        const int64_t index = (o * out.height + oy) * out.width + ox;
        result.values[index] = finish_accumulator(layer, index, acc, overflow);
      }
    }
  }
  return result;
}

Tensor ReferenceModel::linear(const Layer& layer, const Tensor& input,
                              std::optional<AccumulatorOverflow>& overflow) const {
  const int64_t in_features = input.shape.elements();
  Tensor result{layer.output, std::vector<int32_t>(static_cast<std::size_t>(layer.output.channels))};
  for (int64_t o = 0; o < layer.output.channels; ++o) {
    int64_t acc = layer.bias.empty() ? 0 : layer.bias[o];
    for (int64_t i = 0; i < in_features; ++i) {
      const int64_t a = input.values[i];
      const int64_t w = layer.weights[o * in_features + i];
      acc += (a - layer.input_zero_point) * (w - layer.weight_zero_point);
    }
    result.values[o] = finish_accumulator(layer, o, acc, overflow);
  }
  return result;
}

Tensor ReferenceModel::maxpool(const Layer& layer, const Tensor& input) const {
  const auto& in = input.shape;
  const auto& out = layer.output;
  Tensor result{out, std::vector<int32_t>(static_cast<std::size_t>(out.elements()))};
  for (int64_t c = 0; c < out.channels; ++c)
    for (int64_t oy = 0; oy < out.height; ++oy)
      for (int64_t ox = 0; ox < out.width; ++ox) {
        int32_t best = std::numeric_limits<int32_t>::min();
        for (int64_t ky = 0; ky < layer.kernel_h; ++ky)
          for (int64_t kx = 0; kx < layer.kernel_w; ++kx)
            best = std::max(
                best, input.values[(c * in.height + oy * layer.stride_h + ky) * in.width + ox * layer.stride_w + kx]);
        result.values[(c * out.height + oy) * out.width + ox] = best;
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
