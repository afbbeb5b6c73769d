// PyTorch's own quantized arithmetic (qnnpack) on imported models: the choice of arithmetic,
// torchvision's ResNet-18 and MobileNetV2 quantized and exported by tools/export_torch.py, run by `accelsim --model`,
// against PyTorch's outputs; and PyTorch's quantized add on crafted ties
// (tools/qnnpack_add_check.py) through the golden model and the requantization unit.
// Needs /usr/bin/python3 with python3-torch, -torchvision and -onnx (scripts/setup.sh): without
// them these tests fail, they do not skip.
#include <gtest/gtest.h>

#include <cstring>
#include <iostream>

#include "core/npy/npy_array.h"
#include "golden/requantize.h"
#include "importers/onnx/onnx_import.h"
#include "modules/requant_unit/requant_datapath.h"
#include "tests/import/onnx_test_support.h"
#include "tests/support/run_command.h"
#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

const char* const kPython = "/usr/bin/python3";  // Debian's, which sees python3-torch
const char* const kTorchMissing = "python3-torch, python3-torchvision or python3-onnx is missing: scripts/setup.sh";

int32_t int32_at(const npy::NpyArray& array, std::size_t index) {
  int32_t value;
  std::memcpy(&value, array.bytes.data() + 4 * index, 4);
  return value;
}

float float_at(const npy::NpyArray& array, std::size_t index) {
  float value;
  std::memcpy(&value, array.bytes.data() + 4 * index, 4);
  return value;
}

// A uint8 add layer with qnnpack's parameters for the scales.
model::Layer qnnpack_add(float a_scale, float b_scale, float output_scale, int32_t za, int32_t zb, int32_t zo,
                         bool relu) {
  const auto parameters = onnx_import::qnnpack_add_parameters(a_scale, b_scale, output_scale);
  EXPECT_TRUE(parameters.has_value());
  model::Layer layer;
  layer.type = model::LayerType::Add;
  layer.add.input_zero_points = {za, zb};
  layer.add.fixed_multipliers = parameters->multipliers;
  layer.requant.mode = model::RequantMode::FixedPoint;
  layer.requant.shift = parameters->shift;
  layer.requant.rounding = model::Rounding::HalfAway;
  layer.requant.output_zero_point = zo;
  layer.requant.clamp_min = 0;
  layer.requant.clamp_max = 255;
  layer.requant.relu = relu;
  return layer;
}

// x float [1, 1, 2, 2] -> QuantizeLinear(sx 0.625, zx 10) -> DequantizeLinear -> Conv 1x1 (w 3,
// sw 0.0625) -> QuantizeLinear(sy 0.0234375, zy 5) -> DequantizeLinear, and with the input's
// DequantizeLinear -> Add -> Relu -> QuantizeLinear(so 0.125, zo 7) -> DequantizeLinear: what
// torch.onnx.export writes for a conv and a residual add_relu.
onnx::ModelProto conv_and_add_model(const std::string& producer) {
  onnx::ModelProto model;
  model.set_producer_name(producer);
  auto& graph = *model.mutable_graph();
  add_value_info(graph.add_input(), "x", onnx::TensorProto::FLOAT, {1, 1, 2, 2});
  add_value_info(graph.add_output(), "out", onnx::TensorProto::FLOAT, {1, 1, 2, 2});
  *graph.add_initializer() = make_tensor("sx", onnx::TensorProto::FLOAT, {}, {0.625});
  *graph.add_initializer() = make_tensor("zx", onnx::TensorProto::UINT8, {}, {10});
  *graph.add_initializer() = make_tensor("w", onnx::TensorProto::INT8, {1, 1, 1, 1}, {3});
  *graph.add_initializer() = make_tensor("sw", onnx::TensorProto::FLOAT, {}, {0.0625});
  *graph.add_initializer() = make_tensor("zw", onnx::TensorProto::INT8, {}, {0});
  *graph.add_initializer() = make_tensor("sy", onnx::TensorProto::FLOAT, {}, {0.0234375});
  *graph.add_initializer() = make_tensor("zy", onnx::TensorProto::UINT8, {}, {5});
  *graph.add_initializer() = make_tensor("so", onnx::TensorProto::FLOAT, {}, {0.125});
  *graph.add_initializer() = make_tensor("zo", onnx::TensorProto::UINT8, {}, {7});
  add_node(graph, "QuantizeLinear", "q_in", {"x", "sx", "zx"}, {"xq"});
  add_node(graph, "DequantizeLinear", "dq_in", {"xq", "sx", "zx"}, {"xd"});
  add_node(graph, "DequantizeLinear", "dq_w", {"w", "sw", "zw"}, {"wd"});
  add_node(graph, "Conv", "conv", {"xd", "wd"}, {"c"});
  add_node(graph, "QuantizeLinear", "q_conv", {"c", "sy", "zy"}, {"yq"});
  add_node(graph, "DequantizeLinear", "dq_conv", {"yq", "sy", "zy"}, {"yd"});
  add_node(graph, "DequantizeLinear", "dq_skip", {"xq", "sx", "zx"}, {"xd2"});
  add_node(graph, "Add", "add", {"yd", "xd2"}, {"s"});
  add_node(graph, "Relu", "relu", {"s"}, {"r"});
  add_node(graph, "QuantizeLinear", "q_add", {"r", "so", "zo"}, {"oq"});
  add_node(graph, "DequantizeLinear", "dq_out", {"oq", "so", "zo"}, {"out"});
  return model;
}

