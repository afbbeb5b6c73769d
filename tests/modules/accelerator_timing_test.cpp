// Micro-timing of the accelerator's units on hand-written tile programs. Every expected cycle
// count is derived in the comment above it, from bench_hardware(): a 4x4 weight-stationary
// array with shadow weight registers, SRAMs of 64 bytes/cycle and 1 cycle latency, DRAM of
// 8 bytes/cycle and 10 cycles latency, 1 GHz.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/accelerator_bench.h"

namespace accelsim::testing {
namespace {

using isa::Memory;
using isa::Opcode;

TEST(AcceleratorTiming, OneTileThroughThePeArray) {
  // GEMM tile M=10, K=4, N=4 on the 4x4 array: one fold using all 4 rows and 4 columns.
  // Weight rows are written one per cycle (row r in cycle r); vectors stream from cycle 1,
  // row r delayed by r cycles, so row r's weights arrive just in time. The last vector
  // (t = 9) leaves the bottom of column 3 at the end of cycle 1 + 9 + 3 + 3 = 16: 17 cycles
  // (docs/timing.md). Memories keep up: weights 16 B (1 + 1 latency), inputs 4 x 10 B
  // (4 + 1), partial sums 160 B written (3 + 1): all under 17.
  ProgramWriter writer;
  const auto weights = writer.buffer("w", Memory::WeightSram, 0, 16);
  const auto input = writer.buffer("in", Memory::ActivationSram, 0, 40);
  const auto acc = writer.buffer("acc", Memory::Accumulator, 0, 160);
  writer.add(ProgramWriter::compute(10, 4, 4, 0, 0, 0, weights, input, acc));
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 10, 4), writer.finish(64));

  // Operands: w[n][k] = n + 1; a[k][m] = k - m (channel k, pixel m).
  std::vector<uint8_t> w(16), a(40);
  for (int n = 0; n < 4; ++n)
    for (int k = 0; k < 4; ++k) w[n * 4 + k] = static_cast<uint8_t>(n + 1);
  for (int k = 0; k < 4; ++k)
    for (int m = 0; m < 10; ++m) a[k * 10 + m] = static_cast<uint8_t>(static_cast<int8_t>(k - m));
  bench.accelerator().weight_sram().backdoor_write(0, w.data(), w.size());
  bench.accelerator().activation_sram().backdoor_write(0, a.data(), a.size());

  EXPECT_EQ(bench.run(), 17u);
  const auto& layer = *bench.stats().layers[0];
  EXPECT_EQ(layer.value("compute_cycles"), 17);
  EXPECT_EQ(layer.value("pe_stall_cycles"), 0);
  EXPECT_EQ(layer.value("macs"), 160);

  // acc[m][n] = (n + 1) * sum_k (k - m) = (n + 1) * (6 - 4m).
  std::vector<int32_t> partial(40);
  bench.accelerator().accumulator().backdoor_read(0, reinterpret_cast<uint8_t*>(partial.data()), 160);
  for (int m = 0; m < 10; ++m)
    for (int n = 0; n < 4; ++n) EXPECT_EQ(partial[m * 4 + n], (n + 1) * (6 - 4 * m)) << "m " << m << " n " << n;
}

TEST(AcceleratorTiming, ATileWhoseInputsCannotKeepUpStallsOnMemory) {
  // The same tile with an activation SRAM of 1 byte/cycle: the 40 input bytes take 40 cycles
  // plus 1 of latency = 41 > the array's 17. The tile takes 41 cycles, 24 of them stalled.
  ProgramWriter writer;
  const auto weights = writer.buffer("w", Memory::WeightSram, 0, 16);
  const auto input = writer.buffer("in", Memory::ActivationSram, 0, 40);
  const auto acc = writer.buffer("acc", Memory::Accumulator, 0, 160);
  writer.add(ProgramWriter::compute(10, 4, 4, 0, 0, 0, weights, input, acc));
  auto hw = bench_hardware();
  hw.activation_sram.banks = 1;
  hw.activation_sram.port_bytes = 1;
  AcceleratorBench bench(hw, pointwise_network(4, 10, 4), writer.finish(64));
  EXPECT_EQ(bench.run(), 41u);
  EXPECT_EQ(bench.stats().layers[0]->value("compute_cycles"), 17);
  EXPECT_EQ(bench.stats().layers[0]->value("pe_stall_cycles"), 24);
}

