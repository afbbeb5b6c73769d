// The ONNX importer on models built here: what it makes of a valid one, and a clear error
// naming the node for every kind of bad one (exit code 2 through the command line).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "core/npy/npy_array.h"
#include "importers/onnx/imported_config.h"
#include "importers/onnx/onnx_import.h"
#include "tests/import/onnx_test_support.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

using onnx_import::ImportError;

constexpr float kXScale = 0.05f, kWScale = 0.01f, kYScale = 0.2f;

// x uint8 [1, 1, 4, 4] -> QLinearConv 'conv' (int8 weights [2, 1, 3, 3], padding 1) -> y uint8 [1, 2, 4, 4].
onnx::ModelProto qlinear_conv_model() {
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.add_opset_import()->set_version(13);
  auto& graph = *model.mutable_graph();
  graph.set_name("tiny");
  add_value_info(graph.add_input(), "x", onnx::TensorProto::UINT8, {1, 1, 4, 4});
  add_value_info(graph.add_output(), "y", onnx::TensorProto::UINT8, {1, 2, 4, 4});
  std::vector<double> weights;
  for (int i = 0; i < 18; ++i) weights.push_back(i - 9);
  *graph.add_initializer() = make_tensor("x_scale", onnx::TensorProto::FLOAT, {}, {kXScale});
  *graph.add_initializer() = make_tensor("x_zp", onnx::TensorProto::UINT8, {}, {128});
  *graph.add_initializer() = make_tensor("w", onnx::TensorProto::INT8, {2, 1, 3, 3}, weights);
  *graph.add_initializer() = make_tensor("w_scale", onnx::TensorProto::FLOAT, {}, {kWScale});
  *graph.add_initializer() = make_tensor("w_zp", onnx::TensorProto::INT8, {}, {0});
  *graph.add_initializer() = make_tensor("y_scale", onnx::TensorProto::FLOAT, {}, {kYScale});
  *graph.add_initializer() = make_tensor("y_zp", onnx::TensorProto::UINT8, {}, {100});
  auto& conv = add_node(graph, "QLinearConv", "conv",
                        {"x", "x_scale", "x_zp", "w", "w_scale", "w_zp", "y_scale", "y_zp"}, {"y"});
  add_ints(conv, "pads", {1, 1, 1, 1});
  return model;
}

onnx::TensorProto* initializer(onnx::ModelProto& model, const std::string& name) {
  for (auto& init : *model.mutable_graph()->mutable_initializer())
    if (init.name() == name) return &init;
  return nullptr;
}

std::string import_error(const onnx::ModelProto& model) {
  try {
    onnx_import::import_model(model.SerializeAsString(), "m.onnx");
  } catch (const ImportError& e) {
    return e.what();
  }
  return "(imported without an error)";
}

TEST(OnnxImport, QLinearConvBecomesAConvLayerWithOnnxRuntimesRequantization) {
  const auto imported = onnx_import::import_model(qlinear_conv_model().SerializeAsString(), "m.onnx");
  const auto& layers = imported.network.layers;
  ASSERT_EQ(layers.size(), 2u);  // the conv, then a flatten: accelsim's output is a vector
  const auto& conv = layers[0];
  EXPECT_EQ(conv.type, model::LayerType::Conv2d);
  EXPECT_EQ(conv.output, (model::Shape{2, 4, 4, false}));  // (4 + 2*1 - 3)/1 + 1 = 4
  EXPECT_EQ(conv.pad_h, 1);
  EXPECT_EQ(conv.input_zero_point, 128);
  EXPECT_EQ(conv.weights[0], -9);
  // ORT: float32(float32(0.05 * 0.01) / 0.2), rounded half to even, plus 100, in [0, 255].
  EXPECT_EQ(conv.requant.multiplier, static_cast<double>(kXScale * kWScale / kYScale));
  EXPECT_EQ(conv.requant.mode, model::RequantMode::Multiply);
  EXPECT_EQ(conv.requant.precision, model::Precision::Float32);
  EXPECT_EQ(conv.requant.rounding, model::Rounding::HalfEven);
  EXPECT_EQ(conv.requant.output_zero_point, 100);
  EXPECT_EQ(conv.requant.clamp_min, 0);
  EXPECT_EQ(conv.requant.clamp_max, 255);
  EXPECT_EQ(layers[1].type, model::LayerType::Flatten);
  EXPECT_EQ(imported.network.input.zero_point, 128);
  EXPECT_EQ(imported.network.activation_dtype, model::DType::UInt8);
}

