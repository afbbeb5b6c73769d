#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/model/quantization.h"

namespace accelsim::model {

// A feature map's shape. Flat tensors (linear layers) have height = width = 1 and flat = true.
struct Shape {
  int64_t channels = 0;
  int64_t height = 1;
  int64_t width = 1;
  bool flat = false;

  int64_t elements() const { return channels * height * width; }
  std::string to_string() const;
  bool operator==(const Shape& other) const {
    return channels == other.channels && height == other.height && width == other.width && flat == other.flat;
  }
};

enum class LayerType { Conv2d, Linear, MaxPool, AvgPool, GlobalAvgPool, Add, Flatten };
const config::EnumNames<LayerType>& layer_type_names();
const char* name_of(LayerType type);

// A layer's `inputs` entry naming the network input rather than a layer.
constexpr int32_t kNetworkInput = -1;

// How a multiply-mode add evaluates its float sum (docs/arithmetic.md).
enum class AddArithmetic {
  Products,        // round(fl(Ma * da) + fl(Mb * db)), then + zo: each product and the sum rounded
  OnnxRuntimeFma,  // ONNX Runtime's QLinearAdd on x86-64 AVX2, on the stored values with the output
                   // zero point inside: round(fma(qa, Ma, fma(qb, Mb, zo - fma(Ma, za, Mb * zb))))
};
const config::EnumNames<AddArithmetic>& add_arithmetic_names();
const char* name_of(AddArithmetic arithmetic);

// How avgpool / global_avgpool turn a window's sum into the output (docs/arithmetic.md).
enum class MeanArithmetic {
  Divide,    // z + round(sum / count): exact, the output keeps the input's scale and zero point
  Multiply,  // the sum requantized by the layer's requant (multiply mode, M = S_in / (S_out * count)),
             // into the output's own scale and zero point: ONNX Runtime's QLinearGlobalAveragePool
  Float32,   // each value dequantized to float32, the window summed and divided in float32, then
             // quantized into the output's scale and zero point: ONNX Runtime's QLinearAveragePool
};
const config::EnumNames<MeanArithmetic>& mean_arithmetic_names();
const char* name_of(MeanArithmetic arithmetic);

// mean: float32, ONNX Runtime's QLinearAveragePool (docs/arithmetic.md): every stored value q
// of the window becomes fl(S_in * (q - z_in)), summed in float32 in row-major order, divided by
// the count in float32, then out = clamp(round_half_even(fl(fl(avg / S_out) + z_out))) to the dtype.
struct FloatMeanSpec {
  float input_scale = 1.0f;   // S_in
  float output_scale = 1.0f;  // S_out
  int32_t output_zero_point = 0;
};

// The two operands of an add layer: each its own zero point and its own multiplier
// (S_in / S_out) into the output's scale; layer.requant holds the rest (mode, rounding,
// output zero point, clamp, relu). See docs/arithmetic.md.
struct AddSpec {
  AddArithmetic arithmetic = AddArithmetic::Products;  // requant.mode multiply, precision float32
  std::array<int32_t, 2> input_zero_points{};
  std::array<double, 2> multipliers{};         // requant.mode multiply
  std::array<int64_t, 2> fixed_multipliers{};  // requant.mode fixed_point: integers, one shift (requant.shift)
};

struct Layer {
  std::string name;
  LayerType type = LayerType::Conv2d;
  // The layers it reads, by index (kNetworkInput: the network input), always earlier ones;
  // empty in a network built in code as a chain (see Network::inputs_of).
  std::vector<int32_t> inputs;
  Shape input;  // the shape of inputs[0] (every input has it)
  Shape output;

  // conv2d, linear (a linear layer is a 1x1 window over its flattened input) and the pools.
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t groups = 1;  // conv2d: input and output channels split into independent groups

  // avgpool, global_avgpool: the mean's rounding and divisor.
  Rounding pool_rounding = Rounding::HalfEven;
  bool count_include_pad = true;  // divide by the whole window (PyTorch's default), not the valid part
  // Multiply: the sum is requantized by `requant` (input_zero_point subtracted first).
  MeanArithmetic mean = MeanArithmetic::Divide;
  FloatMeanSpec float_mean;  // mean: float32

  AddSpec add;  // add

  // conv2d and linear.
  std::vector<int8_t> weights;  // conv2d: [out, in / groups, kh, kw]; linear: [out, in]
  std::vector<int32_t> bias;    // empty when the layer has none
  int32_t input_zero_point = 0;
  int32_t weight_zero_point = 0;
  RequantSpec requant;  // conv2d, linear, add
  // values: random or none: the fused ReLU the YAML states with `requant: {relu: BOOL}` (the
  // network's structure, which the generator keeps); unset: the generator's default.
  std::optional<bool> fused_relu;
  std::optional<Scales> scales;

  bool has_weights() const { return type == LayerType::Conv2d || type == LayerType::Linear; }
  bool is_pool() const {
    return type == LayerType::MaxPool || type == LayerType::AvgPool || type == LayerType::GlobalAvgPool;
  }
  // The layer as `groups` independent matrix products: M output pixels, K window elements of
  // one group, N output channels in all (N / groups per group).
  int64_t gemm_m() const { return has_weights() ? output.height * output.width : 0; }
  int64_t gemm_k() const;
  int64_t gemm_n() const { return has_weights() ? output.channels : 0; }
  int64_t macs() const { return gemm_m() * gemm_k() * gemm_n(); }
};

struct InputSpec {
  Shape shape;
  int64_t pad = 0;
  std::array<int32_t, 256> pixel_table{};  // activation value of each pixel value
  int32_t zero_point = 0;
  std::filesystem::path images;
  std::filesystem::path labels;
};

// Where a network's values come from (network.values): its tensor files, a seeded generator
// (core/model/random_values.h), or nowhere (a timing-only run: shapes alone).
enum class ValueSource { File, Random, None };
const config::EnumNames<ValueSource>& value_source_names();
const char* name_of(ValueSource source);

struct Network {
  std::string name;
  ValueSource values = ValueSource::File;
  uint64_t seed = 1;  // values: random
  DType activation_dtype = DType::Int8;
  OverflowPolicy overflow = OverflowPolicy::Error;
  InputSpec input;
  std::vector<Layer> layers;

  // Whether the accelerator computes values and the golden model checks them (not when timing only).
  bool computes_values() const { return values != ValueSource::None; }
  // Whether the images come with labels, so that accuracy means something (values: file with
  // a labels file).
  bool has_labels() const { return values == ValueSource::File && !input.labels.empty(); }
  int64_t total_macs() const;
  int64_t total_weights() const;
  const Layer* find(const std::string& layer_name) const;
  // The layers layer `l` reads: its `inputs`, or without any the previous layer (the network
  // input for the first).
  std::vector<int32_t> inputs_of(std::size_t l) const;
};

}  // namespace accelsim::model
