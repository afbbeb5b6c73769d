#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/isa/tile_program.h"

namespace accelsim::trace {

// Bytes of live data in each on-chip memory over time, from the buffers the instructions read
// and write. A buffer (a region the mapper laid out: a weight slot, an input buffer, a feature
// map region, an accumulator buffer) holds live data from the start of the first instruction
// that writes a new generation into it until the end of the last instruction that reads that
// generation. A write after reads starts a new generation; a read-modify-write (accumulating
// into partial sums) continues the current one; the controller's hazards guarantee that a new
// generation's writes start only after the previous generation's reads end.
class BufferOccupancy {
 public:
  explicit BufferOccupancy(std::vector<isa::Buffer> buffers);

  void started(const isa::Instruction& instruction, uint64_t cycle);
  void executed(const isa::Instruction& instruction, uint64_t cycle);

  // Per memory, the occupied bytes as steps (cycle, bytes), cycles increasing, starting at 0.
  std::map<isa::Memory, std::vector<std::pair<uint64_t, uint64_t>>> steps() const;

 private:
  struct Generation {
    uint64_t begin = 0;
    uint64_t end = 0;
  };
  struct State {
    bool live = false;
    bool read_since_write = false;
    Generation current;
    std::vector<Generation> closed;
  };

  std::vector<isa::Buffer> buffers_;
  std::vector<State> states_;
};

}  // namespace accelsim::trace
