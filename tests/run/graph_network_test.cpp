// End to end on a small graph network with every new layer type (tests/support/graph_network.h):
// the SystemC datapath's output of every layer equals the golden model's, on every image, for
// several accelerators (dataflows, timing models, streamed weights, single buffers), and the
// per-layer reports name the new types.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/graph_network.h"
#include "tests/support/run_command.h"
#include "tests/support/tiny_network.h"

namespace accelsim::testing {
namespace {

using nlohmann::json;

class GraphNetworkRun : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(GraphNetworkRun, EveryLayerBitExact) {
  TempDir dir;
  GraphNetwork graph(dir);
  const auto config = graph.write_config(GraphNetwork::yaml());
  std::vector<std::string> arguments = {
      "--config", config.string(), "--images", "5", "--out", (dir.path() / "out").string(), "--quiet"};
  for (const auto& setting : GetParam()) arguments.insert(arguments.end(), {"--set", setting});
  const CommandResult result = run_accelsim(arguments);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::ifstream file(dir.path() / "out/stats.json");
  const json stats = json::parse(file);
  ASSERT_EQ(stats.at("layers").size(), 11u);
  const std::vector<std::string> types = {"conv2d",  "conv2d",  "conv2d",         "add",     "conv2d", "add",
                                          "maxpool", "avgpool", "global_avgpool", "flatten", "linear"};
  for (std::size_t l = 0; l < types.size(); ++l) {
    const json& layer = stats.at("layers")[l];
    EXPECT_EQ(layer.at("type"), types[l]) << l;
    EXPECT_EQ(layer.at("bit_exact"), true) << layer.at("name");
    EXPECT_EQ(layer.at("mismatches"), 0) << layer.at("name");
  }
  // Each layer that moves data ran instructions for each of the 5 images.
  EXPECT_GT(stats.at("layers")[3].at("instructions"), 0);
  EXPECT_GT(stats.at("layers")[7].at("pool_busy_cycles"), 0);
  EXPECT_GT(stats.at("layers")[5].at("requant_busy_cycles"), 0);
}

TEST(GraphNetwork, AFlippedBitInANewLayerTypeIsCaughtAtThatLayer) {
  // The check compares every layer's stored output with the golden model: a bit flipped in
  // add1's, avg's or gap's output (before its readers see it) is reported at that layer.
  TempDir dir;
  GraphNetwork graph(dir);
  const auto config = graph.write_config(GraphNetwork::yaml());
  for (const std::string layer : {"add1", "avg", "gap"}) {
    const CommandResult result = run_accelsim({"--config", config.string(), "--images", "2", "--flip-bit",
                                               layer + ":3:6:1", "--out", (dir.path() / layer).string(), "--quiet"});
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("image 1, layer " + layer + ", index 3"), std::string::npos) << result.output;
  }
}

TEST(GraphNetwork, AnOutputNobodyReadsIsComputedCheckedAndTheImageEnds) {
  // side no longer feeds add2: its output is still computed and checked, and each image ends
  // when every layer has, not when the last one has.
  TempDir dir;
  GraphNetwork graph(dir);
  const auto config =
      graph.write_config(replace_once(GraphNetwork::yaml(), "inputs: [add1, side]\n      input_zero_points: [1, 0]",
                                      "inputs: [add1, add1]\n      input_zero_points: [1, 1]"));
  const CommandResult result =
      run_accelsim({"--config", config.string(), "--images", "3", "--out", (dir.path() / "out").string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::ifstream file(dir.path() / "out/stats.json");
  const json stats = json::parse(file);
  EXPECT_EQ(stats.at("layers")[4].at("name"), "side");
  EXPECT_GT(stats.at("layers")[4].at("instructions"), 0);
  EXPECT_EQ(stats.at("layers")[4].at("bit_exact"), true);
}

TEST(GraphNetwork, RerunsFromItsEffectiveConfiguration) {
  // effective.yaml records `inputs`, `groups`, the add's lists and the pools' keys: a rerun
  // from it alone simulates the same graph (same cycles, every layer bit-exact).
  TempDir dir;
  GraphNetwork graph(dir);
  const auto config = graph.write_config(GraphNetwork::yaml());
  auto result =
      run_accelsim({"--config", config.string(), "--images", "2", "--out", (dir.path() / "first").string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  result = run_accelsim({"--config", (dir.path() / "first/effective.yaml").string(), "--images", "2", "--out",
                         (dir.path() / "second").string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::ifstream first_file(dir.path() / "first/stats.json"), second_file(dir.path() / "second/stats.json");
  const json first = json::parse(first_file), second = json::parse(second_file);
  EXPECT_EQ(second.at("total").at("cycles"), first.at("total").at("cycles"));
  EXPECT_EQ(second.at("total").at("bit_exact"), true);
  EXPECT_EQ(second.at("layers").size(), 11u);
}

INSTANTIATE_TEST_SUITE_P(
    Accelerators, GraphNetworkRun,
    ::testing::Values(std::vector<std::string>{},
                      std::vector<std::string>{"hardware.pe_array.dataflow=os", "hardware.pe_array.timing=detailed"},
                      std::vector<std::string>{"hardware.pe_array.dataflow=is", "hardware.pe_array.rows=4",
                                               "hardware.pe_array.cols=4", "hardware.pe_array.timing=scalesim"},
                      // Weights stream through 64-byte buffers, single-buffered activations and accumulator.
                      std::vector<std::string>{
                          "hardware.weight_sram.capacity_bytes=256", "hardware.activation_sram.double_buffered=false",
                          "hardware.accumulator.double_buffered=false", "hardware.accumulator.capacity_bytes=64"}));

}  // namespace
}  // namespace accelsim::testing
