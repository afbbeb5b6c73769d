#include "importers/onnx/onnx_import.h"

#include <fcntl.h>
#include <onnx/onnx_pb.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "importers/onnx/onnx_tensor.h"

namespace accelsim::onnx_import {

using model::DType;
using model::Layer;
using model::LayerType;
using model::Shape;

int32_t quantize_linear(float x, const QuantParams& params) {
  const model::DTypeRange range = model::range_of(params.dtype);
  const float scaled = x / params.scale;  // float32 division, as ONNX Runtime
  if (std::isnan(scaled)) return std::clamp(params.zero_point, range.min, range.max);
  const double rounded = std::nearbyint(static_cast<double>(scaled));  // ties to even (default rounding mode)
  const double stored = rounded + params.zero_point;
  return static_cast<int32_t>(std::clamp(stored, static_cast<double>(range.min), static_cast<double>(range.max)));
}

int32_t quantize_per_tensor(float x, const QuantParams& params) {
  const model::DTypeRange range = model::range_of(params.dtype);
  const float inverse_scale = 1.0f / params.scale;
  const float scaled = x * inverse_scale;  // float32, as PyTorch's quantize_val
  if (std::isnan(scaled)) return std::clamp(params.zero_point, range.min, range.max);
  const double stored = std::nearbyint(static_cast<double>(scaled)) + params.zero_point;  // ties to even
  return static_cast<int32_t>(std::clamp(stored, static_cast<double>(range.min), static_cast<double>(range.max)));
}

const char* name_of(Arithmetic arithmetic) { return arithmetic == Arithmetic::PyTorch ? "pytorch" : "onnxruntime"; }

bool parse_arithmetic(const std::string& text, Arithmetic& arithmetic) {
  if (text == "pytorch")
    arithmetic = Arithmetic::PyTorch;
  else if (text == "onnxruntime")
    arithmetic = Arithmetic::OnnxRuntime;
  else
    return false;
  return true;
}

std::optional<QnnpackAddParameters> qnnpack_add_parameters(float a_scale, float b_scale, float output_scale) {
  const std::array<float, 2> ratios{a_scale / output_scale, b_scale / output_scale};  // float32, as qnnpack's add.c
  for (float ratio : ratios)
    if (!(ratio >= 0x1.0p-14f) || !(ratio < 0x1.0p+8f)) return std::nullopt;
  int exponent = 0;
  std::frexp(std::max(ratios[0], ratios[1]), &exponent);  // max = f * 2^exponent, f in [0.5, 1)
  QnnpackAddParameters parameters;
  parameters.shift = 21 - (exponent - 1);  // in [14, 35]
  for (std::size_t i = 0; i < 2; ++i)      // lrintf of an exact power-of-two scaling: ties to even
    parameters.multipliers[i] = static_cast<int64_t>(std::nearbyint(std::ldexp(ratios[i], parameters.shift)));
  return parameters;
}

float dequantize_linear(int32_t q, const QuantParams& params) {
  return static_cast<float>(q - params.zero_point) * params.scale;
}

const std::vector<std::string>& supported_op_types() {
  static const std::vector<std::string> types = {"QuantizeLinear",
                                                 "DequantizeLinear",
                                                 "QLinearConv",
                                                 "QLinearMatMul",
                                                 "ConvInteger",
                                                 "MatMulInteger",
                                                 "Conv",
                                                 "Gemm",
                                                 "MatMul",
                                                 "MaxPool",
                                                 "Relu",
                                                 "Clip",
                                                 "Flatten",
                                                 "Reshape",
                                                 "Add",
                                                 "GlobalAveragePool",
                                                 "AveragePool",
                                                 "QLinearAdd",
                                                 "QLinearGlobalAveragePool",
                                                 "QLinearAveragePool",
                                                 "Constant",
                                                 "ConstantOfShape",
                                                 "Cast",
                                                 "Identity"};
  return types;
}

namespace {

std::string supported_list() {
  std::string text;
  for (const auto& type : supported_op_types()) text += (text.empty() ? "" : ", ") + type;
  return text;
}

// A value flowing through the graph, as far as the lowering knows it.
struct Value {
  enum class Kind {
    Constant,     // an initializer, a Constant node or folded from them
    DqConstant,   // DequantizeLinear of a constant (QDQ weights and biases)
    FloatInput,   // the float graph input, before its QuantizeLinear
    Quantized,    // integer activations: the graph input or a lowered layer's output
    Dequantized,  // DequantizeLinear of activations (QDQ form): float, pending a float op
    Pending,      // a float Conv/Gemm/MatMul on dequantized activations, awaiting its QuantizeLinear
    Accumulator,  // int32 output of ConvInteger / MatMulInteger
  };
  Kind kind = Kind::Constant;
  ConstTensor constant;          // Constant, DqConstant (the integers)
  std::vector<float> dq_scales;  // DqConstant
  std::vector<int64_t> dq_zero_points;
  int64_t dq_axis = 1;                      // DqConstant: the axis per-axis scales run along
  std::vector<int64_t> dims;                // activations: ONNX dims, batch first
  QuantParams quant;                        // Quantized, Dequantized
  bool scale_known = false;                 // Quantized graph input: learnt from its first consumer
  std::size_t layer = 0;                    // Pending, Accumulator: index into the network's layers
  std::vector<float> pending_scales;        // Pending: S_in * S_w[c] as float32 (one entry: per tensor)
  std::optional<float> clip_min, clip_max;  // Pending: Relu / Clip folded into the clamp
  int32_t source = model::kNetworkInput;    // activations: the layer whose output they are (or the input)
  // Pending add: the two operands' scales (the layer's multipliers are S_a / S_y, S_b / S_y).
  std::optional<std::array<float, 2>> add_scales;
  std::optional<float> pool_input_scale;          // Pending global average pool: S_in
  std::optional<float> average_pool_input_scale;  // Pending AveragePool: S_in
};

class Lowering {
 public:
  Lowering(const onnx::ModelProto& model, std::string source, Arithmetic arithmetic)
      : model_(model), source_(std::move(source)), arithmetic_(arithmetic) {}
  ImportedModel run();

 private:
  const onnx::GraphProto& graph() const { return model_.graph(); }
  [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& what) const;
  [[noreturn]] void fail_graph(const std::string& what) const;
  std::vector<const onnx::NodeProto*> topological_order() const;
  void read_inputs_and_initializers();
  Value& input(const onnx::NodeProto& node, int index);
  bool has_input(const onnx::NodeProto& node, int index) const {
    return node.input_size() > index && !node.input(index).empty();
  }
  const ConstTensor& constant(const onnx::NodeProto& node, int index, const char* role);
  float scale(const onnx::NodeProto& node, int index, const char* role);
  // A weight scale: one value, or one per output channel (`channels` of them).
  std::vector<float> weight_scales(const onnx::NodeProto& node, int index, const char* role, int64_t channels);
  int32_t zero_point(const onnx::NodeProto& node, int index, const char* role, ElementType expected_from);
  void set_output(const onnx::NodeProto& node, Value value);
  Value& activation(const onnx::NodeProto& node, int index, std::initializer_list<Value::Kind> kinds);
  void take_dtype(const onnx::NodeProto& node, DType dtype);
  void check_activation_params(const onnx::NodeProto& node, Value& x, float x_scale, int32_t x_zero_point);
  std::string layer_name(const onnx::NodeProto& node, const char* fallback);
  int64_t int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback) const;
  float float_attribute(const onnx::NodeProto& node, const std::string& name, float fallback) const;
  std::vector<int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name) const;
  const onnx::AttributeProto* attribute(const onnx::NodeProto& node, const std::string& name) const;
  void reject_attributes_except(const onnx::NodeProto& node, const std::set<std::string>& allowed) const;
  Shape shape_of(const onnx::NodeProto& node, const std::vector<int64_t>& dims) const;