TEST(OnnxImport, UInt8WeightsBecomeInt8WithTheSameDifferences) {
  auto model = qlinear_conv_model();
  std::vector<double> weights(18, 200);
  *initializer(model, "w") = make_tensor("w", onnx::TensorProto::UINT8, {2, 1, 3, 3}, weights);
  *initializer(model, "w_zp") = make_tensor("w_zp", onnx::TensorProto::UINT8, {}, {255});
  const auto imported = onnx_import::import_model(model.SerializeAsString(), "m.onnx");
  // 200 - 255 = -55 = (200 - 128) - (255 - 128) = 72 - 127.
  EXPECT_EQ(imported.network.layers[0].weights[0], 72);
  EXPECT_EQ(imported.network.layers[0].weight_zero_point, 127);
}

// A tensor's elements in raw_data (what exporters write; the importer views those bytes in the
// model) instead of int32_data (what make_tensor writes).
void to_raw_data(onnx::TensorProto& tensor) {
  std::string bytes;
  for (int32_t v : tensor.int32_data()) bytes += static_cast<char>(v & 0xff);
  tensor.clear_int32_data();
  tensor.set_raw_data(bytes);
}

TEST(OnnxImport, RawAndTypedWeightsImportAlike) {
  for (const int type : {onnx::TensorProto::INT8, onnx::TensorProto::UINT8}) {
    const bool uint8 = type == onnx::TensorProto::UINT8;
    auto typed = qlinear_conv_model();
    std::vector<double> weights;  // the whole range of the type, both ends included
    for (int i = 0; i < 18; ++i) weights.push_back(i == 17 ? (uint8 ? 255 : 127) : (uint8 ? 15 * i : 15 * i - 128));
    *initializer(typed, "w") = make_tensor("w", type, {2, 1, 3, 3}, weights);
    *initializer(typed, "w_zp") = make_tensor("w_zp", type, {}, {uint8 ? 130.0 : -3.0});
    auto raw = typed;
    to_raw_data(*initializer(raw, "w"));
    to_raw_data(*initializer(raw, "w_zp"));
    ASSERT_TRUE(initializer(raw, "w")->has_raw_data());
    for (const auto& model : {typed, raw}) {
      const auto imported = onnx_import::import_model(model.SerializeAsString(), "m.onnx");
      const model::Layer& conv = imported.network.layers[0];
      // int8 weights are kept; uint8 ones become w - 128 (their zero point too): w - zp is unchanged.
      ASSERT_EQ(conv.weights.size(), 18u);
      for (std::size_t i = 0; i < 18; ++i)
        EXPECT_EQ(conv.weights[i], static_cast<int>(weights[i]) - (uint8 ? 128 : 0)) << i;
      EXPECT_EQ(conv.weight_zero_point, uint8 ? 130 - 128 : -3);
    }
  }
}

