#include "modules/dma/dma.h"

#include <algorithm>
#include <stdexcept>

#include "modules/common/blocking_access.h"

namespace accelsim::modules {

using isa::Memory;
using isa::Opcode;

Dma::Dma(sc_core::sc_module_name name, const Clock& clock, Scoreboard& scoreboard, stats::RunStats& stats,
         int queue_depth, uint64_t burst_bytes)
    : ExecutionUnit(name, clock, scoreboard, stats, queue_depth),
      dram_port("dram_port"),
      weight_port("weight_port"),
      activation_port("activation_port"),
      burst_bytes_(burst_bytes) {}

tlm_utils::simple_initiator_socket<Dma>& Dma::port_for(Memory memory) {
  switch (memory) {
    case Memory::Dram:
      return dram_port;
    case Memory::WeightSram:
      return weight_port;
    case Memory::ActivationSram:
      return activation_port;
    case Memory::Accumulator:
      break;
  }
  throw std::logic_error("DMA has no port to the accumulator");
}

void Dma::execute(const Dispatched& d, stats::LayerStats& layer) {
  const isa::Instruction& in = *d.instruction;
  const uint64_t image = d.image < 0 ? 0 : static_cast<uint64_t>(d.image);
  const uint64_t source = in.source_address + in.source_image_stride * image;
  const uint64_t target = in.target_address + in.target_image_stride * image;
  buffer_.resize(in.bytes);

  // A burst's write starts as its first bytes arrive (the read's first port cycle plus the
  // source's latency); the next read is requested as this one leaves the source's port, so
  // reads stay in order. Request times are offsets from now; the memories answer in cycles.
  const uint64_t now = clock_.now();
  uint64_t read_request = now, done = now;
  uint64_t offset = 0;
  do {
    const uint64_t bytes = std::min(burst_bytes_, in.bytes - offset);
    PortTiming read, write;
    blocking_access(port_for(in.source), tlm::TLM_READ_COMMAND, source + offset, buffer_.data() + offset, bytes,
                    clock_.cycles(read_request - now), &read);
    const uint64_t first_bytes = read.begin + (read.delivered - read.end);
    blocking_access(port_for(in.target), tlm::TLM_WRITE_COMMAND, target + offset, buffer_.data() + offset, bytes,
                    clock_.cycles(first_bytes - now), &write);
    done = std::max({done, read.delivered, write.delivered});
    read_request = read.end;
    offset += bytes;
  } while (offset < in.bytes);

  const auto moved = static_cast<int64_t>(in.bytes);
  layer.traffic(in.source).read_bytes += moved;
  layer.traffic(in.target).write_bytes += moved;
  if (in.source == Memory::Dram)
    (in.op == Opcode::LoadInput ? layer.dram_input_read_bytes : layer.dram_weight_read_bytes) += moved;

  const uint64_t cycles = done - now;
  layer.dma_busy_cycles += static_cast<int64_t>(cycles);
  spend(cycles);
}

}  // namespace accelsim::modules
