// The accelsim command line end to end: outputs, exit codes and error messages.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>

#include "core/npy/npy_array.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

TEST(Cli, RunsLeNetAndWritesStatsAndLayers) {
  TempDir out;
  const auto result = run_accelsim({"--config", lenet_config(), "--images", "3", "--out", out.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "bit-exact   every layer of every image matches the golden model"))
      << result.output;

  const auto stats = read_json(out.path() / "stats.json");
  EXPECT_EQ(stats["images"], 3);
  EXPECT_EQ(stats["bit_exact"], true);
  // The first three held-out digits are all recognised, by the accelerator and by the golden
  // model: 3 of 3, accuracy exactly 1 (LeNet misses its first digit between image 100 and 120).
  // The figure must also be what logits.npy says: its argmax against the labels.
  EXPECT_EQ(stats["correct"], 3);
  EXPECT_EQ(stats["accuracy"].get<double>(), 1.0);
  EXPECT_EQ(stats["golden_correct"], 3);
  EXPECT_EQ(stats["golden_accuracy"].get<double>(), stats["accuracy"].get<double>());
  {
    const auto logits = npy::read_npy(out.path() / "logits.npy").values_as<int32_t>(npy::Dtype::Int32, "logits");
    const auto labels = npy::read_npy(source_dir() / "data/mnist/heldout_labels.npy");
    ASSERT_EQ(logits.size(), 30u);
    int correct = 0;
    for (std::size_t image = 0; image < 3; ++image) {
      const auto first = logits.begin() + static_cast<std::ptrdiff_t>(image * 10);
      const auto predicted = std::max_element(first, first + 10) - first;
      if (predicted == static_cast<std::ptrdiff_t>(labels.bytes.at(image))) ++correct;
    }
    EXPECT_EQ(correct, 3);
  }
  const std::vector<std::string> names = {"conv1", "pool2", "conv3", "pool4", "conv5", "fc6", "fc7"};
  ASSERT_EQ(stats["layers"].size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& layer = stats["layers"][i];
    EXPECT_EQ(layer["name"], names[i]);
    for (const char* key : {"macs", "cycles", "compute_cycles", "utilization", "dram_read_bytes", "dram_write_bytes",
                            "bit_exact", "energy_pj"})
      EXPECT_TRUE(layer.contains(key)) << names[i] << " lacks " << key;
    EXPECT_TRUE(stats["units"].contains("macs"));
  }
  for (const char* key : {"cycles", "dram_read_bytes", "dram_write_bytes", "energy_pj", "latency_us_per_image",
                          "throughput_images_per_s"})
    EXPECT_TRUE(stats["total"].contains(key)) << "total lacks " << key;
  EXPECT_EQ(stats["total"]["macs"], 3 * 416520);

  const std::string csv = read_file(out.path() / "layers.csv");
  const std::string header = csv.substr(0, csv.find('\n'));
  EXPECT_TRUE(contains(header, "LayerID,Layer,Type,MACs,Total Cycles,Compute Cycles,Stall Cycles,Overall Util %"))
      << header;
  EXPECT_TRUE(std::filesystem::exists(out.path() / "logits.npy"));
}

TEST(Cli, SetOverridesAKeyAndRejectsAMissingPath) {
  TempDir out;
  auto result = run_accelsim({"--config", lenet_config(), "--set", "hardware.pe_array.rows=16", "--set",
                              "hardware.pe_array.cols=4", "--out", out.path().string(), "--quiet"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto stats = read_json(out.path() / "stats.json");
  EXPECT_EQ(stats["hardware"]["pe_array"]["rows"], 16);
  EXPECT_EQ(stats["hardware"]["pe_array"]["cols"], 4);

  result =
      run_accelsim({"--config", lenet_config(), "--set", "hardware.pe_array.rwos=16", "--out", out.path().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "--set hardware.pe_array.rwos=16: hardware.pe_array.rwos: no such key"))
      << result.output;
}

TEST(Cli, SetWithAValueOfTheWrongTypeNamesTheKey) {
  TempDir out;
  const auto result =
      run_accelsim({"--config", lenet_config(), "--set", "hardware.pe_array.rows=many", "--out", out.path().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "hardware.pe_array.rows: expected an integer, got 'many'")) << result.output;
  EXPECT_FALSE(std::filesystem::exists(out.path() / "stats.json"));
}

// The ONNX importer (with libprotobuf) is a module loaded only by `import` and --model
// (sim/cli/onnx_importer.h): the executable itself must not pull protobuf in at every start.
TEST(Cli, TheExecutableDoesNotLoadProtobuf) {
  setenv("LD_TRACE_LOADED_OBJECTS", "1", 1);  // the dynamic loader lists the libraries and exits, as ldd does
  const auto result = run_accelsim({"--version"});
  unsetenv("LD_TRACE_LOADED_OBJECTS");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "libsystemc")) << result.output;  // the loader's listing, not a run
  EXPECT_FALSE(contains(result.output, "libprotobuf")) << result.output;
  EXPECT_FALSE(contains(result.output, "onnx")) << result.output;
}

