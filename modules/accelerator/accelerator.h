#pragma once

#include <systemc>

#include <memory>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "core/isa/tile_program.h"
#include "core/stats/run_stats.h"
#include "modules/common/clock.h"
#include "modules/common/layer_geometry.h"
#include "modules/controller/controller.h"
#include "modules/controller/scoreboard.h"
#include "modules/dma/dma.h"
#include "modules/dram/dram.h"
#include "modules/pe_array/pe_array.h"
#include "modules/pooling_unit/pooling_unit.h"
#include "modules/requant_unit/requant_unit.h"
#include "modules/sram/sram.h"

namespace accelsim::modules {

// The whole accelerator of docs/architecture.md (the block diagram), wired: DRAM and DMA, the
// weight SRAM, the activation SRAM and the accumulator, the PE array, the requantization and
// pooling units, and the controller that runs the tile program. With `compute_values` false
// (a timing-only run) the units move the same bytes on the same schedule without computing.
class Accelerator : public sc_core::sc_module {
 public:
  Accelerator(sc_core::sc_module_name name, const hardware::HardwareConfig& hardware, const isa::TileProgram& program,
              std::vector<LayerGeometry> layers, int64_t images, stats::RunStats& stats, ControllerEvents events,
              bool compute_values = true);

  const Clock& clock() const { return clock_; }
  Dram& dram() { return dram_; }
  Sram& weight_sram() { return weight_sram_; }
  Sram& activation_sram() { return activation_sram_; }
  Sram& accumulator() { return accumulator_; }
  const Controller& controller() const { return controller_; }
  const Scoreboard& scoreboard() const { return scoreboard_; }
  // What the run has cost the host so far, in thread resumptions and TLM transactions.
  const HostEvents& host_events() const { return host_events_; }
  // Every unit reports each executed instruction to `observer` (null: nobody).
  void observe(InstructionObserver* observer);
  // The DRAM and the SRAMs report each timed access to `observer` (null: nobody); while one
  // watches, the DMA books its transfers burst by burst (Dma::book_burst_by_burst).
  void observe_memories(MemoryAccessObserver* observer);

 private:
  Clock clock_;
  std::vector<LayerGeometry> layers_;
  Scoreboard scoreboard_;
  HostEvents host_events_;
  UnitContext context_;
  // Each block registers its statistics as it is built, so this order is also the order of
  // the energy components in stats.json's sum (energy_pj): PE array, SRAMs, DRAM, units.
  PeArray pe_array_;
  Sram weight_sram_;
  Sram activation_sram_;
  Sram accumulator_;
  Dram dram_;
  RequantUnit requant_unit_;
  PoolingUnit pooling_unit_;
  Dma dma_;
  Controller controller_;
};

}  // namespace accelsim::modules
