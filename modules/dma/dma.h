#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>

#include "modules/common/host_buffer.h"
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

  // true: two transactions per burst, read and write interleaved, as the hardware issues them
  // (for observers of the memories, which then see accesses across memories in that order);
  // false (default): one transaction per side of a transfer, the same cycles (see transfer()).
  void book_burst_by_burst(bool on) { burst_by_burst_ = on; }

 private:
  void execute(const Dispatched& d) override;
  tlm_utils::simple_initiator_socket<Dma>& port_for(isa::Memory memory);
  // Move the instruction's `chunks` runs of `chunk_bytes` from `source` to `target` (addresses of
  // this image) and return the cycle the last byte is delivered.
  uint64_t transfer(const isa::Instruction& in, uint64_t source, uint64_t target, uint64_t chunks,
                    uint64_t chunk_bytes);
  uint64_t transfer_burst_by_burst(const isa::Instruction& in, uint64_t source, uint64_t target, uint64_t chunks,
                                   uint64_t chunk_bytes);

  uint64_t burst_bytes_;
  stats::LayerCounter dram_weight_read_bytes_;
  stats::LayerCounter dram_input_read_bytes_;
  stats::LayerCounter busy_cycles_;
  // The bytes in flight, grown as transfers need them and never zeroed: a transfer's writes take
  // only what its reads filled in, and a timing-only run's memories touch neither (a vector's
  // zeroing was most of the DMA's host time there).
  HostBuffer<uint8_t> buffer_;
  bool burst_by_burst_ = false;
  BurstTransfer reads_, writes_;  // reused: their vectors keep their capacity
};

}  // namespace accelsim::modules
