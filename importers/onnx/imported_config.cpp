#include "importers/onnx/imported_config.h"

#include <fmt/format.h>

#include <cstring>

#include "core/io/atomic_file.h"

namespace accelsim::onnx_import {

using model::DType;
using model::Layer;
using model::LayerType;

npy::NpyArray images_from_input(const ImportedModel& model, const npy::NpyArray& input, const std::string& name) {
  const model::Shape shape = model.network.input.shape;
  const std::size_t rank = model.input_dims.size();
  if (input.shape.size() != rank || input.shape.empty())
    throw ImportError(name + ": the images are " + input.shape_text() + "; the model's input '" + model.input_name +
                      "' has " + std::to_string(rank) + " dimensions (batch first)");
  int64_t per_image = 1;
  for (std::size_t d = 1; d < rank; ++d) {
    if (input.shape[d] != model.input_dims[d])
      throw ImportError(name + ": the images are " + input.shape_text() + "; the model's input '" + model.input_name +
                        "' is " + npy::shape_text(model.input_dims) + " (the first, batch, dimension may differ)");
    per_image *= input.shape[d];
  }
  if (per_image != shape.elements())
    throw ImportError(name + ": images do not match the input shape " + shape.to_string());
  const int64_t count = input.shape[0];
  if (count < 1) throw ImportError(name + ": holds no images");
  npy::NpyArray out;
  out.dtype = npy::Dtype::UInt8;
  out.shape = {count, shape.channels, shape.height, shape.width};
  const std::size_t total = static_cast<std::size_t>(count * per_image);
  out.bytes.resize(total);
  const bool activations_int8 = model.network.activation_dtype == DType::Int8;
  if (model.input_quantize) {
    if (input.dtype != npy::Dtype::Float32)
      throw ImportError(name + ": the model quantizes a float32 input; the images are " + npy::dtype_name(input.dtype));
    const bool pytorch = model.arithmetic == Arithmetic::PyTorch;  // QuantStub rounds x * (1 / S), not x / S
    for (std::size_t i = 0; i < total; ++i) {
      float x;
      std::memcpy(&x, input.bytes.data() + 4 * i, 4);
      const int32_t q =
          pytorch ? quantize_per_tensor(x, *model.input_quantize) : quantize_linear(x, *model.input_quantize);
      out.bytes[i] = static_cast<uint8_t>(q & 0xff);
    }
    return out;
  }
  const npy::Dtype expected = activations_int8 ? npy::Dtype::Int8 : npy::Dtype::UInt8;
  if (input.dtype != expected)
    throw ImportError(name + ": the model's input is " + npy::dtype_name(expected) + " activations; the images are " +
                      npy::dtype_name(input.dtype));
  out.bytes.assign(input.bytes.begin(), input.bytes.begin() + static_cast<std::ptrdiff_t>(total));
  return out;
}

npy::NpyArray output_from_logits(const ImportedModel& model, const std::vector<int32_t>& logits) {
  const int64_t classes = model.network.layers.back().output.elements();
  std::vector<int64_t> shape = model.output_dims;
  if (shape.empty()) shape = {0, classes};
  shape[0] = static_cast<int64_t>(logits.size()) / classes;
  npy::NpyArray out;
  out.shape = shape;
  if (model.output_dequantize) {
    out.dtype = npy::Dtype::Float32;
    out.bytes.resize(logits.size() * 4);
    for (std::size_t i = 0; i < logits.size(); ++i) {
      const float f = dequantize_linear(logits[i], *model.output_dequantize);
      std::memcpy(out.bytes.data() + 4 * i, &f, 4);
    }
  } else if (model.integer_output_offset) {
    out.dtype = npy::Dtype::Int32;
    out.bytes.resize(logits.size() * 4);
    for (std::size_t i = 0; i < logits.size(); ++i) {
      const int32_t v = logits[i] - *model.integer_output_offset;
      std::memcpy(out.bytes.data() + 4 * i, &v, 4);
    }
  } else {
    out.dtype = model.network.activation_dtype == DType::Int8 ? npy::Dtype::Int8 : npy::Dtype::UInt8;
    out.bytes.resize(logits.size());
    for (std::size_t i = 0; i < logits.size(); ++i) out.bytes[i] = static_cast<uint8_t>(logits[i] & 0xff);
  }
  return out;
}

namespace {

std::string number(double value) { return fmt::format("{}", value); }  // shortest text that reads back exactly

// The output stage every requantization shares: zero point, clamp, ReLU.
std::string output_stage(const model::RequantSpec& r) {
  return fmt::format("rounding: {}, output_zero_point: {}, clamp: [{}, {}], relu: {}", model::name_of(r.rounding),
                     r.output_zero_point, r.clamp_min, r.clamp_max, r.relu ? "true" : "false");
}

// Writes one tensor file; with `written`, also hands it over: `data` itself when it is the model's
// (`in_model`), else a copy.
void write_tensor(const std::filesystem::path& file, npy::Dtype dtype, const std::vector<int64_t>& shape,
                  const void* data, bool in_model, std::vector<WrittenTensor>* written) {
  npy::write_npy(file, dtype, shape, data);
  if (!written) return;
  WrittenTensor tensor{file, {dtype, shape, {}}, nullptr};
  if (in_model) {
    tensor.data = data;
  } else {
    const auto* bytes = static_cast<const uint8_t*>(data);
    tensor.array.bytes.assign(bytes, bytes + tensor.array.element_count() * npy::dtype_size(dtype));
  }
  written->push_back(std::move(tensor));
}

std::string layer_yaml(const ImportedModel& model, std::size_t index, const std::filesystem::path& dir,
                       std::vector<WrittenTensor>* written) {
  const model::Network& network = model.network;
  const bool pytorch = model.arithmetic == Arithmetic::PyTorch;
  const Layer& layer = network.layers[index];
  std::string text = fmt::format("    - name: {}\n      type: {}\n", layer.name, model::name_of(layer.type));
  // Every layer names what it reads unless it is the previous layer (the chain's default).
  const bool chained = layer.inputs.size() == 1 &&
                       layer.inputs[0] == (index == 0 ? model::kNetworkInput : static_cast<int32_t>(index) - 1);
  if (!layer.inputs.empty() && !chained) {
    text += "      inputs: [";
    for (std::size_t i = 0; i < layer.inputs.size(); ++i)
      text += (i ? ", " : "") + (layer.inputs[i] == model::kNetworkInput
                                     ? std::string("input")
                                     : network.layers[static_cast<std::size_t>(layer.inputs[i])].name);
    text += "]\n";
  }
  if (layer.type == LayerType::Flatten) return text;
  if (layer.type == LayerType::Add) {
    const auto& r = layer.requant;
    if (r.mode == model::RequantMode::FixedPoint)
      return text + fmt::format(
                        "      input_zero_points: [{}, {}]\n"
                        "      requant: {{mode: fixed_point, multipliers: [{}, {}], shift: {}, {}}}"
                        "  # m = lrintf(float32(S_in / S_out) * 2^shift), PyTorch's qnnpack add\n",
                        layer.add.input_zero_points[0], layer.add.input_zero_points[1], layer.add.fixed_multipliers[0],
                        layer.add.fixed_multipliers[1], r.shift, output_stage(r));
    return text + fmt::format(
                      "      input_zero_points: [{}, {}]\n"
                      "      requant: {{mode: multiply, precision: float32, arithmetic: {}, multipliers: [{}, {}], {}}}"
                      "  # M = float32(S_in / S_out), ONNX Runtime's QLinearAdd\n",
                      layer.add.input_zero_points[0], layer.add.input_zero_points[1],
                      model::name_of(layer.add.arithmetic), number(layer.add.multipliers[0]),
                      number(layer.add.multipliers[1]), output_stage(r));
  }
  if (layer.type == LayerType::GlobalAvgPool) {
    if (layer.mean != model::MeanArithmetic::Multiply) return text;
    return text + fmt::format(
                      "      mean: multiply\n      requant: {{mode: multiply, precision: float32, multiplier: {}, {}}}"
                      "  # M = float32(S_in / (S_out * H * W)), {}\n",
                      number(layer.requant.multiplier), output_stage(layer.requant),
                      pytorch ? "PyTorch's qnnpack average pool" : "ONNX Runtime's QLinearGlobalAveragePool");
  }
  if (layer.type == LayerType::AvgPool) {
    text += fmt::format("      kernel: [{}, {}]\n      stride: [{}, {}]\n      padding: [{}, {}]\n", layer.kernel_h,
                        layer.kernel_w, layer.stride_h, layer.stride_w, layer.pad_h, layer.pad_w);
    if (layer.mean == model::MeanArithmetic::Multiply)  // a window over the whole plane: ORT's global path
      return text +
             fmt::format(
                 "      mean: multiply\n      requant: {{mode: multiply, precision: float32, multiplier: {}, {}}}"
                 "  # M = float32(S_in / (S_out * H * W)), ONNX Runtime's QLinearGlobalAveragePool\n",
                 number(layer.requant.multiplier), output_stage(layer.requant));
    const model::FloatMeanSpec& spec = layer.float_mean;
    return text + fmt::format(
                      "      mean: float32  # ONNX Runtime's QLinearAveragePool: a float32 mean of S_in * (q - z_in)\n"
                      "      input_scale: {}\n      output_scale: {}\n      output_zero_point: {}\n"
                      "      count_include_pad: {}\n",
                      number(spec.input_scale), number(spec.output_scale), spec.output_zero_point,
                      layer.count_include_pad ? "true" : "false");
  }
  if (layer.type == LayerType::MaxPool)
    return text + fmt::format("      kernel: [{}, {}]\n      stride: [{}, {}]\n      padding: [{}, {}]\n",
                              layer.kernel_h, layer.kernel_w, layer.stride_h, layer.stride_w, layer.pad_h, layer.pad_w);
  const std::string weights = layer.name + ".weights.npy";
  if (layer.type == LayerType::Conv2d) {
    const int64_t in_channels = layer.input.channels / layer.groups;
    text += fmt::format(
        "      out_channels: {}\n      kernel: [{}, {}]\n      stride: [{}, {}]\n      padding: [{}, {}]\n"
        "{}      weights: {}  # int8 [{}, {}, {}, {}] OIHW\n",
        layer.output.channels, layer.kernel_h, layer.kernel_w, layer.stride_h, layer.stride_w, layer.pad_h, layer.pad_w,
        layer.groups == 1 ? std::string() : fmt::format("      groups: {}\n", layer.groups), weights,
        layer.output.channels, in_channels, layer.kernel_h, layer.kernel_w);
    write_tensor(dir / weights, npy::Dtype::Int8, {layer.output.channels, in_channels, layer.kernel_h, layer.kernel_w},
                 layer.weights.data(), true, written);
  } else {
    text += fmt::format("      out_features: {}\n      weights: {}  # int8 [{}, {}]\n", layer.output.channels, weights,
                        layer.output.channels, layer.input.elements());
    write_tensor(dir / weights, npy::Dtype::Int8, {layer.output.channels, layer.input.elements()}, layer.weights.data(),
                 true, written);
  }
  if (!layer.bias.empty()) {
    const std::string bias = layer.name + ".bias.npy";
    text += fmt::format("      bias: {}  # int32 [{}], scale S_in * S_w\n", bias, layer.bias.size());
    write_tensor(dir / bias, npy::Dtype::Int32, {static_cast<int64_t>(layer.bias.size())}, layer.bias.data(), true,
                 written);
  }
  const auto& r = layer.requant;
  const char* formula = pytorch ? "float32(float32(S_w * S_in) * float32(1 / S_out)), as PyTorch's qnnpack"
                                : "float32(float32(S_in * S_w) / S_out), as ONNX Runtime";
  std::string multiplier = fmt::format("multiplier: {}  # {}", number(r.multiplier), formula);
  if (r.per_channel()) {
    multiplier = "multipliers: [";
    for (std::size_t c = 0; c < r.channel_multipliers.size(); ++c)
      multiplier += (c ? ", " : "") + number(r.channel_multipliers[c]);
    multiplier += std::string("]  # per output channel: ") + formula + " with S_w[c]";
  }
  text += fmt::format(
      "      input_zero_point: {}\n      weight_zero_point: {}\n      requant:\n        mode: multiply\n"
      "        {}\n        precision: float32\n        rounding: half_even\n        output_zero_point: {}\n"
      "        clamp: [{}, {}]\n        relu: {}\n",
      layer.input_zero_point, layer.weight_zero_point, multiplier, r.output_zero_point, r.clamp_min, r.clamp_max,
      r.relu ? "true" : "false");
  if (layer.scales && layer.scales->output > 0)
    text += fmt::format("      scales: {{input: {}, weight: {}, output: {}}}\n", number(layer.scales->input),
                        number(layer.scales->weight), number(layer.scales->output));
  return text;
}

}  // namespace

std::filesystem::path write_config(const ImportedModel& model, const std::filesystem::path& dir,
                                   const std::filesystem::path& hardware_yaml,
                                   const std::optional<npy::NpyArray>& images, const std::string& model_source,
                                   std::vector<WrittenTensor>* written) {
  std::filesystem::create_directories(dir);
  const model::Network& network = model.network;
  const bool int8 = network.activation_dtype == DType::Int8;
  const bool pytorch = model.arithmetic == Arithmetic::PyTorch;
  std::string text = fmt::format(
      "# Imported by `accelsim import` from {}.\n"
      "# Arithmetic: {} (--arithmetic {}, chosen by {}; docs/import.md): acc * float32 multiplier,\n"
      "# round half to even, plus the output zero point, saturated{}.\n",
      model_source, pytorch ? "PyTorch's qnnpack" : "ONNX Runtime's", name_of(model.arithmetic),
      model.arithmetic_reason, pytorch ? "; adds in fixed point, rounded half away from zero" : "");
  if (model.input_quantize)
    text += fmt::format("# The float input '{}' is quantized by {}(scale {}, zero point {}) into images.npy.\n",
                        model.input_name, pytorch ? "quantize_per_tensor" : "QuantizeLinear",
                        number(model.input_quantize->scale), model.input_quantize->zero_point);
  if (model.output_dequantize)
    text += fmt::format("# The output '{}' is DequantizeLinear(scale {}, zero point {}) of the last layer's.\n",
                        model.output_name, number(model.output_dequantize->scale), model.output_dequantize->zero_point);
  if (model.integer_output_offset)
    text += fmt::format("# The output '{}' is int32: the last layer's stored values minus {}.\n", model.output_name,
                        *model.integer_output_offset);
  for (const auto& note : model.notes) text += "# Note: " + note + "\n";
  // Relative to the config when they share more than the root (a checkout moved as a whole), else absolute.
  const std::filesystem::path hardware_absolute = std::filesystem::weakly_canonical(hardware_yaml);
  const std::filesystem::path dir_absolute = std::filesystem::weakly_canonical(dir);
  auto top = [](const std::filesystem::path& path) {  // "/work/x/y" -> "work"
    auto part = path.begin();
    if (part != path.end()) ++part;
    return part == path.end() ? std::filesystem::path() : *part;
  };
  const bool share = !top(hardware_absolute).empty() && top(hardware_absolute) == top(dir_absolute);
  const std::filesystem::path hardware =
      share ? std::filesystem::proximate(hardware_absolute, dir_absolute) : hardware_absolute;
  text += fmt::format("include:\n  - {}\nnetwork:\n  name: {}\n  activation_dtype: {}\n  values: file\n",
                      hardware.string(), network.name, model::name_of(network.activation_dtype));
  const model::Shape in = network.input.shape;
  text += fmt::format(
      "  input:\n    shape: [{}, {}, {}]\n    images: images.npy  # uint8 [N, {}, {}, {}]{}\n    pad: 0\n"
      "    pixel_table: input_table.npy  # {} [256]: {}\n    zero_point: {}\n  layers:\n",
      in.channels, in.height, in.width, in.channels, in.height, in.width,
      images ? "" : ": one image of the zero point (no --images given)", model::name_of(network.activation_dtype),
      int8 ? "each byte read as two's complement" : "identity", network.input.zero_point);
  std::vector<uint8_t> table(256);
  for (int p = 0; p < 256; ++p) table[static_cast<std::size_t>(p)] = static_cast<uint8_t>(p);
  write_tensor(dir / "input_table.npy", int8 ? npy::Dtype::Int8 : npy::Dtype::UInt8, {256}, table.data(), false,
               written);
  if (images) {
    write_tensor(dir / "images.npy", npy::Dtype::UInt8, images->shape, images->bytes.data(), false, written);
  } else {
    const std::vector<uint8_t> zero(static_cast<std::size_t>(in.elements()),
                                    static_cast<uint8_t>(network.input.zero_point & 0xff));
    write_tensor(dir / "images.npy", npy::Dtype::UInt8, {1, in.channels, in.height, in.width}, zero.data(), false,
                 written);
  }
  for (std::size_t l = 0; l < network.layers.size(); ++l) text += layer_yaml(model, l, dir, written);
  const std::filesystem::path config = dir / "network.yaml";
  report::write_file_atomically(config, text);
  return config;
}

}  // namespace accelsim::onnx_import
