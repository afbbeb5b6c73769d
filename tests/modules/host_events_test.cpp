// The host events the units count (modules::HostEvents): TLM transactions and thread
// resumptions, derived by hand for one instruction of each kind on bench_hardware() (see
// accelerator_timing_test.cpp for the same programs' cycles).
#include <gtest/gtest.h>

#include "tests/support/accelerator_bench.h"

namespace accelsim::testing {
namespace {

using isa::Memory;

TEST(HostEvents, OneComputeTileCountsItsAccessesAndOneWaitForItsCycles) {
  // The 1x1 convolution tile M=10, K=4, N=4 (17 cycles). Its TLM transactions: one read of the
  // packed weights, one strided read of the input channels' row runs (4 channels, one
  // transaction: StridedAccess), no bias, no accumulator read (the tile starts the sum), one
  // write of the partial sums: 1 + 1 + 1 = 3.
  // Thread resumptions: the PE array waits once for its 17 cycles, and at most once more for
  // the instruction to arrive (whether its first read of the queue finds it there depends on
  // which thread the kernel starts first).
  ProgramWriter writer;
  const auto weights = writer.buffer("w", Memory::WeightSram, 0, 16);
  const auto input = writer.buffer("in", Memory::ActivationSram, 0, 40);
  const auto acc = writer.buffer("acc", Memory::Accumulator, 0, 160);
  writer.add(ProgramWriter::compute(10, 4, 4, 0, 0, 0, weights, input, acc));
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 10, 4), writer.finish(64));
  ASSERT_EQ(bench.run(), 17u);
  const modules::HostEvents& events = bench.accelerator().host_events();
  EXPECT_EQ(events.tlm_transactions, 3u);
  EXPECT_GE(events.thread_resumptions, 1u);
  EXPECT_LE(events.thread_resumptions, 2u);
}

TEST(HostEvents, ADmaTransferMakesOneTransactionOnEachSide) {
  // 1000 bytes DRAM -> weight SRAM in bursts of 256 bytes (dma.burst_bytes): ceil(1000 / 256)
  // = 4 bursts, all in one read transaction of the DRAM and one write of the SRAM
  // (BurstTransfer): 2 transactions.
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 0, 1000);
  writer.add(ProgramWriter::load_weights(0, 0, 1000, slot));
  auto hardware = bench_hardware();
  ASSERT_EQ(hardware.dma.burst_bytes, 256);
  AcceleratorBench bench(hardware, pointwise_network(4, 10, 4), writer.finish(1024));
  bench.run();
  EXPECT_EQ(bench.accelerator().host_events().tlm_transactions, 2u);
}

// Sees nothing: only there so that the memories have an observer.
struct IgnoredAccesses : modules::MemoryAccessObserver {
  void accessed(const modules::MemoryTarget&, const modules::MemoryAccess&) override {}
};

TEST(HostEvents, AnObservedDmaTransferMakesOneTransactionPerBurstOnEachSide) {
  // The same transfer with the memories observed (tracing): burst by burst, a read of the DRAM
  // and a write of the SRAM for each of the 4 bursts: 8 transactions.
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 0, 1000);
  writer.add(ProgramWriter::load_weights(0, 0, 1000, slot));
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 10, 4), writer.finish(1024));
  IgnoredAccesses ignored;
  bench.accelerator().observe_memories(&ignored);
  bench.run();
  EXPECT_EQ(bench.accelerator().host_events().tlm_transactions, 8u);
  bench.accelerator().observe_memories(nullptr);
}

}  // namespace
}  // namespace accelsim::testing
