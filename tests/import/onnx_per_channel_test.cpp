// Per-channel weight scales against ONNX Runtime as the oracle: QLinearConv with one w_scale per
// output channel, and the QDQ form (a per-axis DequantizeLinear of the weights, its bias scaled
// per channel) that torch.onnx.export and ORT's quantizer write. Crafted for the arithmetic's
// corners: S_in = S_out = 1, so each channel's multiplier is its weight scale; 0.5, 0.25 and 0.125
// make exact float32 ties (odd accumulators, or accumulators = 2 mod 4, 4 mod 8) on both signs,
// 3.0 saturates, 0.0123 and 0.75 are ordinary; activations hover around the zero point (negative
// and positive accumulators) except on the last image, which spans the whole range. Of the 600
// outputs (uint8; int8 in brackets), a NumPy model of the integer arithmetic counts 105 (114)
// exact ties, 108 (107) saturated and 288 (287) negative accumulators. The expected outputs are
// ORT's, computed when the test runs.
#include <gtest/gtest.h>

#include <iostream>

#include "core/npy/npy_array.h"
#include "tests/import/onnx_test_support.h"
#include "tests/support/run_command.h"
#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

constexpr int64_t kImages = 4, kIn = 3, kOut = 6, kSide = 5;
const std::vector<double> kWeightScales = {0.5, 0.25, 0.125, 3.0, 0.0123, 0.75};

std::vector<double> crafted_weights() {
  std::vector<double> weights;  // [-3, 3]: ORT's u8s8 kernel without VNNI keeps pairs of products in int16
  for (int64_t i = 0; i < kOut * kIn * 9; ++i) weights.push_back(static_cast<double>((i * 5 + i / 7) % 7 - 3));
  return weights;
}

npy::NpyArray crafted_input(bool is_int8, int32_t zero_point) {
  npy::NpyArray input;
  input.dtype = is_int8 ? npy::Dtype::Int8 : npy::Dtype::UInt8;
  input.shape = {kImages, kIn, kSide, kSide};
  const int64_t per_image = kIn * kSide * kSide;
  for (int64_t i = 0; i < kImages * per_image; ++i) {
    const bool full_range = i / per_image == kImages - 1;
    const int32_t value = full_range ? static_cast<int32_t>((i * 37 + i / 3) % 256) + (is_int8 ? -128 : 0)
                                     : zero_point + static_cast<int32_t>((i * 11 + i / 4) % 13) - 6;
    input.bytes.push_back(static_cast<uint8_t>(static_cast<int8_t>(value)));
  }
  return input;
}

