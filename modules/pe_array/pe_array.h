#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <memory>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "core/isa/tile_program.h"
#include "modules/common/layer_geometry.h"
#include "modules/controller/execution_unit.h"
#include "modules/pe_array/array_timing.h"
#include "modules/pe_array/systolic_array.h"
#include "modules/pe_array/tile_datapath.h"

namespace accelsim::modules {

// The R x C PE array. For each Compute instruction it reads the tile's weights (and bias) from
// the weight SRAM, the input rows from the activation SRAM and, when accumulating, the partial
// sums from the accumulator; computes the tile; writes the partial sums back. Time advances by
// the timing model's cycles for the tile, or by the memories' delivery time when they cannot
// keep up (the difference is a memory stall). With `timing: detailed` the per-cycle systolic
// array computes the tile and counts its cycles itself.
class PeArray : public ExecutionUnit {
 public:
  tlm_utils::simple_initiator_socket<PeArray> weight_port;
  tlm_utils::simple_initiator_socket<PeArray> activation_port;
  tlm_utils::simple_initiator_socket<PeArray> accumulator_port;

  PeArray(sc_core::sc_module_name name, const Clock& clock, Scoreboard& scoreboard, stats::RunStats& stats,
          int queue_depth, const hardware::PeArrayConfig& config, const std::vector<LayerGeometry>& layers,
          const isa::TileProgram& program);

 private:
  void execute(const Dispatched& d, stats::LayerStats& layer) override;
  void waited(const Dispatched& d, stats::LayerStats& layer, uint64_t cycles) override;
  // Runs the array on the gathered operands; returns its cycles.
  uint64_t compute(const isa::Instruction& tile);

  const std::vector<LayerGeometry>& layers_;
  std::unique_ptr<ArrayTiming> timing_;      // fast, scalesim
  std::unique_ptr<SystolicArray> detailed_;  // detailed
  TileDatapath datapath_;
  std::vector<uint8_t> weights_;
  std::vector<int32_t> bias_;
  std::vector<int32_t> accumulators_;
  std::vector<int64_t> partial_;
  InputSlice input_;
};

}  // namespace accelsim::modules
