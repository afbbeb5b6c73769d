#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <vector>

#include "modules/controller/execution_unit.h"

namespace accelsim::modules {

// Moves blocks between DRAM and the SRAMs: weights and inputs in, logits out. The DRAM read
// and the SRAM write stream: the transfer ends when the slower side has delivered the last
// byte.
class Dma : public ExecutionUnit {
 public:
  tlm_utils::simple_initiator_socket<Dma> dram_port;
  tlm_utils::simple_initiator_socket<Dma> weight_port;
  tlm_utils::simple_initiator_socket<Dma> activation_port;

  Dma(sc_core::sc_module_name name, const Clock& clock, Scoreboard& scoreboard, stats::RunStats& stats, int queue_depth,
      uint64_t dram_latency_cycles);

 private:
  void execute(const Dispatched& d, stats::LayerStats& layer) override;
  tlm_utils::simple_initiator_socket<Dma>& port_for(mapper::Memory memory);

  uint64_t dram_latency_cycles_;
  std::vector<uint8_t> buffer_;
};

}  // namespace accelsim::modules