// `accelsim --model` loads the config its import writes from the arrays write_config hands over:
// they must be every tensor file, each exactly as written.
TEST(OnnxImport, TheArraysHandedOverAreTheTensorFilesAsWritten) {
  TempDir dir;
  const auto imported = onnx_import::import_model(qlinear_conv_model().SerializeAsString(), "m.onnx");
  std::vector<onnx_import::WrittenTensor> written;
  const auto config = onnx_import::write_config(
      imported, dir.path() / "model", std::filesystem::path(ACCELSIM_SOURCE_DIR) / "configs/hardware/edge_small.yaml",
      std::nullopt, "m.onnx", &written);
  std::set<std::string> files, handed;
  for (const auto& entry : std::filesystem::directory_iterator(config.parent_path()))
    if (entry.path().extension() == ".npy") files.insert(entry.path().filename().string());
  EXPECT_EQ(files, (std::set<std::string>{"conv.weights.npy", "images.npy", "input_table.npy"}));
  for (const auto& tensor : written) {
    EXPECT_TRUE(handed.insert(tensor.file.filename().string()).second) << tensor.file << " twice";
    const npy::NpyArray on_disk = npy::read_npy(tensor.file);
    EXPECT_EQ(tensor.array.dtype, on_disk.dtype) << tensor.file;
    EXPECT_EQ(tensor.array.shape, on_disk.shape) << tensor.file;
    std::vector<uint8_t> bytes = tensor.array.bytes;
    if (tensor.data) {  // a layer's tensor, in the imported model itself
      EXPECT_TRUE(bytes.empty()) << tensor.file;
      const auto* data = static_cast<const uint8_t*>(tensor.data);
      bytes.assign(data, data + on_disk.bytes.size());
    }
    EXPECT_EQ(bytes, on_disk.bytes) << tensor.file;
  }
  EXPECT_EQ(handed, files);
  // The weights are the model's, not a copy.
  for (const auto& tensor : written) {
    if (tensor.file.filename() == "conv.weights.npy") {
      EXPECT_EQ(tensor.data, imported.network.layers[0].weights.data());
    }
  }
}

// The QDQ form torch.onnx.export and ORT's quantizer write: x float -> QuantizeLinear ->
// DequantizeLinear -> Conv (weights and bias DequantizeLinear'd constants) -> Clip(0, 6) ->
// QuantizeLinear -> DequantizeLinear -> y float.
TEST(OnnxImport, QdqConvWithClipBecomesOneConvLayer) {
  onnx::ModelProto model;
  auto& graph = *model.mutable_graph();
  add_value_info(graph.add_input(), "x", onnx::TensorProto::FLOAT, {1, 1, 3, 3});
  add_value_info(graph.add_output(), "y", onnx::TensorProto::FLOAT, {1, 1, 1, 1});
  *graph.add_initializer() = make_tensor("sx", onnx::TensorProto::FLOAT, {}, {kXScale});
  *graph.add_initializer() = make_tensor("zx", onnx::TensorProto::UINT8, {}, {10});
  *graph.add_initializer() = make_tensor("w", onnx::TensorProto::INT8, {1, 1, 3, 3}, std::vector<double>(9, 3));
  *graph.add_initializer() = make_tensor("sw", onnx::TensorProto::FLOAT, {}, {kWScale});
  *graph.add_initializer() = make_tensor("zw", onnx::TensorProto::INT8, {}, {0});
  *graph.add_initializer() = make_tensor("b", onnx::TensorProto::INT32, {1}, {-7});
  *graph.add_initializer() = make_tensor("sb", onnx::TensorProto::FLOAT, {}, {kXScale * kWScale});
  *graph.add_initializer() = make_tensor("zb", onnx::TensorProto::INT32, {}, {0});
  *graph.add_initializer() = make_tensor("lo", onnx::TensorProto::FLOAT, {}, {0.0});
  *graph.add_initializer() = make_tensor("hi", onnx::TensorProto::FLOAT, {}, {6.0});
  *graph.add_initializer() = make_tensor("sy", onnx::TensorProto::FLOAT, {}, {kYScale});
  *graph.add_initializer() = make_tensor("zy", onnx::TensorProto::UINT8, {}, {3});
  add_node(graph, "QuantizeLinear", "q_in", {"x", "sx", "zx"}, {"xq"});
  add_node(graph, "DequantizeLinear", "dq_in", {"xq", "sx", "zx"}, {"xd"});
  add_node(graph, "DequantizeLinear", "dq_w", {"w", "sw", "zw"}, {"wd"});
  add_node(graph, "DequantizeLinear", "dq_b", {"b", "sb", "zb"}, {"bd"});
  add_node(graph, "Conv", "conv", {"xd", "wd", "bd"}, {"c"});
  add_node(graph, "Clip", "clip", {"c", "lo", "hi"}, {"r"});
  add_node(graph, "QuantizeLinear", "q_out", {"r", "sy", "zy"}, {"yq"});
  add_node(graph, "DequantizeLinear", "dq_out", {"yq", "sy", "zy"}, {"y"});
  const auto imported = onnx_import::import_model(model.SerializeAsString(), "qdq.onnx");
  ASSERT_EQ(imported.network.layers.size(), 1u);  // [1, 1, 1] is already a vector of scores
  const auto& conv = imported.network.layers[0];
  EXPECT_EQ(conv.input_zero_point, 10);
  EXPECT_EQ(conv.bias, std::vector<int32_t>{-7});
  EXPECT_EQ(conv.requant.multiplier, static_cast<double>(kXScale * kWScale / kYScale));
  EXPECT_TRUE(conv.requant.relu);                  // Clip's min 0: real values below 0
  EXPECT_EQ(conv.requant.clamp_max, 6 / 0.2 + 3);  // Clip's max 6 quantized: 6 / 0.2 + 3 = 33
  EXPECT_EQ(conv.requant.output_zero_point, 3);
  ASSERT_TRUE(imported.input_quantize);
  EXPECT_EQ(imported.input_quantize->zero_point, 10);
  ASSERT_TRUE(imported.output_dequantize);
  EXPECT_EQ(imported.output_dequantize->zero_point, 3);
}

