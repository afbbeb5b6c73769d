// Residual add and global average pooling imported from ONNX, against ONNX Runtime as the oracle
// (its x86-64 AVX2 kernels, graph optimization `all`): QLinearAdd and QLinearGlobalAveragePool
// (com.microsoft), and the QDQ form DequantizeLinear x2 -> Add -> QuantizeLinear and
// DequantizeLinear -> GlobalAveragePool -> QuantizeLinear that ORT fuses into them.
//
// The network: two 1x1 QLinearConvs of the input (multiplier 1, weights swapping the two
// channels in the second) make a = x - 128 + 130 and b = x' - 128 + 120 (saturating above), so
// that across 8 images every uint8 value meets another; c = a + b with S_a = 0.5, S_b = 0.25,
// S_c = `c_scale` and the odd zero point 127; then, with `pool`, y = the global mean of c over
// 4x4 with S_y = `y_scale`, zero point 125.
// c_scale 1: Ma = 0.5, Mb = 0.25, every sum exact in float32: .5 fractions are true ties, and
// ORT decides them on the sum with the zero point inside (the `products` order, rounding before
// adding 127, differs on 67 of the 256 outputs: measured with a NumPy emulation of both).
// c_scale 0.2: inexact multipliers, 52 outputs saturated. y_scale 1 makes the mean's multiplier
// S_c / (S_y * 16) exact (ties again), 0.0517 not. The expected outputs are ORT's, computed when
// the test runs.
#include <gtest/gtest.h>

#include <iostream>

#include "core/npy/npy_array.h"
#include "tests/import/onnx_test_support.h"
#include "tests/support/run_command.h"
#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

constexpr int64_t kImages = 8, kChannels = 2, kSide = 4;

onnx::ModelProto add_and_pool(double c_scale, double y_scale, bool qdq, bool pool) {
  const int u8 = onnx::TensorProto::UINT8;
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.add_opset_import()->set_version(13);
  auto* microsoft = model.add_opset_import();
  microsoft->set_domain("com.microsoft");
  microsoft->set_version(1);
  auto& graph = *model.mutable_graph();
  add_value_info(graph.add_input(), "x", u8, {kImages, kChannels, kSide, kSide});
  if (pool)
    add_value_info(graph.add_output(), "y", u8, {kImages, kChannels, 1, 1});
  else
    add_value_info(graph.add_output(), "c", u8, {kImages, kChannels, kSide, kSide});
  auto constant = [&](const std::string& name, int type, const std::vector<int64_t>& dims,
                      const std::vector<double>& values) {
    *graph.add_initializer() = make_tensor(name, type, dims, values);
  };
  constant("x_scale", onnx::TensorProto::FLOAT, {}, {0.5});
  constant("x_zp", u8, {}, {128});
  constant("wa", onnx::TensorProto::INT8, {2, 2, 1, 1}, {1, 0, 0, 1});
  constant("wb", onnx::TensorProto::INT8, {2, 2, 1, 1}, {0, 1, 1, 0});
  constant("wa_scale", onnx::TensorProto::FLOAT, {}, {1.0});
  constant("wb_scale", onnx::TensorProto::FLOAT, {}, {0.5});
  constant("w_zp", onnx::TensorProto::INT8, {}, {0});
  constant("a_scale", onnx::TensorProto::FLOAT, {}, {0.5});
  constant("a_zp", u8, {}, {130});
  constant("b_scale", onnx::TensorProto::FLOAT, {}, {0.25});
  constant("b_zp", u8, {}, {120});
  constant("c_scale", onnx::TensorProto::FLOAT, {}, {c_scale});
  constant("c_zp", u8, {}, {127});
  constant("y_scale", onnx::TensorProto::FLOAT, {}, {y_scale});
  constant("y_zp", u8, {}, {125});
  if (!qdq) {
    add_node(graph, "QLinearConv", "conv_a", {"x", "x_scale", "x_zp", "wa", "wa_scale", "w_zp", "a_scale", "a_zp"},
             {"a"});
    add_node(graph, "QLinearConv", "conv_b", {"x", "x_scale", "x_zp", "wb", "wb_scale", "w_zp", "b_scale", "b_zp"},
             {"b"});
    add_node(graph, "QLinearAdd", "add", {"a", "a_scale", "a_zp", "b", "b_scale", "b_zp", "c_scale", "c_zp"}, {"c"})
        .set_domain("com.microsoft");
    if (!pool) return model;
    add_int_attribute(
        add_node(graph, "QLinearGlobalAveragePool", "pool", {"c", "c_scale", "c_zp", "y_scale", "y_zp"}, {"y"}),
        "channels_last", 0);
    graph.mutable_node(graph.node_size() - 1)->set_domain("com.microsoft");
    return model;
  }
  add_node(graph, "DequantizeLinear", "dq_x", {"x", "x_scale", "x_zp"}, {"x_f"});
  add_node(graph, "DequantizeLinear", "dq_wa", {"wa", "wa_scale", "w_zp"}, {"wa_f"});
  add_node(graph, "DequantizeLinear", "dq_wb", {"wb", "wb_scale", "w_zp"}, {"wb_f"});
  add_node(graph, "Conv", "conv_a", {"x_f", "wa_f"}, {"a_f"});
  add_node(graph, "Conv", "conv_b", {"x_f", "wb_f"}, {"b_f"});
  add_node(graph, "QuantizeLinear", "q_a", {"a_f", "a_scale", "a_zp"}, {"a"});
  add_node(graph, "QuantizeLinear", "q_b", {"b_f", "b_scale", "b_zp"}, {"b"});
  add_node(graph, "DequantizeLinear", "dq_a", {"a", "a_scale", "a_zp"}, {"a_dq"});
  add_node(graph, "DequantizeLinear", "dq_b", {"b", "b_scale", "b_zp"}, {"b_dq"});
  add_node(graph, "Add", "add", {"a_dq", "b_dq"}, {"c_f"});
  add_node(graph, "QuantizeLinear", "q_c", {"c_f", "c_scale", "c_zp"}, {"c"});
  if (!pool) return model;
  add_node(graph, "DequantizeLinear", "dq_c", {"c", "c_scale", "c_zp"}, {"c_dq"});
  add_node(graph, "GlobalAveragePool", "pool", {"c_dq"}, {"y_f"});
  add_node(graph, "QuantizeLinear", "q_y", {"y_f", "y_scale", "y_zp"}, {"y"});
  return model;
}

