// The network as a graph (`inputs`) and the layer types of real CNNs, as the loader reads them:
// shapes and producers derived, and every bad graph refused with file, key, line and column.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/config/config_tree.h"
#include "core/model/network_loader.h"
#include "tests/support/graph_network.h"
#include "tests/support/tiny_network.h"

namespace accelsim::model {
namespace {

using config::ConfigTree;
using config::ConfigurationError;
using config::Section;
using testing::GraphNetwork;
using testing::replace_once;
using testing::TempDir;

Network load(const std::filesystem::path& file) {
  const ConfigTree tree = ConfigTree::load(file);
  Section root(tree, tree.root(), "");
  return load_network(root.section("network"));
}

// 1-based line and column of the last character of `prefix`, a prefix of `text`.
std::string position_of(const std::string& text, const std::string& prefix) {
  const std::size_t at = prefix.size() - 1;
  const auto line_start = text.rfind('\n', at);
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
  const std::size_t column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  return std::to_string(line) + ":" + std::to_string(column);
}

class GraphLoader : public ::testing::Test {
 protected:
  // Loads the graph network edited by `from` -> `to`; returns the error message and the text.
  std::string error_after(const std::string& from, const std::string& to) {
    text_ = replace_once(GraphNetwork::yaml(), from, to);
    const auto file = graph_.write_config(text_);
    try {
      load(file);
    } catch (const ConfigurationError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no error after replacing '" << from << "' by '" << to << "'";
    return "";
  }
  // "file:line:column" of the value that starts `offset` characters into `needle`.
  std::string at(const std::string& needle, std::size_t offset = 0) const {
    const auto found = text_.find(needle);
    return (dir_.path() / "graph.yaml").string() + ":" +
           (found == std::string::npos ? "?" : position_of(text_, text_.substr(0, found + offset + 1)));
  }

  TempDir dir_;
  GraphNetwork graph_{dir_};
  std::string text_;
};

TEST_F(GraphLoader, ResolvesProducersAndDerivesShapes) {
  const Network network = load(graph_.write_config(GraphNetwork::yaml()));
  ASSERT_EQ(network.layers.size(), 11u);
  auto layer = [&](const char* name) { return *network.find(name); };
  // Default inputs: the previous layer (the network input for the first).
  EXPECT_EQ(layer("stem").inputs, std::vector<int32_t>{kNetworkInput});
  EXPECT_EQ(layer("dw").inputs, std::vector<int32_t>{0});
  EXPECT_EQ(layer("add1").inputs, (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(layer("side").inputs, std::vector<int32_t>{kNetworkInput});
  EXPECT_EQ(layer("add2").inputs, (std::vector<int32_t>{3, 4}));
  // dw: groups 4, 8 outputs: each group's GEMM has K = 4/4 * 3 * 3 = 9 and 2 channels;
  // MACs = 64 pixels * 9 * 8 = 4608.
  EXPECT_EQ(layer("dw").groups, 4);
  EXPECT_EQ(layer("dw").gemm_k(), 9);
  EXPECT_EQ(layer("dw").macs(), 64 * 9 * 8);
  EXPECT_EQ(layer("add1").output, (Shape{4, 8, 8, false}));
  EXPECT_EQ(layer("add1").add.input_zero_points, (std::array<int32_t, 2>{0, -2}));
  EXPECT_EQ(layer("add1").add.multipliers, (std::array<double, 2>{0.75, 0.5}));
  EXPECT_EQ(layer("add2").add.fixed_multipliers, (std::array<int64_t, 2>{3, 5}));
  // maxpool 3x3 stride 2 pad 1 on 8x8: (8 + 2 - 3) / 2 + 1 = 4.
  EXPECT_EQ(layer("maxp").output, (Shape{4, 4, 4, false}));
  // avgpool 2x2 stride 1 pad 1 on 4x4: (4 + 2 - 2) / 1 + 1 = 5; it keeps the zero point (0 after add2).
  EXPECT_EQ(layer("avg").output, (Shape{4, 5, 5, false}));
  EXPECT_EQ(layer("avg").pool_rounding, Rounding::HalfAway);
  EXPECT_TRUE(layer("avg").count_include_pad);
  EXPECT_EQ(layer("gap").output, (Shape{4, 1, 1, false}));
  EXPECT_EQ(layer("gap").pool_rounding, Rounding::HalfEven);  // the default
  EXPECT_EQ(layer("fc").output, (Shape{4, 1, 1, true}));
}

// mean: float32 (ONNX Runtime's QLinearAveragePool): the float32 scales and the output's zero point.
constexpr const char* kAvgLine = "{name: avg, type: avgpool, kernel: 2, stride: 1, padding: 1, rounding: half_away}";
std::string float_mean_avg(const std::string& keys) {
  return "{name: avg, type: avgpool, kernel: 2, stride: 1, padding: 1, mean: float32, " + keys + "}";
}

TEST_F(GraphLoader, Float32MeanReadsItsScalesAndZeroPoint) {
  const Network network = load(graph_.write_config(replace_once(
      GraphNetwork::yaml(), kAvgLine,
      float_mean_avg("input_scale: 0.1, output_scale: 0.0517, output_zero_point: 0, count_include_pad: false"))));
  const Layer& avg = *network.find("avg");
  EXPECT_EQ(avg.mean, MeanArithmetic::Float32);
  EXPECT_EQ(avg.float_mean.input_scale, 0.1f);  // rounded to float32, as the datapath holds it
  EXPECT_EQ(avg.float_mean.output_scale, 0.0517f);
  EXPECT_EQ(avg.float_mean.output_zero_point, 0);
  EXPECT_FALSE(avg.count_include_pad);
  EXPECT_EQ(avg.output, (Shape{4, 5, 5, false}));  // padding is allowed: (4 + 2 - 2) / 1 + 1
}

TEST_F(GraphLoader, Float32MeanOutputZeroPointReachesTheNextLayers) {
  // gap passes avg's zero point 5 on to fc, whose input_zero_point says 0.
  const std::string message =
      error_after(kAvgLine, float_mean_avg("input_scale: 0.1, output_scale: 0.1, output_zero_point: 5"));
  EXPECT_NE(message.find("network.layers[10].input_zero_point: is 0 but the producing layer's output zero point is 5"),
            std::string::npos)
      << message;
}

TEST_F(GraphLoader, Float32MeanBadKeys) {
  std::string message =
      error_after(kAvgLine, float_mean_avg("input_scale: 0, output_scale: 0.1, output_zero_point: 0"));
  EXPECT_NE(message.find(at("0, output_scale") + ": network.layers[7].input_scale: expected a scale > 0 representable "
                                                 "as a positive finite float32"),
            std::string::npos)
      << message;
  // 1e-50 is positive but rounds to float32 zero.
  message = error_after(kAvgLine, float_mean_avg("input_scale: 0.1, output_scale: 1e-50, output_zero_point: 0"));
  EXPECT_NE(message.find("network.layers[7].output_scale: expected a scale > 0 representable as a positive finite "
                         "float32"),
            std::string::npos)
      << message;
  message = error_after(kAvgLine, float_mean_avg("input_scale: 0.1, output_zero_point: 0"));
  EXPECT_NE(message.find("network.layers[7].output_scale"), std::string::npos) << message;
  EXPECT_NE(message.find("required"), std::string::npos) << message;
  // 1 / 2^-24 = 2^24 > 2^23.
  message = error_after(kAvgLine, float_mean_avg("input_scale: 1, output_scale: 5.9604644775390625e-08, "
                                                 "output_zero_point: 0"));
  EXPECT_NE(message.find("network.layers[7].output_scale: input_scale / output_scale must be at most 2^23 (8388608)"),
            std::string::npos)
      << message;
  message = error_after(kAvgLine, float_mean_avg("input_scale: 0.1, output_scale: 0.1, output_zero_point: 200"));
  EXPECT_NE(message.find("network.layers[7].output_zero_point"), std::string::npos) << message;
  // The float mean always rounds half to even: no rounding key.
  message = error_after(kAvgLine, float_mean_avg("input_scale: 0.1, output_scale: 0.1, output_zero_point: 0, "
                                                 "rounding: half_away"));
  EXPECT_NE(message.find("network.layers[7].rounding: unknown key"), std::string::npos) << message;
  message = error_after(kAvgLine, "{name: avg, type: avgpool, kernel: 2, mean: float33}");
  EXPECT_NE(message.find(at("float33") + ": network.layers[7].mean: expected one of divide, multiply, float32, got "
                                         "'float33' (did you mean 'float32'?)"),
            std::string::npos)
      << message;
}

TEST_F(GraphLoader, UnknownInputNameWithSuggestion) {
  const std::string message = error_after("inputs: [stem, pw]", "inputs: [stemm, pw]");
  EXPECT_NE(message.find(at("[stemm") + ": network.layers[3].inputs: no layer named 'stemm' (did you mean 'stem'?)"),
            std::string::npos)
      << message;
}

TEST_F(GraphLoader, ForwardReferenceIsRefused) {
  const std::string message = error_after("inputs: [stem, pw]", "inputs: [stem, side]");
  EXPECT_NE(message.find(at("[stem, side]") +
                         ": network.layers[3].inputs: 'side' is layer 4, not above this one (3): a layer reads only "
                         "layers listed before it (no forward references, no cycles)"),
            std::string::npos)
      << message;
}

TEST_F(GraphLoader, ALayerReadingItselfIsACycle) {
  const std::string message = error_after("inputs: [stem, pw]", "inputs: [add1, pw]");
  EXPECT_NE(message.find("network.layers[3].inputs: 'add1' is layer 3, not above this one (3)"), std::string::npos)
      << message;
}

TEST_F(GraphLoader, WrongInputCount) {
  std::string message = error_after("inputs: [stem, pw]", "inputs: [stem]");
  EXPECT_NE(message.find(at("[stem]") + ": network.layers[3].inputs: add reads 2 tensors, got 1"), std::string::npos)
      << message;
  message = error_after("      inputs: [input]\n", "      inputs: [input, stem]\n");
  EXPECT_NE(message.find("network.layers[4].inputs: conv2d reads 1 tensor, got 2"), std::string::npos) << message;
  message = error_after("      inputs: [stem, pw]\n", "");
  EXPECT_NE(message.find("network.layers[3].inputs: add reads 2 tensors: name them"), std::string::npos) << message;
}

TEST_F(GraphLoader, AddOfDifferentShapes) {
  // dw is [8, 8, 8], stem [4, 8, 8].
  const std::string message = error_after("inputs: [stem, pw]", "inputs: [stem, dw]");
  EXPECT_NE(message.find(at("[stem, dw]") +
                         ": network.layers[3].inputs: add needs two tensors of the same shape: 'stem' is [4, 8, 8], "
                         "'dw' is [8, 8, 8]"),
            std::string::npos)
      << message;
}

TEST_F(GraphLoader, AddZeroPointMustMatchItsProducer) {
  const std::string message = error_after("input_zero_points: [0, -2]", "input_zero_points: [0, 2]");
  EXPECT_NE(message.find("network.layers[3].input_zero_points: input 1's zero point is 2 but the producing layer's "
                         "output zero point is -2"),
            std::string::npos)
      << message;
}

TEST_F(GraphLoader, AddArithmeticKeysAreChecked) {
  std::string message =
      error_after("mode: multiply, multipliers: [0.75, 0.5]", "mode: divide, multipliers: [0.75, 0.5]");
  EXPECT_NE(message.find("network.layers[3].requant.mode: expected one of multiply, fixed_point"), std::string::npos)
      << message;
  message = error_after("multipliers: [0.75, 0.5]", "multipliers: [0.75]");
  EXPECT_NE(message.find("network.layers[3].requant.multipliers: expected [Ma, Mb], one per input"), std::string::npos)
      << message;
  message = error_after("multipliers: [3, 5], shift: 3", "multipliers: [3, 5], shift: 48");
  EXPECT_NE(message.find("network.layers[5].requant.shift: expected integer in [0, 47], got '48'"), std::string::npos)
      << message;
}

TEST_F(GraphLoader, AnOutputNobodyReadsIsAllowed) {
  // A set of independent GEMMs (configs/topologies/bert_base_gemms.yaml) leaves outputs unread:
  // side no longer feeds add2, and the network still loads with side in it.
  text_ = replace_once(GraphNetwork::yaml(), "inputs: [add1, side]\n      input_zero_points: [1, 0]",
                       "inputs: [add1, add1]\n      input_zero_points: [1, 1]");
  const Network network = load(graph_.write_config(text_));
  ASSERT_NE(network.find("side"), nullptr);
  EXPECT_EQ(network.find("add2")->inputs, (std::vector<int32_t>{3, 3}));
}

TEST_F(GraphLoader, InputIsAReservedName) {
  const std::string message = error_after("- name: side", "- name: input");
  EXPECT_NE(message.find("network.layers[4].name: 'input' names the network input"), std::string::npos) << message;
}

TEST_F(GraphLoader, GroupsMustDivideBothChannelCounts) {
  const std::string message = error_after("groups: 4", "groups: 3");
  EXPECT_NE(
      message.find(at("groups: 3", 8) + ": network.layers[1].groups: groups (3) must divide the input channels (4) "
                                        "and out_channels (8)"),
      std::string::npos)
      << message;
}

TEST_F(GraphLoader, GroupedWeightsHaveInOverGroupsChannels) {
  // dw's weights are [8, 1, 3, 3]; with groups 2 they would have to be [8, 2, 3, 3].
  const std::string message = error_after("groups: 4", "groups: 2");
  EXPECT_NE(message.find("network.layers[1].weights: "), std::string::npos) << message;
  EXPECT_NE(message.find("expected shape [8, 2, 3, 3], got [8, 1, 3, 3]"), std::string::npos) << message;
}

TEST_F(GraphLoader, PoolPaddingAtMostHalfTheWindow) {
  const std::string message = error_after("kernel: 3, stride: 2, padding: 1", "kernel: 3, stride: 2, padding: 2");
  EXPECT_NE(message.find("network.layers[6].padding: padding must be at most half the window (3x3)"), std::string::npos)
      << message;
}

TEST_F(GraphLoader, PoolOfAFlatTensorIsRefused) {
  const std::string message =
      error_after("{name: gap, type: global_avgpool}",
                  "{name: gap, type: global_avgpool}\n"
                  "    - {name: flat0, type: flatten}\n    - {name: gap2, type: avgpool, kernel: 1}");
  EXPECT_NE(message.find("network.layers[10].type: avgpool needs a [C, H, W] input, got the flat [4] of 'flat0'"),
            std::string::npos)
      << message;
}

TEST_F(GraphLoader, MeanRoundingRefusesGemmlowp) {
  const std::string message = error_after("rounding: half_away}", "rounding: gemmlowp}");
  EXPECT_NE(message.find("network.layers[7].rounding: expected one of"), std::string::npos) << message;
}

}  // namespace
}  // namespace accelsim::model