  void lower_node(const onnx::NodeProto& node);
  void lower_quantize(const onnx::NodeProto& node);
  void lower_dequantize(const onnx::NodeProto& node);
  // Conv-like nodes: the weights (OIHW) with their zero point, the geometry from the attributes.
  Layer conv_layer(const onnx::NodeProto& node, const Value& x, const ConstTensor& weights, int32_t weight_zero_point);
  Layer linear_layer(const onnx::NodeProto& node, const Value& a, const ConstTensor& b, int32_t b_zero_point,
                     bool transposed);
  void lower_qlinear(const onnx::NodeProto& node, bool conv);
  void lower_integer(const onnx::NodeProto& node, bool conv);
  void lower_float_layer(const onnx::NodeProto& node);
  void lower_activation_clip(const onnx::NodeProto& node);
  void lower_maxpool(const onnx::NodeProto& node);
  void lower_flatten(const onnx::NodeProto& node);
  // Add: QLinearAdd (com.microsoft) or, in QDQ form, Add of two DequantizeLinear outputs.
  void lower_qlinear_add(const onnx::NodeProto& node);
  void lower_float_add(const onnx::NodeProto& node);
  Layer add_layer(const onnx::NodeProto& node, const Value& a, const Value& b);
  void finish_add(const onnx::NodeProto& node, Layer& layer, const std::array<float, 2>& input_scales,
                  const QuantParams& output, std::optional<float> clip_min, std::optional<float> clip_max);
  void set_qnnpack_add_multipliers(const onnx::NodeProto& node, Layer& layer, const std::array<float, 2>& input_scales,
                                   float output_scale);
  // A conv/linear layer's multiplier from S_in * S_w (float32) and S_out, in the chosen arithmetic's order.
  float requant_multiplier(float input_times_weight_scale, float output_scale) const;
  // GlobalAveragePool: QLinearGlobalAveragePool (com.microsoft) or DequantizeLinear -> GlobalAveragePool.
  void lower_global_avgpool(const onnx::NodeProto& node, bool qlinear);
  void finish_global_avgpool(const onnx::NodeProto& node, Layer& layer, float input_scale, const QuantParams& output);
  // AveragePool: QLinearAveragePool (com.microsoft) or DequantizeLinear -> AveragePool -> QuantizeLinear.
  void lower_average_pool(const onnx::NodeProto& node, bool qlinear);
  void finish_average_pool(const onnx::NodeProto& node, Layer& layer, float input_scale, const QuantParams& output);
  // A pool's input, window, stride and symmetric padding ([p_h, p_w, p_h, p_w]), and its output shape.
  void set_pool_window(const onnx::NodeProto& node, Layer& layer, const Shape& input,
                       const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
                       const std::vector<int64_t>& pads);
  using FinishPool = void (Lowering::*)(const onnx::NodeProto& node, Layer& layer, float input_scale,
                                        const QuantParams& output);
  // A pool's output value: with `qlinear` its own quantization (inputs x_scale, x_zero_point,
  // y_scale, y_zero_point), applied by `finish_pool`; else pending the QuantizeLinear of the QDQ form,
  // which finishes the layer from the input scale kept in `pending_scale`.
  Value pool_output(const onnx::NodeProto& node, Value& x, Layer& layer, bool qlinear, FinishPool finish_pool,
                    std::optional<float> Value::*pending_scale);
  void finish_requant(const onnx::NodeProto& node, Layer& layer, const std::vector<float>& multipliers,
                      int32_t output_zero_point, std::optional<float> clip_min, std::optional<float> clip_max,
                      float output_scale);
  void finish();
  // Appends `layer`, reading `source` (a layer index or the network input); returns its index.
  int32_t push_layer(Layer layer, int32_t source);

  const onnx::ModelProto& model_;
  std::string source_;
  Arithmetic arithmetic_;
  std::map<std::string, Value> values_;
  std::set<std::string> layer_names_;
  std::optional<DType> dtype_;
  ImportedModel result_;
};

void Lowering::fail(const onnx::NodeProto& node, const std::string& what) const {
  throw ImportError(source_ + ": node '" + node.name() + "' (" + node.op_type() + "): " + what);
}

void Lowering::fail_graph(const std::string& what) const { throw ImportError(source_ + ": " + what); }

const onnx::AttributeProto* Lowering::attribute(const onnx::NodeProto& node, const std::string& name) const {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t Lowering::int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t fallback) const {
  const auto* a = attribute(node, name);
  if (!a) return fallback;
  if (a->type() != onnx::AttributeProto::INT) fail(node, "attribute '" + name + "' is not an integer");
  return a->i();
}

float Lowering::float_attribute(const onnx::NodeProto& node, const std::string& name, float fallback) const {
  const auto* a = attribute(node, name);
  if (!a) return fallback;
  if (a->type() != onnx::AttributeProto::FLOAT) fail(node, "attribute '" + name + "' is not a float");
  return a->f();
}

std::vector<int64_t> Lowering::ints_attribute(const onnx::NodeProto& node, const std::string& name) const {
  const auto* a = attribute(node, name);
  if (!a) return {};
  if (a->type() != onnx::AttributeProto::INTS) fail(node, "attribute '" + name + "' is not a list of integers");
  return {a->ints().begin(), a->ints().end()};
}

void Lowering::reject_attributes_except(const onnx::NodeProto& node, const std::set<std::string>& allowed) const {
  for (const auto& a : node.attribute())
    if (!allowed.count(a.name())) fail(node, "attribute '" + a.name() + "' is not supported");
}

std::vector<const onnx::NodeProto*> Lowering::topological_order() const {
  // Kahn's algorithm over the tensors the nodes produce; ONNX requires sorted nodes, but a
  // model that is not sorted still imports, and one with a cycle is named.
  std::map<std::string, int> producer;
  for (int i = 0; i < graph().node_size(); ++i)
    for (const auto& out : graph().node(i).output())
      if (!out.empty() && !producer.emplace(out, i).second)
        fail(graph().node(i), "tensor '" + out + "' is produced by two nodes");
  std::vector<int> pending(static_cast<std::size_t>(graph().node_size()), 0);
  std::vector<std::vector<int>> consumers(static_cast<std::size_t>(graph().node_size()));
  for (int i = 0; i < graph().node_size(); ++i)
    for (const auto& in : graph().node(i).input()) {
      auto it = producer.find(in);
      if (it == producer.end()) continue;
      ++pending[static_cast<std::size_t>(i)];
      consumers[static_cast<std::size_t>(it->second)].push_back(i);
    }
  std::vector<int> ready;
  for (int i = graph().node_size() - 1; i >= 0; --i)
    if (pending[static_cast<std::size_t>(i)] == 0) ready.push_back(i);
  std::vector<const onnx::NodeProto*> order;
  while (!ready.empty()) {
    const int i = ready.back();
    ready.pop_back();
    order.push_back(&graph().node(i));
    for (int c : consumers[static_cast<std::size_t>(i)])
      if (--pending[static_cast<std::size_t>(c)] == 0) ready.push_back(c);
  }
  if (order.size() != static_cast<std::size_t>(graph().node_size()))
    for (int i = 0; i < graph().node_size(); ++i)
      if (pending[static_cast<std::size_t>(i)] > 0) fail(graph().node(i), "the graph has a cycle through this node");
  return order;
}

void Lowering::read_inputs_and_initializers() {
  for (const auto& init : graph().initializer()) {
    Value value;
    try {
      value.constant = decode_tensor(init);
    } catch (const std::runtime_error& e) {
      fail_graph(std::string("initializer: ") + e.what());
    }
    values_[init.name()] = std::move(value);
  }
  for (const auto& input : graph().input()) {
    if (values_.count(input.name())) continue;  // an initializer listed as an input (IR < 4)
    if (!result_.input_name.empty())
      fail_graph("graph inputs '" + result_.input_name + "' and '" + input.name() +
                 "': only one input (the images) is supported; weights and quantization parameters must be "
                 "initializers or Constant nodes");
    result_.input_name = input.name();
    if (!input.type().has_tensor_type()) fail_graph("graph input '" + input.name() + "' is not a tensor");
    const auto& tensor_type = input.type().tensor_type();
    Value value;
    for (const auto& dim : tensor_type.shape().dim())
      value.dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);  // -1: a named (batch) dimension
    if (value.dims.size() < 2)
      fail_graph("graph input '" + input.name() + "' has " + std::to_string(value.dims.size()) +
                 " dimensions; expected a batch axis first, then [C, H, W] or [K]");
    for (std::size_t d = 1; d < value.dims.size(); ++d)
      if (value.dims[d] < 1 || value.dims[d] > (1 << 16))
        fail_graph("graph input '" + input.name() + "': dimension " + std::to_string(d) + " is " +
                   std::to_string(value.dims[d]) + "; expected a fixed size in [1, 65536]");
    switch (tensor_type.elem_type()) {
      case onnx::TensorProto::FLOAT:
        value.kind = Value::Kind::FloatInput;
        break;
      case onnx::TensorProto::UINT8:
      case onnx::TensorProto::INT8:
        value.kind = Value::Kind::Quantized;
        value.quant.dtype = tensor_type.elem_type() == onnx::TensorProto::UINT8 ? DType::UInt8 : DType::Int8;
        dtype_ = value.quant.dtype;
        break;
      default:
        fail_graph("graph input '" + input.name() + "' has element type " + std::to_string(tensor_type.elem_type()) +
                   "; expected float, uint8 or int8");
    }
    result_.input_dims = value.dims;
    values_[input.name()] = std::move(value);
  }
  if (result_.input_name.empty()) fail_graph("the graph has no input that is not an initializer");
}

Value& Lowering::input(const onnx::NodeProto& node, int index) {
  if (!has_input(node, index)) fail(node, "input " + std::to_string(index) + " is missing");
  auto it = values_.find(node.input(index));
  if (it == values_.end())
    fail(node, "input '" + node.input(index) +
                   "' is neither the graph input, an initializer, nor the output of a node before it (a missing "
                   "initializer?)");
  return it->second;
}

const ConstTensor& Lowering::constant(const onnx::NodeProto& node, int index, const char* role) {
  Value& value = input(node, index);
  if (value.kind != Value::Kind::Constant)
    fail(node,
         std::string(role) + " '" + node.input(index) + "' must be a constant (an initializer or a Constant node)");
  return value.constant;
}

float Lowering::scale(const onnx::NodeProto& node, int index, const char* role) {
  const ConstTensor& t = constant(node, index, role);
  if (t.type != ElementType::Float || t.count() < 1) fail(node, std::string(role) + " must be a float32 tensor");
  for (float s : t.floats)
    if (!(s > 0.0f) || !std::isfinite(s))
      fail(node, std::string(role) + " '" + node.input(index) + "' is " + std::to_string(s) +
                     "; a scale must be finite and above 0");
  for (float s : t.floats)
    if (s != t.floats[0])
      fail(node, std::string(role) + " '" + node.input(index) + "' has " + std::to_string(t.count()) +
                     " different values (per-channel quantization): not supported yet, the requantization unit "
                     "holds one multiplier per layer");
  return t.floats[0];
}

