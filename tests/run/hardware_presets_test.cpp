// The hardware presets beside edge_small (configs/hardware/*_like.yaml): each loads with the
// figures of its paper and runs LeNet bit-exactly, never below the ideal cycles.
#include <gtest/gtest.h>

#include "sim/run/simulation.h"
#include "sim/run/workload.h"
#include "tests/support/temp_dir.h"

namespace accelsim::run {
namespace {

struct Preset {
  std::string file;
  int64_t rows, cols;
  double clock_mhz;
  int64_t activation_sram_bytes, accumulator_bytes, dram_bytes_per_cycle;
};
void PrintTo(const Preset& p, std::ostream* out) { *out << p.file; }

class HardwarePresets : public ::testing::TestWithParam<Preset> {};

TEST_P(HardwarePresets, LoadsItsPapersFiguresAndRunsLeNet) {
  const Preset p = GetParam();
  testing::TempDir dir;
  // LeNet's network with the preset's hardware merged over lenet.yaml's (edge_small): every
  // hardware key edge_small sets, the preset sets too (checked by the figures below and by the
  // name).
  const auto config =
      dir.write("preset.yaml", "include:\n  - " + (testing::source_dir() / "configs/lenet.yaml").string() + "\n  - " +
                                   (testing::source_dir() / "configs/hardware" / p.file).string() + "\n");
  const auto workload = load_workload(config, {});
  const auto& hw = workload->hardware;
  EXPECT_EQ(hw.pe_array.rows, p.rows);
  EXPECT_EQ(hw.pe_array.cols, p.cols);
  EXPECT_EQ(hw.clock_mhz, p.clock_mhz);
  EXPECT_EQ(hw.activation_sram.capacity_bytes, p.activation_sram_bytes);
  EXPECT_EQ(hw.accumulator.capacity_bytes, p.accumulator_bytes);
  EXPECT_EQ(hw.dram.bandwidth_bytes_per_cycle, p.dram_bytes_per_cycle);
  EXPECT_NE(hw.name, "edge-small");

  constexpr int64_t kImages = 5;
  const RunResult result = simulate(*workload, kImages);
  ASSERT_FALSE(result.failure) << result.failure->message;
  EXPECT_TRUE(result.bit_exact()) << result.mismatches << " mismatches";
  for (std::size_t l = 0; l < workload->network.layers.size(); ++l) {
    const int64_t macs = workload->network.layers[l].macs();
    const int64_t ideal = (macs + p.rows * p.cols - 1) / (p.rows * p.cols);
    EXPECT_EQ(result.stats->layers[l]->value("macs"), macs * kImages);
    EXPECT_GE(result.stats->layers[l]->value("compute_cycles"), ideal * kImages);
  }
}

// TPU v1 (Jouppi et al., ISCA 2017): 256 x 256 at 700 MHz, 24 MiB unified buffer, 4 MiB of
// accumulators, 30 GiB/s DDR3 = 32.2e9 / 700e6 = 46 bytes per cycle. Eyeriss (Chen et al., JSSC
// 2017): 12 x 14 at 200 MHz, 108 KiB global buffer = 110,592 bytes, 168 PEs x 24 partial sums x
// 4 bytes = 16,128 bytes of accumulator, a 64-bit bus = 8 bytes per cycle.
INSTANTIATE_TEST_SUITE_P(Papers, HardwarePresets,
                         ::testing::Values(Preset{"tpu_v1_like.yaml", 256, 256, 700, 25165824, 4194304, 46},
                                           Preset{"eyeriss_like.yaml", 12, 14, 200, 110592, 16128, 8}),
                         [](const ::testing::TestParamInfo<Preset>& param_info) {
                           return param_info.param.file.substr(0, param_info.param.file.find('.'));
                         });

}  // namespace
}  // namespace accelsim::run
