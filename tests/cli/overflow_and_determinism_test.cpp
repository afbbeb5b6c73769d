// Accumulator overflow from adversarial weights and inputs, under both policies, end to end;
// and two runs of the same config giving byte-identical outputs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/npy/npy_array.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

namespace fs = std::filesystem;

// One linear layer of 40,000 inputs. Every pixel maps to 127 with input zero point -128, every
// weight is -128 with weight zero point 127: each product is 255 * -255 = -65,025 and the
// accumulator reaches 40,000 * -65,025 = -2,601,000,000 < -2^31.
std::string adversarial_config(const TempDir& dir, const std::string& policy) {
  std::vector<int8_t> table(256, 127);
  npy::write_npy(dir.path() / "table.npy", npy::Dtype::Int8, {256}, table.data());
  std::vector<uint8_t> images(2 * 198 * 198, 7), labels(2, 0);
  npy::write_npy(dir.path() / "images.npy", npy::Dtype::UInt8, {2, 198, 198}, images.data());
  npy::write_npy(dir.path() / "labels.npy", npy::Dtype::UInt8, {2}, labels.data());
  std::vector<int8_t> weights(2 * 40000, -128);
  npy::write_npy(dir.path() / "fc.npy", npy::Dtype::Int8, {2, 40000}, weights.data());
  return dir
      .write("adversarial.yaml", "include: [" + (source_dir() / "configs/hardware/edge_small.yaml").string() + R"(]
network:
  name: adversarial
  activation_dtype: int8
  accumulator_overflow: )" + policy + R"(
  input: {shape: [1, 200, 200], images: images.npy, labels: labels.npy, pad: 1, pixel_table: table.npy, zero_point: -128}
  layers:
    - name: fc
      type: linear
      out_features: 2
      weights: fc.npy
      input_zero_point: -128
      weight_zero_point: 127
      requant: {mode: divide, divisor: 100000000, rounding: floor, output_zero_point: 0, clamp: [-128, 127], relu: false}
hardware:
  weight_sram: {capacity_bytes: 262144}
  activation_sram: {capacity_bytes: 131072}
)")
      .string();
}

TEST(AccumulatorOverflow, IsAnErrorNamingLayerAndIndex) {
  TempDir dir;
  const auto result =
      run_accelsim({"--config", adversarial_config(dir, "error"), "--out", (dir.path() / "out").string()});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("layer fc: accumulator of output element 0 reached -2601000000, outside int32"),
            std::string::npos)
      << result.output;
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
}

TEST(AccumulatorOverflow, SaturatesWhenTheConfigAsksAndStaysBitExact) {
  // Saturated to -2^31 = -2,147,483,648; / 10^8 rounded down = -22, in both the datapath and
  // the golden model.
  TempDir dir;
  const auto out = dir.path() / "out";
  const auto result = run_accelsim(
      {"--config", adversarial_config(dir, "saturate"), "--images", "2", "--out", out.string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const npy::NpyArray logits = npy::read_npy(out / "logits.npy");
  EXPECT_EQ(logits.values_as<int32_t>(npy::Dtype::Int32, "logits"), (std::vector<int32_t>{-22, -22, -22, -22}));
}

TEST(Determinism, TwoRunsWriteByteIdenticalOutputs) {
  TempDir dir;
  const std::string config = (source_dir() / "configs/lenet_torch.yaml").string();
  for (const char* run : {"first", "second"})
    ASSERT_EQ(
        run_accelsim({"--config", config, "--images", "20", "--quiet", "--out", (dir.path() / run).string()}).exit_code,
        0);
  for (const char* file : {"stats.json", "layers.csv", "logits.npy"}) {
    const std::string first = read_file(dir.path() / "first" / file), second = read_file(dir.path() / "second" / file);
    EXPECT_FALSE(first.empty()) << file;
    EXPECT_EQ(first, second) << file << " differs between two runs";
  }
  // Host timings live in host.json, apart from the deterministic files.
  EXPECT_EQ(read_file(dir.path() / "first/stats.json").find("wall"), std::string::npos);
  // Its event counts are the simulation's own: the same in both runs, and per image a twentieth.
  const auto first = nlohmann::json::parse(read_file(dir.path() / "first/host.json"))["events"];
  const auto second = nlohmann::json::parse(read_file(dir.path() / "second/host.json"))["events"];
  EXPECT_EQ(first["total"], second["total"]);
  for (const auto& [name, total] : first["total"].items()) {
    EXPECT_GT(total.get<uint64_t>(), 0u) << name;
    EXPECT_DOUBLE_EQ(first["per_image"][name].get<double>(), total.get<double>() / 20) << name;
  }
}

}  // namespace
}  // namespace accelsim::testing