std::vector<float> Lowering::weight_scales(const onnx::NodeProto& node, int index, const char* role, int64_t channels) {
  const ConstTensor& t = constant(node, index, role);
  if (t.type != ElementType::Float || t.count() < 1) fail(node, std::string(role) + " must be a float32 tensor");
  for (float s : t.floats)
    if (!(s > 0.0f) || !std::isfinite(s))
      fail(node, std::string(role) + " '" + node.input(index) + "' is " + std::to_string(s) +
                     "; a scale must be finite and above 0");
  if (t.count() != 1 && t.count() != channels)
    fail(node, std::string(role) + " has " + std::to_string(t.count()) + " values; expected 1 or " +
                   std::to_string(channels) + " (one per output channel)");
  return t.floats;
}

int32_t Lowering::zero_point(const onnx::NodeProto& node, int index, const char* role, ElementType expected_from) {
  if (!has_input(node, index)) return 0;  // ONNX's default
  const ConstTensor& t = constant(node, index, role);
  if (t.type != ElementType::UInt8 && t.type != ElementType::Int8)
    fail(node, std::string(role) + " '" + node.input(index) + "' is " + element_type_name(t.type) +
                   "; a zero point must be uint8 or int8");
  if (expected_from != ElementType::Float && t.type != expected_from)
    fail(node, std::string(role) + " is " + element_type_name(t.type) + " but its tensor is " +
                   element_type_name(expected_from));
  if (t.count() < 1) fail(node, std::string(role) + " is empty");
  const int64_t z = t.integer(0);
  for (std::size_t i = 1; i < static_cast<std::size_t>(t.count()); ++i)
    if (t.integer(i) != z)
      fail(node, std::string(role) +
                     " differs between channels: per-channel weight zero points are not supported (ONNX Runtime "
                     "refuses them too); per-channel scales with one zero point are");
  if (t.type == ElementType::UInt8 ? (z < 0 || z > 255) : (z < -128 || z > 127))
    fail(node, std::string(role) + " " + std::to_string(z) + " is out of the range of " + element_type_name(t.type));
  return static_cast<int32_t>(z);
}

void Lowering::set_output(const onnx::NodeProto& node, Value value) {
  if (node.output_size() < 1 || node.output(0).empty()) fail(node, "has no output");
  values_[node.output(0)] = std::move(value);
}

Value& Lowering::activation(const onnx::NodeProto& node, int index, std::initializer_list<Value::Kind> kinds) {
  Value& value = input(node, index);
  bool wanted = false;
  for (auto kind : kinds) wanted = wanted || value.kind == kind;
  if (!wanted) {
    const char* what = value.kind == Value::Kind::Constant      ? "a constant"
                       : value.kind == Value::Kind::DqConstant  ? "a dequantized constant"
                       : value.kind == Value::Kind::FloatInput  ? "the float graph input (quantize it first)"
                       : value.kind == Value::Kind::Quantized   ? "integer activations"
                       : value.kind == Value::Kind::Dequantized ? "dequantized activations"
                       : value.kind == Value::Kind::Pending     ? "a float layer's output not yet quantized"
                                                                : "an int32 accumulator";
    fail(node, "input '" + node.input(index) + "' is " + what + ", which this node cannot take here");
  }
  return value;
}

void Lowering::take_dtype(const onnx::NodeProto& node, DType dtype) {
  if (!dtype_) dtype_ = dtype;
  if (*dtype_ != dtype)
    fail(node, std::string("activations of ") + model::name_of(dtype) + " after " + model::name_of(*dtype_) +
                   ": one activation dtype per network");
}

void Lowering::check_activation_params(const onnx::NodeProto& node, Value& x, float x_scale, int32_t x_zero_point) {
  if (!x.scale_known) {  // the integer graph input: its first consumer says what it means
    x.quant.scale = x_scale;
    x.quant.zero_point = x_zero_point;
    x.scale_known = true;
    return;
  }
  if (x.quant.scale != x_scale || x.quant.zero_point != x_zero_point)
    fail(node, "reads activations quantized with scale " + std::to_string(x.quant.scale) + ", zero point " +
                   std::to_string(x.quant.zero_point) + " as scale " + std::to_string(x_scale) + ", zero point " +
                   std::to_string(x_zero_point) + ": requantizing between layers is not supported");
}

std::string Lowering::layer_name(const onnx::NodeProto& node, const char* fallback) {
  // "/conv1/Conv" (torch.onnx.export's names) -> "conv1_Conv".
  std::string base;
  for (char c : node.name())
    base += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') ? c : '_';
  const std::size_t first = base.find_first_not_of('_');
  base = first == std::string::npos ? std::string(fallback) : base.substr(first);
  std::string name = base;
  for (int i = 2; !layer_names_.insert(name).second; ++i) name = base + "_" + std::to_string(i);
  return name;
}

Shape Lowering::shape_of(const onnx::NodeProto& node, const std::vector<int64_t>& dims) const {
  if (dims.size() == 4) return Shape{dims[1], dims[2], dims[3], false};
  if (dims.size() == 2) return Shape{dims[1], 1, 1, true};
  fail(node,
       "activations of " + std::to_string(dims.size()) + " dimensions; expected [N, C, H, W] or [N, K] (batch first)");
}

ImportedModel Lowering::run() {
  read_inputs_and_initializers();
  for (const auto* node : topological_order()) lower_node(*node);
  finish();
  return std::move(result_);
}

void Lowering::lower_node(const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  const bool microsoft = node.domain() == "com.microsoft";
  if (!node.domain().empty() && node.domain() != "ai.onnx" &&
      !(microsoft && (op == "QLinearAdd" || op == "QLinearGlobalAveragePool" || op == "QLinearAveragePool")))
    fail(node, "operator domain '" + node.domain() + "' is not supported; supported: " + supported_list() +
                   " (domain ai.onnx; QLinearAdd, QLinearGlobalAveragePool and QLinearAveragePool of com.microsoft)");
  if (node.output_size() < 1 || node.output(0).empty()) fail(node, "has no output");
  if (op == "Constant") {
    const auto* value = attribute(node, "value");
    if (!value || value->type() != onnx::AttributeProto::TENSOR)
      fail(node, "only a Constant with a 'value' tensor is supported");
    Value v;
    try {
      v.constant = decode_tensor(value->t());
    } catch (const std::runtime_error& e) {
      fail(node, e.what());
    }
    set_output(node, std::move(v));
  } else if (op == "ConstantOfShape") {
    const ConstTensor& shape = constant(node, 0, "shape");
    Value v;
    v.constant.dims = shape.integers();
    int64_t count = 1;
    for (int64_t d : v.constant.dims) {
      if (d < 0 || d > (1 << 24)) fail(node, "dimension " + std::to_string(d) + " is out of range");
      count *= d;
      if (count > (1 << 24)) fail(node, "too large a constant");
    }
    v.constant.type = ElementType::Float;
    double fill = 0;
    if (const auto* value = attribute(node, "value")) {
      try {
        const ConstTensor t = decode_tensor(value->t());
        if (t.count() != 1) fail(node, "'value' must hold one element");
        v.constant.type = t.type;
        fill = t.at(0);
      } catch (const std::runtime_error& e) {
        fail(node, e.what());
      }
    }
    if (v.constant.is_integer())
      v.constant.ints.assign(static_cast<std::size_t>(count), static_cast<int64_t>(fill));
    else
      v.constant.floats.assign(static_cast<std::size_t>(count), static_cast<float>(fill));
    set_output(node, std::move(v));
  } else if (op == "Cast" || op == "Identity") {
    Value& in = input(node, 0);
    Value out = in;
    if (op == "Cast") {
      ElementType to;
      if (!element_type_of(static_cast<int>(int_attribute(node, "to", 0)), to))
        fail(node, "casts to an unsupported type");
      if (in.kind == Value::Kind::Constant) {
        ConstTensor& t = out.constant;
        if (to == ElementType::Float && t.is_integer()) {
          for (std::size_t i = 0; i < static_cast<std::size_t>(t.count()); ++i)
            t.floats.push_back(static_cast<float>(t.integer(i)));
          t.ints.clear();
          t.bytes = {};
        } else if (to != ElementType::Float && !t.is_integer()) {
          for (float v : t.floats) t.ints.push_back(static_cast<int64_t>(v));
          t.floats.clear();
        } else if (to != t.type) {
          t.widen();  // the values are kept as they are, relabelled
        }
        t.type = to;
      } else if (in.kind != Value::Kind::Quantized ||
                 to != (in.quant.dtype == DType::UInt8 ? ElementType::UInt8 : ElementType::Int8)) {
        fail(node,
             "only a Cast of a constant, or of activations to their own type (as torch.onnx.export emits), is "
             "supported");
      }
    }
    set_output(node, std::move(out));
  } else if (op == "QuantizeLinear") {
    lower_quantize(node);
  } else if (op == "DequantizeLinear") {
    lower_dequantize(node);
  } else if (op == "QLinearConv" || op == "QLinearMatMul") {
    lower_qlinear(node, op == "QLinearConv");
  } else if (op == "ConvInteger" || op == "MatMulInteger") {
    lower_integer(node, op == "ConvInteger");
  } else if (op == "Conv" || op == "Gemm" || op == "MatMul") {
    lower_float_layer(node);
  } else if (op == "Relu" || op == "Clip") {
    lower_activation_clip(node);
  } else if (op == "MaxPool") {
    lower_maxpool(node);
  } else if (op == "Flatten" || op == "Reshape") {
    lower_flatten(node);
  } else if (op == "QLinearAdd" && microsoft) {
    lower_qlinear_add(node);
  } else if (op == "Add") {
    lower_float_add(node);
  } else if (op == "QLinearGlobalAveragePool" && microsoft) {
    lower_global_avgpool(node, true);
  } else if (op == "GlobalAveragePool") {
    lower_global_avgpool(node, false);
  } else if (op == "QLinearAveragePool" && microsoft) {
    lower_average_pool(node, true);
  } else if (op == "AveragePool") {
    lower_average_pool(node, false);
  } else {
    fail(node, "operator not supported; supported: " + supported_list());
  }
}

