// Live bytes per on-chip memory, from the buffers instructions read and write.
#include <gtest/gtest.h>

#include "sim/trace/buffer_occupancy.h"

namespace accelsim::trace {
namespace {

using isa::Memory;
using Steps = std::vector<std::pair<uint64_t, uint64_t>>;

isa::Instruction touching(std::vector<isa::BufferId> reads, std::vector<isa::BufferId> writes) {
  isa::Instruction in;
  for (std::size_t i = 0; i < reads.size(); ++i) in.reads[i] = reads[i];
  for (std::size_t i = 0; i < writes.size(); ++i) in.writes[i] = writes[i];
  return in;
}

TEST(BufferOccupancy, ABufferHoldsDataFromItsWriteToItsLastRead) {
  // Buffers: weights 0 (100 B), partial sums 1 (40 B), feature map 2 (30 B).
  BufferOccupancy occupancy(
      {{"w", Memory::WeightSram, 0, 100}, {"acc", Memory::Accumulator, 0, 40}, {"fm", Memory::ActivationSram, 0, 30}});
  auto run = [&](const isa::Instruction& in, uint64_t start, uint64_t end) {
    occupancy.started(in, start);
    occupancy.executed(in, end);
  };
  run(touching({}, {0}), 0, 10);       // load the weights
  run(touching({0}, {1}), 10, 20);     // first K block: writes partial sums
  run(touching({0, 1}, {1}), 20, 30);  // next K block accumulates: the same generation
  run(touching({1}, {2}), 30, 35);     // requantize: last read of the partial sums
  run(touching({0}, {1}), 40, 50);     // the next row tile: a new generation, never read

  const auto steps = occupancy.steps();
  EXPECT_EQ(steps.at(Memory::WeightSram), (Steps{{0, 100}, {50, 0}})) << "read last by the tile at 40..50";
  EXPECT_EQ(steps.at(Memory::Accumulator), (Steps{{0, 0}, {10, 40}, {35, 0}, {40, 40}, {50, 0}}));
  EXPECT_EQ(steps.at(Memory::ActivationSram), (Steps{{0, 0}, {30, 30}, {35, 0}}));
}

TEST(BufferOccupancy, SeveralWritersBeforeAnyReadFillOneGeneration) {
  // A layer's requantization tiles each write part of its output feature map.
  BufferOccupancy occupancy({{"fm", Memory::ActivationSram, 0, 64}});
  for (uint64_t t = 0; t < 3; ++t) {
    occupancy.started(touching({}, {0}), t * 10);
    occupancy.executed(touching({}, {0}), t * 10 + 5);
  }
  occupancy.started(touching({0}, {}), 40);
  occupancy.executed(touching({0}, {}), 60);
  EXPECT_EQ(occupancy.steps().at(Memory::ActivationSram), (Steps{{0, 64}, {60, 0}}));
}

}  // namespace
}  // namespace accelsim::trace
