#pragma once

#include <systemc>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/isa/tile_program.h"
#include "modules/common/clock.h"
#include "modules/controller/execution_unit.h"
#include "modules/controller/hazard_tracker.h"
#include "modules/controller/scoreboard.h"
#include "modules/controller/unit_context.h"

namespace accelsim::modules {

// What the controller tells the testbench, at the simulated time it happens.
struct ControllerEvents {
  // The layer's output for the image is complete in the activation SRAM: every instruction
  // that writes it has finished and none that reads it has started. The place to check it, or
  // to inject a fault that its consumers (the next layer, the logits' store) must see.
  std::function<void(int64_t image, int layer)> output_written;
  std::function<void(int64_t image, int layer)> layer_done;  // the layer's last instruction for the image finished
  std::function<void(int64_t image)> image_started;          // its first instruction was issued
  std::function<void(int64_t image)> image_done;             // its logits are in DRAM
};

// Walks the tile program: the prologue once, then each image's instructions in order, issuing
// each to its unit's queue with the dependencies its buffers imply. Blocks when a queue is full.
// It owns the per-layer figures of the whole accelerator: the instructions completed and the
// cycles attributed to each layer (from the previous layer's end to its own).
class Controller : public sc_core::sc_module {
 public:
  Controller(sc_core::sc_module_name name, const isa::TileProgram& program, int64_t images,
             std::array<ExecutionUnit*, isa::kUnitCount> units, const UnitContext& context, ControllerEvents events);

  bool finished() const { return images_done_ == images_; }
  // The cycle the last layer boundary was reached: at the end, the whole run's length.
  uint64_t last_layer_end() const { return last_boundary_; }
  // Notified when the last image is done.
  const sc_core::sc_event& finished_event() const { return finished_event_; }
  // Which images and layers are still open, for a stuck simulation's error message.
  std::string outstanding() const;

 private:
  void run();
  void issue(const isa::Instruction& instruction, int64_t image);
  void completed(const Dispatched& d);
  void finish_layer(int64_t image, int layer);
  void output_written(int64_t image, int layer);

  const isa::TileProgram& program_;
  int64_t images_;
  std::array<ExecutionUnit*, isa::kUnitCount> units_;
  Scoreboard& scoreboard_;
  ControllerEvents events_;
  HazardTracker hazards_;
  uint64_t next_id_ = 0;
  struct LayerProgress {
    int64_t writers_left = 0;       // instructions that write the layer's output (all but the logits' store)
    int64_t instructions_left = 0;  // all of the layer's instructions
    bool finished = false;
  };
  const Clock& clock_;
  HostEvents& host_events_;
  std::map<int64_t, std::vector<LayerProgress>> remaining_;  // per image in flight, per layer
  uint64_t last_boundary_ = 0;
  stats::LayerCounter cycles_;
  stats::LayerCounter instructions_;
  int64_t images_done_ = 0;
  int64_t images_issued_ = 0;
  sc_core::sc_event parked_;  // never notified
  sc_core::sc_event finished_event_;
};

}  // namespace accelsim::modules
