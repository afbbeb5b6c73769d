#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <vector>

#include "core/hardware/hardware_config.h"
#include "modules/common/host_buffer.h"
#include "modules/common/layer_geometry.h"
#include "modules/controller/execution_unit.h"
#include "modules/requant_unit/requant_datapath.h"

namespace accelsim::modules {

// Drains an accumulator tile: reads the int32 partial sums, requantizes them with the layer's
// arithmetic (fused ReLU and clamp included) `lanes` per cycle, and writes the activations into
// the layer's output feature map in the activation SRAM. It also executes add layers: two
// feature maps read from the activation SRAM, summed element by element (AddDatapath).
class RequantUnit : public ExecutionUnit {
 public:
  tlm_utils::simple_initiator_socket<RequantUnit> accumulator_port;
  tlm_utils::simple_initiator_socket<RequantUnit> activation_port;

  RequantUnit(sc_core::sc_module_name name, const UnitContext& context, const hardware::RequantUnitConfig& config,
              const std::vector<LayerGeometry>& layers);

  // Cycles to requantize `outputs` values with `spec` (the pipeline, plus the divider's
  // latency in divide mode).
  uint64_t compute_cycles(int64_t outputs, const model::RequantSpec& spec) const;

 private:
  void execute(const Dispatched& d) override;
  void execute_add(const isa::Instruction& in);

  hardware::RequantUnitConfig config_;
  const std::vector<LayerGeometry>& layers_;
  std::vector<RequantDatapath> datapaths_;  // per layer
  std::vector<AddDatapath> add_datapaths_;  // per layer (used by add layers)
  HostBuffer<uint8_t> operand_a_, operand_b_;
  HostBuffer<int32_t> accumulators_;
  HostBuffer<uint8_t> outputs_;
  stats::LayerCounter ops_;
  stats::LayerCounter busy_cycles_;
  stats::LayerCounter multiplier_reads_;
};

}  // namespace accelsim::modules