TEST(AcceleratorTiming, OneDramTransferPaysLatencyAndBandwidth) {
  // 1000 bytes DRAM -> weight SRAM. DRAM: ceil(1000/8) = 125 cycles + 10 latency = 135.
  // The SRAM write starts when the first bytes arrive (cycle 10): ceil(1000/64) = 16 cycles
  // + 1 latency, done at 27. The transfer ends with the slower side: 135.
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 0, 1000);
  writer.add(ProgramWriter::load_weights(0, 0, 1000, slot));
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 10, 4), writer.finish(1024));
  std::vector<uint8_t> pattern(1000);
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<uint8_t>(i * 7);
  bench.accelerator().dram().backdoor_write(0, pattern.data(), pattern.size());
  EXPECT_EQ(bench.run(), 135u);
  std::vector<uint8_t> copied(1000);
  bench.accelerator().weight_sram().backdoor_read(0, copied.data(), copied.size());
  EXPECT_EQ(copied, pattern);
  EXPECT_EQ(bench.stats().layers[0]->value("dram_weight_read_bytes"), 1000);
}

// Two weight blocks of 16 bytes, each used by one tile of M=40, K=4, N=4.
//   load (DMA): DRAM ceil(16/8) = 2 + 10 latency = 12; SRAM side 10 + 1 + 1 = 12. 12 cycles.
//   tile (PE):  1 + 40 + 4 + 4 - 2 = 47 cycles; memories: inputs 4 x 40 B = 4 + 1,
//               partial sums 640 B = 10 + 1: under 47.
isa::TileProgram two_block_program(bool double_buffered, int64_t m) {
  ProgramWriter writer;
  const auto slot0 = writer.buffer("w0", Memory::WeightSram, 0, 16);
  const auto slot1 = double_buffered ? writer.buffer("w1", Memory::WeightSram, 16, 16) : slot0;
  const auto input = writer.buffer("in", Memory::ActivationSram, 0, static_cast<uint64_t>(4 * m));
  const auto acc0 = writer.buffer("acc0", Memory::Accumulator, 0, 640);
  const auto acc1 = writer.buffer("acc1", Memory::Accumulator, 640, 640);
  const uint64_t second = double_buffered ? 16 : 0;
  writer.add(ProgramWriter::load_weights(0, 0, 16, slot0));
  writer.add(ProgramWriter::compute(m, 4, 4, 0, 0, 0, slot0, input, acc0));
  writer.add(ProgramWriter::load_weights(64, second, 16, slot1));
  writer.add(ProgramWriter::compute(m, 4, 4, second, 0, 640, slot1, input, acc1));
  return writer.finish(128);
}

TEST(AcceleratorTiming, DoubleBufferedLoadHidesUnderCompute) {
  // load0 [0, 12]; tile0 [12, 59]; load1 goes to the other buffer right after load0: DRAM
  // [12, 14) + 10 = 24, done long before tile0 ends; tile1 [59, 106].
  // Total 106 = 12 + 47 + 47: the second load is hidden.
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 40, 4), two_block_program(true, 40));
  EXPECT_EQ(bench.run(), 106u);
  const auto& executed = bench.executed();
  ASSERT_EQ(executed.size(), 4u);
  const auto load1 =
      std::find_if(executed.begin(), executed.end(), [](const ExecutedInstruction& e) { return e.id == 2; });
  ASSERT_NE(load1, executed.end());
  EXPECT_EQ(load1->op, Opcode::LoadWeights);
  EXPECT_EQ(load1->end, 24u);
}

TEST(AcceleratorTiming, SingleBufferedLoadWaitsForTheTileBeforeIt) {
  // One buffer: load1 overwrites what tile0 reads, so it waits for tile0 to finish.
  // load0 [0, 12]; tile0 [12, 59]; load1 [59, 71]; tile1 [71, 118]. Total 118.
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 40, 4), two_block_program(false, 40));
  EXPECT_EQ(bench.run(), 118u);
}

