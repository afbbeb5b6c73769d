// The shipped topologies (configs/topologies/) run through the graph loader, the mapper and the
// SystemC accelerator: timing-only at their real size, and their values: random twins computed
// and checked bit-exactly on every layer at a reduced input of 64x64 (the BERT GEMM set at its
// own size). The activation SRAM is made large enough to hold their feature maps whole (streamed
// row bands are tested in streaming_run_test.cpp).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

using nlohmann::json;

json run_topology(const std::string& name, const std::vector<std::string>& settings, const TempDir& dir) {
  std::vector<std::string> arguments = {"--config",
                                        (source_dir() / "configs/topologies" / (name + ".yaml")).string(),
                                        "--images",
                                        "1",
                                        "--out",
                                        (dir.path() / name).string(),
                                        "--quiet",
                                        "--set",
                                        "hardware.activation_sram.capacity_bytes=67108864"};
  for (const auto& setting : settings) arguments.insert(arguments.end(), {"--set", setting});
  const CommandResult result = run_accelsim(arguments);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  std::ifstream file(dir.path() / name / "stats.json");
  return file ? json::parse(file) : json();
}

class Topology : public ::testing::TestWithParam<std::string> {};

TEST_P(Topology, RunsTimingOnlyAtItsRealSize) {
  TempDir dir;
  const json stats = run_topology(GetParam(), {}, dir);
  ASSERT_TRUE(stats.contains("layers"));
  EXPECT_GT(stats.at("total").at("cycles"), 0);
  EXPECT_GT(stats.at("total").at("macs"), 0);
}

TEST_P(Topology, ItsRandomTwinIsBitExactOnEveryLayer) {
  TempDir dir;
  std::vector<std::string> settings;
  if (GetParam() != "bert_base_gemms") settings.push_back("network.input.shape=[3, 64, 64]");
  const json stats = run_topology(GetParam() + "_random", settings, dir);
  ASSERT_TRUE(stats.contains("layers"));
  for (const json& layer : stats.at("layers")) EXPECT_EQ(layer.at("bit_exact"), true) << layer.at("name");
  EXPECT_EQ(stats.at("total").at("mismatches"), 0);
}

INSTANTIATE_TEST_SUITE_P(Shipped, Topology,
                         ::testing::Values("resnet18", "resnet50", "mobilenet_v2", "vgg16", "alexnet",
                                           "bert_base_gemms"));

}  // namespace
}  // namespace accelsim::testing