TEST(OnnxImport, NotProtobufIsRefused) {
  try {
    onnx_import::import_model("this is not a model\n\xff\xff\xff", "text.onnx");
    FAIL() << "no error";
  } catch (const ImportError& e) {
    EXPECT_TRUE(contains(e.what(), "text.onnx: not an ONNX model")) << e.what();
  }
}

TEST(OnnxImport, TruncatedModelIsRefused) {
  const std::string bytes = qlinear_conv_model().SerializeAsString();
  for (std::size_t keep : {bytes.size() / 2, bytes.size() - 3, std::size_t{7}}) {
    EXPECT_THROW(onnx_import::import_model(bytes.substr(0, keep), "cut.onnx"), ImportError) << keep;
  }
}

TEST(OnnxImport, UnsupportedOperatorNamesNodeAndTheSupportedSet) {
  auto model = qlinear_conv_model();
  add_node(*model.mutable_graph(), "Softmax", "soft", {"y"}, {"z"});
  const std::string error = import_error(model);
  EXPECT_TRUE(contains(error, "node 'soft' (Softmax): operator not supported; supported: QuantizeLinear")) << error;
}

TEST(OnnxImport, MissingInitializerNamesTheNode) {
  auto model = qlinear_conv_model();
  model.mutable_graph()->mutable_initializer()->erase(model.mutable_graph()->mutable_initializer()->begin() + 2);
  const std::string error = import_error(model);
  EXPECT_TRUE(contains(error, "node 'conv' (QLinearConv): input 'w'")) << error;
  EXPECT_TRUE(contains(error, "missing initializer")) << error;
}

TEST(OnnxImport, ZeroAndNaNScalesNameTheNode) {
  for (double bad : {0.0, std::numeric_limits<double>::quiet_NaN(), -1.0}) {
    auto model = qlinear_conv_model();
    *initializer(model, "y_scale") = make_tensor("y_scale", onnx::TensorProto::FLOAT, {}, {bad});
    const std::string error = import_error(model);
    EXPECT_TRUE(contains(error, "node 'conv' (QLinearConv): y_scale 'y_scale' is")) << error;
    EXPECT_TRUE(contains(error, "a scale must be finite and above 0")) << error;
  }
}

TEST(OnnxImport, ZeroPointOutOfRangeIsRefused) {
  auto model = qlinear_conv_model();
  *initializer(model, "y_zp") = make_tensor("y_zp", onnx::TensorProto::INT32, {}, {300});
  std::string error = import_error(model);
  EXPECT_TRUE(contains(error, "node 'conv' (QLinearConv): y_zero_point 'y_zp' is int32")) << error;
  *initializer(model, "y_zp") = make_tensor("y_zp", onnx::TensorProto::UINT8, {}, {300});
  error = import_error(model);
  EXPECT_TRUE(contains(error, "tensor 'y_zp' holds 300, outside uint8")) << error;
}