TEST(AcceleratorTiming, DoubleBufferingCannotHideALoadLongerThanTheTile) {
  // DRAM at 1 byte/cycle: a load takes 16 + 10 = 26 cycles. Tiles of M=4 take
  // 1 + 4 + 4 + 4 - 2 = 11 cycles (inputs 4 x 4 B, partial sums 64 B: fast enough).
  // load0 [0, 26]; tile0 [26, 37]; load1 [26, ...]: DRAM [26, 42) + 10 = 52; tile1 [52, 63].
  // Total 63 = 26 + 26 + 11: the DMA, not the array, sets the pace.
  auto hw = bench_hardware();
  hw.dram.bandwidth_bytes_per_cycle = 1;
  AcceleratorBench bench(hw, pointwise_network(4, 4, 4), two_block_program(true, 4));
  EXPECT_EQ(bench.run(), 63u);
  EXPECT_EQ(bench.stats().layers[0]->value("pe_stall_cycles"), 26 + 15);  // waits for load0, then for load1
}

// A long weight load into one part of the weight SRAM while the PE array computes from
// another (its weights already there): tile0 and tile1, M=40, K=4, N=4, 47 cycles each.
isa::TileProgram load_beside_two_tiles() {
  ProgramWriter writer;
  const auto big = writer.buffer("big", Memory::WeightSram, 1024, 8192);
  const auto weights = writer.buffer("w", Memory::WeightSram, 0, 16);
  const auto input = writer.buffer("in", Memory::ActivationSram, 0, 160);
  const auto acc0 = writer.buffer("acc0", Memory::Accumulator, 0, 640);
  const auto acc1 = writer.buffer("acc1", Memory::Accumulator, 640, 640);
  writer.add(ProgramWriter::load_weights(0, 1024, 8192, big));
  writer.add(ProgramWriter::compute(40, 4, 4, 0, 0, 0, weights, input, acc0));
  writer.add(ProgramWriter::compute(40, 4, 4, 0, 0, 640, weights, input, acc1));
  return writer.finish(8192);
}

uint64_t end_of(const AcceleratorBench& bench, uint64_t id) {
  for (const auto& e : bench.executed())
    if (e.id == id) return e.end;
  ADD_FAILURE() << "instruction " << id << " did not run";
  return 0;
}

TEST(AcceleratorTiming, ALongLoadLeavesTheSramToThePeArrayBetweenBursts) {
  // The load goes in 256-byte bursts: burst i is read from DRAM in [32i, 32i + 32) and arrives
  // by 32i + 42; its write takes 256 / 64 = 4 cycles of the weight SRAM's port from when its
  // first bytes arrive: [10, 14) for burst 0, [32i + 10, 32i + 14) for burst i. The load ends
  // with the last burst's DRAM read: 8192 / 8 + 10 = 1034.
  // tile0 [0, 47). tile1 starts at 47 and reads its 16 weight bytes in a gap between bursts
  // ([42, 46) and [74, 78) are booked): [47, 48), delivered at 49, in time. tile1 [47, 94),
  // no stall.
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 40, 4), load_beside_two_tiles());
  EXPECT_EQ(bench.run(), 1034u);
  EXPECT_EQ(end_of(bench, 0), 1034u);
  EXPECT_EQ(end_of(bench, 2), 94u);
  EXPECT_EQ(bench.stats().layers[0]->value("pe_stall_cycles"), 0);
}

TEST(AcceleratorTiming, ALoadInOneBurstLocksTheSramUntilItIsWritten) {
  // The same with burst_bytes = 8192: one write of 8192 / 64 = 128 cycles from cycle 10 holds
  // the weight SRAM's port in [10, 138). tile1's weight read, made at 47, gets [138, 139) and
  // arrives at 140: tile1 ends at 140 instead of 94, 46 cycles stalled.
  auto hw = bench_hardware();
  hw.dma.burst_bytes = 8192;
  AcceleratorBench bench(hw, pointwise_network(4, 40, 4), load_beside_two_tiles());
  EXPECT_EQ(bench.run(), 1034u);
  EXPECT_EQ(end_of(bench, 2), 140u);
  EXPECT_EQ(bench.stats().layers[0]->value("pe_stall_cycles"), 46);
}

}  // namespace
}  // namespace accelsim::testing