npy::NpyArray every_byte() {
  npy::NpyArray input;
  input.dtype = npy::Dtype::UInt8;
  input.shape = {kImages, kChannels, kSide, kSide};
  const int64_t plane = kSide * kSide;
  for (int64_t i = 0; i < kImages * kChannels * plane; ++i) {
    const int64_t image = i / (kChannels * plane), channel = i / plane % kChannels, pixel = i % plane;
    const int64_t value = image * plane + pixel;  // channel 0: 0..127 over the images, channel 1: 128..255 reversed
    input.bytes.push_back(static_cast<uint8_t>(channel == 0 ? value * 2 : 255 - value * 2));
  }
  return input;
}

int64_t mismatches_against_onnx_runtime(double c_scale, double y_scale, bool qdq, bool pool, const std::string& level) {
  TempDir dir;
  write_model(add_and_pool(c_scale, y_scale, qdq, pool), dir.path() / "net.onnx");
  write_npy(every_byte(), dir.path() / "x.npy");
  const auto sim = run_accelsim({"--model", (dir.path() / "net.onnx").string(), "--images",
                                 (dir.path() / "x.npy").string(), "--out", (dir.path() / "sim").string(), "-q"});
  EXPECT_EQ(sim.exit_code, 0) << sim.output;
  const auto ort = run_onnx_runtime((dir.path() / "net.onnx"), (dir.path() / "ort.npy"), (dir.path() / "x.npy"), level);
  EXPECT_EQ(ort.exit_code, 0) << ort.output;
  if (sim.exit_code != 0 || ort.exit_code != 0) return -1;
  // The accelerator against the golden model (each with its own ORT-arithmetic code).
  EXPECT_EQ(read_json(dir.path() / "sim/stats.json").at("total").at("mismatches").get<int64_t>(), 0);
  const npy::NpyArray expected = npy::read_npy(dir.path() / "ort.npy");
  const npy::NpyArray got = npy::read_npy(dir.path() / "sim/output.npy");
  EXPECT_EQ(got.bytes.size(), expected.bytes.size());
  if (got.bytes.size() != expected.bytes.size()) return -1;
  int64_t mismatches = 0;
  for (std::size_t i = 0; i < expected.bytes.size(); ++i) mismatches += got.bytes[i] != expected.bytes[i];
  std::cout << (qdq ? "QDQ" : "QLinear") << (pool ? " add + global average pool" : " add") << ", S_c " << c_scale
            << (pool ? ", S_y " + std::to_string(y_scale) : "") << ", vs ORT (" << level
            << "): " << expected.bytes.size() << " outputs, " << mismatches << " mismatches\n";
  return mismatches;
}

#define REQUIRE_ORT()            \
  if (!onnx_runtime_installed()) \
  GTEST_SKIP() << "node or onnxruntime-node is missing (scripts/setup.sh installs them into tools/onnxruntime)"

TEST(OnnxAddPool, QLinearAddTiesMatchOnnxRuntime) {
  REQUIRE_ORT();
  EXPECT_EQ(mismatches_against_onnx_runtime(1.0, 1.0, false, false, "all"), 0);
}
TEST(OnnxAddPool, QLinearAddInexactAndSaturatingMatchesOnnxRuntime) {
  REQUIRE_ORT();
  EXPECT_EQ(mismatches_against_onnx_runtime(0.2, 1.0, false, false, "all"), 0);
}
TEST(OnnxAddPool, QLinearGlobalAveragePoolMatchesOnnxRuntime) {
  REQUIRE_ORT();
  EXPECT_EQ(mismatches_against_onnx_runtime(1.0, 1.0, false, true, "all"), 0);
  EXPECT_EQ(mismatches_against_onnx_runtime(0.2, 0.0517, false, true, "all"), 0);
}
// ORT fuses the QDQ patterns into the same kernels at optimization `all` (its default).
TEST(OnnxAddPool, QdqAddAndGlobalAveragePoolMatchOnnxRuntimesFusedKernels) {
  REQUIRE_ORT();
  EXPECT_EQ(mismatches_against_onnx_runtime(1.0, 1.0, true, false, "all"), 0);
  EXPECT_EQ(mismatches_against_onnx_runtime(0.2, 1.0, true, false, "all"), 0);
  EXPECT_EQ(mismatches_against_onnx_runtime(0.2, 0.0517, true, true, "all"), 0);
}

}  // namespace
}  // namespace accelsim::testing
