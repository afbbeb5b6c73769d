// The Dram module under hardware.dram.model: detailed, driven by the DMA on a hand-written
// program. bench_hardware() runs at 1 GHz (1 ns cycles) with 64-byte/cycle SRAMs of latency 1;
// the DRAM is the ddr4_2400_x16 preset (0.833 ns DRAM cycles; CL 17, tRCD 17, tCCD_L 6, a
// 4-cycle burst). A DRAM cycle d ends within accelerator cycle ceil(d * 0.833).
#include <gtest/gtest.h>

#include <vector>

#include "tests/support/accelerator_bench.h"

namespace accelsim::testing {
namespace {

using isa::Memory;

hardware::HardwareConfig detailed_dram() {
  hardware::HardwareConfig hw = bench_hardware();
  hw.dram.model = hardware::DramModel::Detailed;
  return hw;
}

TEST(DramModule, AStreamedWeightLoadHitsItsRowAndKeepsTheQueueFull) {
  // 1024 bytes DRAM -> weight SRAM in four 256-byte bursts = 16 requests of 64 bytes, all in
  // row 0 of bank 0. Each burst's port is free once its requests are queued (cycle 0), so the
  // DMA offers all four at once: ACT at 0, READs every tCCD_L = 6 from tRCD = 17, the last at
  // 17 + 15 * 6 = 107; its data ends at 107 + 17 + 4 = 128 DRAM cycles = 106.6 ns: cycle 107.
  // The SRAM writes follow each burst's first data (bursts 2-4 at DRAM 62, 86, 110: cycles 52,
  // 72, 92; 4 + 1 cycles each) and end before: the load takes 107 cycles.
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 0, 1024);
  writer.add(ProgramWriter::load_weights(0, 0, 1024, slot));
  AcceleratorBench bench(detailed_dram(), pointwise_network(4, 10, 4), writer.finish(1024));
  std::vector<uint8_t> pattern(1024);
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<uint8_t>(i * 13);
  bench.accelerator().dram().backdoor_write(0, pattern.data(), pattern.size());
  EXPECT_EQ(bench.run(), 107u);
  std::vector<uint8_t> copied(1024);
  bench.accelerator().weight_sram().backdoor_read(0, copied.data(), copied.size());
  EXPECT_EQ(copied, pattern);

  // One activate opened the row; the 15 reads after the first found it open. The bytes are
  // counted once, by the DRAM (MemoryTarget), as under the flat model.
  const auto& layer = *bench.stats().layers[0];
  EXPECT_EQ(layer.value("dram_activates"), 1);
  EXPECT_EQ(layer.value("dram_precharges"), 0);
  EXPECT_EQ(layer.value("dram_read_accesses"), 16);
  EXPECT_EQ(layer.value("dram_write_accesses"), 0);
  EXPECT_EQ(layer.value("dram_row_hits"), 15);
  EXPECT_EQ(layer.value("dram_read_bytes"), 1024);
  EXPECT_DOUBLE_EQ(layer.formula("dram_row_hit_rate"), 15.0 / 16.0);
  // Energy of the commands (x16 preset, 4 chips, 1.2 V, tCK 0.833 ns: 3.9984 pJ per mA-cycle):
  // the activate (IDD0 - IDD3N) * tRAS = (80 - 47) * 39 = 1287 mA-cycles = 5145.9 pJ; 16 reads
  // of (IDD4R - IDD3N) * 4 = 784 mA-cycles = 3134.7 pJ each.
  EXPECT_NEAR(layer.formula("dram_energy_activate_pj"), 1287 * 3.9984, 1e-6);
  EXPECT_NEAR(layer.formula("dram_energy_read_pj"), 16 * 784 * 3.9984, 1e-6);
  // Background from the rank's own state: the row is open from the ACT at DRAM cycle 0 to the
  // layer's end at cycle 107 = DRAM cycle floor(107 / 0.833) = 128, too short to power down
  // (idle from 129, 64 cycles before power-down): 128 cycles of active standby, IDD3N = 47 mA,
  // 47 * 128 * 3.9984 pJ. No refresh falls due (tREFI 9360).
  EXPECT_EQ(layer.value("dram_active_standby_cycles"), 128);
  EXPECT_EQ(layer.value("dram_precharged_standby_cycles"), 0);
  EXPECT_EQ(layer.value("dram_refreshes"), 0);
  EXPECT_NEAR(layer.formula("dram_energy_background_pj"), 47 * 128 * 3.9984, 1e-6);
  // The VPP estimate beside it: one activate at 2.5 * (4 - 3) * 56 * 0.833 * 4 = 466.48 pJ and
  // 128 cycles of 0.833 ns at 2.5 V * 3 mA * 4 chips = 30 mW: 3198.72 pJ. Not in energy_dram_pj.
  EXPECT_NEAR(layer.formula("dram_vpp_estimate_pj"), 466.48 + 128 * 0.833 * 30, 1e-6);
  EXPECT_DOUBLE_EQ(layer.formula("energy_dram_pj"),
                   layer.formula("dram_energy_activate_pj") + layer.formula("dram_energy_read_pj") +
                       layer.formula("dram_energy_write_pj") + layer.formula("dram_energy_refresh_pj") +
                       layer.formula("dram_energy_background_pj"));
}

TEST(DramModule, TheFlatModelRegistersNoDetailedStatistics) {
  // model: simple keeps the statistics it always had, so its stats.json does not change.
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 0, 64);
  writer.add(ProgramWriter::load_weights(0, 0, 64, slot));
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 10, 4), writer.finish(64));
  bench.run();
  const auto& layer = *bench.stats().layers[0];
  EXPECT_EQ(layer.find("dram_activates"), nullptr);
  EXPECT_EQ(layer.find("dram_row_hits"), nullptr);
  EXPECT_EQ(layer.value("dram_read_bytes"), 64);
  // 64 bytes at bench_hardware's energy_pj_per_byte of 100 pJ.
  EXPECT_DOUBLE_EQ(layer.formula("energy_dram_pj"), 64 * 100.0);
}

}  // namespace
}  // namespace accelsim::testing