void Lowering::lower_quantize(const onnx::NodeProto& node) {
  if (int_attribute(node, "axis", 1) != 1 && constant(node, 1, "y_scale").count() > 1)
    fail(node, "per-axis quantization of activations is not supported");
  Value& x = input(node, 0);
  if (!has_input(node, 2)) fail(node, "y_zero_point is required here (it sets the activation dtype)");
  const ConstTensor& zp_tensor = constant(node, 2, "y_zero_point");
  QuantParams params{scale(node, 1, "y_scale"), zero_point(node, 2, "y_zero_point", ElementType::Float),
                     zp_tensor.type == ElementType::UInt8 ? DType::UInt8 : DType::Int8};
  if (x.kind == Value::Kind::Constant) {  // folded: the quantized constant
    if (x.constant.type != ElementType::Float) fail(node, "quantizes a non-float constant");
    Value out;
    out.constant.type = zp_tensor.type;
    out.constant.dims = x.constant.dims;
    for (float f : x.constant.floats) out.constant.ints.push_back(quantize_linear(f, params));
    set_output(node, std::move(out));
    return;
  }
  Value& a = activation(node, 0, {Value::Kind::FloatInput, Value::Kind::Pending, Value::Kind::Dequantized});
  take_dtype(node, params.dtype);
  Value out;
  out.kind = Value::Kind::Quantized;
  out.quant = params;
  out.scale_known = true;
  out.dims = a.dims;
  if (a.kind == Value::Kind::FloatInput) {
    result_.input_quantize = params;
  } else if (a.kind == Value::Kind::Dequantized) {
    if (a.quant.scale != params.scale || a.quant.zero_point != params.zero_point || a.quant.dtype != params.dtype)
      fail(node, "requantizes activations to other parameters without a layer between: not supported");
    out.source = a.source;
  } else if (a.pool_input_scale) {  // the end of DequantizeLinear -> GlobalAveragePool -> QuantizeLinear
    if (a.clip_min || a.clip_max) fail(node, "a Relu or Clip after GlobalAveragePool is not supported");
    finish_global_avgpool(node, result_.network.layers[a.layer], *a.pool_input_scale, params);
    out.source = static_cast<int32_t>(a.layer);
  } else if (a.average_pool_input_scale) {  // the end of DequantizeLinear -> AveragePool -> QuantizeLinear
    if (a.clip_min || a.clip_max) fail(node, "a Relu or Clip after AveragePool is not supported");
    finish_average_pool(node, result_.network.layers[a.layer], *a.average_pool_input_scale, params);
    out.source = static_cast<int32_t>(a.layer);
  } else if (a.add_scales) {  // the end of DequantizeLinear x2 -> Add (-> Relu) -> QuantizeLinear
    finish_add(node, result_.network.layers[a.layer], *a.add_scales, params, a.clip_min, a.clip_max);
    out.source = static_cast<int32_t>(a.layer);
  } else {  // the end of DequantizeLinear -> Conv/Gemm/MatMul (-> Relu/Clip) -> QuantizeLinear
    Layer& layer = result_.network.layers[a.layer];
    std::vector<float> multipliers;
    for (float pending : a.pending_scales) multipliers.push_back(requant_multiplier(pending, params.scale));
    finish_requant(node, layer, multipliers, params.zero_point, a.clip_min, a.clip_max, params.scale);
    if (layer.scales) layer.scales->output = params.scale;
    out.source = static_cast<int32_t>(a.layer);
  }
  set_output(node, std::move(out));
}

void Lowering::lower_dequantize(const onnx::NodeProto& node) {
  Value& x = input(node, 0);
  if (x.kind == Value::Kind::Constant) {
    if (!x.constant.is_integer() || x.constant.type == ElementType::Int64)
      fail(node, "dequantizes a constant of type " + std::string(element_type_name(x.constant.type)));
    Value out;
    out.kind = Value::Kind::DqConstant;
    out.constant = x.constant;
    const ConstTensor& scales = constant(node, 1, "x_scale");
    if (scales.type != ElementType::Float) fail(node, "x_scale must be float32");
    for (float s : scales.floats)
      if (!(s > 0.0f) || !std::isfinite(s)) fail(node, "x_scale holds " + std::to_string(s) + "; expected finite > 0");
    out.dq_scales = scales.floats;
    out.dq_axis = int_attribute(node, "axis", 1);
    const auto rank = static_cast<int64_t>(x.constant.dims.size());
    if (out.dq_axis < 0) out.dq_axis += rank;
    if (scales.count() > 1 && (out.dq_axis < 0 || out.dq_axis >= rank ||
                               x.constant.dims[static_cast<std::size_t>(out.dq_axis)] != scales.count()))
      fail(node, "x_scale has " + std::to_string(scales.count()) + " values, not the size of axis " +
                     std::to_string(out.dq_axis) + " of x");
    if (has_input(node, 2)) {
      const ConstTensor& zps = constant(node, 2, "x_zero_point");
      if (!zps.is_integer()) fail(node, "x_zero_point must be an integer tensor");
      out.dq_zero_points = zps.integers();
    } else {
      out.dq_zero_points.assign(1, 0);
    }
    if (out.dq_scales.empty()) fail(node, "x_scale is empty");
    set_output(node, std::move(out));
    return;
  }
  Value& a = activation(node, 0, {Value::Kind::Quantized});
  QuantParams params{
      scale(node, 1, "x_scale"),
      zero_point(node, 2, "x_zero_point", a.quant.dtype == DType::UInt8 ? ElementType::UInt8 : ElementType::Int8),
      a.quant.dtype};
  check_activation_params(node, a, params.scale, params.zero_point);
  Value out;
  out.kind = Value::Kind::Dequantized;
  out.quant = params;
  out.dims = a.dims;
  out.source = a.source;
  set_output(node, std::move(out));
}

// uint8 weights become int8 by subtracting 128 from them and from their zero point: w - zp is unchanged.
std::vector<int8_t> int8_weights(const ConstTensor& weights) {
  std::vector<int8_t> stored(static_cast<std::size_t>(weights.count()));
  const bool uint8 = weights.type == ElementType::UInt8;
  if (!weights.bytes.empty()) {  // raw_data: the common case, a copy (and a flip of the top bit for uint8)
    std::memcpy(stored.data(), weights.bytes.data(), stored.size());
    if (uint8)
      for (int8_t& w : stored) w = static_cast<int8_t>(static_cast<uint8_t>(w) ^ 0x80u);
    return stored;
  }
  const int64_t shift = uint8 ? 128 : 0;
  for (std::size_t i = 0; i < stored.size(); ++i) stored[i] = static_cast<int8_t>(weights.ints[i] - shift);
  return stored;
}

