#pragma once

#include <string>
#include <vector>

#include "core/model/network.h"

namespace accelsim::modules {

// A layer as the hardware's configuration registers see it: shapes, window, zero points and
// requantization arithmetic, but no tensors. Weights and activations reach the units only
// through the memories.
struct LayerGeometry {
  std::string name;
  model::LayerType type = model::LayerType::Conv2d;
  model::Shape input;
  model::Shape output;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t groups = 1;
  model::Rounding pool_rounding = model::Rounding::HalfEven;  // avgpool, global_avgpool
  bool count_include_pad = true;
  model::MeanArithmetic mean = model::MeanArithmetic::Divide;  // avgpool, global_avgpool
  model::FloatMeanSpec float_mean;                             // mean: float32
  model::AddSpec add;                                          // add
  int32_t input_zero_point = 0;                                // conv2d, linear, avgpool, global_avgpool
  int32_t weight_zero_point = 0;
  bool has_bias = false;
  int64_t gemm_m = 0, gemm_k = 0, gemm_n = 0;  // the layer as a matrix product (0 without weights)
  model::RequantSpec requant;
  model::DType activation_dtype = model::DType::Int8;
  model::OverflowPolicy overflow = model::OverflowPolicy::Error;
};

inline std::vector<LayerGeometry> geometry_of(const model::Network& network) {
  std::vector<LayerGeometry> table;
  for (const auto& layer : network.layers) {
    LayerGeometry g;
    g.name = layer.name;
    g.type = layer.type;
    g.input = layer.input;
    g.output = layer.output;
    g.kernel_h = layer.kernel_h, g.kernel_w = layer.kernel_w;
    g.stride_h = layer.stride_h, g.stride_w = layer.stride_w;
    g.pad_h = layer.pad_h, g.pad_w = layer.pad_w;
    g.groups = layer.groups;
    g.pool_rounding = layer.pool_rounding;
    g.count_include_pad = layer.count_include_pad;
    g.mean = layer.mean;
    g.float_mean = layer.float_mean;
    g.add = layer.add;
    g.input_zero_point = layer.input_zero_point;
    g.weight_zero_point = layer.weight_zero_point;
    g.has_bias = !layer.bias.empty();
    g.gemm_m = layer.gemm_m(), g.gemm_k = layer.gemm_k(), g.gemm_n = layer.gemm_n();
    g.requant = layer.requant;
    g.activation_dtype = network.activation_dtype;
    g.overflow = network.overflow;
    table.push_back(g);
  }
  return table;
}

// Reads a stored activation byte as the network's dtype.
// The first input channel a conv2d tile reads: its group's (a tile never spans two groups).
inline int64_t group_first_channel(const LayerGeometry& layer, int64_t n_begin) {
  if (layer.groups == 1) return 0;
  return n_begin / (layer.gemm_n / layer.groups) * (layer.input.channels / layer.groups);
}

inline int32_t activation_value(uint8_t byte, model::DType dtype) {
  return dtype == model::DType::Int8 ? static_cast<int32_t>(static_cast<int8_t>(byte)) : static_cast<int32_t>(byte);
}

}  // namespace accelsim::modules
