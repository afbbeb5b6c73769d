#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <vector>

#include "modules/controller/execution_unit.h"

namespace accelsim::modules {

// Moves blocks between DRAM and the SRAMs: weights and inputs in, logits out. A transfer goes
// in bursts: each burst is one read and one write transaction, the write starting as the
// burst's first bytes arrive, so the two sides stream and the transfer ends when the slower
// side has delivered the last byte. Between bursts, other units reach the same memories: a
// long weight load does not lock the weight SRAM against the PE array.
class Dma : public ExecutionUnit {
 public:
  tlm_utils::simple_initiator_socket<Dma> dram_port;
  tlm_utils::simple_initiator_socket<Dma> weight_port;
  tlm_utils::simple_initiator_socket<Dma> activation_port;

  Dma(sc_core::sc_module_name name, const UnitContext& context, uint64_t burst_bytes);

 private:
  void execute(const Dispatched& d) override;
  tlm_utils::simple_initiator_socket<Dma>& port_for(isa::Memory memory);

  uint64_t burst_bytes_;
  stats::LayerCounter dram_weight_read_bytes_;
  stats::LayerCounter dram_input_read_bytes_;
  stats::LayerCounter busy_cycles_;
  std::vector<uint8_t> buffer_;
};

}  // namespace accelsim::modules