TEST(Cli, ImagesBeyondTheDataSetIsBadInput) {
  TempDir out;
  const auto result = run_accelsim({"--config", lenet_config(), "--images", "2001", "--out", out.path().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "--images 2001")) << result.output;
  EXPECT_TRUE(contains(result.output, "holds only 2000 images")) << result.output;
}

TEST(Cli, UnwritableOutputFolderIsBadInputAndWritesNothing) {
  TempDir dir;
  dir.write("a_file", "x");
  const auto result = run_accelsim({"--config", lenet_config(), "--out", (dir.path() / "a_file" / "out").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "--out")) << result.output;
}

TEST(Cli, BadConfigNamesFileLineAndColumn) {
  TempDir dir;
  const auto config = dir.write(
      "bad.yaml", "include: [" + (source_dir() / "configs/lenet.yaml").string() + "]\nhardware:\n  clock_mhz: fast\n");
  const auto result = run_accelsim({"--config", config.string(), "--out", (dir.path() / "out").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, config.string() + ":3:14: hardware.clock_mhz: expected a number, got 'fast'"))
      << result.output;
}

TEST(Cli, ANetworkThatDoesNotFitNamesTheLayerAndTheShortCapacity) {
  TempDir out;
  // Not even conv1's smallest streamed band fits: 192 + 192 bytes (tests/mapper/mapper_test.cpp).
  const auto result = run_accelsim({"--config", lenet_config(), "--set", "hardware.activation_sram.capacity_bytes=320",
                                    "--out", out.path().string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "layer conv1: its feature maps do not fit the activation SRAM (320 bytes)"))
      << result.output;
  EXPECT_TRUE(contains(result.output, "activation_sram.capacity_bytes must be at least 384")) << result.output;
}

TEST(Cli, AMismatchExitsWithOneAndNamesImageLayerAndIndex) {
  TempDir out;
  const auto result = run_accelsim({"--config", lenet_config(), "--images", "2", "--flip-bit", "fc6:3:0:1", "--out",
                                    out.path().string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.output, "image 1, layer fc6, index 3")) << result.output;
}

TEST(Cli, UsageErrors) {
  EXPECT_EQ(run_accelsim({}).exit_code, 2);
  EXPECT_EQ(run_accelsim({"--config", lenet_config(), "--bogus"}).exit_code, 2);
  EXPECT_EQ(run_accelsim({"--config", lenet_config(), "--images", "0"}).exit_code, 2);
  EXPECT_EQ(run_accelsim({"--config", lenet_config(), "--log-level", "loud"}).exit_code, 2);
  const auto help = run_accelsim({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.output, "--config")) << help.output;
  const auto version = run_accelsim({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(contains(version.output, "accelsim 0.1.0")) << version.output;
}

TEST(Cli, ARunWithoutTracingRemovesAnEarlierRunsTraces) {
  TempDir out;
  ASSERT_EQ(
      run_accelsim({"--config", lenet_config(), "--trace", "vcd,timeline", "--out", out.path().string(), "--quiet"})
          .exit_code,
      0);
  ASSERT_TRUE(std::filesystem::exists(out.path() / "trace.vcd"));
  ASSERT_TRUE(std::filesystem::exists(out.path() / "timeline.json"));
  ASSERT_EQ(
      run_accelsim({"--config", lenet_config(), "--images", "2", "--out", out.path().string(), "--quiet"}).exit_code,
      0);
  EXPECT_FALSE(std::filesystem::exists(out.path() / "trace.vcd"));
  EXPECT_FALSE(std::filesystem::exists(out.path() / "timeline.json"));
  EXPECT_TRUE(std::filesystem::exists(out.path() / "report.html"));
}

TEST(Cli, ARunTracingOneFormatRemovesAnEarlierRunsTraceOfTheOther) {
  TempDir out;
  ASSERT_EQ(run_accelsim({"--config", lenet_config(), "--trace", "timeline", "--out", out.path().string(), "--quiet"})
                .exit_code,
            0);
  ASSERT_TRUE(std::filesystem::exists(out.path() / "timeline.json"));
  ASSERT_EQ(run_accelsim({"--config", lenet_config(), "--trace", "vcd", "--images", "2", "--out", out.path().string(),
                          "--quiet"})
                .exit_code,
            0);
  EXPECT_TRUE(std::filesystem::exists(out.path() / "trace.vcd"));
  EXPECT_FALSE(std::filesystem::exists(out.path() / "timeline.json"));
}

TEST(Cli, ListParamsShowsHardwareKeysWithUnitsAndDefaults) {
  const auto result = run_accelsim({"--config", lenet_config(), "--list-params"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(contains(result.output, "hardware.pe_array.rows")) << result.output;
  EXPECT_TRUE(contains(result.output, "[bytes/cycle]")) << result.output;
}

}  // namespace
}  // namespace accelsim::testing
