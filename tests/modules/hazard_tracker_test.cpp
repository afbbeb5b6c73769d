// The controller's hazard rules on hand-written instruction lists: which earlier instructions
// each new one must wait for. Ids are the order of issue; every expected list is worked out in
// the comment above it from three rules (modules/controller/hazard_tracker.h):
//   RAW: a read waits for the buffer's latest writer in each other unit;
//   WAR, WAW: a write to a buffer that has been read since its last write starts a new
//     generation and waits for every other unit's latest reader and writer of the old one;
//     a write to a buffer nobody has read yet waits only for other units' writers;
//   units run in order, so an instruction never waits for its own unit.
#include "modules/controller/hazard_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <initializer_list>
#include <vector>

namespace accelsim::modules {
namespace {

using isa::BufferId;
using isa::Opcode;
using Ids = std::vector<uint64_t>;

// Issues instructions to a HazardTracker the way the controller does, one id after another.
class Issuer {
 public:
  explicit Issuer(std::size_t buffers) : tracker_(buffers) {}
  explicit Issuer(const std::vector<isa::Buffer>& buffers) : tracker_(buffers) {}

  // Returns the dependencies of the next instruction (sorted), which reads and writes `reads`
  // and `writes` and runs on the unit of `op`.
  Ids issue(Opcode op, std::initializer_list<BufferId> reads, std::initializer_list<BufferId> writes) {
    isa::Instruction& instruction = instructions_.emplace_back();
    instruction.op = op;
    std::copy(reads.begin(), reads.end(), instruction.reads.begin());
    std::copy(writes.begin(), writes.end(), instruction.writes.begin());
    Dispatched d;
    d.instruction = &instruction;
    d.id = next_id_++;
    tracker_.track(instruction, isa::unit_of(op), d);
    Ids ids(d.dependencies.begin(), d.dependencies.begin() + d.dependency_count);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

 private:
  HazardTracker tracker_;
  std::deque<isa::Instruction> instructions_;  // stable addresses, as the program's are
  uint64_t next_id_ = 0;
};

// Buffers of a small layer: weights, input, accumulator, output feature map.
constexpr BufferId kWeights = 0, kInput = 1, kAccumulator = 2, kOutput = 3;

TEST(HazardTracker, AReadWaitsForTheWriterOfWhatItReads) {
  // #0 DMA writes the weights, #1 DMA writes the input: no one has touched them: {}.
  // #2 PE reads both: RAW on the DMA's latest writer of each, #0 and #1; writes the
  //    accumulator, untouched: {0, 1}.
  // #3 requant reads the accumulator (RAW on #2), writes the output: {2}.
  // #4 pool reads the output (RAW on #3): {3}. It reads nothing the DMA wrote: not {0, 1, 3}.
  Issuer issuer(4);
  EXPECT_EQ(issuer.issue(Opcode::LoadWeights, {}, {kWeights}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::LoadInput, {}, {kInput}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::Compute, {kWeights, kInput}, {kAccumulator}), (Ids{0, 1}));
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {kAccumulator}, {kOutput}), Ids{2});
  EXPECT_EQ(issuer.issue(Opcode::Pool, {kOutput}, {}), Ids{3});
}

TEST(HazardTracker, AReadOfTwoBuffersFromOneWriterWaitsForItOnce) {
  // #0 DMA writes the weights and the input in one instruction; #1 PE reads both: RAW on #0
  // through each buffer, listed once: {0}.
  Issuer issuer(4);
  EXPECT_EQ(issuer.issue(Opcode::LoadWeights, {}, {kWeights, kInput}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::Compute, {kWeights, kInput}, {}), Ids{0});
}

TEST(HazardTracker, AWriteWaitsForTheLatestReaderOfTheOldContents) {
  // #0 DMA loads weight block 0 into the buffer: {}.
  // #1, #2 PE tiles read it: RAW on #0 each: {0}, {0}.
  // #3 DMA loads block 1 into the same buffer: WAR, it must wait for the PE's latest reader,
  //    #2 (#1 finishes before it, the PE is in order); the old writer #0 is the DMA itself: {2}.
  // #4 PE reads block 1: RAW on #3: {3}.
  Issuer issuer(4);
  EXPECT_EQ(issuer.issue(Opcode::LoadWeights, {}, {kWeights}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::Compute, {kWeights}, {}), Ids{0});
  EXPECT_EQ(issuer.issue(Opcode::Compute, {kWeights}, {}), Ids{0});
  EXPECT_EQ(issuer.issue(Opcode::LoadWeights, {}, {kWeights}), Ids{2});
  EXPECT_EQ(issuer.issue(Opcode::Compute, {kWeights}, {}), Ids{3});
}

TEST(HazardTracker, AWriteWaitsForAnotherUnitsWriteButNotForItsOwn) {
  // Writes to the output feature map with no read in between (one generation):
  // #0 requant writes it: {}.
  // #1 requant writes it again (another tile): its own unit is in order: {}.
  // #2 pool writes it: WAW on the requant unit's latest writer, #1: {1}.
  // #3 requant writes it: WAW on the pool unit's writer #2 (its own #1 needs no wait): {2}.
  Issuer issuer(4);
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {}, {kOutput}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {}, {kOutput}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::Pool, {}, {kOutput}), Ids{1});
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {}, {kOutput}), Ids{2});
}

