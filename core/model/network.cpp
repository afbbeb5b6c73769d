#include "core/model/network.h"

namespace accelsim::model {

std::string Shape::to_string() const {
  if (flat) return "[" + std::to_string(channels) + "]";
  return "[" + std::to_string(channels) + ", " + std::to_string(height) + ", " + std::to_string(width) + "]";
}

const config::EnumNames<LayerType>& layer_type_names() {
  static const config::EnumNames<LayerType> names = {{"conv2d", LayerType::Conv2d},
                                                     {"linear", LayerType::Linear},
                                                     {"maxpool", LayerType::MaxPool},
                                                     {"avgpool", LayerType::AvgPool},
                                                     {"global_avgpool", LayerType::GlobalAvgPool},
                                                     {"add", LayerType::Add},
                                                     {"flatten", LayerType::Flatten}};
  return names;
}
const char* name_of(LayerType type) { return config::name_in(layer_type_names(), type); }

const config::EnumNames<AddArithmetic>& add_arithmetic_names() {
  static const config::EnumNames<AddArithmetic> names = {{"products", AddArithmetic::Products},
                                                         {"onnxruntime_fma", AddArithmetic::OnnxRuntimeFma}};
  return names;
}
const char* name_of(AddArithmetic arithmetic) { return config::name_in(add_arithmetic_names(), arithmetic); }

const config::EnumNames<MeanArithmetic>& mean_arithmetic_names() {
  static const config::EnumNames<MeanArithmetic> names = {
      {"divide", MeanArithmetic::Divide}, {"multiply", MeanArithmetic::Multiply}, {"float32", MeanArithmetic::Float32}};
  return names;
}
const char* name_of(MeanArithmetic arithmetic) { return config::name_in(mean_arithmetic_names(), arithmetic); }

const config::EnumNames<ValueSource>& value_source_names() {
  static const config::EnumNames<ValueSource> names = {
      {"file", ValueSource::File}, {"random", ValueSource::Random}, {"none", ValueSource::None}};
  return names;
}
const char* name_of(ValueSource source) { return config::name_in(value_source_names(), source); }

int64_t Layer::gemm_k() const {
  if (type == LayerType::Conv2d) return input.channels / groups * kernel_h * kernel_w;
  if (type == LayerType::Linear) return input.elements();
  return 0;
}

int64_t Network::total_macs() const {
  int64_t total = 0;
  for (const auto& layer : layers) total += layer.macs();
  return total;
}

int64_t Network::total_weights() const {
  int64_t total = 0;
  // A timing-only network (values: none) holds no weights: their count is the layer's K x N.
  for (const auto& layer : layers)
    total += layer.weights.empty() && layer.has_weights() ? layer.gemm_k() * layer.gemm_n()
                                                          : static_cast<int64_t>(layer.weights.size());
  return total;
}

const Layer* Network::find(const std::string& layer_name) const {
  for (const auto& layer : layers)
    if (layer.name == layer_name) return &layer;
  return nullptr;
}

std::vector<int32_t> Network::inputs_of(std::size_t l) const {
  if (!layers.at(l).inputs.empty()) return layers[l].inputs;
  return {l == 0 ? kNetworkInput : static_cast<int32_t>(l - 1)};
}

}  // namespace accelsim::model
