#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/isa/tile_program.h"
#include "modules/controller/scoreboard.h"

namespace accelsim::modules {

// Turns the buffers an instruction reads and writes into dependencies on earlier instructions:
// a read waits for the buffer's writers (RAW), a write for its readers and writers since the
// last write (WAR, WAW). Units run in order, so per unit only the latest instruction matters.
// Buffers whose address ranges overlap in one memory (feature-map regions reused once their
// layer's readers are done) are one location for writes: a write also waits for every other
// unit's latest reader and writer of each buffer it overlaps.
class HazardTracker {
 public:
  explicit HazardTracker(std::size_t buffers) : buffers_(buffers), overlapping_(buffers) {}
  explicit HazardTracker(const std::vector<isa::Buffer>& buffers);

  // Fills d.dependencies for `instruction` (issued to `unit` with id d.id) and records it.
  void track(const isa::Instruction& instruction, isa::Unit unit, Dispatched& d);

 private:
  struct Accessors {
    std::array<int64_t, isa::kUnitCount> latest;
    Accessors() { latest.fill(-1); }
    bool any() const {
      for (int64_t id : latest)
        if (id >= 0) return true;
      return false;
    }
    void clear() { latest.fill(-1); }
  };
  struct BufferState {
    Accessors writers;
    Accessors readers;
  };

  static void depend_on(const Accessors& accessors, int skip_unit, uint64_t self, Dispatched& d);

  std::vector<BufferState> buffers_;
  std::vector<std::vector<std::size_t>> overlapping_;  // per buffer: the others sharing an address
};

}  // namespace accelsim::modules
