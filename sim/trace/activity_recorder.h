#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/isa/tile_program.h"
#include "modules/common/memory_target.h"
#include "modules/controller/execution_unit.h"
#include "sim/trace/buffer_occupancy.h"
#include "sim/trace/timeline.h"
#include "sim/trace/trace_options.h"
#include "sim/trace/vcd_recorder.h"

namespace accelsim::trace {

// What a timeline is labelled with.
struct TimelineLabel {
  std::string title;
  std::string generator;
  double clock_mhz = 0;
  uint64_t cycle_ps = 0;
};

// Watches the accelerator's units and memories while the simulation runs and turns what they
// do into the traces asked for: value changes for the VCD recorder (when there is one) and the
// timeline's slices and counters. Only the modules and the cycles the options select are kept.
// It never changes what it watches.
class ActivityRecorder : public modules::InstructionObserver, public modules::MemoryAccessObserver {
 public:
  ActivityRecorder(const TraceOptions& options, const isa::TileProgram& program, std::vector<std::string> layer_names,
                   VcdRecorder* vcd);

  void dequeued(const modules::ExecutionUnit& unit, const modules::Dispatched& d, uint64_t cycle) override;
  void started(const modules::ExecutionUnit& unit, const modules::Dispatched& d, uint64_t start_cycle) override;
  void busy_until(const modules::ExecutionUnit& unit, uint64_t end_cycle) override;
  void executed(const modules::ExecutionUnit& unit, const modules::Dispatched& d, uint64_t start_cycle,
                uint64_t end_cycle) override;
  void accessed(const modules::MemoryTarget& memory, const modules::MemoryAccess& access) override;

  // The timeline of the run that ended at `end_cycle` (call once, after the simulation).
  std::unique_ptr<Timeline> timeline(const TimelineLabel& label, uint64_t end_cycle);

 private:
  struct UnitActivity {
    const modules::ExecutionUnit* unit = nullptr;
    std::string module;
    bool traced = false;
    const VcdRecorder::UnitSignals* signals = nullptr;
    uint64_t dequeued = 0;
    uint64_t bytes_read = 0;
    uint64_t bytes_written = 0;
    int64_t tile = 0;
    std::map<std::pair<int64_t, int>, int64_t> tiles_done;  // (image, layer) -> instructions started
    std::vector<TimelineSlice> slices;
  };
  struct MemoryActivity {
    std::string module;
    bool traced = false;
    const VcdRecorder::MemorySignals* signals = nullptr;
    bool open = false;  // `current` is a run of back-to-back accesses of one kind, still growing
    TimelineSlice current;
    std::vector<TimelineSlice> slices;
    std::vector<std::pair<uint64_t, int64_t>> outstanding;  // DRAM: (cycle, +1 request / -1 answer)
  };

  UnitActivity& activity_of(const modules::ExecutionUnit& unit);
  MemoryActivity& activity_of(const modules::MemoryTarget& memory);
  UnitActivity* issuing_unit();
  void close_run(MemoryActivity& memory);
  CounterTrack windowed(CounterTrack counter, uint64_t end_cycle) const;

  TraceOptions options_;
  std::vector<std::string> layer_names_;
  VcdRecorder* vcd_;
  BufferOccupancy occupancy_;
  std::vector<std::unique_ptr<UnitActivity>> units_;
  std::vector<std::unique_ptr<MemoryActivity>> memories_;
  std::map<const modules::MemoryTarget*, MemoryActivity*> memory_index_;
};

}  // namespace accelsim::trace
