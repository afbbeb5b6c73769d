// AveragePool imported from ONNX, against ONNX Runtime as the oracle: QLinearAveragePool
// (com.microsoft) and the QDQ form DequantizeLinear -> AveragePool -> QuantizeLinear, both
// lowered to an avgpool with `mean: float32` (ORT's float mean, docs/arithmetic.md).
//
// The network: a 1x1 QLinearConv whose weights are the identity and whose multiplier is
// S_x / S_x = 1 (the importer needs a first layer with weights; it copies x), then the pool of
// the copy with input scale S_x and zero point z_in into S_y, z_out. The input holds every byte
// of the dtype across 6 of its 8 images x 2 channels x 9 x 9, and the dtype's ends. Windows: 3x3
// stride 2 padding 1 (its border windows hold 4 or 6 real values of 9) with count_include_pad 0
// and 1, 2x2 stride 2, and 9x9 (the whole input, where ORT takes its integer global path: mean:
// multiply). Scales: S_x = 0.0731, S_y = 0.0517 (inexact float32 sums; a window of
// the maximum, (255 - 131) * S_x / S_y = 175 steps above z_out = 121, saturates, and one of the
// minimum below), and S_x = S_y = 1 with an odd z_out (exact sums, true ties n + 0.5 decided
// with the zero point inside the rounding). Each model runs through accelsim once
// and through ORT at graph optimization `all` and `disabled`; the expected outputs are ORT's,
// computed when the test runs.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "core/npy/npy_array.h"
#include "importers/onnx/onnx_import.h"
#include "tests/import/onnx_test_support.h"
#include "tests/support/run_command.h"
#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

constexpr int64_t kImages = 8, kChannels = 2, kSide = 9;

struct PoolCase {
  std::string name;
  int64_t kernel, stride, pad;
  bool count_include_pad;
  double x_scale, y_scale;
  int32_t z_in, z_out;  // uint8's; int8's are these - 128
};

