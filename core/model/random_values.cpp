#include "core/model/random_values.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace accelsim::model {

namespace {

// Independent streams, so that the input images do not depend on how many weights there are.
constexpr uint64_t kLayerStream = 1;
constexpr uint64_t kInputStream = 2;

// Weights are uniform in [-127, 127] (symmetric, as the seed scheme's int8 weights):
// RMS = sqrt(sum_{w=-127}^{127} w^2 / 255) = sqrt(127 * 128 / 3).
const double kWeightRms = std::sqrt(127.0 * 128.0 / 3.0);
// The RMS the requantization aims the outputs at, about the zero point: a quarter of the int8
// range, so that +-4 RMS (beyond which a normal variable lies with probability 6e-5) still fits.
constexpr double kOutputRms = 32.0;

// splitmix64's finalizer (Steele, Lea, Flood 2014): spreads close seeds far apart.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// RMS about the zero point of values uniform over the whole activation dtype.
double uniform_input_rms(DType dtype) {
  const DTypeRange range = range_of(dtype);
  const int32_t zero_point = random_zero_point(dtype);
  double sum = 0;
  for (int32_t v = range.min; v <= range.max; ++v) sum += static_cast<double>(v - zero_point) * (v - zero_point);
  return std::sqrt(sum / (range.max - range.min + 1));
}

// conv2d and linear: weights uniform in [-127, 127] with zero point 0; a bias (when the layer
// has one) uniform in [-acc_rms / 4, acc_rms / 4]; requantization by multiply (float32,
// half_even) with M = kOutputRms / acc_rms, where acc_rms = sqrt(K) * weight RMS * input RMS is
// the accumulator's RMS for independent zero-mean weights; the full dtype as the clamp range and
// a fused ReLU on every weighted layer but the last.
ValueSpread weighted_layer(Layer& layer, const std::vector<ValueSpread>& inputs, bool last, DType dtype,
                           SeededValues& values) {
  layer.weights.resize(static_cast<std::size_t>(layer.gemm_n() * layer.gemm_k()));
  for (auto& w : layer.weights) w = static_cast<int8_t>(values.uniform(-127, 127));
  const double accumulator_rms = std::sqrt(static_cast<double>(layer.gemm_k())) * kWeightRms * inputs.at(0).rms;
  const auto bias_bound = static_cast<int64_t>(std::llround(accumulator_rms / 4));
  for (auto& b : layer.bias) b = static_cast<int32_t>(values.uniform(-bias_bound, bias_bound));
  layer.input_zero_point = random_zero_point(dtype);
  layer.weight_zero_point = 0;
  RequantSpec& spec = layer.requant;
  spec = RequantSpec{};
  spec.mode = RequantMode::Multiply;
  spec.precision = Precision::Float32;
  spec.rounding = Rounding::HalfEven;
  spec.multiplier = static_cast<float>(std::min(65536.0, kOutputRms / accumulator_rms));
  spec.output_zero_point = random_zero_point(dtype);
  spec.clamp_min = range_of(dtype).min;
  spec.clamp_max = range_of(dtype).max;
  spec.relu = layer.fused_relu.value_or(!last);
  // A ReLU keeps the positive half of a zero-mean output: E[max(0, y)^2] = E[y^2] / 2.
  return ValueSpread{spec.relu ? kOutputRms / std::sqrt(2.0) : kOutputRms, spec.relu};
}

// E[M^2] for M the largest of `window` independent standard normal variables, or of max(0, M)
// when `rectified`: the integral of x^2 w Phi(x)^(w-1) phi(x) dx (over x >= 0 when rectified),
// by the midpoint rule on [-10, 10] in steps of 1/1000.
double mean_square_of_max(int64_t window, bool rectified) {
  constexpr double kStep = 1e-3;
  const double w = static_cast<double>(window);
  double sum = 0;
  for (double x = (rectified ? 0.0 : -10.0) + kStep / 2; x < 10.0; x += kStep) {
    const double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
    const double pdf = std::exp(-x * x / 2) / std::sqrt(2 * std::acos(-1.0));
    sum += x * x * w * std::pow(cdf, w - 1) * pdf * kStep;
  }
  return sum;
}

// maxpool: the largest of `window` values. Treated as independent, which overestimates the
// growth for neighbouring (correlated) values: the outputs come out a little narrower, never
// more saturated.
ValueSpread max_pool(Layer& layer, const std::vector<ValueSpread>& inputs, bool, DType, SeededValues&) {
  const ValueSpread& in = inputs.at(0);
  const int64_t window = layer.kernel_h * layer.kernel_w;
  // The normal variable's own RMS: a rectified one keeps half of its square.
  const double sigma = in.rectified ? in.rms * std::sqrt(2.0) : in.rms;
  return ValueSpread{sigma * std::sqrt(mean_square_of_max(window, in.rectified)), in.rectified};
}

// add: each operand's zero point removed and scaled so that the sum of two independent
// operands has kOutputRms: Ma = Mb = kOutputRms / sqrt(rms_a^2 + rms_b^2), multiply (float32,
// half_even), the full dtype as the clamp range, no ReLU unless the network states one
// (`requant: {relu: true}`: ResNet's residual adds).
ValueSpread add_layer(Layer& layer, const std::vector<ValueSpread>& inputs, bool, DType dtype, SeededValues&) {
  const double rms = std::sqrt(inputs.at(0).rms * inputs.at(0).rms + inputs.at(1).rms * inputs.at(1).rms);
  const auto multiplier = static_cast<float>(std::min(65536.0, kOutputRms / std::max(rms, 1e-9)));
  layer.add.input_zero_points = {random_zero_point(dtype), random_zero_point(dtype)};
  layer.add.multipliers = {multiplier, multiplier};
  RequantSpec& spec = layer.requant;
  spec = RequantSpec{};
  spec.mode = RequantMode::Multiply;
  spec.precision = Precision::Float32;
  spec.rounding = Rounding::HalfEven;
  spec.output_zero_point = random_zero_point(dtype);
  spec.clamp_min = range_of(dtype).min;
  spec.clamp_max = range_of(dtype).max;
  spec.relu = layer.fused_relu.value_or(false);
  return ValueSpread{spec.relu ? kOutputRms / std::sqrt(2.0) : kOutputRms, spec.relu};
}

// avgpool, global_avgpool: the mean of `window` values, treated as independent (the spread
// shrinks by sqrt(window); correlated neighbours shrink less: never more saturated).
ValueSpread average_pool(Layer& layer, const std::vector<ValueSpread>& inputs, bool, DType dtype, SeededValues&) {
  layer.input_zero_point = random_zero_point(dtype);
  const double window = static_cast<double>(layer.kernel_h * layer.kernel_w);
  return ValueSpread{inputs.at(0).rms / std::sqrt(window), inputs.at(0).rectified};
}

// flatten moves no value.
ValueSpread pass_through(Layer&, const std::vector<ValueSpread>& inputs, bool, DType, SeededValues&) {
  return inputs.at(0);
}

}  // namespace

