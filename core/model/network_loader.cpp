#include "core/model/network_loader.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/log/log.h"
#include "core/model/random_values.h"
#include "core/npy/npy_array.h"
#include "core/npy/tensor_source.h"

namespace accelsim::model {

namespace {

using config::Section;

// Keys that hold values a network without value files (network.values: random or none) does not
// read: accepted, so that one topology file serves every mode, and named in one warning.
class IgnoredKeys {
 public:
  void ignore(Section& section, const std::string& key) {
    if (section.has(key)) keys_.push_back(section.key_path(key));
    section.take(key);
  }
  void warn(ValueSource values) const {
    if (keys_.empty()) return;
    std::string shown;
    for (std::size_t i = 0; i < keys_.size() && i < 3; ++i) shown += (i ? ", " : "") + keys_[i];
    if (keys_.size() > 3) shown += ", ...";
    log::warn("network.values: {}: {} key(s) holding values are not read ({})", name_of(values), keys_.size(), shown);
  }

 private:
  std::vector<std::string> keys_;
};

// The requantization a timing-only layer without `requant` is timed with: the arithmetic
// values: random generates (multiply, float32, half_even; docs/config.md), so that a topology's
// timing-only run and its random twin take the same cycles. Its multiplier is never used.
RequantSpec timing_only_requant(DType dtype) {
  RequantSpec spec;
  spec.mode = RequantMode::Multiply;
  spec.precision = Precision::Float32;
  spec.rounding = Rounding::HalfEven;
  spec.multiplier = 1.0;
  spec.output_zero_point = random_zero_point(dtype);
  spec.clamp_min = range_of(dtype).min;
  spec.clamp_max = range_of(dtype).max;
  spec.relu = true;  // the last weighted layer's is cleared by load_network, as the generator does
  return spec;
}

npy::NpyArray load_tensor(npy::TensorSource& tensors, Section& section, const std::string& key,
                          const std::string& description, npy::Dtype dtype, const std::vector<int64_t>& shape) {
  const std::filesystem::path file = section.file(key, description);
  npy::NpyArray array;
  try {
    array = tensors.read(file);
  } catch (const npy::NpyError& e) {
    section.fail(key, e.what());
  }
  if (array.dtype != dtype)
    section.fail(key,
                 file.string() + ": expected " + npy::dtype_name(dtype) + " data, got " + npy::dtype_name(array.dtype));
  if (array.shape != shape)
    section.fail(key, file.string() + ": expected shape " + npy::shape_text(shape) + ", got " + array.shape_text());
  return array;
}

// A tensor file's elements as T, whose dtype they must have.
template <typename T>
std::vector<T> load_values(npy::TensorSource& tensors, Section& section, const std::string& key,
                           const std::string& description, npy::Dtype dtype, const std::vector<int64_t>& shape) {
  return load_tensor(tensors, section, key, description, dtype, shape).values_as<T>(dtype, key);
}

// `kernel: 5` or `kernel: [5, 3]` -> {h, w}.
std::pair<int64_t, int64_t> pair_param(Section& section, const std::string& key, const std::string& description,
                                       std::optional<int64_t> default_value, int64_t min_value) {
  auto param =
      section.param<std::vector<int64_t>>(key).desc(description).min(static_cast<double>(min_value)).max(1 << 20);
  std::vector<int64_t> values = default_value ? param.default_val({*default_value}) : param.required();
  if (values.size() == 1) return {values[0], values[0]};
  if (values.size() != 2) section.fail(key, "expected an integer or a list [height, width]");
  return {values[0], values[1]};
}

int32_t zero_point_param(Section& section, const std::string& key, const std::string& description, DTypeRange range) {
  return static_cast<int32_t>(section.param<int64_t>(key).desc(description).min(range.min).max(range.max).required());
}

Rounding parse_rounding(Section& section, RequantMode mode) {
  config::EnumNames<Rounding> allowed = rounding_names();
  if (mode != RequantMode::FixedPoint)  // gemmlowp's rounding exists only for its fixed-point multiply
    allowed.erase(std::remove_if(allowed.begin(), allowed.end(),
                                 [](const auto& entry) { return entry.second == Rounding::Gemmlowp; }),
                  allowed.end());
  return section.choose("rounding", "how the scaled accumulator is rounded", allowed);
}

void parse_output_range(Section& section, RequantSpec& spec, DType dtype);

// A multiply-mode multiplier as the datapath holds it: in (0, 65536], a float32 value in float32.
double checked_multiplier(Section& section, const char* key, double multiplier, Precision precision) {
  if (!(multiplier > 0) || multiplier > 65536.0) section.fail(key, "expected a number in (0, 65536]");
  if (precision == Precision::Float32) {
    const float as_float = static_cast<float>(multiplier);
    if (!(as_float > 0) || !std::isfinite(as_float)) section.fail(key, "not representable as a positive float32");
    return as_float;
  }
  return multiplier;
}

// `output_channels`: how many per-channel multipliers a `multipliers` list must hold.
RequantSpec parse_requant(Section section, DType dtype, int64_t output_channels) {
  RequantSpec spec;
  spec.mode = section.choose("mode", "requantization arithmetic", requant_mode_names());
  if (spec.mode == RequantMode::Divide) {
    spec.divisor =
        section.param<int64_t>("divisor").desc("integer divisor D = round(1/M)").min(1).max(2147483647.0).required();
  } else if (spec.mode == RequantMode::Multiply) {
    spec.precision = section.choose("precision", "float type of the product", precision_names());
    if (section.has("multipliers")) {  // per-channel weight scales: one multiplier per output channel
      if (section.has("multiplier"))
        section.fail("multipliers",
                     "give either multiplier (one for the layer) or multipliers (one per output channel), not both");
      const auto multipliers = section.param<std::vector<double>>("multipliers")
                                   .desc("one multiplier per output channel, M[c] = S_in * S_w[c] / S_out")
                                   .required();
      if (static_cast<int64_t>(multipliers.size()) != output_channels)
        section.fail("multipliers", "holds " + std::to_string(multipliers.size()) + " multipliers; expected " +
                                        std::to_string(output_channels) + ", one per output channel");
      for (double m : multipliers)
        spec.channel_multipliers.push_back(checked_multiplier(section, "multipliers", m, spec.precision));
      spec.multiplier = spec.channel_multipliers.front();
    } else {
      spec.multiplier = checked_multiplier(
          section, "multiplier",
          section.param<double>("multiplier").desc("requantization scale M = S_w * S_in / S_out").required(),
          spec.precision);
    }
  } else if (spec.mode == RequantMode::FixedPoint) {
    spec.fixed_multiplier = static_cast<int32_t>(section.param<int64_t>("multiplier")
                                                     .desc("Q0.31 mantissa M0 of M = M0 * 2^-31 * 2^-shift")
                                                     .min(1073741824.0)
                                                     .max(2147483647.0)
                                                     .required());
    spec.shift = static_cast<int32_t>(
        section.param<int64_t>("shift").desc("right shift after the high multiply").min(0).max(31).required());
  } else {  // shift
    spec.shift = static_cast<int32_t>(
        section.param<int64_t>("shift").desc("right shift: M = 2^-shift").min(0).max(31).required());
  }
  spec.rounding = parse_rounding(section, spec.mode);
  parse_output_range(section, spec, dtype);
  section.finish();
  return spec;
}

// The keys every requantization shares: output zero point, clamp and fused ReLU.
void parse_output_range(Section& section, RequantSpec& spec, DType dtype) {
  const DTypeRange range = range_of(dtype);
  spec.output_zero_point =
      zero_point_param(section, "output_zero_point", "zero point of the output activations", range);
  const auto clamp = section.param<std::vector<int64_t>>("clamp")
                         .desc("[lo, hi] output range")
                         .min(range.min)
                         .max(range.max)
                         .required();
  if (clamp.size() != 2 || clamp[0] > clamp[1])
    section.fail("clamp", std::string("expected [lo, hi] with lo <= hi within ") + name_of(dtype));
  spec.clamp_min = static_cast<int32_t>(clamp[0]);
  spec.clamp_max = static_cast<int32_t>(clamp[1]);
  spec.relu = section.param<bool>("relu").desc("fused ReLU: the lower bound becomes the output zero point").required();
  if (spec.relu && spec.output_zero_point > spec.clamp_max)
    section.fail("relu", "a fused ReLU needs output_zero_point (" + std::to_string(spec.output_zero_point) +
                             ") <= the clamp's upper end (" + std::to_string(spec.clamp_max) + ")");
}

std::optional<Scales> parse_scales(Section& layer) {
  auto section = layer.optional_section("scales");
  if (!section) return std::nullopt;
  Scales scales;
  auto positive = [&](const char* key, const char* description) {
    const double value = section->param<double>(key).desc(description).required();
    if (!(value > 0)) section->fail(key, "expected a scale > 0");
    return value;
  };
  scales.input = positive("input", "input activation scale (informative)");
  scales.weight = positive("weight", "weight scale (informative)");
  scales.output = positive("output", "output activation scale (informative)");
  section->finish();
  return scales;
}

// With values: random or none, a `requant` block without `mode` holds only `relu`: the layer's
// fused ReLU, which is the network's structure rather than a value (a topology file states it so
// that its random twin computes the real network's ReLUs). The arithmetic stays generated
// (random) or the timing-only default (none). A block with `mode` is a full requantization.
// Returns whether the layer had such a block.
bool parse_fused_relu(Section& layer_section, Layer& layer, DType dtype) {
  if (!layer_section.has("requant")) return false;
  Section requant = layer_section.section("requant");
  if (requant.has("mode")) return false;
  layer.fused_relu = requant.param<bool>("relu")
                         .desc("fused ReLU (values: random or none; a block with `mode` gives the whole arithmetic)")
                         .required();
  requant.finish();
  layer.requant = timing_only_requant(dtype);
  layer.requant.relu = *layer.fused_relu;
  return true;
}

// A weighted layer's keys that hold values, for a network without value files: the weights and
// the zero points are not read; a `bias` key says the layer has a bias (its file is not read: the
// bias is generated, or zero when timing only) because a bias is read from the weight SRAM; with
// values: none a given `requant` is read, since its arithmetic sets the requantization unit's
// latency and energy.
// Returns whether the requantization was left to the default.
bool parse_layer_without_files(Section& section, Layer& layer, ValueSource values, DType dtype, IgnoredKeys& ignored) {
  const bool has_bias = section.has("bias");
  ignored.ignore(section, "bias");
  if (has_bias) layer.bias.assign(static_cast<std::size_t>(layer.output.channels), 0);
  for (const char* key : {"weights", "input_zero_point", "weight_zero_point", "scales"}) ignored.ignore(section, key);
  if (parse_fused_relu(section, layer, dtype)) return false;
  if (values == ValueSource::None && section.has("requant")) {
    layer.requant = parse_requant(section.section("requant"), dtype, layer.output.channels);
    return false;
  }
  ignored.ignore(section, "requant");
  layer.requant = timing_only_requant(dtype);  // values: random replaces it with its own
  return true;
}

// Returns whether the requantization was left to the default (values: random or none).
bool parse_weighted_layer(npy::TensorSource& tensors, Section& section, Layer& layer, const Shape& input,
                          int32_t input_zero_point, DType dtype, ValueSource values, IgnoredKeys& ignored) {
  const bool reads_files = values == ValueSource::File;
  const DTypeRange range = range_of(dtype);
  if (layer.type == LayerType::Conv2d) {
    if (input.flat) section.fail("type", "conv2d needs a [C, H, W] input, got the flat " + input.to_string());
    const int64_t out_channels =
        section.param<int64_t>("out_channels").desc("output channels").min(1).max(1 << 16).required();
    std::tie(layer.kernel_h, layer.kernel_w) = pair_param(section, "kernel", "kernel size", std::nullopt, 1);
    std::tie(layer.stride_h, layer.stride_w) = pair_param(section, "stride", "stride", 1, 1);
    std::tie(layer.pad_h, layer.pad_w) = pair_param(section, "padding", "zero padding on each side", 0, 0);
    layer.groups = section.param<int64_t>("groups")
                       .desc("channel groups: each output channel reads in_channels / groups input channels")
                       .min(1)
                       .max(1 << 16)
                       .default_val(1);
    if (input.channels % layer.groups != 0 || out_channels % layer.groups != 0)
      section.fail("groups", "groups (" + std::to_string(layer.groups) + ") must divide the input channels (" +
                                 std::to_string(input.channels) + ") and out_channels (" +
                                 std::to_string(out_channels) + ")");
    const int64_t padded_h = input.height + 2 * layer.pad_h, padded_w = input.width + 2 * layer.pad_w;
    if (layer.kernel_h > padded_h || layer.kernel_w > padded_w)
      section.fail("kernel", "kernel is larger than the padded input " + input.to_string());
    layer.output = Shape{out_channels, (padded_h - layer.kernel_h) / layer.stride_h + 1,
                         (padded_w - layer.kernel_w) / layer.stride_w + 1, false};
    if (reads_files)
      layer.weights =
          load_values<int8_t>(tensors, section, "weights", "int8 weights, [out, in / groups, kh, kw]", npy::Dtype::Int8,
                              {out_channels, input.channels / layer.groups, layer.kernel_h, layer.kernel_w});
  } else {
    const int64_t out_features =
        section.param<int64_t>("out_features").desc("output features").min(1).max(1 << 20).required();
    layer.output = Shape{out_features, 1, 1, true};
    if (reads_files)
      layer.weights = load_values<int8_t>(tensors, section, "weights", "int8 weights, [out, in]", npy::Dtype::Int8,
                                          {out_features, input.elements()});
  }
  if (!reads_files) return parse_layer_without_files(section, layer, values, dtype, ignored);
  if (section.has("bias")) {
    layer.bias =
        load_values<int32_t>(tensors, section, "bias", "int32 bias", npy::Dtype::Int32, {layer.output.channels});
  } else {
    section.take("bias");
  }
  layer.input_zero_point = zero_point_param(section, "input_zero_point", "zero point of the input activations", range);
  if (layer.input_zero_point != input_zero_point)
    section.fail("input_zero_point", "is " + std::to_string(layer.input_zero_point) +
                                         " but the producing layer's output zero point is " +
                                         std::to_string(input_zero_point));
  layer.weight_zero_point =
      zero_point_param(section, "weight_zero_point", "zero point of the int8 weights", {-128, 127});
  layer.requant = parse_requant(section.section("requant"), dtype, layer.output.channels);
  layer.scales = parse_scales(section);
  return false;
}

// maxpool and avgpool: a window, a stride and padding of at most half the window (as PyTorch).
void parse_pool(Section& section, Layer& layer, const Shape& input) {
  std::tie(layer.kernel_h, layer.kernel_w) = pair_param(section, "kernel", "pooling window", std::nullopt, 1);
  std::tie(layer.stride_h, layer.stride_w) =
      pair_param(section, "stride", "stride (default: the window)", layer.kernel_h, 1);
  if (!section.has("stride")) layer.stride_w = layer.kernel_w;
  const char* pad_meaning = layer.type == LayerType::MaxPool ? "padding on each side (never the maximum)"
                                                             : "padding on each side (real zeros: the zero point)";
  std::tie(layer.pad_h, layer.pad_w) = pair_param(section, "padding", pad_meaning, 0, 0);
  if (2 * layer.pad_h > layer.kernel_h || 2 * layer.pad_w > layer.kernel_w)
    section.fail("padding", "padding must be at most half the window (" + std::to_string(layer.kernel_h) + "x" +
                                std::to_string(layer.kernel_w) + ")");
  const int64_t padded_h = input.height + 2 * layer.pad_h, padded_w = input.width + 2 * layer.pad_w;
  if (layer.kernel_h > padded_h || layer.kernel_w > padded_w)
    section.fail("kernel", "pooling window is larger than the padded input " + input.to_string());
  layer.output = Shape{input.channels, (padded_h - layer.kernel_h) / layer.stride_h + 1,
                       (padded_w - layer.kernel_w) / layer.stride_w + 1, false};
}

// A scale of `mean: float32`, as the datapath holds it: a positive, finite float32.
float float32_scale(Section& section, const char* key, const char* description) {
  const double value = section.param<double>(key).desc(description).required();
  const auto as_float = static_cast<float>(value);
  if (!(value > 0) || !(as_float > 0) || !std::isfinite(as_float))
    section.fail(key, "expected a scale > 0 representable as a positive finite float32");
  return as_float;
}

// mean: float32 (ONNX Runtime's QLinearAveragePool): the float32 scales the window is dequantized
// with and quantized into, the output's zero point and what the count includes.
void parse_float_mean(Section& section, Layer& layer, DType dtype) {
  model::FloatMeanSpec& spec = layer.float_mean;
  spec.input_scale = float32_scale(section, "input_scale", "S_in: each value is dequantized as S_in * (q - z_in)");
  spec.output_scale = float32_scale(section, "output_scale", "S_out: the mean is quantized as avg / S_out + z_out");
  // |q - z_in| <= 255, so |avg / S_out| <= 255 * S_in / S_out: kept well inside int32, where
  // ONNX Runtime's float-to-int conversion is defined.
  if (static_cast<double>(spec.input_scale) / spec.output_scale > 8388608.0)
    section.fail("output_scale",
                 "input_scale / output_scale must be at most 2^23 (8388608), or the quantized mean "
                 "could leave the int32 range");
  spec.output_zero_point =
      zero_point_param(section, "output_zero_point", "zero point of the output activations", range_of(dtype));
  if (layer.type == LayerType::AvgPool)
    layer.count_include_pad = section.param<bool>("count_include_pad")
                                  .desc("divide by the whole window, padding included (PyTorch's default)")
                                  .default_val(true);
}

// avgpool and global_avgpool: how the mean is rounded and what it divides by; or, with
// `mean: multiply`, the requantization that scales the window's sum into the output's scale.
void parse_mean(Section& section, Layer& layer, DType dtype) {
  layer.mean = section.choose("mean",
                              "divide (exact, the input's scale), multiply (a requant into the output's) or float32 "
                              "(ONNX Runtime's float mean)",
                              mean_arithmetic_names(), std::optional<MeanArithmetic>(MeanArithmetic::Divide));
  if (layer.mean == MeanArithmetic::Float32) {
    parse_float_mean(section, layer, dtype);
    return;
  }
  if (layer.mean == MeanArithmetic::Multiply) {
    layer.requant = parse_requant(section.section("requant"), dtype, layer.output.channels);
    if (layer.requant.mode != RequantMode::Multiply)
      section.fail("requant", "mean: multiply takes requant.mode multiply (M = S_in / (S_out * count))");
    if (layer.type == LayerType::AvgPool && (layer.pad_h > 0 || layer.pad_w > 0))
      section.fail("mean", "mean: multiply has one count for every window: no padding");
    return;
  }
  config::EnumNames<Rounding> allowed = rounding_names();
  allowed.erase(std::remove_if(allowed.begin(), allowed.end(),
                               [](const auto& entry) { return entry.second == Rounding::Gemmlowp; }),
                allowed.end());
  layer.pool_rounding =
      section.choose("rounding", "how the mean is rounded", allowed, std::optional<Rounding>(Rounding::HalfEven));
  if (layer.type == LayerType::AvgPool)
    layer.count_include_pad = section.param<bool>("count_include_pad")
                                  .desc("divide by the whole window, padding included (PyTorch's default)")
                                  .default_val(true);
}

// add: two operands, each with its zero point and its multiplier into the output scale.
void parse_add(Section& section, Layer& layer, const std::array<int32_t, 2>& producer_zero_points, DType dtype,
               ValueSource values, IgnoredKeys& ignored) {
  if (values != ValueSource::File) {
    // Without value files: the producers' zero points and the timing-only arithmetic (values:
    // random generates its own); a given requant only sets latency and energy, as for conv2d;
    // `requant: {relu: BOOL}` states the fused ReLU.
    ignored.ignore(section, "input_zero_points");
    layer.add.input_zero_points = producer_zero_points;
    layer.add.multipliers = {0.5, 0.5};
    if (parse_fused_relu(section, layer, dtype)) return;
    ignored.ignore(section, "requant");
    layer.requant = timing_only_requant(dtype);
    return;
  }
  const DTypeRange range = range_of(dtype);
  const auto zero_points = section.param<std::vector<int64_t>>("input_zero_points")
                               .desc("[za, zb]: zero points of the two inputs")
                               .min(range.min)
                               .max(range.max)
                               .required();
  if (zero_points.size() != 2) section.fail("input_zero_points", "expected [za, zb], one per input");
  for (int i = 0; i < 2; ++i) {
    layer.add.input_zero_points[i] = static_cast<int32_t>(zero_points[i]);
    if (zero_points[i] != producer_zero_points[i])
      section.fail("input_zero_points",
                   "input " + std::to_string(i) + "'s zero point is " + std::to_string(zero_points[i]) +
                       " but the producing layer's output zero point is " + std::to_string(producer_zero_points[i]));
  }
  Section requant = section.section("requant");
  RequantSpec& spec = layer.requant;
  config::EnumNames<RequantMode> modes;
  for (const auto& entry : requant_mode_names())
    if (entry.second == RequantMode::Multiply || entry.second == RequantMode::FixedPoint) modes.push_back(entry);
  spec.mode = requant.choose("mode", "add arithmetic: multiply (float) or fixed_point (integer)", modes);
  if (spec.mode == RequantMode::Multiply) {
    spec.precision = requant.choose("precision", "float type of the products and their sum", precision_names());
    layer.add.arithmetic = requant.choose("arithmetic", "how the float sum is evaluated", add_arithmetic_names(),
                                          std::optional<AddArithmetic>(AddArithmetic::Products));
    if (layer.add.arithmetic == AddArithmetic::OnnxRuntimeFma && spec.precision != Precision::Float32)
      requant.fail("arithmetic", "onnxruntime_fma is float32 arithmetic: precision must be float32");
    const auto multipliers = requant.param<std::vector<double>>("multipliers")
                                 .desc("[Ma, Mb] = [S_a / S_out, S_b / S_out]")
                                 .min(0)
                                 .max(65536)
                                 .required();
    if (multipliers.size() != 2) requant.fail("multipliers", "expected [Ma, Mb], one per input");
    for (int i = 0; i < 2; ++i) {
      double m = multipliers[i];
      if (spec.precision == Precision::Float32) m = static_cast<float>(m);
      if (!(m > 0)) requant.fail("multipliers", "expected multipliers > 0 (representable in the precision)");
      layer.add.multipliers[i] = m;
    }
  } else {
    const auto multipliers = requant.param<std::vector<int64_t>>("multipliers")
                                 .desc("[ma, mb]: integer multipliers, M = m * 2^-shift")
                                 .min(1)
                                 .max(2147483647.0)
                                 .required();
    if (multipliers.size() != 2) requant.fail("multipliers", "expected [ma, mb], one per input");
    layer.add.fixed_multipliers = {multipliers[0], multipliers[1]};
    spec.shift = static_cast<int32_t>(
        requant.param<int64_t>("shift").desc("right shift of the summed products").min(0).max(47).required());
  }
  config::EnumNames<Rounding> roundings = rounding_names();
  roundings.erase(std::remove_if(roundings.begin(), roundings.end(),
                                 [](const auto& entry) { return entry.second == Rounding::Gemmlowp; }),
                  roundings.end());
  spec.rounding = requant.choose("rounding", "how the scaled sum is rounded", roundings);
  parse_output_range(requant, spec, dtype);
  requant.finish();
}

InputSpec parse_input(npy::TensorSource& tensors, Section section, DType dtype, ValueSource values,
                      IgnoredKeys& ignored) {
  InputSpec input;
  const auto shape =
      section.param<std::vector<int64_t>>("shape").desc("[C, H, W] after padding").min(1).max(1 << 16).required();
  if (shape.size() != 3) section.fail("shape", "expected [C, H, W]");
  input.shape = Shape{shape[0], shape[1], shape[2], false};
  if (values != ValueSource::File) {  // generated images, or none: the shape is all there is
    for (const char* key : {"pad", "images", "labels", "zero_point", "pixel_table"}) ignored.ignore(section, key);
    input.zero_point = random_zero_point(dtype);
    section.finish();
    return input;
  }
  input.pad = section.param<int64_t>("pad").desc("background pixels added on each side").min(0).max(1 << 12).required();
  input.images = section.file("images", "uint8 [N, C, h, w] pixels ([N, h, w] when C = 1)");
  // Optional: an imported model's inputs come without labels (then accuracy is not reported).
  if (section.has("labels")) input.labels = section.file("labels", "uint8 [N] labels (optional)");
  const DTypeRange range = range_of(dtype);
  input.zero_point = zero_point_param(section, "zero_point", "zero point of the input activations", range);
  const npy::Dtype table_dtype = dtype == DType::Int8 ? npy::Dtype::Int8 : npy::Dtype::UInt8;
  const auto table = load_tensor(tensors, section, "pixel_table", "activation value of each pixel", table_dtype, {256});
  for (int p = 0; p < 256; ++p)
    input.pixel_table[p] = dtype == DType::Int8 ? static_cast<int8_t>(table.bytes[p]) : table.bytes[p];
  section.finish();
  return input;
}

}  // namespace

namespace {

// How many tensors a layer type reads.
std::size_t input_count(LayerType type) { return type == LayerType::Add ? 2 : 1; }

// Resolves a layer's `inputs` (or the default: the previous layer) to layer indices.
std::vector<int32_t> parse_inputs(Section& section, const Layer& layer, std::size_t position,
                                  const std::map<std::string, std::size_t>& names) {
  const std::size_t expected = input_count(layer.type);
  const auto given = section.param<std::vector<std::string>>("inputs")
                         .desc("the layers it reads, by name (`input`: the network input); default: the previous layer")
                         .optional();
  if (!given) {
    if (expected != 1)
      section.fail("inputs", std::string(name_of(layer.type)) + " reads " + std::to_string(expected) +
                                 " tensors: name them, e.g. inputs: [a, b]");
    return {position == 0 ? kNetworkInput : static_cast<int32_t>(position - 1)};
  }
  if (given->size() != expected)
    section.fail("inputs", std::string(name_of(layer.type)) + " reads " + std::to_string(expected) + " tensor" +
                               (expected == 1 ? "" : "s") + ", got " + std::to_string(given->size()));
  std::vector<int32_t> inputs;
  for (const std::string& name : *given) {
    if (name == "input") {
      inputs.push_back(kNetworkInput);
      continue;
    }
    const auto found = names.find(name);
    if (found == names.end()) {
      std::vector<std::string> candidates{"input"};
      for (const auto& entry : names) candidates.push_back(entry.first);
      std::string message = "no layer named '" + name + "'";
      if (auto hint = config::closest_match(name, candidates)) message += " (did you mean '" + *hint + "'?)";
      section.fail("inputs", message);
    }
    if (found->second >= position)
      section.fail("inputs", "'" + name + "' is layer " + std::to_string(found->second) + ", not above this one (" +
                                 std::to_string(position) +
                                 "): a layer reads only layers listed before it (no forward references, no cycles)");
    inputs.push_back(static_cast<int32_t>(found->second));
  }
  return inputs;
}

}  // namespace

Network load_network(Section section, npy::TensorSource& tensors) {
  Network network;
  network.name = section.param<std::string>("name").desc("label for reports").required();
  network.activation_dtype = section.choose("activation_dtype", "how activation bytes are read", dtype_names());
  network.overflow =
      section.choose("accumulator_overflow", "when an accumulator leaves int32: error, or saturate to the int32 range",
                     overflow_policy_names(), std::optional<OverflowPolicy>(OverflowPolicy::Error));
  network.values = section.choose("values", "where the values come from: file, random (seeded) or none (timing only)",
                                  value_source_names(), std::optional<ValueSource>(ValueSource::File));
  network.seed = static_cast<uint64_t>(section.param<int64_t>("seed")
                                           .desc("seed of values: random (ignored otherwise)")
                                           .min(0)
                                           .max(9007199254740992.0)  // 2^53: exact in YAML readers that use doubles
                                           .default_val(1));
  IgnoredKeys ignored;
  network.input = parse_input(tensors, section.section("input"), network.activation_dtype, network.values, ignored);

  // Every name first, so that `inputs` can tell a later layer from one that does not exist.
  std::vector<Section> sections = section.list("layers");
  std::map<std::string, std::size_t> names;
  std::vector<std::string> layer_names;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    Section& layer_section = sections[i];
    const std::string name =
        layer_names.emplace_back(layer_section.param<std::string>("name").desc("unique layer name").required());
    if (name.empty()) layer_section.fail("name", "expected a non-empty name");
    if (name == "input") layer_section.fail("name", "'input' names the network input in `inputs`; pick another name");
    if (!names.emplace(name, i).second) layer_section.fail("name", "duplicate layer name '" + name + "'");
  }