onnx::ModelProto pool_model(const PoolCase& pool, bool is_int8, bool qdq) {
  const int type = is_int8 ? onnx::TensorProto::INT8 : onnx::TensorProto::UINT8;
  const int32_t offset = is_int8 ? 128 : 0;
  const int64_t out_side = (kSide + 2 * pool.pad - pool.kernel) / pool.stride + 1;
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.add_opset_import()->set_version(13);
  auto* microsoft = model.add_opset_import();
  microsoft->set_domain("com.microsoft");
  microsoft->set_version(1);
  auto& graph = *model.mutable_graph();
  add_value_info(graph.add_input(), "x", type, {kImages, kChannels, kSide, kSide});
  add_value_info(graph.add_output(), "y", type, {kImages, kChannels, out_side, out_side});
  auto constant = [&](const std::string& name, int data_type, const std::vector<int64_t>& dims,
                      const std::vector<double>& values) {
    *graph.add_initializer() = make_tensor(name, data_type, dims, values);
  };
  constant("x_scale", onnx::TensorProto::FLOAT, {}, {pool.x_scale});
  constant("x_zp", type, {}, {static_cast<double>(pool.z_in - offset)});
  constant("w", onnx::TensorProto::INT8, {kChannels, kChannels, 1, 1}, {1, 0, 0, 1});
  constant("w_scale", onnx::TensorProto::FLOAT, {}, {1.0});
  constant("w_zp", onnx::TensorProto::INT8, {}, {0});
  constant("y_scale", onnx::TensorProto::FLOAT, {}, {pool.y_scale});
  constant("y_zp", type, {}, {static_cast<double>(pool.z_out - offset)});
  add_node(graph, "QLinearConv", "copy", {"x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "x_scale", "x_zp"}, {"c"});
  onnx::NodeProto* average = nullptr;
  if (qdq) {
    add_node(graph, "DequantizeLinear", "dq_c", {"c", "x_scale", "x_zp"}, {"c_dq"});
    average = &add_node(graph, "AveragePool", "pool", {"c_dq"}, {"y_float"});
    add_node(graph, "QuantizeLinear", "q_y", {"y_float", "y_scale", "y_zp"}, {"y"});
  } else {
    average = &add_node(graph, "QLinearAveragePool", "pool", {"c", "x_scale", "x_zp", "y_scale", "y_zp"}, {"y"});
    average->set_domain("com.microsoft");
  }
  add_ints(*average, "kernel_shape", {pool.kernel, pool.kernel});
  add_ints(*average, "strides", {pool.stride, pool.stride});
  add_ints(*average, "pads", {pool.pad, pool.pad, pool.pad, pool.pad});
  add_int_attribute(*average, "count_include_pad", pool.count_include_pad ? 1 : 0);
  return model;
}

// Images 0 to 5 hold every byte at least three times over their 972 elements, in a scattered
// order (37 is odd: a permutation of each run of 256); image 6 is all the dtype's maximum and
// image 7 all its minimum, whose means saturate with the inexact scales.
npy::NpyArray every_byte(bool is_int8) {
  npy::NpyArray input;
  input.dtype = is_int8 ? npy::Dtype::Int8 : npy::Dtype::UInt8;
  input.shape = {kImages, kChannels, kSide, kSide};
  const int64_t image_size = kChannels * kSide * kSide;
  const uint8_t high = is_int8 ? 0x7f : 0xff, low = is_int8 ? 0x80 : 0;
  for (int64_t i = 0; i < kImages * image_size; ++i) {
    const int64_t image = i / image_size;
    input.bytes.push_back(image == 6 ? high : image == 7 ? low : static_cast<uint8_t>((i * 37 + i / 256) % 256));
  }
  return input;
}

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Comparison {
  int64_t outputs = -1, mismatches = -1, off_by_more_than_one = -1, saturated = -1;
};

// Runs the model through accelsim (the golden model checks the accelerator), then through ORT at
// optimization `all` and `disabled`; counts the outputs that differ at each.
std::map<std::string, Comparison> compare_with_onnx_runtime(const PoolCase& pool, bool is_int8, bool qdq) {
  TempDir dir;
  write_model(pool_model(pool, is_int8, qdq), dir.path() / "pool.onnx");
  write_npy(every_byte(is_int8), dir.path() / "x.npy");
  const auto sim = run_accelsim({"--model", (dir.path() / "pool.onnx").string(), "--images",
                                 (dir.path() / "x.npy").string(), "--out", (dir.path() / "sim").string(), "-q"});
  EXPECT_EQ(sim.exit_code, 0) << sim.output;
  std::map<std::string, Comparison> results;
  if (sim.exit_code != 0) return results;
  // The run read the config the import wrote: the float mean is in it (the integer global mean
  // for a window over the whole unpadded input).
  const std::string yaml = slurp(dir.path() / "sim/model/network.yaml");
  const bool global = pool.kernel == kSide && pool.pad == 0;
  EXPECT_NE(yaml.find(global ? "mean: multiply" : "mean: float32"), std::string::npos) << yaml;
  if (!global) {
    EXPECT_NE(yaml.find(std::string("count_include_pad: ") + (pool.count_include_pad ? "true" : "false")),
              std::string::npos)
        << yaml;
  }
  // The accelerator against the golden model (each with its own float-mean code).
  EXPECT_EQ(read_json(dir.path() / "sim/stats.json").at("total").at("mismatches").get<int64_t>(), 0);
  const npy::NpyArray got = npy::read_npy(dir.path() / "sim/output.npy");
  for (const std::string level : {"all", "disabled"}) {
    const auto ort =
        run_onnx_runtime((dir.path() / "pool.onnx"), (dir.path() / "ort.npy"), (dir.path() / "x.npy"), level);
    EXPECT_EQ(ort.exit_code, 0) << ort.output;
    if (ort.exit_code != 0) continue;
    const npy::NpyArray expected = npy::read_npy(dir.path() / "ort.npy");
    EXPECT_EQ(got.shape, expected.shape);
    if (got.bytes.size() != expected.bytes.size()) continue;
    Comparison result{0, 0, 0, 0};
    auto value = [is_int8](uint8_t byte) { return is_int8 ? static_cast<int8_t>(byte) : static_cast<int32_t>(byte); };
    for (std::size_t i = 0; i < expected.bytes.size(); ++i) {
      ++result.outputs;
      const int32_t difference = value(got.bytes[i]) - value(expected.bytes[i]);
      result.mismatches += difference != 0;
      result.off_by_more_than_one += difference > 1 || difference < -1;
      const uint8_t low = is_int8 ? 0x80 : 0, high = is_int8 ? 0x7f : 0xff;
      result.saturated += expected.bytes[i] == low || expected.bytes[i] == high;
    }
    std::cout << (is_int8 ? "int8 " : "uint8 ") << (qdq ? "QDQ AveragePool" : "QLinearAveragePool") << " " << pool.name
              << " vs ORT (" << level << "): " << result.outputs << " outputs (" << result.saturated << " saturated), "
              << result.mismatches << " mismatches\n";
    results[level] = result;
  }
  return results;
}

const std::vector<PoolCase>& pool_cases() {
  static const std::vector<PoolCase> cases = {
      {"3x3/s2/p1 count_include_pad 0", 3, 2, 1, false, 0.0731, 0.0517, 131, 121},
      {"3x3/s2/p1 count_include_pad 1", 3, 2, 1, true, 0.0731, 0.0517, 131, 121},
      {"2x2/s2", 2, 2, 0, false, 0.0731, 0.0517, 131, 121},
      {"3x3/s2/p1 count_include_pad 0, S 1, ties", 3, 2, 1, false, 1.0, 1.0, 128, 127},
      {"2x2/s2, S 1, ties", 2, 2, 0, false, 1.0, 1.0, 128, 127},
      {"9x9, the whole input (ORT's global path)", 9, 1, 0, false, 0.0731, 0.0517, 131, 121},
  };
  return cases;
}

// QLinearAveragePool is ORT's kernel at every optimization level; the QDQ form is fused into it
// at `all` (ORT's default). With optimizations `disabled` ORT runs the QDQ form as written: MLAS's
// float AveragePool (it sums each column of the window first) and QuantizeLinear, which rounds
// before adding the zero point. Measured (and emulated in Python: 0 mismatches with that order):
// no output differs with the inexact scales, but the true ties n + 0.5 of S = 1 round to even
// before z_out = 127 (odd) is added, one step from the fused kernel's: 60 of 400 (uint8) and 59
// (int8) outputs for 3x3/s2/p1, 7 of 256 for 2x2/s2.
void expect_matches_onnx_runtime(bool is_int8, bool qdq) {
  if (!onnx_runtime_installed())
    GTEST_SKIP() << "node or onnxruntime-node is missing (scripts/setup.sh installs them into tools/onnxruntime)";
  int64_t saturated = 0, unfused_tie_differences = 0;
  for (const PoolCase& pool : pool_cases()) {
    const auto results = compare_with_onnx_runtime(pool, is_int8, qdq);
    ASSERT_EQ(results.size(), 2u) << pool.name;
    EXPECT_EQ(results.at("all").mismatches, 0) << pool.name;
    saturated += results.at("all").saturated;
    const Comparison& disabled = results.at("disabled");
    const bool ties = pool.y_scale == 1.0;
    if (!qdq || !ties) {
      EXPECT_EQ(disabled.mismatches, 0) << pool.name;
    } else {
      EXPECT_EQ(disabled.off_by_more_than_one, 0) << pool.name;
      unfused_tie_differences += disabled.mismatches;
    }
  }
  EXPECT_GT(saturated, 0);  // the crafted saturation happened
  if (qdq) {
    EXPECT_GT(unfused_tie_differences, 0);  // the unfused graph's rounding order showed
  }
}

onnx::NodeProto& pool_node(onnx::ModelProto& model) {
  for (auto& node : *model.mutable_graph()->mutable_node())
    if (node.name() == "pool") return node;
  throw std::logic_error("no pool node");
}

void set_attribute(onnx::NodeProto& node, const std::string& name, std::vector<int64_t> values, bool list = true) {
  onnx::AttributeProto* found = nullptr;
  for (auto& attribute : *node.mutable_attribute())
    if (attribute.name() == name) found = &attribute;
  if (!found) found = node.add_attribute();
  found->Clear();
  found->set_name(name);
  found->set_type(list ? onnx::AttributeProto::INTS : onnx::AttributeProto::INT);
  if (list)
    for (int64_t v : values) found->add_ints(v);
  else
    found->set_i(values.at(0));
}

std::string import_error(const onnx::ModelProto& model) {
  try {
    onnx_import::import_model(model.SerializeAsString(), "m.onnx");
  } catch (const onnx_import::ImportError& e) {
    return e.what();
  }
  return "(imported without an error)";
}

TEST(OnnxAveragePool, BothFormsLowerToAFloat32Mean) {
  for (const bool qdq : {false, true}) {
    const auto imported =
        onnx_import::import_model(pool_model(pool_cases()[0], false, qdq).SerializeAsString(), "m.onnx");
    ASSERT_EQ(imported.network.layers.size(), 3u);  // copy, pool, the output's flatten
    const model::Layer& pool = imported.network.layers[1];
    EXPECT_EQ(pool.type, model::LayerType::AvgPool);
    EXPECT_EQ(pool.kernel_h, 3);
    EXPECT_EQ(pool.stride_w, 2);
    EXPECT_EQ(pool.pad_h, 1);
    EXPECT_EQ(pool.output, (model::Shape{2, 5, 5, false}));  // (9 + 2 - 3) / 2 + 1
    EXPECT_EQ(pool.mean, model::MeanArithmetic::Float32);
    EXPECT_EQ(pool.float_mean.input_scale, 0.0731f);
    EXPECT_EQ(pool.float_mean.output_scale, 0.0517f);
    EXPECT_EQ(pool.float_mean.output_zero_point, 121);
    EXPECT_EQ(pool.input_zero_point, 131);
    EXPECT_FALSE(pool.count_include_pad);
  }
}

// ORT's QLinearAveragePool takes its global-pool path (the integer sum times float32(S_x /
// (S_y * 81))) when the window is the whole unpadded input: mean: multiply.
TEST(OnnxAveragePool, AWindowOverTheWholeInputTakesTheGlobalArithmetic) {
  auto model = pool_model(pool_cases()[2], false, false);
  set_attribute(pool_node(model), "kernel_shape", {9, 9});
  set_attribute(pool_node(model), "strides", {1, 1});
  model.mutable_graph()->mutable_output()->DeleteSubrange(0, 1);
  add_value_info(model.mutable_graph()->add_output(), "y", onnx::TensorProto::UINT8, {kImages, kChannels, 1, 1});
  const auto imported = onnx_import::import_model(model.SerializeAsString(), "m.onnx");
  const model::Layer& pool = imported.network.layers.at(1);
  EXPECT_EQ(pool.mean, model::MeanArithmetic::Multiply);
  EXPECT_EQ(pool.output, (model::Shape{2, 1, 1, false}));
  EXPECT_EQ(pool.requant.multiplier, static_cast<double>(0.0731f / (0.0517f * 81.0f)));
  EXPECT_EQ(pool.requant.output_zero_point, 121);
}

TEST(OnnxAveragePool, UnsupportedAttributesAreRefusedNamingTheNode) {
  const std::string node = "node 'pool' (QLinearAveragePool): ";
  auto refused = [&](const std::string& name, std::vector<int64_t> values, bool list) {
    auto model = pool_model(pool_cases()[0], false, false);
    set_attribute(pool_node(model), name, std::move(values), list);
    return import_error(model);
  };
  std::string error = refused("ceil_mode", {1}, false);
  EXPECT_NE(error.find(node + "ceil_mode = 1 is not supported"), std::string::npos) << error;
  error = refused("dilations", {2, 2}, true);
  EXPECT_NE(error.find(node + "dilations other than 1 are not supported"), std::string::npos) << error;
  error = refused("pads", {1, 1, 0, 0}, true);
  EXPECT_NE(error.find(node + "pads must be symmetric"), std::string::npos) << error;
  error = refused("pads", {2, 2, 2, 2}, true);  // more than half of 3
  EXPECT_NE(error.find(node + "pads must be symmetric [p_h, p_w, p_h, p_w] and at most half the window"),
            std::string::npos)
      << error;
  error = refused("channels_last", {1}, false);
  EXPECT_NE(error.find(node + "channels_last is not supported"), std::string::npos) << error;
  auto model = pool_model(pool_cases()[0], false, false);
  auto* auto_pad = pool_node(model).add_attribute();
  auto_pad->set_name("auto_pad");
  auto_pad->set_type(onnx::AttributeProto::STRING);
  auto_pad->set_s("SAME_UPPER");
  error = import_error(model);
  EXPECT_NE(error.find(node + "auto_pad SAME_UPPER is not supported; give explicit pads"), std::string::npos) << error;
  // A scale ratio whose quantized mean could leave int32.
  model = pool_model(pool_cases()[0], false, false);
  for (auto& init : *model.mutable_graph()->mutable_initializer())
    if (init.name() == "y_scale") init.set_float_data(0, 1e-9f);
  error = import_error(model);
  EXPECT_NE(error.find(node + "x_scale / y_scale is"), std::string::npos) << error;
}

TEST(OnnxAveragePool, UInt8QLinearAveragePoolMatchesOnnxRuntime) { expect_matches_onnx_runtime(false, false); }
TEST(OnnxAveragePool, Int8QLinearAveragePoolMatchesOnnxRuntime) { expect_matches_onnx_runtime(true, false); }
TEST(OnnxAveragePool, UInt8QdqAveragePoolMatchesOnnxRuntime) { expect_matches_onnx_runtime(false, true); }
TEST(OnnxAveragePool, Int8QdqAveragePoolMatchesOnnxRuntime) { expect_matches_onnx_runtime(true, true); }

}  // namespace
}  // namespace accelsim::testing