TEST(HazardTracker, AWriteAfterAReadStartsAGenerationThatForgetsTheOldOne) {
  // The accumulator, written by the PE array and read by the requant unit:
  // #0 PE writes tile 0: {}.   #1 PE accumulates into it (same generation, same unit): {}.
  // #2 requant reads it: RAW on the PE's latest writer only, #1: {1}.
  // #3 PE writes the next tile: the buffer was read, so a new generation: WAR on the reader
  //    #2; the old writers are the PE's own: {2}.
  // #4 PE accumulates into the new generation: nobody has read it yet: {}.
  // #5 requant reads it: RAW on #4; #0 and #1 belong to the old generation: {4}.
  Issuer issuer(4);
  EXPECT_EQ(issuer.issue(Opcode::Compute, {}, {kAccumulator}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::Compute, {}, {kAccumulator}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {kAccumulator}, {}), Ids{1});
  EXPECT_EQ(issuer.issue(Opcode::Compute, {}, {kAccumulator}), Ids{2});
  EXPECT_EQ(issuer.issue(Opcode::Compute, {}, {kAccumulator}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {kAccumulator}, {}), Ids{4});
}

TEST(HazardTracker, ANewGenerationWaitsForTheOldReadersAndWriters) {
  // A feature map region written by the requant unit, read by the pooling unit, then
  // overwritten by the DMA (the next image's input):
  // #0 requant writes it: {}.   #1 pool reads it: RAW {0}.
  // #2 DMA writes it: a new generation waits for the old readers (pool #1) and the old
  //    writers (requant #0): {0, 1}.
  // #3 requant writes it: nobody read the new generation; WAW on the DMA's #2 only, the old
  //    generation (#0, #1) forgotten: {2}.
  Issuer issuer(4);
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {}, {kOutput}), Ids{});
  EXPECT_EQ(issuer.issue(Opcode::Pool, {kOutput}, {}), Ids{0});
  EXPECT_EQ(issuer.issue(Opcode::LoadInput, {}, {kOutput}), (Ids{0, 1}));
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {}, {kOutput}), Ids{2});
}

TEST(HazardTracker, AWriteWaitsForTheReadersOfEveryBufferItOverlaps) {
  // Feature-map regions of the activation SRAM, reused once read (mapper/mapper.cpp):
  // A = [0, 100) layer 0's output, B = [100, 150) layer 1's, C = [0, 60) layer 2's, inside A.
  const std::vector<isa::Buffer> buffers = {{"A", isa::Memory::ActivationSram, 0, 100},
                                            {"B", isa::Memory::ActivationSram, 100, 50},
                                            {"C", isa::Memory::ActivationSram, 0, 60}};
  constexpr BufferId A = 0, B = 1, C = 2;
  Issuer issuer(buffers);
  // #0 requant writes A: {}.
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {}, {A}), Ids{});
  // #1 pool reads A (RAW on #0), writes B, which overlaps nothing: {0}.
  EXPECT_EQ(issuer.issue(Opcode::Pool, {A}, {B}), Ids{0});
  // #2 requant writes C: C's own history is empty, but it overlaps A, whose latest reader is
  //    the pool's #1 (A's writer #0 is the requant unit itself): {1}. Without the overlap it
  //    would be {} and overwrite A under the pool's read.
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {}, {C}), Ids{1});
  // #3 pool reads C: RAW on #2: {2}.
  EXPECT_EQ(issuer.issue(Opcode::Pool, {C}, {}), Ids{2});
  // #4 requant writes A again (the next image): A's own old reader #1, and C's latest reader
  //    #3 (C's writer #2 is the requant unit itself). #1 is implied by #3 (the pool unit is in
  //    order) but listed: {1, 3}.
  EXPECT_EQ(issuer.issue(Opcode::Requantize, {}, {A}), (Ids{1, 3}));
  // #5 DMA writes B: B does not overlap A or C: only B's own reader, #1: {1}.
  EXPECT_EQ(issuer.issue(Opcode::LoadInput, {}, {B}), Ids{1});
}

}  // namespace
}  // namespace accelsim::modules