TEST(TorchArithmetic, ChosenByProducerNameOrOverridden) {
  using onnx_import::Arithmetic;
  const std::string torch_model = conv_and_add_model("pytorch").SerializeAsString();
  const auto chosen = onnx_import::import_model(torch_model, "t.onnx");
  EXPECT_EQ(chosen.arithmetic, Arithmetic::PyTorch);
  EXPECT_EQ(chosen.arithmetic_reason, "producer_name 'pytorch'");
  const auto other = onnx_import::import_model(conv_and_add_model("onnx.quantize").SerializeAsString(), "o.onnx");
  EXPECT_EQ(other.arithmetic, Arithmetic::OnnxRuntime);
  const auto overridden = onnx_import::import_model(torch_model, "t.onnx", Arithmetic::OnnxRuntime);
  EXPECT_EQ(overridden.arithmetic, Arithmetic::OnnxRuntime);
  EXPECT_EQ(overridden.arithmetic_reason, "--arithmetic");

  // Conv: S_x * S_w = 0.625 * 0.0625 = 5 * 2^-7 exactly, S_y = 3 * 2^-7.
  // PyTorch: float32(1 / S_y) = float32(2^7 / 3) = 11184811 * 2^-18 (2^25 / 3 = 11184810.67 rounds
  // up); times 5 * 2^-7: 55924055 * 2^-25 = 13981013.75 * 2^-23, rounded to 13981014 * 2^-23.
  // ONNX Runtime: (5 * 2^-7) / (3 * 2^-7) = 5 / 3 = 13981013.33 * 2^-23, rounded to 13981013 * 2^-23.
  ASSERT_EQ(chosen.network.layers.size(), 3u);  // conv, add, and the flatten to accelsim's output vector
  EXPECT_EQ(chosen.network.layers[0].requant.multiplier, 13981014.0 / (1 << 23));
  EXPECT_EQ(overridden.network.layers[0].requant.multiplier, 13981013.0 / (1 << 23));

  // Add: ratios S_y / S_o = 3 * 2^-7 / 2^-3 = 3/16 and S_x / S_o = 0.625 / 0.125 = 5 = 1.25 * 2^2:
  // shift = 21 - 2 = 19, ma = 3/16 * 2^19 = 98304, mb = 5 * 2^19 = 2621440; half away from zero;
  // the Relu makes the lower bound the output zero point.
  const auto& add = chosen.network.layers[1];
  EXPECT_EQ(add.requant.mode, model::RequantMode::FixedPoint);
  EXPECT_EQ(add.requant.rounding, model::Rounding::HalfAway);
  EXPECT_EQ(add.requant.shift, 19);
  EXPECT_EQ(add.add.fixed_multipliers, (std::array<int64_t, 2>{98304, 2621440}));
  EXPECT_EQ(add.add.input_zero_points, (std::array<int32_t, 2>{5, 10}));
  EXPECT_EQ(add.requant.output_zero_point, 7);
  EXPECT_TRUE(add.requant.relu);
  EXPECT_EQ(overridden.network.layers[1].requant.mode, model::RequantMode::Multiply);
  EXPECT_EQ(overridden.network.layers[1].add.arithmetic, model::AddArithmetic::OnnxRuntimeFma);
}

