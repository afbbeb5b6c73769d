#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <memory>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "core/isa/tile_program.h"
#include "modules/common/layer_geometry.h"
#include "modules/controller/execution_unit.h"
#include "modules/pe_array/tile_datapath.h"
#include "modules/pe_array/timing/array_timing.h"

namespace accelsim::modules {

// The R x C PE array. For each Compute instruction it reads the tile's weights (and bias) from
// the weight SRAM, the input rows from the activation SRAM and, when accumulating, the partial
// sums from the accumulator; computes the tile; writes the partial sums back. Time advances by
// the timing model's cycles for the tile (timing/, chosen by name), or by the memories'
// delivery time when they cannot keep up (the difference is a memory stall).
class PeArray : public ExecutionUnit {
 public:
  tlm_utils::simple_initiator_socket<PeArray> weight_port;
  tlm_utils::simple_initiator_socket<PeArray> activation_port;
  tlm_utils::simple_initiator_socket<PeArray> accumulator_port;

  PeArray(sc_core::sc_module_name name, const UnitContext& context, const hardware::PeArrayConfig& config,
          const std::vector<LayerGeometry>& layers, const isa::TileProgram& program);

 private:
  void execute(const Dispatched& d) override;
  void waited(const Dispatched& d, uint64_t cycles) override;

  const std::vector<LayerGeometry>& layers_;
  std::unique_ptr<ArrayTiming> timing_;
  TileDatapath datapath_;
  std::vector<uint8_t> weights_;
  std::vector<int32_t> bias_;
  std::vector<int32_t> accumulators_;
  std::vector<int64_t> partial_;
  InputSlice input_;
  stats::LayerCounter macs_;
  stats::LayerCounter compute_cycles_;
  stats::LayerCounter stall_cycles_;
};

}  // namespace accelsim::modules