Layer Lowering::conv_layer(const onnx::NodeProto& node, const Value& x, const ConstTensor& weights,
                           int32_t weight_zero_point) {
  reject_attributes_except(node, {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  if (x.dims.size() != 4) fail(node, "expects [N, C, H, W] activations");
  if (weights.dims.size() != 4) fail(node, "weights must be [M, C, kH, kW]");
  const Shape in = shape_of(node, x.dims);
  const int64_t groups = int_attribute(node, "group", 1);
  if (groups < 1 || in.channels % groups != 0 || weights.dims[0] % groups != 0)
    fail(node, "group " + std::to_string(groups) + " must divide the input channels (" + std::to_string(in.channels) +
                   ") and the output channels (" + std::to_string(weights.dims[0]) + ")");
  if (weights.dims[1] != in.channels / groups)
    fail(node, "weights have " + std::to_string(weights.dims[1]) + " input channels per group, the activations " +
                   std::to_string(in.channels / groups) + " (shape mismatch)");
  if (const auto* a = attribute(node, "auto_pad"); a && a->s() != "NOTSET" && a->s() != "VALID")
    fail(node, "auto_pad " + a->s() + " is not supported; give explicit pads");
  for (int64_t d : ints_attribute(node, "dilations"))
    if (d != 1) fail(node, "dilations other than 1 are not supported");
  const auto kernel = ints_attribute(node, "kernel_shape");
  if (!kernel.empty() && (kernel.size() != 2 || kernel[0] != weights.dims[2] || kernel[1] != weights.dims[3]))
    fail(node, "kernel_shape does not match the weights' shape");
  auto pads = ints_attribute(node, "pads");
  if (pads.empty()) pads = {0, 0, 0, 0};
  if (pads.size() != 4 || pads[0] != pads[2] || pads[1] != pads[3] || pads[0] < 0 || pads[1] < 0)
    fail(node, "pads must be symmetric [p_h, p_w, p_h, p_w] (asymmetric padding is not supported)");
  auto strides = ints_attribute(node, "strides");
  if (strides.empty()) strides = {1, 1};
  if (strides.size() != 2 || strides[0] < 1 || strides[1] < 1) fail(node, "strides must be two positive integers");
  Layer layer;
  layer.name = layer_name(node, "conv");
  layer.type = LayerType::Conv2d;
  layer.groups = groups;
  layer.input = in;
  layer.kernel_h = weights.dims[2];
  layer.kernel_w = weights.dims[3];
  layer.stride_h = strides[0];
  layer.stride_w = strides[1];
  layer.pad_h = pads[0];
  layer.pad_w = pads[1];
  const int64_t out_h = (in.height + 2 * layer.pad_h - layer.kernel_h) / layer.stride_h + 1;
  const int64_t out_w = (in.width + 2 * layer.pad_w - layer.kernel_w) / layer.stride_w + 1;
  if (layer.kernel_h > in.height + 2 * layer.pad_h || layer.kernel_w > in.width + 2 * layer.pad_w || out_h < 1 ||
      out_w < 1)
    fail(node, "the kernel is larger than the padded input " + in.to_string());
  layer.output = Shape{weights.dims[0], out_h, out_w, false};
  // uint8 weights become int8 by subtracting 128 from them and from their zero point: w - zp is unchanged.
  const int64_t shift = weights.type == ElementType::UInt8 ? 128 : 0;
  if (weights.type != ElementType::UInt8 && weights.type != ElementType::Int8)
    fail(node, std::string("weights are ") + element_type_name(weights.type) + "; expected int8 or uint8");
  layer.weights = int8_weights(weights);
  layer.weight_zero_point = static_cast<int32_t>(weight_zero_point - shift);
  layer.input_zero_point = x.quant.zero_point;
  return layer;
}

Layer Lowering::linear_layer(const onnx::NodeProto& node, const Value& a, const ConstTensor& b, int32_t b_zero_point,
                             bool transposed) {
  if (a.dims.size() != 2)
    fail(node, "expects [N, K] activations (batch first); " + std::to_string(a.dims.size()) +
                   "-D activations do not fit a linear layer");
  if (b.dims.size() != 2)
    fail(node, "B has " + std::to_string(b.dims.size()) +
                   " dimensions; a linear layer has one [K, N] weight matrix (a batched B, one matrix per batch, does "
                   "not fit)");
  const int64_t k = transposed ? b.dims[1] : b.dims[0];
  const int64_t n = transposed ? b.dims[0] : b.dims[1];
  if (k != a.dims[1])
    fail(node, "B's inner dimension " + std::to_string(k) + " differs from the activations' " +
                   std::to_string(a.dims[1]) + " (shape mismatch)");
  if (b.type != ElementType::UInt8 && b.type != ElementType::Int8)
    fail(node, std::string("B is ") + element_type_name(b.type) + "; expected int8 or uint8");
  Layer layer;
  layer.name = layer_name(node, "linear");
  layer.type = LayerType::Linear;
  layer.input = shape_of(node, a.dims);
  layer.output = Shape{n, 1, 1, true};
  const int64_t shift = b.type == ElementType::UInt8 ? 128 : 0;
  std::vector<int8_t> stored = int8_weights(b);  // [N, K] when transposed, else [K, N]
  if (transposed) {
    layer.weights = std::move(stored);
  } else {
    layer.weights.resize(stored.size());
    for (int64_t o = 0; o < n; ++o)
      for (int64_t i = 0; i < k; ++i)
        layer.weights[static_cast<std::size_t>(o * k + i)] = stored[static_cast<std::size_t>(i * n + o)];
  }
  layer.weight_zero_point = static_cast<int32_t>(b_zero_point - shift);
  layer.input_zero_point = a.quant.zero_point;
  return layer;
}

float Lowering::requant_multiplier(float input_times_weight_scale, float output_scale) const {
  if (arithmetic_ == Arithmetic::PyTorch) {
    // qnnpack (PyTorch's generate_requantization_scales): (S_w * S_in) * (1 / S_out), each step float32.
    const float inverse_output_scale = 1.0f / output_scale;
    return input_times_weight_scale * inverse_output_scale;
  }
  return input_times_weight_scale / output_scale;  // ONNX Runtime: (S_in * S_w) / S_out in float32
}

void Lowering::finish_requant(const onnx::NodeProto& node, Layer& layer, const std::vector<float>& multipliers,
                              int32_t output_zero_point, std::optional<float> clip_min, std::optional<float> clip_max,
                              float output_scale) {
  for (float multiplier : multipliers)
    if (!(multiplier > 0.0f) || !std::isfinite(multiplier) || multiplier > 65536.0f)
      fail(node, "the requantization multiplier S_in * S_w / S_out is " + std::to_string(multiplier) +
                     "; expected finite, above 0 and at most 65536");
  const model::DTypeRange range = model::range_of(*dtype_);
  layer.requant.mode = model::RequantMode::Multiply;
  layer.requant.precision = model::Precision::Float32;
  layer.requant.rounding = model::Rounding::HalfEven;
  layer.requant.multiplier = static_cast<double>(multipliers.front());
  layer.requant.channel_multipliers.clear();
  const bool all_equal =
      std::all_of(multipliers.begin(), multipliers.end(), [&](float m) { return m == multipliers.front(); });
  if (!all_equal)  // per-channel weight scales: one multiplier per output channel
    for (float multiplier : multipliers) layer.requant.channel_multipliers.push_back(multiplier);
  layer.requant.output_zero_point = output_zero_point;
  layer.requant.clamp_min = range.min;
  layer.requant.clamp_max = range.max;
  // Quantization is monotonic, so clipping the real value then quantizing equals clamping the
  // quantized value to the quantized bounds.
  const QuantParams out{output_scale, output_zero_point, *dtype_};
  if (clip_min) {
    if (*clip_min == 0.0f)
      layer.requant.relu = true;
    else
      layer.requant.clamp_min = std::max(range.min, quantize_linear(*clip_min, out));
  }
  if (clip_max) layer.requant.clamp_max = std::min(range.max, quantize_linear(*clip_max, out));
  if (layer.requant.clamp_min > layer.requant.clamp_max) fail(node, "the clip range is empty once quantized");
}

void Lowering::lower_qlinear(const onnx::NodeProto& node, bool conv) {
  reject_attributes_except(
      node, conv ? std::set<std::string>{"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"}
                 : std::set<std::string>{});
  Value& x = activation(node, 0, {Value::Kind::Quantized});
  const ElementType x_type = x.quant.dtype == DType::UInt8 ? ElementType::UInt8 : ElementType::Int8;
  const float x_scale = scale(node, 1, "x_scale");
  const int32_t x_zp = zero_point(node, 2, "x_zero_point", x_type);
  check_activation_params(node, x, x_scale, x_zp);
  const ConstTensor& w = constant(node, 3, "w");
  const int32_t w_zp = zero_point(node, 5, "w_zero_point", w.type);
  const float y_scale = scale(node, 6, "y_scale");
  const int32_t y_zp = zero_point(node, 7, "y_zero_point", x_type);  // one activation dtype per network
  Layer layer = conv ? conv_layer(node, x, w, w_zp) : linear_layer(node, x, w, w_zp, false);
  const std::vector<float> w_scales = weight_scales(node, 4, "w_scale", layer.output.channels);
  if (conv && has_input(node, 8)) {
    const ConstTensor& bias = constant(node, 8, "B");
    if (bias.type != ElementType::Int32 || bias.count() != layer.output.channels)
      fail(node, "B must be int32 [" + std::to_string(layer.output.channels) + "]");
    for (int64_t b : bias.ints) layer.bias.push_back(static_cast<int32_t>(b));
  }
  std::vector<float> multipliers;
  for (float w_scale : w_scales) multipliers.push_back(requant_multiplier(x_scale * w_scale, y_scale));
  finish_requant(node, layer, multipliers, y_zp, std::nullopt, std::nullopt, y_scale);
  if (w_scales.size() == 1) layer.scales = model::Scales{x_scale, w_scales[0], y_scale};
  Value out;
  out.kind = Value::Kind::Quantized;
  out.quant = QuantParams{y_scale, y_zp, x.quant.dtype};
  out.scale_known = true;
  out.dims = conv ? std::vector<int64_t>{x.dims[0], layer.output.channels, layer.output.height, layer.output.width}
                  : std::vector<int64_t>{x.dims[0], layer.output.channels};
  out.source = push_layer(std::move(layer), x.source);
  set_output(node, std::move(out));
}

void Lowering::lower_integer(const onnx::NodeProto& node, bool conv) {
  Value& x = activation(node, 0, {Value::Kind::Quantized});
  const ElementType x_type = x.quant.dtype == DType::UInt8 ? ElementType::UInt8 : ElementType::Int8;
  const ConstTensor& w = constant(node, 1, "w");
  const int32_t x_zp = zero_point(node, 2, "x_zero_point", x_type);
  const int32_t w_zp = zero_point(node, 3, "w_zero_point", w.type);
  if (x.scale_known && x.quant.zero_point != x_zp) fail(node, "x_zero_point differs from the activations' zero point");
  x.quant.zero_point = x_zp;
  x.scale_known = true;
  Layer layer = conv ? conv_layer(node, x, w, w_zp) : linear_layer(node, x, w, w_zp, false);
  // The int32 accumulator leaves through the requantization unit unscaled (multiplier 1), stored
  // with an offset that puts [-128, 127] into the activation dtype; the importer's output
  // conversion subtracts it again.
  const int32_t offset = x.quant.dtype == DType::UInt8 ? 128 : 0;
  finish_requant(node, layer, {1.0f}, offset, std::nullopt, std::nullopt, 1.0f);
  result_.notes.push_back(node.op_type() + " '" + node.name() +
                          "': its int32 output is exact only within [-128, 127], stored plus " +
                          std::to_string(offset) + "; values beyond saturate");
  Value out;
  out.kind = Value::Kind::Accumulator;
  out.layer = result_.network.layers.size();
  out.quant = QuantParams{1.0f, offset, x.quant.dtype};
  out.dims = conv ? std::vector<int64_t>{x.dims[0], layer.output.channels, layer.output.height, layer.output.width}
                  : std::vector<int64_t>{x.dims[0], layer.output.channels};
  out.source = push_layer(std::move(layer), x.source);
  set_output(node, std::move(out));
}

void Lowering::lower_float_layer(const onnx::NodeProto& node) {
  const std::string& op = node.op_type();
  Value& x = activation(node, 0, {Value::Kind::Dequantized});
  Value& w = input(node, 1);
  if (w.kind != Value::Kind::DqConstant)
    fail(node, "weights '" + node.input(1) +
                   "' are not a DequantizeLinear of int8 constants: a float model? Quantize "
                   "it first (PyTorch: torch.ao.quantization, then torch.onnx.export; or onnxruntime.quantization."
                   "quantize_static), then import the quantized model");
  for (int64_t z : w.dq_zero_points)
    if (z != w.dq_zero_points[0])
      fail(node,
           "per-channel weight zero points are not supported (ONNX Runtime refuses them too); per-channel scales "
           "with one zero point are");
  const auto w_zp = static_cast<int32_t>(w.dq_zero_points[0]);
  Layer layer;
  bool has_bias_input = false;
  int64_t output_channel_axis = 0;  // of the weights: Conv [M, C, kH, kW], Gemm transB [N, K]; else [K, N]
  if (op == "Conv") {
    layer = conv_layer(node, x, w.constant, w_zp);
    has_bias_input = has_input(node, 2);
  } else if (op == "Gemm") {
    reject_attributes_except(node, {"alpha", "beta", "transA", "transB"});
    if (float_attribute(node, "alpha", 1.0f) != 1.0f || float_attribute(node, "beta", 1.0f) != 1.0f ||
        int_attribute(node, "transA", 0) != 0)
      fail(node, "only alpha = beta = 1 and transA = 0 are supported");
    const bool transposed = int_attribute(node, "transB", 0) != 0;
    layer = linear_layer(node, x, w.constant, w_zp, transposed);
    output_channel_axis = transposed ? 0 : 1;
    has_bias_input = has_input(node, 2);
  } else {
    reject_attributes_except(node, {});
    layer = linear_layer(node, x, w.constant, w_zp, false);
    output_channel_axis = 1;
  }
  if (w.dq_scales.size() > 1 && w.dq_axis != output_channel_axis)
    fail(node, "the weights' DequantizeLinear has per-axis scales along axis " + std::to_string(w.dq_axis) +
                   "; only scales per output channel (axis " + std::to_string(output_channel_axis) +
                   ") become a per-channel requantization");
  // float32, per output channel: the bias's scale, and ORT's S_in * S_w[c].
  std::vector<float> acc_scales;
  for (float w_scale : w.dq_scales) acc_scales.push_back(x.quant.scale * w_scale);
  if (has_bias_input) {
    Value& b = input(node, 2);
    if (b.kind != Value::Kind::DqConstant || b.constant.type != ElementType::Int32)
      fail(node, "bias '" + node.input(2) +
                     "' is not a DequantizeLinear of an int32 constant (a float bias cannot "
                     "be added by the integer datapath)");
    if (b.constant.count() != layer.output.channels)
      fail(node, "bias has " + std::to_string(b.constant.count()) + " elements, the layer " +
                     std::to_string(layer.output.channels) + " outputs (shape mismatch)");
    for (int64_t z : b.dq_zero_points)
      if (z != 0) fail(node, "the bias's zero point must be 0");
    bool all_zero = true;  // a zero bias (torch's export of a layer without one) means nothing at any scale
    for (int64_t v : b.constant.ints) all_zero = all_zero && v == 0;
    if (b.dq_scales.size() != 1 && b.dq_scales.size() != acc_scales.size())
      fail(node, "the bias has " + std::to_string(b.dq_scales.size()) + " scales; expected 1 or " +
                     std::to_string(acc_scales.size()) + ", as the weights");
    for (std::size_t c = 0; c < std::max(b.dq_scales.size(), acc_scales.size()); ++c) {
      const float s = b.dq_scales[b.dq_scales.size() == 1 ? 0 : c];
      const float acc_scale = acc_scales[acc_scales.size() == 1 ? 0 : c];
      if (!all_zero && std::fabs(s - acc_scale) > 1e-6f * acc_scale)
        fail(node, "the bias's scale " + std::to_string(s) + " is not S_in * S_w = " + std::to_string(acc_scale) +
                       ": it cannot be added to the accumulator as it is");
    }
    // A zero bias (what torch.onnx.export writes for a layer without one) adds nothing: left
    // out, so that the layer reads no bias from the weight SRAM, as the layer it came from.
    if (!all_zero)
      for (int64_t v : b.constant.ints) layer.bias.push_back(static_cast<int32_t>(v));
  }
  if (w.dq_scales.size() == 1) layer.scales = model::Scales{x.quant.scale, w.dq_scales[0], 0.0};
  Value out;
  out.kind = Value::Kind::Pending;
  out.layer = result_.network.layers.size();
  out.pending_scales = acc_scales;
  out.quant = x.quant;
  out.dims = op == "Conv"
                 ? std::vector<int64_t>{x.dims[0], layer.output.channels, layer.output.height, layer.output.width}
                 : std::vector<int64_t>{x.dims[0], layer.output.channels};
  out.source = push_layer(std::move(layer), x.source);
  set_output(node, std::move(out));
}

void Lowering::lower_activation_clip(const onnx::NodeProto& node) {
  Value& x = activation(node, 0, {Value::Kind::Pending});
  Value out = x;
  std::optional<float> lo = 0.0f, hi;
  if (node.op_type() == "Clip") {
    lo.reset();
    auto bound = [&](int index, const char* attr) -> std::optional<float> {
      if (has_input(node, index)) {
        const ConstTensor& t = constant(node, index, index == 1 ? "min" : "max");
        if (t.count() != 1 || t.type != ElementType::Float) fail(node, "min and max must be float scalars");
        return t.floats[0];
      }
      if (attribute(node, attr)) return float_attribute(node, attr, 0.0f);  // opset < 11
      return std::nullopt;
    };
    lo = bound(1, "min");
    hi = bound(2, "max");
  }
  if (lo) out.clip_min = out.clip_min ? std::max(*out.clip_min, *lo) : *lo;
  if (hi) out.clip_max = out.clip_max ? std::min(*out.clip_max, *hi) : *hi;
  set_output(node, std::move(out));
}

void Lowering::lower_maxpool(const onnx::NodeProto& node) {
  reject_attributes_except(node,
                           {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  // Max commutes with (de)quantization (a positive scale is monotonic): pooling the stored
  // integers gives the same as pooling the dequantized values.
  Value& x = activation(node, 0, {Value::Kind::Quantized, Value::Kind::Dequantized});
  if (node.output_size() > 1 && !node.output(1).empty()) fail(node, "the Indices output is not supported");
  if (x.dims.size() != 4) fail(node, "expects [N, C, H, W] activations");
  if (int_attribute(node, "ceil_mode", 0) != 0) fail(node, "ceil_mode is not supported");
  if (const auto* a = attribute(node, "auto_pad"); a && a->s() != "NOTSET" && a->s() != "VALID")
    fail(node, "auto_pad " + a->s() + " is not supported");
  for (int64_t d : ints_attribute(node, "dilations"))
    if (d != 1) fail(node, "dilations other than 1 are not supported");
  const auto kernel = ints_attribute(node, "kernel_shape");
  auto pads = ints_attribute(node, "pads");
  if (pads.empty()) pads = {0, 0, 0, 0};
  // A padded position never wins (ONNX pads with -inf, accelsim's pooling unit skips it).
  if (pads.size() != 4 || pads[0] != pads[2] || pads[1] != pads[3] || pads[0] < 0 || pads[1] < 0 ||
      (kernel.size() == 2 && (2 * pads[0] > kernel[0] || 2 * pads[1] > kernel[1])))
    fail(node, "pads must be symmetric [p_h, p_w, p_h, p_w] and at most half the window");
  auto strides = ints_attribute(node, "strides");
  if (strides.empty()) strides = {1, 1};  // ONNX's default (accelsim's is the window)
  if (kernel.size() != 2 || strides.size() != 2 || kernel[0] < 1 || kernel[1] < 1 || strides[0] < 1 || strides[1] < 1)
    fail(node, "expects a 2-D kernel_shape and strides");
  Layer layer;
  layer.name = layer_name(node, "maxpool");
  layer.type = LayerType::MaxPool;
  set_pool_window(node, layer, shape_of(node, x.dims), kernel, strides, pads);
  Value out = x;
  out.dims = {x.dims[0], layer.output.channels, layer.output.height, layer.output.width};
  out.source = push_layer(std::move(layer), x.source);
  set_output(node, std::move(out));
}

void Lowering::lower_flatten(const onnx::NodeProto& node) {
  Value& x = activation(node, 0, {Value::Kind::Quantized, Value::Kind::Dequantized});
  if (node.op_type() == "Flatten") {
    if (int_attribute(node, "axis", 1) != 1) fail(node, "only axis = 1 (keep the batch axis) is supported");
  } else {
    const std::vector<int64_t> shape = constant(node, 1, "shape").integers();
    const bool to_flat =
        shape.size() == 2 && (shape[0] == x.dims[0] || shape[0] == -1 || shape[0] == 1 || shape[0] == 0);
    if (!to_flat) fail(node, "only a Reshape to [N, -1] (flattening each image) is supported");
  }
  const Shape in = shape_of(node, x.dims);
  Value out = x;
  out.dims = {x.dims[0], in.elements()};
  if (!in.flat) {
    Layer layer;
    layer.name = layer_name(node, "flatten");
    layer.type = LayerType::Flatten;
    layer.input = in;
    layer.output = Shape{in.elements(), 1, 1, true};
    out.source = push_layer(std::move(layer), x.source);
  }
  set_output(node, std::move(out));
}

Layer Lowering::add_layer(const onnx::NodeProto& node, const Value& a, const Value& b) {
  if (a.dims != b.dims) fail(node, "adds tensors of different shapes (broadcasting is not supported)");
  Layer layer;
  layer.name = layer_name(node, "add");
  layer.type = LayerType::Add;
  layer.input = shape_of(node, a.dims);
  layer.output = layer.input;
  layer.add.input_zero_points = {a.quant.zero_point, b.quant.zero_point};
  return layer;
}

// ONNX Runtime's QLinearAdd (MLAS, x86-64 AVX2): Ma = S_a / S_y, Mb = S_b / S_y in float32, the
// sum fma(qa, Ma, fma(qb, Mb, zy - fma(Ma, za, Mb * zb))) rounded half to even, saturated.
void Lowering::finish_add(const onnx::NodeProto& node, Layer& layer, const std::array<float, 2>& input_scales,
                          const QuantParams& output, std::optional<float> clip_min, std::optional<float> clip_max) {
  const model::DTypeRange range = model::range_of(*dtype_);
  if (arithmetic_ == Arithmetic::PyTorch) {
    set_qnnpack_add_multipliers(node, layer, input_scales, output.scale);
  } else {
    layer.add.arithmetic = model::AddArithmetic::OnnxRuntimeFma;
    for (int i = 0; i < 2; ++i) {
      const float m = input_scales[static_cast<std::size_t>(i)] / output.scale;  // float32, as ORT
      if (!(m > 0.0f) || !std::isfinite(m) || m > 65536.0f)
        fail(node, "the add's multiplier S_in / S_out is " + std::to_string(m) + "; expected finite in (0, 65536]");
      layer.add.multipliers[static_cast<std::size_t>(i)] = m;
    }
    layer.requant.mode = model::RequantMode::Multiply;
    layer.requant.precision = model::Precision::Float32;
    layer.requant.rounding = model::Rounding::HalfEven;
  }
  layer.requant.output_zero_point = output.zero_point;
  layer.requant.clamp_min = range.min;
  layer.requant.clamp_max = range.max;
  if (clip_min) {
    if (*clip_min == 0.0f)
      layer.requant.relu = true;
    else
      layer.requant.clamp_min = std::max(range.min, quantize_linear(*clip_min, output));
  }
  if (clip_max) layer.requant.clamp_max = std::min(range.max, quantize_linear(*clip_max, output));
  if (layer.requant.clamp_min > layer.requant.clamp_max) fail(node, "the clip range is empty once quantized");
}

// PyTorch's quantized::add on qnnpack (pytorch_qnnp_compute_add_quantization_params): the ratios
// r = S_in / S_out in float32, shift = 21 - exponent(max r), m = lrintf(r * 2^shift) (the larger
// in [2^21, 2^22)), then y = round_half_away((ma * da + mb * db) / 2^shift): `fixed_point`.
void Lowering::set_qnnpack_add_multipliers(const onnx::NodeProto& node, Layer& layer,
                                           const std::array<float, 2>& input_scales, float output_scale) {
  if (*dtype_ != DType::UInt8)
    fail(node,
         "PyTorch adds int8 (qint8) tensors in float, not with qnnpack's fixed-point add; import with --arithmetic "
         "onnxruntime");
  const auto parameters = qnnpack_add_parameters(input_scales[0], input_scales[1], output_scale);
  if (!parameters)
    fail(node, "the add's scale ratios S_in / S_out are " + std::to_string(input_scales[0] / output_scale) + " and " +
                   std::to_string(input_scales[1] / output_scale) + "; qnnpack's add needs both in [2^-14, 2^8)");
  for (std::size_t i = 0; i < 2; ++i)
    if (parameters->multipliers[i] < 1)
      fail(node, "the add's scale ratio " + std::to_string(input_scales[i] / output_scale) +
                     " rounds to a fixed-point multiplier of 0");
  layer.add.arithmetic = model::AddArithmetic::Products;  // not read by fixed_point
  layer.add.fixed_multipliers = parameters->multipliers;
  layer.requant.mode = model::RequantMode::FixedPoint;
  layer.requant.shift = parameters->shift;
  layer.requant.rounding = model::Rounding::HalfAway;
}

void Lowering::lower_qlinear_add(const onnx::NodeProto& node) {
  reject_attributes_except(node, {});
  Value& a = activation(node, 0, {Value::Kind::Quantized});
  const ElementType type = a.quant.dtype == DType::UInt8 ? ElementType::UInt8 : ElementType::Int8;
  check_activation_params(node, a, scale(node, 1, "A_scale"), zero_point(node, 2, "A_zero_point", type));
  Value& b = activation(node, 3, {Value::Kind::Quantized});
  check_activation_params(node, b, scale(node, 4, "B_scale"), zero_point(node, 5, "B_zero_point", type));
  const QuantParams output{scale(node, 6, "C_scale"), zero_point(node, 7, "C_zero_point", type), a.quant.dtype};
  Layer layer = add_layer(node, a, b);
  finish_add(node, layer, {a.quant.scale, b.quant.scale}, output, std::nullopt, std::nullopt);
  Value out;
  out.kind = Value::Kind::Quantized;
  out.quant = output;
  out.scale_known = true;
  out.dims = a.dims;
  const int32_t second = b.source;
  out.source = push_layer(std::move(layer), a.source);
  result_.network.layers.back().inputs.push_back(second);
  set_output(node, std::move(out));
}

void Lowering::lower_float_add(const onnx::NodeProto& node) {
  reject_attributes_except(node, {});
  Value& a = activation(node, 0, {Value::Kind::Dequantized});
  Value& b = activation(node, 1, {Value::Kind::Dequantized});
  Layer layer = add_layer(node, a, b);
  Value out;
  out.kind = Value::Kind::Pending;
  out.quant = a.quant;
  out.dims = a.dims;
  out.add_scales = std::array<float, 2>{a.quant.scale, b.quant.scale};
  const int32_t second = b.source;
  out.layer = result_.network.layers.size();
  out.source = push_layer(std::move(layer), a.source);
  result_.network.layers.back().inputs.push_back(second);
  set_output(node, std::move(out));
}

// ONNX Runtime's QLinearGlobalAveragePool (MLAS): M = S_in / (S_out * N) in float32, then
// round_half_even(float32(sum(q - z_in)) * M) + z_out, saturated: the mean as a requantization.
void Lowering::finish_global_avgpool(const onnx::NodeProto& node, Layer& layer, float input_scale,
                                     const QuantParams& output) {
  const auto count = static_cast<float>(layer.kernel_h * layer.kernel_w);
  const float multiplier = input_scale / (output.scale * count);
  finish_requant(node, layer, {multiplier}, output.zero_point, std::nullopt, std::nullopt, output.scale);
  layer.mean = model::MeanArithmetic::Multiply;
}

void Lowering::lower_global_avgpool(const onnx::NodeProto& node, bool qlinear) {
  reject_attributes_except(node, qlinear ? std::set<std::string>{"channels_last"} : std::set<std::string>{});
  if (qlinear && int_attribute(node, "channels_last", 0) != 0) fail(node, "channels_last is not supported");
  Value& x = activation(node, 0, {qlinear ? Value::Kind::Quantized : Value::Kind::Dequantized});
  if (x.dims.size() != 4) fail(node, "expects [N, C, H, W] activations");
  Layer layer;
  layer.name = layer_name(node, "global_avgpool");
  layer.type = LayerType::GlobalAvgPool;
  layer.input = shape_of(node, x.dims);
  layer.kernel_h = layer.stride_h = layer.input.height;
  layer.kernel_w = layer.stride_w = layer.input.width;
  layer.output = Shape{layer.input.channels, 1, 1, false};
  layer.input_zero_point = x.quant.zero_point;
  Value out = pool_output(node, x, layer, qlinear, &Lowering::finish_global_avgpool, &Value::pool_input_scale);
  out.dims = {x.dims[0], layer.input.channels, 1, 1};
  out.source = push_layer(std::move(layer), x.source);
  set_output(node, std::move(out));
}

// ONNX Runtime's QLinearAveragePool (and what it fuses DequantizeLinear -> AveragePool ->
// QuantizeLinear into): the window dequantized and averaged in float32, then quantized (mean:
// float32); but a window covering the whole unpadded input takes its QLinearGlobalAveragePool
// path, the integer sum times a float32 multiplier (mean: multiply).
void Lowering::finish_average_pool(const onnx::NodeProto& node, Layer& layer, float input_scale,
                                   const QuantParams& output) {
  const bool global = layer.kernel_h == layer.input.height && layer.kernel_w == layer.input.width && layer.pad_h == 0 &&
                      layer.pad_w == 0;
  if (global) {
    finish_global_avgpool(node, layer, input_scale, output);
    return;
  }
  if (static_cast<double>(input_scale) / output.scale > 8388608.0)
    fail(node, "x_scale / y_scale is " + std::to_string(static_cast<double>(input_scale) / output.scale) +
                   "; at most 2^23 is supported (the quantized mean must stay inside int32)");
  layer.mean = model::MeanArithmetic::Float32;
  layer.float_mean = model::FloatMeanSpec{input_scale, output.scale, output.zero_point};
}

void Lowering::lower_average_pool(const onnx::NodeProto& node, bool qlinear) {
  std::set<std::string> allowed = {"auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape",
                                   "pads",     "strides"};
  if (qlinear) allowed.insert("channels_last");
  reject_attributes_except(node, allowed);
  if (qlinear && int_attribute(node, "channels_last", 0) != 0) fail(node, "channels_last is not supported");
  Value& x = activation(node, 0, {qlinear ? Value::Kind::Quantized : Value::Kind::Dequantized});
  if (x.dims.size() != 4) fail(node, "expects [N, C, H, W] activations");
  if (int_attribute(node, "ceil_mode", 0) != 0)
    fail(node, "ceil_mode = 1 is not supported (the output size rounds down: ceil_mode = 0)");
  const auto* auto_pad = attribute(node, "auto_pad");
  if (auto_pad && auto_pad->s() != "NOTSET" && auto_pad->s() != "VALID")
    fail(node, "auto_pad " + auto_pad->s() + " is not supported; give explicit pads");
  for (int64_t d : ints_attribute(node, "dilations"))
    if (d != 1) fail(node, "dilations other than 1 are not supported");
  const auto kernel = ints_attribute(node, "kernel_shape");
  auto strides = ints_attribute(node, "strides");
  if (strides.empty()) strides = {1, 1};  // ONNX's default (accelsim's is the window)
  if (kernel.size() != 2 || strides.size() != 2 || kernel[0] < 1 || kernel[1] < 1 || strides[0] < 1 || strides[1] < 1)
    fail(node, "expects a 2-D kernel_shape and strides");
  auto pads = ints_attribute(node, "pads");
  if (pads.empty()) pads = {0, 0, 0, 0};
  if (auto_pad && auto_pad->s() == "VALID" && pads != std::vector<int64_t>{0, 0, 0, 0})
    fail(node, "auto_pad VALID with pads");
  // Padded positions are real zeros; accelsim pads each side alike, by at most half the window.
  if (pads.size() != 4 || pads[0] != pads[2] || pads[1] != pads[3] || pads[0] < 0 || pads[1] < 0 ||
      2 * pads[0] > kernel[0] || 2 * pads[1] > kernel[1])
    fail(node, "pads must be symmetric [p_h, p_w, p_h, p_w] and at most half the window");
  Layer layer;
  layer.name = layer_name(node, "avgpool");
  layer.type = LayerType::AvgPool;
  set_pool_window(node, layer, shape_of(node, x.dims), kernel, strides, pads);
  layer.count_include_pad = int_attribute(node, "count_include_pad", 0) != 0;  // ONNX's default: 0
  layer.input_zero_point = x.quant.zero_point;
  Value out = pool_output(node, x, layer, qlinear, &Lowering::finish_average_pool, &Value::average_pool_input_scale);
  out.dims = {x.dims[0], layer.output.channels, layer.output.height, layer.output.width};
  out.source = push_layer(std::move(layer), x.source);
  set_output(node, std::move(out));
}

void Lowering::set_pool_window(const onnx::NodeProto& node, Layer& layer, const Shape& input,
                               const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
                               const std::vector<int64_t>& pads) {
  layer.input = input;
  if (kernel[0] > input.height + 2 * pads[0] || kernel[1] > input.width + 2 * pads[1])
    fail(node, "the window is larger than the input " + input.to_string());
  layer.kernel_h = kernel[0];
  layer.kernel_w = kernel[1];
  layer.stride_h = strides[0];
  layer.stride_w = strides[1];
  layer.pad_h = pads[0];
  layer.pad_w = pads[1];
  layer.output = Shape{input.channels, (input.height + 2 * pads[0] - kernel[0]) / strides[0] + 1,
                       (input.width + 2 * pads[1] - kernel[1]) / strides[1] + 1, false};
}

Value Lowering::pool_output(const onnx::NodeProto& node, Value& x, Layer& layer, bool qlinear, FinishPool finish_pool,
                            std::optional<float> Value::*pending_scale) {
  Value out;
  if (qlinear) {
    const ElementType type = x.quant.dtype == DType::UInt8 ? ElementType::UInt8 : ElementType::Int8;
    check_activation_params(node, x, scale(node, 1, "x_scale"), zero_point(node, 2, "x_zero_point", type));
    layer.input_zero_point = x.quant.zero_point;
    const QuantParams output{scale(node, 3, "y_scale"), zero_point(node, 4, "y_zero_point", type), x.quant.dtype};
    (this->*finish_pool)(node, layer, x.quant.scale, output);
    out.kind = Value::Kind::Quantized;
    out.quant = output;
    out.scale_known = true;
  } else {
    out.kind = Value::Kind::Pending;
    out.quant = x.quant;
    out.*pending_scale = x.quant.scale;
    out.layer = result_.network.layers.size();
  }
  return out;
}

int32_t Lowering::push_layer(Layer layer, int32_t source) {
  layer.inputs = {source};
  result_.network.layers.push_back(std::move(layer));
  return static_cast<int32_t>(result_.network.layers.size() - 1);
}

void Lowering::finish() {
  if (graph().output_size() != 1)
    fail_graph("the graph has " + std::to_string(graph().output_size()) + " outputs; one is supported");
  const std::string& name = graph().output(0).name();
  auto it = values_.find(name);
  if (it == values_.end()) fail_graph("the graph output '" + name + "' is produced by no node");
  const Value& out = it->second;
  if (out.source != static_cast<int32_t>(result_.network.layers.size()) - 1)
    fail_graph("the graph output '" + name + "' is not the last layer's output");
  result_.output_name = name;
  result_.output_dims = out.dims;
  switch (out.kind) {
    case Value::Kind::Quantized:
      break;
    case Value::Kind::Dequantized:
      result_.output_dequantize = out.quant;
      break;
    case Value::Kind::Accumulator:
      result_.integer_output_offset = out.quant.zero_point;
      break;
    default:
      fail_graph("the graph output '" + name + "' is not quantized activations (a float layer's output?)");
  }
  if (result_.network.layers.empty()) fail_graph("the graph has no layer accelsim computes (conv, matmul, pooling)");
  const Shape last = result_.network.layers.back().output;
  if (!last.flat && last.height * last.width != 1) {  // accelsim's output is a vector: flatten (no data movement)
    Layer layer;
    layer.name = layer_names_.count("output_flatten") ? "output_flatten_2" : "output_flatten";
    layer.type = LayerType::Flatten;
    layer.input = last;
    layer.output = Shape{last.elements(), 1, 1, true};
    push_layer(std::move(layer), static_cast<int32_t>(result_.network.layers.size()) - 1);
  }
  model::Network& network = result_.network;
  network.name = std::filesystem::path(source_).stem().string();
  if (network.name.empty()) network.name = "onnx_model";
  network.values = model::ValueSource::File;
  network.activation_dtype = dtype_.value_or(DType::UInt8);
  network.overflow = model::OverflowPolicy::Error;
  const Value& in = values_.at(result_.input_name);
  (void)in;
  network.input.shape = result_.network.layers.front().input;
  network.input.zero_point = network.layers.front().input_zero_point;
  if (!network.layers.front().has_weights())
    fail_graph("the first layer must be a convolution or a matrix product (its input zero point is the network's)");
}

}  // namespace

namespace {

ImportedModel import_bytes(const char* data, std::size_t size, const std::string& source,
                           std::optional<Arithmetic> arithmetic) {
  onnx::ModelProto model;
  if (size > (std::size_t{1} << 31) || !model.ParseFromArray(data, static_cast<int>(size)))
    throw ImportError(source + ": not an ONNX model (the protobuf does not parse: truncated or another format)");
  if (!model.has_graph()) throw ImportError(source + ": the model has no graph");
  std::string reason = "--arithmetic";
  if (!arithmetic) {
    arithmetic = model.producer_name() == "pytorch" ? Arithmetic::PyTorch : Arithmetic::OnnxRuntime;
    reason = "producer_name '" + model.producer_name() + "'";
  }
  ImportedModel imported = Lowering(model, source, *arithmetic).run();
  imported.arithmetic = *arithmetic;
  imported.arithmetic_reason = reason;
  return imported;
}

// A file's bytes mapped read-only (parsed in place: no copy of the model, whose weights are most of it).
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& file) {
    descriptor_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor_ < 0) return;
    struct stat status {};
    if (::fstat(descriptor_, &status) != 0 || !S_ISREG(status.st_mode) || status.st_size <= 0) return;
    void* mapped = ::mmap(nullptr, static_cast<std::size_t>(status.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE,
                          descriptor_, 0);
    if (mapped == MAP_FAILED) return;
    data_ = static_cast<const char*>(mapped);
    size_ = static_cast<std::size_t>(status.st_size);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  bool opened() const { return descriptor_ >= 0; }
  const char* data() const { return data_; }  // null when not mapped (not a regular file, empty, or mmap failed)
  std::size_t size() const { return size_; }

 private:
  int descriptor_ = -1;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace

ImportedModel import_model(const std::string& bytes, const std::string& source, std::optional<Arithmetic> arithmetic) {
  return import_bytes(bytes.data(), bytes.size(), source, arithmetic);
}

ImportedModel import_file(const std::filesystem::path& file, std::optional<Arithmetic> arithmetic) {
  const MappedFile mapped(file);
  if (!mapped.opened()) throw ImportError(file.string() + ": cannot open");
  if (mapped.data()) return import_bytes(mapped.data(), mapped.size(), file.string(), arithmetic);
  std::ifstream in(file, std::ios::binary);  // not mappable (a pipe, a directory, an empty file): read as a stream
  if (!in) throw ImportError(file.string() + ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return import_model(bytes.str(), file.string(), arithmetic);
}

}  // namespace accelsim::onnx_import