TEST(TorchArithmetic, InputQuantizedAsQuantizePerTensor) {
  // float32(0.3) = 10066330 * 2^-25. ONNX's x / S: 2.25 / 0.30000001 = 7.49999970, whose float32
  // is 7.5 - 2^-21 (the nearer neighbour), rounded to 7. PyTorch's x * float32(1 / S): 1 / S =
  // 3.33333320 -> float32 13981013 * 2^-22 = 3.33333325; 2.25 * 3.33333325 = 7.49999982, whose
  // float32 is 7.5 (nearer than 7.5 - 2^-21), a tie rounded to even: 8.
  const onnx_import::QuantParams params{0.3f, 0, model::DType::UInt8};
  EXPECT_EQ(onnx_import::quantize_linear(2.25f, params), 7);
  EXPECT_EQ(onnx_import::quantize_per_tensor(2.25f, params), 8);
}

TEST(TorchArithmetic, CommandLineSaysWhichAndRefusesAnUnknownOne) {
  TempDir dir;
  write_model(conv_and_add_model("pytorch"), dir.path() / "t.onnx");
  const auto imported =
      run_accelsim({"import", (dir.path() / "t.onnx").string(), "--out", (dir.path() / "a").string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_NE(imported.output.find("arithmetic pytorch (chosen by producer_name 'pytorch')"), std::string::npos)
      << imported.output;
  const std::string yaml = read_file(dir.path() / "a/network.yaml");
  EXPECT_NE(yaml.find("mode: fixed_point, multipliers: [98304, 2621440], shift: 19, rounding: half_away"),
            std::string::npos)
      << yaml;
  const auto forced = run_accelsim({"import", (dir.path() / "t.onnx").string(), "--out", (dir.path() / "b").string(),
                                    "--arithmetic", "onnxruntime"});
  ASSERT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_NE(forced.output.find("arithmetic onnxruntime (chosen by --arithmetic)"), std::string::npos) << forced.output;
  const auto bad = run_accelsim(
      {"--model", (dir.path() / "t.onnx").string(), "--arithmetic", "tflite", "--out", (dir.path() / "c").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("--arithmetic must be pytorch or onnxruntime, got 'tflite'"), std::string::npos)
      << bad.output;
}

TEST(TorchAddTies, QnnpackParametersByHand) {
  // 0.5 / 1 = 2^-1: shift = 21 - (-1) = 22, ma = 2^-1 * 2^22 = 2^21; 0.25 * 2^22 = 2^20.
  auto p = onnx_import::qnnpack_add_parameters(0.5f, 0.25f, 1.0f);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->shift, 22);
  EXPECT_EQ(p->multipliers[0], int64_t{1} << 21);
  EXPECT_EQ(p->multipliers[1], int64_t{1} << 20);
  // 1/8 and 3/8: the larger is 1.5 * 2^-2, shift = 23; 2^-3 * 2^23 = 2^20, 0.375 * 2^23 = 3 * 2^20.
  p = onnx_import::qnnpack_add_parameters(1.0f, 3.0f, 8.0f);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->shift, 23);
  EXPECT_EQ(p->multipliers[0], int64_t{1} << 20);
  EXPECT_EQ(p->multipliers[1], int64_t{3} << 20);
  // float32(0.1) = 13421773 * 2^-27 and float32(0.3) = 10066330 * 2^-25; their quotient
  // 0.33333332... rounds to the float32 11184810 * 2^-25 (in [2^-2, 2^-1): shift 23), and
  // 11184810 * 2^-25 * 2^23 = 2796202.5, a tie that lrintf rounds to even: 2796202.
  p = onnx_import::qnnpack_add_parameters(0.1f, 0.1f, 0.3f);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->shift, 23);
  EXPECT_EQ(p->multipliers[0], 2796202);
  // Ratios outside [2^-14, 2^8) are refused by qnnpack: 256 and 2^-15.
  EXPECT_FALSE(onnx_import::qnnpack_add_parameters(256.0f, 1.0f, 1.0f).has_value());
  EXPECT_FALSE(onnx_import::qnnpack_add_parameters(0x1.0p-15f, 1.0f, 1.0f).has_value());
}

