// The DMA on hand-written transfers: the bytes it moves and its cycles, derived by hand from
// the memories' bandwidths and latencies and the burst size. How a transfer is timed
// (modules/dma/dma.cpp): it goes in bursts of `dma.burst_bytes`; burst i is read from the
// source as soon as burst i - 1 has left the source's port, and its write is requested when
// its first bytes arrive (the read's first port cycle plus the source's latency), queueing
// behind the previous write if the target's port is busy. The transfer ends when the last
// write or read has delivered its last byte.
#include <gtest/gtest.h>

#include <systemc>

#include <string>
#include <vector>

#include "tests/support/accelerator_bench.h"

namespace accelsim::testing {
namespace {

using isa::Memory;
using isa::Opcode;

isa::Instruction transfer(Opcode op, Memory source, uint64_t source_address, Memory target, uint64_t target_address,
                          uint64_t bytes, isa::BufferId buffer) {
  isa::Instruction in;
  in.op = op;
  in.source = source;
  in.source_address = source_address;
  in.target = target;
  in.target_address = target_address;
  in.bytes = bytes;
  (target == Memory::Dram ? in.reads[0] : in.writes[0]) = buffer;
  return in;
}

std::vector<uint8_t> pattern(std::size_t bytes) {
  std::vector<uint8_t> out(bytes);
  for (std::size_t i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(i * 7 + 3);
  return out;
}

// Records the port cycles of every write to one memory.
struct WriteRecorder : modules::MemoryAccessObserver {
  explicit WriteRecorder(std::string name) : memory(std::move(name)) {}
  void accessed(const modules::MemoryTarget& target, const modules::MemoryAccess& access) override {
    if (target.basename() == memory && access.write)
      writes.push_back({access.port_begin, access.port_end, access.delivered});
  }
  struct Write {
    uint64_t begin, end, delivered;
    bool operator==(const Write& o) const { return begin == o.begin && end == o.end && delivered == o.delivered; }
  };
  std::string memory;
  std::vector<Write> writes;
};

std::ostream& operator<<(std::ostream& out, const WriteRecorder::Write& w) {
  return out << "[" << w.begin << ", " << w.end << ") delivered " << w.delivered;
}

TEST(Dma, BurstsQueueOnASlowSramAndTheLastWriteEndsTheLoad) {
  // 200 bytes DRAM -> weight SRAM in 64-byte bursts (64, 64, 64, 8). DRAM 16 bytes/cycle,
  // latency 10; weight SRAM 4 bytes/cycle, latency 2.
  //   burst 0: read [0, 4); first bytes at 0 + 10 = 10; write 16 cycles [10, 26), delivered 28
  //   burst 1: read [4, 8); first bytes at 14, port busy: write [26, 42), delivered 44
  //   burst 2: read [8, 12); first bytes at 18: write [42, 58), delivered 60
  //   burst 3: read [12, 13) (8 bytes); first bytes at 22: write 2 cycles [58, 60), delivered 62
  // The last read is delivered at 23: the SRAM side ends the load, at 62
  // (= 10 for the first bytes + 200 / 4 on the SRAM's port + 2).
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 0, 200);
  writer.add(ProgramWriter::load_weights(0, 0, 200, slot));
  auto hw = bench_hardware();
  hw.dram.bandwidth_bytes_per_cycle = 16;
  hw.weight_sram.banks = 1;
  hw.weight_sram.port_bytes = 4;
  hw.weight_sram.latency_cycles = 2;
  hw.dma.burst_bytes = 64;
  AcceleratorBench bench(hw, pointwise_network(4, 10, 4), writer.finish(256));
  WriteRecorder writes("weight_sram");
  bench.accelerator().observe_memories(&writes);
  const auto data = pattern(200);
  bench.accelerator().dram().backdoor_write(0, data.data(), data.size());

  EXPECT_EQ(bench.run(), 62u);
  EXPECT_EQ(writes.writes, (std::vector<WriteRecorder::Write>{{10, 26, 28}, {26, 42, 44}, {42, 58, 60}, {58, 60, 62}}));
  std::vector<uint8_t> copied(200);
  bench.accelerator().weight_sram().backdoor_read(0, copied.data(), copied.size());
  EXPECT_EQ(copied, data);
}

TEST(Dma, BurstsPayTheDramLatencyOnce) {
  // 200 bytes DRAM -> activation SRAM (an image's input) in 64-byte bursts; DRAM 2 bytes/cycle,
  // latency 10; activation SRAM 64 bytes/cycle, latency 1. Each read is requested as the
  // previous one leaves the DRAM's port, so the reads are back to back: [0, 32), [32, 64),
  // [64, 96), [96, 100), and only the last one's latency shows: delivered at 110. The writes
  // (1 cycle each, from 10, 42, 74, 106) are delivered by 108. The load takes 110 cycles, not
  // the 140 of four bursts that each waited for the previous one's data.
  ProgramWriter writer;
  const auto input = writer.buffer("in", Memory::ActivationSram, 64, 200);
  writer.add(transfer(Opcode::LoadInput, Memory::Dram, 0, Memory::ActivationSram, 64, 200, input));
  auto hw = bench_hardware();
  hw.dram.bandwidth_bytes_per_cycle = 2;
  hw.dma.burst_bytes = 64;
  AcceleratorBench bench(hw, pointwise_network(4, 10, 4), writer.finish(256));
  const auto data = pattern(200);
  bench.accelerator().dram().backdoor_write(0, data.data(), data.size());

  EXPECT_EQ(bench.run(), 110u);
  std::vector<uint8_t> copied(200);
  bench.accelerator().activation_sram().backdoor_read(64, copied.data(), copied.size());
  EXPECT_EQ(copied, data);
}

TEST(Dma, AStoreToDramQueuesItsWritesOnTheDramPort) {
  // 200 bytes activation SRAM -> DRAM (the logits) in 64-byte bursts; activation SRAM
  // 64 bytes/cycle, latency 1; DRAM 8 bytes/cycle, latency 10.
  //   burst 0: read [0, 1); first bytes at 0 + 1 = 1; write 8 cycles [1, 9), delivered 19
  //   burst 1: read [1, 2); first bytes at 2, the DRAM port is busy: [9, 17), delivered 27
  //   burst 2: read [2, 3): write [17, 25), delivered 35
  //   burst 3: read [3, 4) (8 bytes): write 1 cycle [25, 26), delivered 36
  // 36 = 1 + 200 / 8 + 10.
  ProgramWriter writer;
  const auto logits = writer.buffer("logits", Memory::ActivationSram, 0, 200);
  writer.add(transfer(Opcode::StoreOutput, Memory::ActivationSram, 0, Memory::Dram, 128, 200, logits));
  auto hw = bench_hardware();
  hw.dma.burst_bytes = 64;
  AcceleratorBench bench(hw, pointwise_network(4, 10, 4), writer.finish(512));
  WriteRecorder writes("dram");
  bench.accelerator().observe_memories(&writes);
  const auto data = pattern(200);
  bench.accelerator().activation_sram().backdoor_write(0, data.data(), data.size());

  EXPECT_EQ(bench.run(), 36u);
  EXPECT_EQ(writes.writes, (std::vector<WriteRecorder::Write>{{1, 9, 19}, {9, 17, 27}, {17, 25, 35}, {25, 26, 36}}));
  std::vector<uint8_t> stored(200);
  bench.accelerator().dram().backdoor_read(128, stored.data(), stored.size());
  EXPECT_EQ(stored, data);
}

// A band of three rows of 100 bytes, 1000 apart in DRAM, 128 apart in a slow activation SRAM
// (4 bytes/cycle, latency 2); DRAM 8 bytes/cycle, latency 10; bursts of 64 bytes (64 + 36 per
// row). Returns the cycles; `writes` records the SRAM's writes (observed on the SRAM alone, or
// on every memory with `observe_all`, which makes the DMA book burst by burst).
uint64_t run_strided_band(bool observe_all, WriteRecorder& writes, uint64_t& transactions) {
  ProgramWriter writer;
  const auto band = writer.buffer("band", Memory::ActivationSram, 0, 356);
  isa::Instruction in = transfer(Opcode::LoadBand, Memory::Dram, 0, Memory::ActivationSram, 0, 300, band);
  in.chunks = 3;
  in.source_chunk_stride = 1000;
  in.target_chunk_stride = 128;
  writer.add(in);
  auto hw = bench_hardware();
  hw.activation_sram.banks = 1;
  hw.activation_sram.port_bytes = 4;
  hw.activation_sram.latency_cycles = 2;
  hw.dma.burst_bytes = 64;
  AcceleratorBench bench(hw, pointwise_network(4, 10, 4), writer.finish(4096));
  if (observe_all)
    bench.accelerator().observe_memories(&writes);
  else
    bench.accelerator().activation_sram().observe(&writes);
  const auto data = pattern(2100);
  bench.accelerator().dram().backdoor_write(0, data.data(), data.size());
  const uint64_t cycles = bench.run();
  for (uint64_t row = 0; row < 3; ++row) {
    std::vector<uint8_t> copied(100);
    bench.accelerator().activation_sram().backdoor_read(row * 128, copied.data(), copied.size());
    EXPECT_EQ(copied, std::vector<uint8_t>(data.begin() + static_cast<std::ptrdiff_t>(row * 1000),
                                           data.begin() + static_cast<std::ptrdiff_t>(row * 1000 + 100)))
        << "row " << row;
  }
  transactions = bench.accelerator().host_events().tlm_transactions;
  return cycles;
}

// The band's cycles, by hand. Reads (64 bytes: 8 cycles, 36: ceil(36 / 8) = 5), each requested
// as the previous one leaves the DRAM's port, first bytes 10 after its first port cycle:
//   [0, 8) first 10, [8, 13) 18, [13, 21) 23, [21, 26) 31, [26, 34) 36, [34, 39) 44; the last
//   delivered at 49.
// Writes (64 bytes: 16 cycles, 36: 9) requested at those first bytes, queueing on the SRAM:
//   [10, 26) delivered 28, [26, 35) 37, [35, 51) 53, [51, 60) 62, [60, 76) 78, [76, 85) 87.
// The load ends at 87 = 10 + 300 / 4 + 2.
const std::vector<WriteRecorder::Write> kBandWrites = {{10, 26, 28}, {26, 35, 37}, {35, 51, 53},
                                                       {51, 60, 62}, {60, 76, 78}, {76, 85, 87}};

TEST(Dma, AStridedBandIsMovedInOneTransactionPerSideWithTheCyclesOfItsBursts) {
  // Nobody observes the DRAM: the DMA moves the band as one read and one write transaction
  // (BurstTransfer), whose bursts get the cycles derived above.
  WriteRecorder writes("activation_sram");
  uint64_t transactions = 0;
  EXPECT_EQ(run_strided_band(false, writes, transactions), 87u);
  EXPECT_EQ(writes.writes, kBandWrites);
  EXPECT_EQ(transactions, 2u);
}

TEST(Dma, AStridedBandBookedBurstByBurstTakesTheSameCycles) {
  // Every memory observed: the DMA books burst by burst, two transactions per burst (6 bursts:
  // 12), with the same cycles.
  WriteRecorder writes("activation_sram");
  uint64_t transactions = 0;
  EXPECT_EQ(run_strided_band(true, writes, transactions), 87u);
  EXPECT_EQ(writes.writes, kBandWrites);
  EXPECT_EQ(transactions, 12u);
}

TEST(Dma, ALoadPastTheEndOfTheSramIsAFaultNamingItsPortAndAddress) {
  // 16 bytes into the bench's 65,536-byte weight SRAM at 65,530: the single burst's write is
  // refused. The DMA stops with a fault that names the address and its port to the weight SRAM
  // (dma.weight_port: the message is built from the initiator's socket, not the memory); the
  // load never completes and the SRAM's last bytes stay as they were.
  ProgramWriter writer;
  const auto slot = writer.buffer("w", Memory::WeightSram, 65530, 16);
  writer.add(ProgramWriter::load_weights(0, 65530, 16, slot));
  AcceleratorBench bench(bench_hardware(), pointwise_network(4, 10, 4), writer.finish(64));
  const auto data = pattern(16);
  bench.accelerator().dram().backdoor_write(0, data.data(), data.size());
  const std::vector<uint8_t> before(6, 0xA5);
  bench.accelerator().weight_sram().backdoor_write(65530, before.data(), before.size());

  sc_core::sc_start();  // not bench.run(), which reports a fault as a test failure
  const auto& fault = bench.accelerator().scoreboard().fault();
  ASSERT_TRUE(fault.has_value());
  EXPECT_FALSE(fault->bad_input);
  EXPECT_NE(fault->message.find("weight_port"), std::string::npos) << fault->message;
  EXPECT_NE(fault->message.find("16 bytes at address 65530"), std::string::npos) << fault->message;
  EXPECT_TRUE(bench.executed().empty());
  std::vector<uint8_t> after(6);
  bench.accelerator().weight_sram().backdoor_read(65530, after.data(), after.size());
  EXPECT_EQ(after, before);
}

}  // namespace
}  // namespace accelsim::testing