TEST(OnnxImport, ShapeMismatchNamesTheNode) {
  auto model = qlinear_conv_model();
  *initializer(model, "w") = make_tensor("w", onnx::TensorProto::INT8, {2, 3, 3, 3}, std::vector<double>(54, 1));
  const std::string error = import_error(model);
  EXPECT_TRUE(contains(error,
                       "node 'conv' (QLinearConv): weights have 3 input channels per group, the activations 1 "
                       "(shape mismatch)"))
      << error;
}

TEST(OnnxImport, ACycleNamesANodeOnIt) {
  auto model = qlinear_conv_model();
  auto& graph = *model.mutable_graph();
  add_node(graph, "Identity", "a", {"q"}, {"p"});
  add_node(graph, "Identity", "b", {"p"}, {"q"});
  const std::string error = import_error(model);
  EXPECT_TRUE(contains(error, "(Identity): the graph has a cycle through this node")) << error;
}

// Per-channel weight scales: one multiplier per output channel, ORT's float32
// (S_x * S_w[c]) / S_y, left to right.
TEST(OnnxImport, PerChannelWeightScalesBecomePerChannelMultipliers) {
  auto model = qlinear_conv_model();
  *initializer(model, "w_scale") = make_tensor("w_scale", onnx::TensorProto::FLOAT, {2}, {0.01, 0.02});
  const auto imported = onnx_import::import_model(model.SerializeAsString(), "m.onnx");
  const model::RequantSpec& requant = imported.network.layers[0].requant;
  ASSERT_EQ(requant.channel_multipliers.size(), 2u);
  EXPECT_EQ(requant.channel_multipliers[0], static_cast<double>(kXScale * 0.01f / kYScale));
  EXPECT_EQ(requant.channel_multipliers[1], static_cast<double>(kXScale * 0.02f / kYScale));
  EXPECT_FALSE(imported.network.layers[0].scales.has_value());  // no one weight scale to report
}

TEST(OnnxImport, PerChannelWeightScalesOfTheWrongCountAreRefused) {
  auto model = qlinear_conv_model();
  *initializer(model, "w_scale") = make_tensor("w_scale", onnx::TensorProto::FLOAT, {3}, {0.01, 0.02, 0.03});
  const std::string error = import_error(model);
  EXPECT_TRUE(contains(error,
                       "node 'conv' (QLinearConv): w_scale has 3 values; expected 1 or 2 (one per output "
                       "channel)"))
      << error;
}

TEST(OnnxImport, AFloatModelIsToldHowToQuantize) {
  onnx::ModelProto model;
  auto& graph = *model.mutable_graph();
  add_value_info(graph.add_input(), "x", onnx::TensorProto::FLOAT, {1, 1, 4, 4});
  add_value_info(graph.add_output(), "y", onnx::TensorProto::FLOAT, {1, 1, 2, 2});
  *graph.add_initializer() = make_tensor("s", onnx::TensorProto::FLOAT, {}, {0.1});
  *graph.add_initializer() = make_tensor("z", onnx::TensorProto::UINT8, {}, {0});
  *graph.add_initializer() = make_tensor("w", onnx::TensorProto::FLOAT, {1, 1, 3, 3}, std::vector<double>(9, 0.5));
  add_node(graph, "QuantizeLinear", "q", {"x", "s", "z"}, {"xq"});
  add_node(graph, "DequantizeLinear", "dq", {"xq", "s", "z"}, {"xd"});
  add_node(graph, "Conv", "float_conv", {"xd", "w"}, {"y"});
  const std::string error = import_error(model);
  EXPECT_TRUE(contains(error, "node 'float_conv' (Conv)")) << error;
  EXPECT_TRUE(contains(error, "a float model? Quantize it first")) << error;
}

TEST(OnnxImport, CommandLineExitsTwoOnABadModel) {
  TempDir dir;
  const auto model = dir.write("bad.onnx", "not a model at all");
  const auto run = run_accelsim({"--model", model.string(), "--out", (dir.path() / "out").string()});
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_TRUE(contains(run.output, "bad.onnx: not an ONNX model")) << run.output;
  const auto import = run_accelsim({"import", model.string(), "--out", (dir.path() / "o").string()});
  EXPECT_EQ(import.exit_code, 2) << import.output;
}

}  // namespace
}  // namespace accelsim::testing
