#include "modules/dma/dma.h"

#include <algorithm>

namespace accelsim::modules {

using isa::Memory;
using isa::Opcode;

Dma::Dma(sc_core::sc_module_name name, const UnitContext& context, uint64_t burst_bytes)
    : ExecutionUnit(name, context),
      dram_port("dram_port"),
      weight_port("weight_port"),
      activation_port("activation_port"),
      burst_bytes_(burst_bytes),
      dram_weight_read_bytes_(
          context.stats.add_counter("dram_weight_read_bytes", "bytes", "bytes of weights and biases read from DRAM")),
      dram_input_read_bytes_(
          context.stats.add_counter("dram_input_read_bytes", "bytes", "bytes of input activations read from DRAM")),
      busy_cycles_(
          context.stats.add_counter("dma_busy_cycles", "cycles", "cycles the DMA spent on the layer's transfers")) {}

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
  halt(Fault{false, std::string(name()) + ": the DMA has no port to the accumulator"});
}

void Dma::execute(const Dispatched& d) {
  const isa::Instruction& in = *d.instruction;
  const auto layer = static_cast<std::size_t>(in.layer);
  const uint64_t image = d.image < 0 ? 0 : static_cast<uint64_t>(d.image);
  const uint64_t source = in.source_address + in.source_image_stride * image;
  const uint64_t target = in.target_address + in.target_image_stride * image;
  buffer_.resize(in.bytes);

  // A burst's write starts as its first bytes arrive (for an SRAM or the flat DRAM, the read's
  // first port cycle plus the source's latency); the next read is requested as this one leaves the source's port, so
  // reads stay in order. Request times are offsets from now; the memories answer in cycles.
  // A 2-D transfer goes chunk by chunk, each in bursts at its own addresses: the memories see
  // the strided pattern (a DRAM row change between chunks costs what it costs).
  const uint64_t now = clock_.now();
  uint64_t read_request = now, done = now;
  const uint64_t chunks = std::max<uint64_t>(1, in.chunks);
  const uint64_t chunk_bytes = in.bytes / chunks;
  for (uint64_t chunk = 0; chunk < chunks; ++chunk) {
    const uint64_t chunk_source = source + chunk * in.source_chunk_stride;
    const uint64_t chunk_target = target + chunk * in.target_chunk_stride;
    uint8_t* data = buffer_.data() + chunk * chunk_bytes;
    uint64_t offset = 0;
    do {
      const uint64_t bytes = std::min(burst_bytes_, chunk_bytes - offset);
      PortTiming read, write;
      access(port_for(in.source), tlm::TLM_READ_COMMAND, chunk_source + offset, data + offset, bytes,
             clock_.cycles(read_request - now), &read);
      const uint64_t first_bytes = read.first_delivered;
      access(port_for(in.target), tlm::TLM_WRITE_COMMAND, chunk_target + offset, data + offset, bytes,
             clock_.cycles(first_bytes - now), &write);
      done = std::max({done, read.delivered, write.delivered});
      read_request = read.end;
      offset += bytes;
    } while (offset < chunk_bytes);
  }

  const auto moved = static_cast<int64_t>(in.bytes);
  if (in.source == Memory::Dram)
    (in.op == Opcode::LoadInput || in.op == Opcode::LoadBand ? dram_input_read_bytes_
                                                             : dram_weight_read_bytes_)[layer] += moved;

  const uint64_t cycles = done - now;
  busy_cycles_[layer] += static_cast<int64_t>(cycles);
  spend(cycles);
}

}  // namespace accelsim::modules