  std::vector<int32_t> output_zero_points;  // per layer
  std::vector<bool> requant_defaulted;      // per weighted layer, in order
  auto shape_of = [&](int32_t producer) {
    return producer == kNetworkInput ? network.input.shape : network.layers[static_cast<std::size_t>(producer)].output;
  };
  auto zero_point_of = [&](int32_t producer) {
    return producer == kNetworkInput ? network.input.zero_point
                                     : output_zero_points[static_cast<std::size_t>(producer)];
  };
  auto name_or_input = [&](int32_t producer) {
    return producer == kNetworkInput ? std::string("input") : network.layers[static_cast<std::size_t>(producer)].name;
  };
  for (std::size_t position = 0; position < sections.size(); ++position) {
    Section& layer_section = sections[position];
    Layer layer;
    layer.name = layer_names[position];
    layer.type = layer_section.choose("type", "layer type", layer_type_names());
    layer.inputs = parse_inputs(layer_section, layer, position, names);
    const Shape current = shape_of(layer.inputs[0]);
    const int32_t zero_point = zero_point_of(layer.inputs[0]);
    layer.input = current;
    const bool spatial = layer.type == LayerType::Conv2d || layer.is_pool();
    if (spatial && current.flat)
      layer_section.fail("type", std::string(name_of(layer.type)) + " needs a [C, H, W] input, got the flat " +
                                     current.to_string() + " of '" + name_or_input(layer.inputs[0]) + "'");
    int32_t output_zero_point = zero_point;
    if (layer.has_weights()) {
      requant_defaulted.push_back(parse_weighted_layer(tensors, layer_section, layer, current, zero_point,
                                                       network.activation_dtype, network.values, ignored));
      output_zero_point = layer.requant.output_zero_point;
    } else if (layer.type == LayerType::MaxPool || layer.type == LayerType::AvgPool) {
      layer.input_zero_point = zero_point;  // passes through: the output has the input's quantization
      parse_pool(layer_section, layer, current);
      if (layer.type == LayerType::AvgPool) parse_mean(layer_section, layer, network.activation_dtype);
      if (layer.mean == MeanArithmetic::Multiply) output_zero_point = layer.requant.output_zero_point;
      if (layer.mean == MeanArithmetic::Float32) output_zero_point = layer.float_mean.output_zero_point;
    } else if (layer.type == LayerType::GlobalAvgPool) {
      layer.input_zero_point = zero_point;
      layer.kernel_h = current.height, layer.kernel_w = current.width;
      layer.stride_h = current.height, layer.stride_w = current.width;
      layer.output = Shape{current.channels, 1, 1, false};
      parse_mean(layer_section, layer, network.activation_dtype);
      if (layer.mean == MeanArithmetic::Multiply) output_zero_point = layer.requant.output_zero_point;
      if (layer.mean == MeanArithmetic::Float32) output_zero_point = layer.float_mean.output_zero_point;
    } else if (layer.type == LayerType::Add) {
      const Shape other = shape_of(layer.inputs[1]);
      if (!(other == current))
        layer_section.fail("inputs", "add needs two tensors of the same shape: '" + name_or_input(layer.inputs[0]) +
                                         "' is " + current.to_string() + ", '" + name_or_input(layer.inputs[1]) +
                                         "' is " + other.to_string());
      parse_add(layer_section, layer, {zero_point, zero_point_of(layer.inputs[1])}, network.activation_dtype,
                network.values, ignored);
      layer.output = current;
      output_zero_point = layer.requant.output_zero_point;
    } else {  // flatten
      layer.output = Shape{current.elements(), 1, 1, true};
    }
    layer_section.finish();
    output_zero_points.push_back(output_zero_point);
    network.layers.push_back(std::move(layer));
  }
  // Class scores matter only where there are labels to score them against (values: file).
  const Shape& current = network.layers.back().output;
  if (network.has_labels() && !current.flat && current.height * current.width != 1)
    section.fail("layers",
                 "the last layer must produce class scores (a flat or [C, 1, 1] output), got " + current.to_string());
  section.finish();
  ignored.warn(network.values);
  if (network.values == ValueSource::Random) {
    generate_random_values(network);
  } else if (network.values == ValueSource::None) {
    // As the generator does: no ReLU on the network's output (unless the config spelt requant out).
    for (auto layer = network.layers.rbegin(); layer != network.layers.rend(); ++layer) {
      if (!layer->has_weights()) continue;
      if (requant_defaulted.back()) layer->requant.relu = false;
      break;
    }
  }
  return network;
}

