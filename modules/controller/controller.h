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

namespace accelsim::modules {

// What the controller tells the testbench, at the simulated time it happens.
struct ControllerEvents {
  std::function<void(int64_t image, int layer)> layer_done;  // the layer's last instruction for the image finished
  std::function<void(int64_t image)> image_started;          // its first instruction was issued
  std::function<void(int64_t image)> image_done;             // its logits are in DRAM
};

// Walks the tile program: the prologue once, then each image's instructions in order, issuing
// each to its unit's queue with the dependencies its buffers imply. Blocks when a queue is full.
class Controller : public sc_core::sc_module {
 public:
  Controller(sc_core::sc_module_name name, const isa::TileProgram& program, int64_t images,
             std::array<ExecutionUnit*, isa::kUnitCount> units, Scoreboard& scoreboard, ControllerEvents events);

  bool finished() const { return images_done_ == images_; }
  // Notified when the last image is done.
  const sc_core::sc_event& finished_event() const { return finished_event_; }
  // Which images and layers are still open, for a stuck simulation's error message.
  std::string outstanding() const;

 private:
  void run();
  void issue(const isa::Instruction& instruction, int64_t image);
  void completed(const Dispatched& d);
  void finish_layer(int64_t image, int layer);

  const isa::TileProgram& program_;
  int64_t images_;
  std::array<ExecutionUnit*, isa::kUnitCount> units_;
  Scoreboard& scoreboard_;
  ControllerEvents events_;
  HazardTracker hazards_;
  uint64_t next_id_ = 0;
  std::map<int64_t, std::vector<int64_t>> remaining_;  // per image in flight: instructions left per layer
  int64_t images_done_ = 0;
  int64_t images_issued_ = 0;
  sc_core::sc_event parked_;  // never notified
  sc_core::sc_event finished_event_;
};

}  // namespace accelsim::modules