TEST(TorchAddTies, HalfAwayTiesByHandInTheGoldenModelAndTheUnit) {
  // S_a = S_b = 0.5, S_out = 1, za = zo = 128, zb = 0, b = 0: y = round_half_away((a - 128) / 2)
  // + 128 (ma = 2^21, shift 22). a = 125..131 gives -1.5 -1 -0.5 0 0.5 1 1.5 -> -2 -1 -1 0 1 1 2,
  // what torch.ops.quantized.add gives on qnnpack (docs/arithmetic.md); half_even would give
  // -2 -1 0 0 0 1 2.
  const model::Layer layer = qnnpack_add(0.5f, 0.5f, 1.0f, 128, 0, 128, false);
  const modules::AddDatapath unit(layer.add, layer.requant);
  const int32_t expected[] = {126, 127, 127, 128, 129, 129, 130};
  for (int32_t a = 125; a <= 131; ++a) {
    EXPECT_EQ(golden::requantize_sum(a, 0, layer), expected[a - 125]) << a;
    EXPECT_EQ(unit(a, 0), expected[a - 125]) << a;
  }
  // add_relu: the lower bound is the output zero point, so -1.5 -> -2 -> 126 clamps to 128.
  const model::Layer relu = qnnpack_add(0.5f, 0.5f, 1.0f, 128, 0, 128, true);
  EXPECT_EQ(golden::requantize_sum(125, 0, relu), 128);
  EXPECT_EQ(modules::AddDatapath(relu.add, relu.requant)(125, 0), 128);
}

// PyTorch's outputs on the crafted cases, each through the golden model and the unit with the
// importer's parameters; the same layers with half_even must miss some (the cases discriminate).
TEST(TorchAddTies, GoldenAndUnitEqualPyTorchsQuantizedAdd) {
  TempDir dir;
  const auto script =
      run_program(kPython, {(source_dir() / "tools/qnnpack_add_check.py").string(), "--out", dir.path().string()}, 300);
  ASSERT_EQ(script.exit_code, 0) << kTorchMissing << "\n" << script.output;
  std::cout << script.output;
  const npy::NpyArray cases = npy::read_npy(dir.path() / "add_cases.npy");
  const npy::NpyArray scales = npy::read_npy(dir.path() / "add_scales.npy");
  ASSERT_EQ(cases.dtype, npy::Dtype::Int32);
  ASSERT_EQ(cases.shape.size(), 2u);
  ASSERT_EQ(cases.shape[1], 7);
  ASSERT_EQ(scales.shape, (std::vector<int64_t>{cases.shape[0], 3}));
  int64_t golden_mismatches = 0, unit_mismatches = 0, half_even_mismatches = 0;
  for (int64_t row = 0; row < cases.shape[0]; ++row) {
    auto field = [&](int column) { return int32_at(cases, static_cast<std::size_t>(row * 7 + column)); };
    auto scale = [&](int column) { return float_at(scales, static_cast<std::size_t>(row * 3 + column)); };
    model::Layer layer = qnnpack_add(scale(0), scale(1), scale(2), field(0), field(1), field(2), field(3) != 0);
    const int32_t a = field(4), b = field(5), pytorch = field(6);
    golden_mismatches += golden::requantize_sum(a, b, layer) != pytorch;
    unit_mismatches += modules::AddDatapath(layer.add, layer.requant)(a, b) != pytorch;
    layer.requant.rounding = model::Rounding::HalfEven;
    half_even_mismatches += golden::requantize_sum(a, b, layer) != pytorch;
  }
  std::cout << cases.shape[0] << " crafted adds: golden " << golden_mismatches << ", unit " << unit_mismatches
            << " mismatches against PyTorch; half_even would miss " << half_even_mismatches << "\n";
  EXPECT_GT(cases.shape[0], 10000);
  EXPECT_EQ(golden_mismatches, 0);
  EXPECT_EQ(unit_mismatches, 0);
  EXPECT_GT(half_even_mismatches, 0);
}