// A model of one per-channel convolution (3x3, padding 1, bias), in QOperator or QDQ form.
onnx::ModelProto per_channel_conv(int onnx_dtype, bool qdq) {
  const bool is_int8 = onnx_dtype == onnx::TensorProto::INT8;
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.add_opset_import()->set_version(13);
  auto& graph = *model.mutable_graph();
  add_value_info(graph.add_input(), "x", onnx_dtype, {kImages, kIn, kSide, kSide});
  add_value_info(graph.add_output(), "y", onnx_dtype, {kImages, kOut, kSide, kSide});
  const std::vector<double> bias = {1, -7, 3, 2, 100, -51};  // in units of S_in * S_w[c]
  *graph.add_initializer() = make_tensor("x_scale", onnx::TensorProto::FLOAT, {}, {1.0});
  *graph.add_initializer() = make_tensor("x_zp", onnx_dtype, {}, {is_int8 ? -5.0 : 121.0});
  *graph.add_initializer() = make_tensor("w", onnx::TensorProto::INT8, {kOut, kIn, 3, 3}, crafted_weights());
  *graph.add_initializer() = make_tensor("w_scale", onnx::TensorProto::FLOAT, {kOut}, kWeightScales);
  *graph.add_initializer() = make_tensor("w_zp", onnx::TensorProto::INT8, {kOut}, std::vector<double>(kOut, 0.0));
  *graph.add_initializer() = make_tensor("y_scale", onnx::TensorProto::FLOAT, {}, {1.0});
  *graph.add_initializer() = make_tensor("y_zp", onnx_dtype, {}, {is_int8 ? 7.0 : 133.0});
  *graph.add_initializer() = make_tensor("b", onnx::TensorProto::INT32, {kOut}, bias);
  if (!qdq) {
    auto& conv = add_node(graph, "QLinearConv", "conv",
                          {"x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "y_scale", "y_zp", "b"}, {"y"});
    add_ints(conv, "pads", {1, 1, 1, 1});
    return model;
  }
  std::vector<double> bias_scales;  // float32(S_in * S_w[c]) = S_w[c] here
  for (double s : kWeightScales) bias_scales.push_back(static_cast<float>(s));
  *graph.add_initializer() = make_tensor("b_scale", onnx::TensorProto::FLOAT, {kOut}, bias_scales);
  *graph.add_initializer() = make_tensor("b_zp", onnx::TensorProto::INT32, {kOut}, std::vector<double>(kOut, 0.0));
  add_node(graph, "DequantizeLinear", "dq_x", {"x", "x_scale", "x_zp"}, {"x_dq"});
  auto& dq_w = add_node(graph, "DequantizeLinear", "dq_w", {"w", "w_scale", "w_zp"}, {"w_dq"});
  auto* axis = dq_w.add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(0);
  auto& dq_b = add_node(graph, "DequantizeLinear", "dq_b", {"b", "b_scale", "b_zp"}, {"b_dq"});
  *dq_b.add_attribute() = *axis;
  auto& conv = add_node(graph, "Conv", "conv", {"x_dq", "w_dq", "b_dq"}, {"y_float"});
  add_ints(conv, "pads", {1, 1, 1, 1});
  add_node(graph, "QuantizeLinear", "q_y", {"y_float", "y_scale", "y_zp"}, {"y"});
  return model;
}

void expect_per_channel_conv_matches_onnx_runtime(int onnx_dtype, bool qdq) {
  if (!onnx_runtime_installed())
    GTEST_SKIP() << "node or onnxruntime-node is missing (scripts/setup.sh installs them into tools/onnxruntime)";
  const bool is_int8 = onnx_dtype == onnx::TensorProto::INT8;
  TempDir dir;
  write_model(per_channel_conv(onnx_dtype, qdq), dir.path() / "conv.onnx");
  write_npy(crafted_input(is_int8, is_int8 ? -5 : 121), dir.path() / "x.npy");
  const auto sim = run_accelsim({"--model", (dir.path() / "conv.onnx").string(), "--images",
                                 (dir.path() / "x.npy").string(), "--out", (dir.path() / "sim").string(), "-q"});
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  // The accelerator against the golden model, each with its own per-channel arithmetic.
  EXPECT_EQ(read_json(dir.path() / "sim/stats.json").at("total").at("mismatches").get<int64_t>(), 0);
  const npy::NpyArray got = npy::read_npy(dir.path() / "sim/output.npy");
  for (const std::string level : {"all", "disabled"}) {
    const auto ort = run_onnx_runtime((dir.path() / "conv.onnx"), (dir.path() / ("ort_" + level + ".npy")),
                                      (dir.path() / "x.npy"), level);
    ASSERT_EQ(ort.exit_code, 0) << ort.output;
    const npy::NpyArray expected = npy::read_npy(dir.path() / ("ort_" + level + ".npy"));
    ASSERT_EQ(got.shape, expected.shape);
    int64_t mismatches = 0, saturated = 0;
    for (std::size_t i = 0; i < expected.bytes.size(); ++i) {
      mismatches += got.bytes[i] != expected.bytes[i];
      const auto value = is_int8 ? static_cast<int32_t>(static_cast<int8_t>(expected.bytes[i])) : expected.bytes[i];
      saturated += value == (is_int8 ? -128 : 0) || value == (is_int8 ? 127 : 255);
    }
    std::cout << (is_int8 ? "int8" : "uint8") << (qdq ? " QDQ" : " QLinearConv") << " per-channel vs ORT (" << level
              << "): " << expected.element_count() << " elements (" << saturated << " saturated), " << mismatches
              << " mismatches\n";
    EXPECT_EQ(mismatches, 0) << level;
    EXPECT_GT(saturated, 0);  // the crafted saturation happened
  }
}

TEST(OnnxPerChannel, UInt8QLinearConvMatchesOnnxRuntime) {
  expect_per_channel_conv_matches_onnx_runtime(onnx::TensorProto::UINT8, false);
}
TEST(OnnxPerChannel, Int8QLinearConvMatchesOnnxRuntime) {
  expect_per_channel_conv_matches_onnx_runtime(onnx::TensorProto::INT8, false);
}
TEST(OnnxPerChannel, UInt8QdqConvMatchesOnnxRuntime) {
  expect_per_channel_conv_matches_onnx_runtime(onnx::TensorProto::UINT8, true);
}
TEST(OnnxPerChannel, Int8QdqConvMatchesOnnxRuntime) {
  expect_per_channel_conv_matches_onnx_runtime(onnx::TensorProto::INT8, true);
}

// Per-channel weight zero points: ORT refuses them, accelsim too, naming the node (exit 2).
TEST(OnnxPerChannel, PerChannelWeightZeroPointsAreRefused) {
  onnx::ModelProto model = per_channel_conv(onnx::TensorProto::UINT8, false);
  for (auto& init : *model.mutable_graph()->mutable_initializer())
    if (init.name() == "w_zp") init = make_tensor("w_zp", onnx::TensorProto::INT8, {kOut}, {0, 1, 0, 0, 0, 0});
  TempDir dir;
  write_model(model, dir.path() / "conv.onnx");
  const auto sim = run_accelsim({"import", (dir.path() / "conv.onnx").string(), "--out", (dir.path() / "o").string()});
  EXPECT_EQ(sim.exit_code, 2) << sim.output;
  EXPECT_TRUE(contains(sim.output, "node 'conv' (QLinearConv): w_zero_point differs between channels")) << sim.output;
}

// `accelsim import` writes the per-channel multipliers into the network YAML, one per channel.
TEST(OnnxPerChannel, ImportWritesOneMultiplierPerChannel) {
  TempDir dir;
  write_model(per_channel_conv(onnx::TensorProto::UINT8, false), dir.path() / "conv.onnx");
  const auto imported =
      run_accelsim({"import", (dir.path() / "conv.onnx").string(), "--out", (dir.path() / "config").string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  // S_in * S_w[c] / S_out with S_in = S_out = 1: the weight scales as float32 (0.0123f prints so).
  EXPECT_TRUE(contains(read_file(dir.path() / "config/network.yaml"),
                       "multipliers: [0.5, 0.25, 0.125, 3, 0.012299999594688416, 0.75]"))
      << read_file(dir.path() / "config/network.yaml");
}

}  // namespace
}  // namespace accelsim::testing
