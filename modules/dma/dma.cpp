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

// A burst's write starts as its first bytes arrive (for an SRAM or the flat DRAM, the read's
// first port cycle plus the source's latency); the next read is requested as this one leaves the
// source's port, so reads stay in order. A 2-D transfer goes chunk by chunk, each in bursts at its
// own addresses: the memories see the strided pattern (a DRAM row change between chunks costs
// what it costs). The reads depend only on the source and the writes only on the reads, and
// nothing else runs while the DMA books them, so with two different memories all reads can be
// booked first and then all writes: each memory sees the same requests in the same order. One
// transaction each (BurstTransfer) then moves the whole transfer.
uint64_t Dma::transfer(const isa::Instruction& in, uint64_t source, uint64_t target, uint64_t chunks,
                       uint64_t chunk_bytes) {
  const uint64_t bytes = chunks * chunk_bytes;
  reads_.runs = writes_.runs = chunks;
  reads_.run_stride = in.source_chunk_stride;
  writes_.run_stride = in.target_chunk_stride;
  reads_.burst_bytes = writes_.burst_bytes = burst_bytes_;
  reads_.chained = true;
  writes_.chained = false;
  reads_.accepts_grids = writes_.accepts_grids = true;
  const bool read = access_bursts(port_for(in.source), tlm::TLM_READ_COMMAND, source, buffer_.data(), bytes, reads_);
  // Each write is requested as its burst's first bytes arrive; after a refused read, only the
  // bursts read before it are written, as burst by burst. Reads booked back to back answer with
  // a grid, which the write side takes as it is (no list of one cycle per burst to copy).
  writes_.requested_grid = reads_.first_delivered_grid;
  if (!writes_.requested_grid.valid) writes_.requested = reads_.first_delivered;
  const bool written =
      access_bursts(port_for(in.target), tlm::TLM_WRITE_COMMAND, target, buffer_.data(), bytes, writes_);
  if (!written)
    refused(port_for(in.target).name(), tlm::TLM_WRITE_COMMAND, writes_.refused_bytes, writes_.refused_address);
  if (!read) refused(port_for(in.source).name(), tlm::TLM_READ_COMMAND, reads_.refused_bytes, reads_.refused_address);
  return std::max({clock_.now(), reads_.delivered, writes_.delivered});
}

// The same transfer as two transactions per burst, interleaved: read, write, read... The order
// in which the memories show their accesses to an observer across memories is that of the
// hardware, and a transfer within one memory needs it.
uint64_t Dma::transfer_burst_by_burst(const isa::Instruction& in, uint64_t source, uint64_t target, uint64_t chunks,
                                      uint64_t chunk_bytes) {
  // Request times are offsets from now; the memories answer in cycles.
  const uint64_t now = clock_.now();
  uint64_t read_request = now, done = now;
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
      access(port_for(in.target), tlm::TLM_WRITE_COMMAND, chunk_target + offset, data + offset, bytes,
             clock_.cycles(read.first_delivered - now), &write);
      done = std::max({done, read.delivered, write.delivered});
      read_request = read.end;
      offset += bytes;
    } while (offset < chunk_bytes);
  }
  return done;
}

void Dma::execute(const Dispatched& d) {
  const isa::Instruction& in = *d.instruction;
  const auto layer = static_cast<std::size_t>(in.layer);
  const uint64_t image = d.image < 0 ? 0 : static_cast<uint64_t>(d.image);
  const uint64_t source = in.source_address + in.source_image_stride * image;
  const uint64_t target = in.target_address + in.target_image_stride * image;
  buffer_.resize(in.bytes);  // grown without zeroing

  const uint64_t chunks = std::max<uint64_t>(1, in.chunks);
  const uint64_t done = in.source != in.target && !burst_by_burst_
                            ? transfer(in, source, target, chunks, in.bytes / chunks)
                            : transfer_burst_by_burst(in, source, target, chunks, in.bytes / chunks);

  const auto moved = static_cast<int64_t>(in.bytes);
  if (in.source == Memory::Dram)
    (in.op == Opcode::LoadInput || in.op == Opcode::LoadBand ? dram_input_read_bytes_
                                                             : dram_weight_read_bytes_)[layer] += moved;

  const uint64_t cycles = done - clock_.now();
  busy_cycles_[layer] += static_cast<int64_t>(cycles);
  spend(cycles);
}

}  // namespace accelsim::modules