Dataset load_dataset(const InputSpec& input, config::Section& section, int64_t max_images, npy::TensorSource& tensors) {
  Dataset dataset;
  npy::NpyArray images, labels;
  int64_t file_images = 0;
  try {
    images = tensors.read_rows(input.images, max_images, file_images);
  } catch (const npy::NpyError& e) {
    section.fail("images", e.what());
  }
  std::vector<int64_t> file_shape = images.shape;  // for messages: the file's, not the images read
  if (!file_shape.empty()) file_shape[0] = file_images;
  // [N, C, h, w]; a single-channel set may leave C out: [N, h, w].
  const int64_t channels = input.shape.channels;
  const bool with_channels = images.shape.size() == 4;
  const std::string expected =
      channels == 1 ? "uint8 [N, h, w] or [N, 1, h, w]" : "uint8 [N, " + std::to_string(channels) + ", h, w]";
  if (images.dtype != npy::Dtype::UInt8 || !(images.shape.size() == 4 || (images.shape.size() == 3 && channels == 1)))
    section.fail("images", input.images.string() + ": expected " + expected + ", got " + npy::dtype_name(images.dtype) +
                               " " + npy::shape_text(file_shape));
  if (with_channels && images.shape[1] != channels)
    section.fail("images", input.images.string() + ": images of " + std::to_string(images.shape[1]) +
                               " channel(s), but the input shape " + input.shape.to_string() + " has " +
                               std::to_string(channels) + "; expected " + expected);
  dataset.count = file_images;
  dataset.loaded = images.shape.empty() ? 0 : images.shape[0];
  dataset.channels = channels;
  dataset.height = images.shape[with_channels ? 2 : 1];
  dataset.width = images.shape[with_channels ? 3 : 2];
  if (dataset.count < 1) section.fail("images", input.images.string() + ": holds no images");
  if (dataset.height + 2 * input.pad != input.shape.height || dataset.width + 2 * input.pad != input.shape.width)
    section.fail("images", input.images.string() + ": images of " + std::to_string(dataset.height) + "x" +
                               std::to_string(dataset.width) + " padded by " + std::to_string(input.pad) +
                               " do not give the input shape " + input.shape.to_string());
  dataset.pixels = std::move(images.bytes);
  if (input.labels.empty()) return dataset;
  try {
    labels = tensors.read(input.labels);
  } catch (const npy::NpyError& e) {
    section.fail("labels", e.what());
  }
  if (labels.dtype != npy::Dtype::UInt8 || labels.shape != std::vector<int64_t>{dataset.count})
    section.fail("labels", input.labels.string() + ": expected uint8 [" + std::to_string(dataset.count) + "], got " +
                               npy::dtype_name(labels.dtype) + " " + labels.shape_text());
  dataset.labels = std::move(labels.bytes);
  return dataset;
}

std::vector<int32_t> input_activations(const InputSpec& input, const Dataset& dataset, int64_t index) {
  const int64_t height = input.shape.height, width = input.shape.width;
  const int64_t channels = dataset.channels;
  std::vector<int32_t> values(static_cast<std::size_t>(channels * height * width), input.pixel_table[0]);
  const uint8_t* pixels = dataset.image(index);
  for (int64_t c = 0; c < channels; ++c) {
    const uint8_t* plane = pixels + c * dataset.height * dataset.width;
    int32_t* padded = values.data() + c * height * width;
    for (int64_t y = 0; y < dataset.height; ++y)
      for (int64_t x = 0; x < dataset.width; ++x)
        padded[(y + input.pad) * width + x + input.pad] = input.pixel_table[plane[y * dataset.width + x]];
  }
  return values;
}

}  // namespace accelsim::model