// Output elements of `logits` (int32, the last layer's stored values) that differ from `expected`
// (uint8); counts the distinct expected values into `distinct`.
int64_t mismatches_against(const npy::NpyArray& logits, const npy::NpyArray& expected, int64_t& distinct) {
  EXPECT_EQ(logits.dtype, npy::Dtype::Int32);
  EXPECT_EQ(logits.shape, expected.shape);
  if (logits.dtype != npy::Dtype::Int32 || logits.shape != expected.shape) return -1;
  int64_t mismatches = 0;
  std::vector<bool> seen(256, false);
  distinct = 0;
  for (std::size_t i = 0; i < expected.bytes.size(); ++i) {
    mismatches += int32_at(logits, i) != expected.bytes[i];
    if (!seen[expected.bytes[i]]) ++distinct, seen[expected.bytes[i]] = true;
  }
  return mismatches;
}

// Output elements of two float32 .npy files that differ (-1 when their shapes or types differ).
int64_t float_mismatches(const npy::NpyArray& actual, const npy::NpyArray& expected) {
  EXPECT_EQ(actual.dtype, npy::Dtype::Float32);
  EXPECT_EQ(actual.dtype, expected.dtype);
  EXPECT_EQ(actual.shape, expected.shape);
  if (actual.dtype != expected.dtype || actual.shape != expected.shape) return -1;
  int64_t mismatches = 0;
  for (std::size_t i = 0; i < expected.element_count(); ++i) mismatches += float_at(actual, i) != float_at(expected, i);
  return mismatches;
}

// The elements of image `image` (the first dimension) that differ between `actual` (int32 or uint8,
// of `expected`'s shape) and `expected` (uint8).
int64_t mismatches_in_image(const npy::NpyArray& actual, const npy::NpyArray& expected, int64_t image) {
  EXPECT_EQ(actual.shape, expected.shape);
  if (actual.shape != expected.shape) return -1;
  const auto per_image = static_cast<std::size_t>(expected.element_count() / expected.shape[0]);
  const auto first = per_image * static_cast<std::size_t>(image);
  int64_t mismatches = 0;
  for (std::size_t i = first; i < first + per_image; ++i) {
    const int32_t value = actual.dtype == npy::Dtype::Int32 ? int32_at(actual, i) : actual.bytes[i];
    mismatches += value != expected.bytes[i];
  }
  return mismatches;
}

