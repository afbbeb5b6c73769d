// A simulation that stops making progress ends with an error naming what is stuck and when,
// instead of hanging.
#include <gtest/gtest.h>

#include "sim/run/progress_watchdog.h"
#include "tests/support/accelerator_bench.h"

namespace accelsim::testing {
namespace {

using isa::Memory;

TEST(Watchdog, StopsATransferThatNeverFinishesAndNamesTheBusyUnit) {
  // A 1 MB load over a 1 byte/cycle DRAM takes 10^6 cycles; with a watchdog of 1,000 cycles
  // nothing finishes in the first window, so the run stops at cycle 1,000.
  auto hw = bench_hardware();
  hw.dram.bandwidth_bytes_per_cycle = 1;
  hw.weight_sram.capacity_bytes = 1 << 20;
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 0, 1 << 20);
  writer.add(ProgramWriter::load_weights(0, 0, 1 << 20, slot));
  AcceleratorBench bench(hw, pointwise_network(4, 4, 4), writer.finish(1 << 20));
  auto& watchdog = *new run::ProgressWatchdog("watchdog", bench.accelerator(), 1000);  // lives as long as the kernel
  bench.run();
  ASSERT_TRUE(watchdog.failure().has_value());
  const std::string& message = *watchdog.failure();
  EXPECT_NE(message.find("no instruction finished between cycle 0 and cycle 1000"), std::string::npos) << message;
  EXPECT_NE(message.find("image 0 waits on layer 0"), std::string::npos) << message;
  EXPECT_LT(sc_core::sc_time_stamp(), sc_core::sc_time(2, sc_core::SC_US));  // it did not run the 10^6 cycles
}

TEST(Watchdog, ARunThatFinishesIsLeftAlone) {
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 0, 64);
  writer.add(ProgramWriter::load_weights(0, 0, 64, slot));
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 4, 4), writer.finish(64));
  // The load takes 64 / 8 + 10 = 18 cycles; a 100-cycle window sees it finish.
  auto& watchdog = *new run::ProgressWatchdog("watchdog", bench.accelerator(), 100);
  EXPECT_EQ(bench.run(), 18u);
  EXPECT_FALSE(watchdog.failure().has_value());
  EXPECT_TRUE(bench.accelerator().controller().finished());
}

TEST(Watchdog, AProgramThatRunsDryBeforeFinishingIsReported) {
  // A mapper bug: the first load targets an address past the 64-byte weight SRAM. The DMA
  // halts with a fault, the second load never runs, and the simulation runs out of events with
  // the layer unfinished; the controller says what was left.
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 0, 64);
  auto outside = ProgramWriter::load_weights(0, 0, 64, slot);
  outside.target_address = 1 << 20;
  writer.add(outside);
  writer.add(ProgramWriter::load_weights(0, 0, 64, slot));
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 4, 4), writer.finish(64));
  sc_core::sc_start();  // not bench.run(): the fault is expected here
  EXPECT_FALSE(bench.accelerator().controller().finished());
  EXPECT_NE(bench.accelerator().controller().outstanding().find("image 0 waits on layer 0 (2 instructions left)"),
            std::string::npos)
      << bench.accelerator().controller().outstanding();
  ASSERT_TRUE(bench.accelerator().scoreboard().fault().has_value());
  EXPECT_NE(bench.accelerator().scoreboard().fault()->message.find("refused"), std::string::npos)
      << bench.accelerator().scoreboard().fault()->message;
}

}  // namespace
}  // namespace accelsim::testing
