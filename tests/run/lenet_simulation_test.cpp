// The SystemC accelerator on the committed LeNets: bit-exact against the golden model layer by
// layer, cycles never below the ideal, and DRAM traffic equal to hand counts.
#include <gtest/gtest.h>

#include "sim/run/simulation.h"
#include "sim/run/workload.h"
#include "tests/support/temp_dir.h"

namespace accelsim::run {
namespace {

std::unique_ptr<Workload> lenet(const std::string& config, const std::vector<std::string>& overrides = {}) {
  return load_workload(testing::source_dir() / "configs" / config, overrides);
}

void expect_bit_exact_with_golden_accuracy(const Workload& workload, const RunResult& result, int64_t images) {
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches; first at image " << result.first_mismatch->image
                                  << " layer " << result.first_mismatch->layer << " index "
                                  << result.first_mismatch->index;
  EXPECT_EQ(result.stats->images, images);
  EXPECT_EQ(result.stats->correct, result.stats->golden_correct);
  ASSERT_EQ(static_cast<int64_t>(result.predictions.size()), images);
  for (const auto& layer : result.stats->layers) EXPECT_EQ(layer->value("mismatches"), 0) << layer->name();
  (void)workload;
}

TEST(LeNetSimulation, SeedSchemeIsBitExactOnAllHeldOutImages) {
  const auto workload = lenet("lenet.yaml");
  const RunResult result = simulate(*workload, 2000);
  expect_bit_exact_with_golden_accuracy(*workload, result, 2000);
  EXPECT_EQ(result.stats->correct, 1980);  // 99.00%, as tools/accuracy.py reports for the seed scheme
}

TEST(LeNetSimulation, TorchSchemeIsBitExactOnAllHeldOutImages) {
  const auto workload = lenet("lenet_torch.yaml");
  const RunResult result = simulate(*workload, 2000);
  expect_bit_exact_with_golden_accuracy(*workload, result, 2000);
  EXPECT_EQ(result.stats->correct, 1978);  // 98.90%, PyTorch's own int8 model
}

struct ArrayCase {
  std::string config;
  int64_t size;
};

void PrintTo(const ArrayCase& c, std::ostream* out) { *out << c.config << " on " << c.size << "x" << c.size; }

class LeNetOnArrays : public ::testing::TestWithParam<ArrayCase> {};

TEST_P(LeNetOnArrays, BitExactAndNeverBelowTheIdealCycles) {
  const ArrayCase c = GetParam();
  const std::string size = std::to_string(c.size);
  const auto workload = lenet(c.config, {"hardware.pe_array.rows=" + size, "hardware.pe_array.cols=" + size});
  constexpr int64_t kImages = 200;
  const RunResult result = simulate(*workload, kImages);
  expect_bit_exact_with_golden_accuracy(*workload, result, kImages);
  for (std::size_t l = 0; l < workload->network.layers.size(); ++l) {
    const auto& stats = *result.stats->layers[l];
    const int64_t macs_per_image = workload->network.layers[l].macs();
    const int64_t ideal = (macs_per_image + c.size * c.size - 1) / (c.size * c.size);
    EXPECT_EQ(stats.value("macs"), macs_per_image * kImages) << stats.name();
    EXPECT_GE(stats.value("cycles"), ideal * kImages) << stats.name();
    EXPECT_GE(stats.value("compute_cycles"), ideal * kImages) << stats.name();
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, LeNetOnArrays,
                         ::testing::Values(ArrayCase{"lenet.yaml", 4}, ArrayCase{"lenet.yaml", 16},
                                           ArrayCase{"lenet.yaml", 32}, ArrayCase{"lenet_torch.yaml", 4},
                                           ArrayCase{"lenet_torch.yaml", 16}, ArrayCase{"lenet_torch.yaml", 32}),
                         [](const ::testing::TestParamInfo<ArrayCase>& param_info) {
                           const ArrayCase& c = param_info.param;
                           return (c.config == "lenet.yaml" ? std::string("seed_") : std::string("torch_")) +
                                  std::to_string(c.size);
                         });

int64_t dram_weight_bytes(const RunResult& result) {
  int64_t total = 0;
  for (const auto& layer : result.stats->layers) total += layer->value("dram_weight_read_bytes");
  return total;
}

int64_t layer_weight_bytes(const Workload& workload, const RunResult& result, const std::string& name) {
  for (std::size_t l = 0; l < workload.network.layers.size(); ++l)
    if (workload.network.layers[l].name == name) return result.stats->layers[l]->value("dram_weight_read_bytes");
  return -1;
}

TEST(LeNetTraffic, WeightsThatFitAreReadFromDramExactlyOncePerBatch) {
  // A 64 KiB weight SRAM holds all 61,470 weight bytes: each is read once for three images.
  const auto workload = lenet("lenet.yaml", {"hardware.weight_sram.capacity_bytes=65536"});
  const RunResult result = simulate(*workload, 3);
  EXPECT_EQ(dram_weight_bytes(result), 61470);
  EXPECT_EQ(layer_weight_bytes(*workload, result, "conv5"), 48000);
  EXPECT_TRUE(result.bit_exact());
}

TEST(LeNetTraffic, StreamedConv5IsFetchedAgainForEveryImage) {
  // The default 32 KiB weight SRAM keeps conv1, conv3, fc6 and fc7 resident (150 + 2,400 +
  // 10,080 + 840 = 13,470 bytes, read once) and streams conv5 (48,000 bytes) for each image:
  // 13,470 + 3 x 48,000 = 157,470 bytes for three images.
  const auto workload = lenet("lenet.yaml");
  const RunResult result = simulate(*workload, 3);
  EXPECT_EQ(layer_weight_bytes(*workload, result, "conv5"), 3 * 48000);
  EXPECT_EQ(dram_weight_bytes(result), 13470 + 3 * 48000);
  EXPECT_EQ(result.stats->layers[0]->value("dram_input_read_bytes"), 3 * 1024);
  EXPECT_EQ(result.stats->layers.back()->value("dram_write_bytes"), 3 * 10);
}

TEST(LeNetTraffic, SplitWindowsAreRefetchedForEveryRowTile) {
  // Weight SRAM 2 KiB: two 512-byte streaming buffers, and conv1 + fc7 (990 bytes) resident.
  // Accumulator 512 bytes: two buffers of 64 int32.
  // conv3 (K = 150, N = 16, M = 100 pixels): a buffer holds 8 channels x 64 window elements,
  // so N splits into 2 tiles of 8 and K into 3 blocks (64, 64, 22); 64 accumulators hold
  // 8 pixels x 8 channels, so M splits into 13 row tiles. Every row tile walks the three
  // blocks again: 2 x 13 x (8 x 150) = 31,200 bytes per image instead of 2,400.
  const auto workload =
      lenet("lenet.yaml", {"hardware.weight_sram.capacity_bytes=2048", "hardware.accumulator.capacity_bytes=512"});
  const RunResult result = simulate(*workload, 2);
  EXPECT_EQ(layer_weight_bytes(*workload, result, "conv3"), 2 * 31200);
  EXPECT_EQ(layer_weight_bytes(*workload, result, "conv1"), 150);
  EXPECT_EQ(layer_weight_bytes(*workload, result, "fc7"), 840);
  EXPECT_EQ(layer_weight_bytes(*workload, result, "conv5"), 2 * 48000);
  EXPECT_TRUE(result.bit_exact());
}

TEST(LeNetSimulation, AFlippedBitIsCaughtWhereItHappensAndFollowedDownstream) {
  const auto workload = lenet("lenet.yaml");
  RunOptions options;
  options.bit_flips.push_back(BitFlip{"conv3", 17, 6, 1});
  const RunResult result = simulate(*workload, 2, {}, options);
  ASSERT_FALSE(result.bit_exact());
  ASSERT_TRUE(result.first_mismatch.has_value());
  EXPECT_EQ(result.first_mismatch->image, 1);
  EXPECT_EQ(result.first_mismatch->layer, "conv3");
  EXPECT_EQ(result.first_mismatch->index, 17);
  EXPECT_EQ(result.first_mismatch->actual ^ result.first_mismatch->expected, 64);
  EXPECT_EQ(result.stats->layers[2]->value("mismatches"), 1);
  EXPECT_EQ(result.stats->layers[0]->value("mismatches"), 0);
}

}  // namespace
}  // namespace accelsim::run