// export_torch.py --model `name` at 128x128 (seed 0: 4 seeded images and 1 crafted), then
// accelsim --model: exit code 0 (every layer bit-exact, golden model against the accelerator)
// and logits.npy equal to PyTorch's own quantized output (uint8 int_repr), element by element.
// `--arithmetic onnxruntime` must miss some, so that the test tells the two apart. On the seeded
// images that hinges on a value landing where the arithmetics part, which depends on the model
// the machine calibrated (oneDNN's float convolutions, and so the scales, differ between AVX2 and
// AVX-512): ResNet-18's differ in 1,140 of 4,000 values with AVX2, in none with AVX-512.
// So the crafted image (--input-tie-images) holds only inputs that PyTorch's x * (1 / S) and
// ONNX's x / S put on different levels: every one of its quantized inputs must differ, and so
// must some of its outputs. The add's and the conv multiplier's corners have their own crafted
// tests (TorchAddTies, TorchArithmetic, OnnxAddPool.QLinearAddTiesMatchOnnxRuntime).
// The same file run by ONNX Runtime (level all: its fused integer kernels, the exact u8s8 ones)
// equals `--arithmetic onnxruntime`'s output.npy, element by element, on every image.
void expect_equal_to_pytorch_and_onnx_runtime(const std::string& name) {
  TempDir dir;
  const auto onnx = dir.path() / (name + ".onnx");
  const auto images = dir.path() / "x.npy";
  const auto reference = dir.path() / "reference.npy";
  const auto exported = run_program(kPython,
                                    {(source_dir() / "tools/export_torch.py").string(), "--model", name, "--size",
                                     "128", "--images", "4", "--input-tie-images", "1", "--seed", "0", "--onnx",
                                     onnx.string(), "--images-out", images.string(), "--reference", reference.string()},
                                    300);
  ASSERT_EQ(exported.exit_code, 0) << kTorchMissing << "\n" << exported.output;
  const npy::NpyArray expected = npy::read_npy(reference);
  ASSERT_EQ(expected.dtype, npy::Dtype::UInt8);
  ASSERT_EQ(expected.shape, (std::vector<int64_t>{5, 1000}));
  const int64_t crafted = 4;  // the last image
  int64_t counts[2] = {-1, -1}, crafted_count = -1, distinct = 0;
  for (int arithmetic = 0; arithmetic < 2; ++arithmetic) {
    // The deeper layers' weights and activations do not fit edge_small's SRAMs at once.
    std::vector<std::string> arguments = {"--model",  onnx.string(),
                                          "--images", images.string(),
                                          "--out",    (dir.path() / ("sim" + std::to_string(arithmetic))).string(),
                                          "--set",    "hardware.weight_sram.capacity_bytes=1048576",
                                          "--set",    "hardware.activation_sram.capacity_bytes=4194304"};
    if (arithmetic == 1) arguments.insert(arguments.end(), {"--arithmetic", "onnxruntime"});
    const auto run = run_accelsim(arguments);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const std::string said = arithmetic == 0 ? "arithmetic pytorch (chosen by producer_name 'pytorch')"
                                             : "arithmetic onnxruntime (chosen by --arithmetic)";
    EXPECT_NE(run.output.find(said), std::string::npos) << run.output;
    const npy::NpyArray logits = npy::read_npy(dir.path() / ("sim" + std::to_string(arithmetic)) / "logits.npy");
    counts[arithmetic] = mismatches_against(logits, expected, distinct);
    if (arithmetic == 1) crafted_count = mismatches_in_image(logits, expected, crafted);
  }
  // The importer writes the quantized inputs it ran (model/images.npy), each arithmetic's own.
  const npy::NpyArray pytorch_inputs = npy::read_npy(dir.path() / "sim0/model/images.npy");
  const auto inputs_per_image = static_cast<int64_t>(pytorch_inputs.bytes.size() / 5);
  const int64_t crafted_inputs_apart =
      mismatches_in_image(npy::read_npy(dir.path() / "sim1/model/images.npy"), pytorch_inputs, crafted);
  std::cout << name << " 128x128, 4 seeded images and 1 crafted, " << expected.bytes.size() << " output elements ("
            << distinct << " distinct values): " << counts[0] << " differ from PyTorch with its arithmetic, "
            << counts[1] << " with ONNX Runtime's (" << counts[1] - crafted_count << " in the seeded images, "
            << crafted_count << " in the crafted one, whose inputs it quantizes apart in " << crafted_inputs_apart
            << " of " << inputs_per_image << ")\n";
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(crafted_inputs_apart, inputs_per_image);
  EXPECT_GT(crafted_count, 0);
  EXPECT_GT(distinct, 50);  // a collapsed model (one output value) would match trivially

  if (!onnx_runtime_installed()) {
    ADD_FAILURE() << "node or onnxruntime-node is missing (scripts/setup.sh installs them into tools/onnxruntime)";
    return;
  }
  const auto ort_output = dir.path() / "ort.npy";
  const auto ort = run_onnx_runtime(onnx, ort_output, images, "all");
  ASSERT_EQ(ort.exit_code, 0) << ort.output;
  const int64_t ort_mismatches =
      float_mismatches(npy::read_npy(dir.path() / "sim1" / "output.npy"), npy::read_npy(ort_output));
  std::cout << name << " 128x128, 5 images: " << ort_mismatches
            << " output elements differ from ONNX Runtime's (all, exact u8s8 kernels) with its arithmetic\n";
  EXPECT_EQ(ort_mismatches, 0);
}

