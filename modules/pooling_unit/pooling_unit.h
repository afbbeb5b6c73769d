#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <vector>

#include "core/hardware/hardware_config.h"
#include "modules/common/host_buffer.h"
#include "modules/common/layer_geometry.h"
#include "modules/controller/execution_unit.h"

namespace accelsim::modules {

// Max and average pooling over the stored activation values: reads the input feature map from
// the activation SRAM, compares or adds one window element per lane per cycle, writes the
// pooled map (PoolingDatapath holds the arithmetic).
class PoolingUnit : public ExecutionUnit {
 public:
  tlm_utils::simple_initiator_socket<PoolingUnit> activation_port;

  PoolingUnit(sc_core::sc_module_name name, const UnitContext& context, const hardware::PoolingUnitConfig& config,
              const std::vector<LayerGeometry>& layers);

 private:
  void execute(const Dispatched& d) override;

  hardware::PoolingUnitConfig config_;
  const std::vector<LayerGeometry>& layers_;
  HostBuffer<uint8_t> input_, output_;
  HostBuffer<uint8_t> band_;  // a streamed band as read, before it is placed in input_
  stats::LayerCounter comparisons_;
  stats::LayerCounter busy_cycles_;
};

}  // namespace accelsim::modules