SeededValues::SeededValues(uint64_t seed, uint64_t stream, uint64_t index)
    : engine_(mix(seed ^ mix(stream ^ mix(index)))) {}

int64_t SeededValues::uniform(int64_t lo, int64_t hi) {
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  // Draws at or above the last whole multiple of `span` would favour the low values: drawn again.
  const uint64_t reject_from = span * (std::numeric_limits<uint64_t>::max() / span);
  uint64_t draw = engine_();
  while (draw >= reject_from) draw = engine_();
  return lo + static_cast<int64_t>(draw % span);
}

const std::map<LayerType, LayerValueGenerator>& random_value_generators() {
  static const std::map<LayerType, LayerValueGenerator> generators = {
      {LayerType::Conv2d, weighted_layer}, {LayerType::Linear, weighted_layer},      {LayerType::MaxPool, max_pool},
      {LayerType::AvgPool, average_pool},  {LayerType::GlobalAvgPool, average_pool}, {LayerType::Add, add_layer},
      {LayerType::Flatten, pass_through}};
  return generators;
}

int32_t random_zero_point(DType dtype) { return dtype == DType::UInt8 ? 128 : 0; }

void generate_random_values(Network& network) {
  network.input.zero_point = random_zero_point(network.activation_dtype);
  std::size_t last_weighted = network.layers.size();
  for (std::size_t l = 0; l < network.layers.size(); ++l)
    if (network.layers[l].has_weights()) last_weighted = l;
  // Each layer sees the spreads of the layers it reads (a graph).
  const ValueSpread input{uniform_input_rms(network.activation_dtype), false};
  std::vector<ValueSpread> spreads;
  for (std::size_t l = 0; l < network.layers.size(); ++l) {
    std::vector<ValueSpread> inputs;
    for (int32_t producer : network.inputs_of(l))
      inputs.push_back(producer == kNetworkInput ? input : spreads[static_cast<std::size_t>(producer)]);
    SeededValues values(network.seed, kLayerStream, l);
    spreads.push_back(random_value_generators().at(network.layers[l].type)(
        network.layers[l], inputs, l == last_weighted, network.activation_dtype, values));
  }
}

std::vector<int32_t> random_input(const Network& network, int64_t image) {
  SeededValues values(network.seed, kInputStream, static_cast<uint64_t>(image));
  const DTypeRange range = range_of(network.activation_dtype);
  std::vector<int32_t> activations(static_cast<std::size_t>(network.input.shape.elements()));
  for (auto& a : activations) a = static_cast<int32_t>(values.uniform(range.min, range.max));
  return activations;
}

}  // namespace accelsim::model