// A network of a user's own (tools/example_user_model.py: conv+ReLU, depthwise conv, residual
// add, global average pool, linear), brought two ways: its float model from a factory
// (MODULE:FACTORY), which export_torch.py quantizes in FX graph mode, and the same model
// quantized and saved as TorchScript (FILE.pt). Each, exported and run by `accelsim --model`
// on 16 seeded 32x32 images, equals PyTorch's own quantized output; the TorchScript one also
// equals ONNX Runtime's (level all, exact kernels) with `--arithmetic onnxruntime`. A factory
// in a file that does not exist is refused by name.
TEST(TorchModels, UserModelFromAFactoryAndFromTorchScript) {
  TempDir dir;
  const std::string model_file = (source_dir() / "tools/example_user_model.py").string();
  const auto export_torch = [&](const std::string& model, const std::string& prefix) {
    return run_program(kPython,
                       {(source_dir() / "tools/export_torch.py").string(), "--model", model, "--size", "32", "--images",
                        "16", "--onnx", (dir.path() / (prefix + ".onnx")).string(), "--images-out",
                        (dir.path() / (prefix + "_x.npy")).string(), "--reference",
                        (dir.path() / (prefix + "_reference.npy")).string()},
                       300);
  };
  const auto factory = export_torch(model_file + ":float_model", "factory");
  ASSERT_EQ(factory.exit_code, 0) << kTorchMissing << "\n" << factory.output;
  const auto traced = run_program(kPython, {model_file, (dir.path() / "net.pt").string()}, 300);
  ASSERT_EQ(traced.exit_code, 0) << traced.output;
  const auto torchscript = export_torch((dir.path() / "net.pt").string(), "torchscript");
  ASSERT_EQ(torchscript.exit_code, 0) << torchscript.output;
  for (const std::string prefix : {"factory", "torchscript"}) {
    const auto run = run_accelsim({"--model", (dir.path() / (prefix + ".onnx")).string(), "--images",
                                   (dir.path() / (prefix + "_x.npy")).string(), "--out",
                                   (dir.path() / (prefix + "_run")).string(), "-q"});
    ASSERT_EQ(run.exit_code, 0) << run.output;
    int64_t distinct = 0;
    const int64_t mismatches = mismatches_against(npy::read_npy(dir.path() / (prefix + "_run/logits.npy")),
                                                  npy::read_npy(dir.path() / (prefix + "_reference.npy")), distinct);
    std::cout << "example_user_model.py via " << prefix << ", 16 images: " << mismatches
              << " of 160 outputs differ from PyTorch (" << distinct << " distinct values)\n";
    EXPECT_EQ(mismatches, 0) << prefix;
    EXPECT_GT(distinct, 20) << prefix;  // not a collapsed model
  }
  if (!onnx_runtime_installed()) {
    ADD_FAILURE() << "node or onnxruntime-node is missing (scripts/setup.sh installs them into tools/onnxruntime)";
  } else {
    const auto with_ort_arithmetic = run_accelsim(
        {"--model", (dir.path() / "torchscript.onnx").string(), "--arithmetic", "onnxruntime", "--images",
         (dir.path() / "torchscript_x.npy").string(), "--out", (dir.path() / "ort_arithmetic").string(), "-q"});
    ASSERT_EQ(with_ort_arithmetic.exit_code, 0) << with_ort_arithmetic.output;
    const auto ort = run_onnx_runtime(dir.path() / "torchscript.onnx", dir.path() / "ort.npy",
                                      dir.path() / "torchscript_x.npy", "all");
    ASSERT_EQ(ort.exit_code, 0) << ort.output;
    EXPECT_EQ(float_mismatches(npy::read_npy(dir.path() / "ort_arithmetic/output.npy"),
                               npy::read_npy(dir.path() / "ort.npy")),
              0);
  }
  const auto missing = export_torch((dir.path() / "no_such_file.py").string() + ":float_model", "missing");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.output.find("no_such_file.py does not exist"), std::string::npos) << missing.output;
}

TEST(TorchModels, ResNet18EqualsPyTorchAndOnnxRuntimeAt128x128) {
  expect_equal_to_pytorch_and_onnx_runtime("resnet18");
}
TEST(TorchModels, MobileNetV2EqualsPyTorchAndOnnxRuntimeAt128x128) {
  expect_equal_to_pytorch_and_onnx_runtime("mobilenet_v2");
}

}  // namespace
}  // namespace accelsim::testing
