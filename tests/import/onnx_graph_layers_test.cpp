// Depthwise convolution (QLinearConv with group = channels, per-channel weight scales) and a
// padded MaxPool (3x3, stride 2, pads 1: ResNet's stem) imported from ONNX, against ONNX
// Runtime as the oracle, its fused kernels (`all`) and its reference path (`disabled`). The
// weights lie in [-4, 4], so ORT's u8s8 kernel stays exact on this AVX2 machine (docs/import.md);
// the input spans every uint8 value; padded maxpool windows at the border see only real
// values (ONNX pads with -inf). The expected outputs are ORT's, computed when the test runs.
#include <gtest/gtest.h>

#include <iostream>

#include "core/npy/npy_array.h"
#include "tests/import/onnx_test_support.h"
#include "tests/support/run_command.h"
#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

constexpr int64_t kImages = 2, kChannels = 8, kSide = 9;

onnx::ModelProto depthwise_then_padded_maxpool() {
  const int u8 = onnx::TensorProto::UINT8;
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.add_opset_import()->set_version(13);
  auto& graph = *model.mutable_graph();
  add_value_info(graph.add_input(), "x", u8, {kImages, kChannels, kSide, kSide});
  add_value_info(graph.add_output(), "y", u8, {kImages, kChannels, 5, 5});
  std::vector<double> weights, scales;
  for (int64_t i = 0; i < kChannels * 9; ++i) weights.push_back(static_cast<double>((i * 3 + i / 5) % 9 - 4));
  for (int64_t c = 0; c < kChannels; ++c) scales.push_back(0.01 + 0.005 * static_cast<double>(c));
  *graph.add_initializer() = make_tensor("x_scale", onnx::TensorProto::FLOAT, {}, {0.02});
  *graph.add_initializer() = make_tensor("x_zp", u8, {}, {120});
  *graph.add_initializer() = make_tensor("w", onnx::TensorProto::INT8, {kChannels, 1, 3, 3}, weights);
  *graph.add_initializer() = make_tensor("w_scale", onnx::TensorProto::FLOAT, {kChannels}, scales);
  *graph.add_initializer() = make_tensor("w_zp", onnx::TensorProto::INT8, {kChannels},
                                         std::vector<double>(static_cast<std::size_t>(kChannels), 0.0));
  *graph.add_initializer() = make_tensor("y_scale", onnx::TensorProto::FLOAT, {}, {0.015});
  *graph.add_initializer() = make_tensor("y_zp", u8, {}, {131});
  auto& conv = add_node(graph, "QLinearConv", "depthwise",
                        {"x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "y_scale", "y_zp"}, {"d"});
  add_ints(conv, "pads", {1, 1, 1, 1});
  auto* group = conv.add_attribute();
  group->set_name("group");
  group->set_type(onnx::AttributeProto::INT);
  group->set_i(kChannels);
  auto& pool = add_node(graph, "MaxPool", "pool", {"d"}, {"y"});
  add_ints(pool, "kernel_shape", {3, 3});
  add_ints(pool, "strides", {2, 2});
  add_ints(pool, "pads", {1, 1, 1, 1});
  return model;
}

TEST(OnnxGraphLayers, DepthwiseConvAndPaddedMaxPoolMatchOnnxRuntime) {
  if (!onnx_runtime_installed())
    GTEST_SKIP() << "node or onnxruntime-node is missing (scripts/setup.sh installs them into tools/onnxruntime)";
  TempDir dir;
  write_model(depthwise_then_padded_maxpool(), dir.path() / "net.onnx");
  npy::NpyArray input;
  input.dtype = npy::Dtype::UInt8;
  input.shape = {kImages, kChannels, kSide, kSide};
  for (int64_t i = 0; i < kImages * kChannels * kSide * kSide; ++i)
    input.bytes.push_back(static_cast<uint8_t>((i * 101 + i / 7) % 256));
  write_npy(input, dir.path() / "x.npy");
  const auto sim = run_accelsim({"--model", (dir.path() / "net.onnx").string(), "--images",
                                 (dir.path() / "x.npy").string(), "--out", (dir.path() / "sim").string(), "-q"});
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  EXPECT_EQ(read_json(dir.path() / "sim/stats.json").at("mismatches").get<int64_t>(), 0);
  const npy::NpyArray got = npy::read_npy(dir.path() / "sim/output.npy");
  for (const std::string level : {"all", "disabled"}) {
    const auto ort =
        run_onnx_runtime((dir.path() / "net.onnx"), (dir.path() / "ort.npy"), (dir.path() / "x.npy"), level);
    ASSERT_EQ(ort.exit_code, 0) << ort.output;
    const npy::NpyArray expected = npy::read_npy(dir.path() / "ort.npy");
    ASSERT_EQ(got.bytes.size(), expected.bytes.size());
    int64_t mismatches = 0;
    for (std::size_t i = 0; i < expected.bytes.size(); ++i) mismatches += got.bytes[i] != expected.bytes[i];
    std::cout << "depthwise QLinearConv + padded MaxPool vs ORT (" << level << "): " << expected.bytes.size()
              << " outputs, " << mismatches << " mismatches\n";
    EXPECT_EQ(mismatches, 0) << level;
  }
}

}  // namespace
}  // namespace accelsim::testing
