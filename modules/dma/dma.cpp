#include "modules/dma/dma.h"

#include <algorithm>
#include <stdexcept>

#include "modules/common/blocking_access.h"

namespace accelsim::modules {

using mapper::Memory;
using mapper::Opcode;

Dma::Dma(sc_core::sc_module_name name, const Clock& clock, Scoreboard& scoreboard, stats::RunStats& stats, int queue_depth,
         uint64_t dram_latency_cycles, uint64_t burst_bytes)
    : ExecutionUnit(name, clock, scoreboard, stats, queue_depth),
      dram_port("dram_port"),
      weight_port("weight_port"),
      activation_port("activation_port"),
      dram_latency_cycles_(dram_latency_cycles),
      burst_bytes_(burst_bytes) {}

tlm_utils::simple_initiator_socket<Dma>& Dma::port_for(Memory memory) {
  switch (memory) {
    case Memory::Dram: return dram_port;
    case Memory::WeightSram: return weight_port;
    case Memory::ActivationSram: return activation_port;
    case Memory::Accumulator: break;
  }
  throw std::logic_error("DMA has no port to the accumulator");
}


void Dma::execute(const Dispatched& d, stats::LayerStats& layer) {
  const mapper::Instruction& in = *d.instruction;
  const uint64_t image = d.image < 0 ? 0 : static_cast<uint64_t>(d.image);
  const uint64_t source = in.source_address + in.source_image_stride * image;
  const uint64_t target = in.target_address + in.target_image_stride * image;
  buffer_.resize(in.bytes);

  // Times are offsets from now. A burst's write starts as its first bytes arrive: the first
  // burst's after the DRAM's latency when reading from DRAM (at once from an SRAM, whose latency
  // is folded into the read), every later burst's as the one before it has been delivered. The
  // next read is requested as the previous one leaves the source's port, so reads stay in order.
  const sc_core::sc_time source_latency = in.source == Memory::Dram ? clock_.cycles(dram_latency_cycles_) : sc_core::SC_ZERO_TIME;
  sc_core::sc_time read_request = sc_core::SC_ZERO_TIME;
  sc_core::sc_time first_bytes = source_latency;
  sc_core::sc_time done = sc_core::SC_ZERO_TIME;
  uint64_t offset = 0;
  do {
    const uint64_t bytes = std::min(burst_bytes_, in.bytes - offset);
    const sc_core::sc_time read_done =
        blocking_access(port_for(in.source), tlm::TLM_READ_COMMAND, source + offset, buffer_.data() + offset, bytes, read_request);
    const sc_core::sc_time write_done =
        blocking_access(port_for(in.target), tlm::TLM_WRITE_COMMAND, target + offset, buffer_.data() + offset, bytes, first_bytes);
    done = std::max({done, read_done, write_done});
    read_request = read_done - source_latency;
    first_bytes = read_done;
    offset += bytes;
  } while (offset < in.bytes);

  if (in.source == Memory::Dram) {
    layer.dram_read_bytes += static_cast<int64_t>(in.bytes);
    (in.op == Opcode::LoadInput ? layer.dram_input_read_bytes : layer.dram_weight_read_bytes) += static_cast<int64_t>(in.bytes);
  } else {
    layer.traffic(in.source).read_bytes += static_cast<int64_t>(in.bytes);
  }
  if (in.target == Memory::Dram) layer.dram_write_bytes += static_cast<int64_t>(in.bytes);
  else layer.traffic(in.target).write_bytes += static_cast<int64_t>(in.bytes);

  const uint64_t cycles = clock_.to_cycles(done);
  layer.dma_busy_cycles += static_cast<int64_t>(cycles);
  spend(cycles);
}

}  // namespace accelsim::modules
