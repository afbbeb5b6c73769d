#pragma once

#include <memory>
#include <ostream>
#include <vector>

#include "core/dram/dram_system.h"
#include "core/hardware/hardware_config.h"
#include "modules/common/memory_target.h"

namespace accelsim::modules {

// Off-chip DRAM behind the TLM socket, in one of two models (hardware.dram.model):
// - simple: `bandwidth_bytes_per_cycle` sustained after `latency_cycles` per request, the
//   flat port every memory uses, and energy_pj_per_byte for every byte moved;
// - detailed: the access is cut into requests of the device's access size, which go through
//   dram::DramSystem (channels, ranks, banks, rows, an FR-FCFS queue, refresh) in DRAM clock
//   cycles. The access holds "the port" from its arrival to its last request's acceptance into
//   the controller's queue, so that an initiator that waits for the port's end (the DMA
//   offering its next burst) keeps the queue full, as a DMA engine with outstanding requests
//   does. Its first bytes are delivered when its first request's data burst ends, its last
//   with the last one's. The commands each layer's accesses took are counted per layer, and
//   its energy follows from them (DRAMPower's way, from the device's IDD currents).
// Only the part of the address space the program uses is backed by host memory.
class Dram : public MemoryTarget {
 public:
  Dram(sc_core::sc_module_name name, const Clock& clock, stats::RunStats& stats, const hardware::DramConfig& config,
       uint64_t bytes_used);

  // Writes one line per DRAM request from now on: `<hex address> <R|W> <DRAM cycle>` (the
  // requests of the device's access size; under model: simple too, cut the same way, at the
  // DRAM cycle the access was requested). Null stops.
  void record_requests(std::ostream* out) { requests_out_ = out; }

  // Layer `layer` ended now (for one image): the detailed model's background time, refreshes and
  // unrequested precharges since the previous layer's end are the layer's.
  void layer_ended(int layer);

 private:
  // The commands the detailed model issued for a layer's accesses.
  struct CommandCounters {
    stats::LayerCounter activates;
    stats::LayerCounter precharges;
    stats::LayerCounter read_accesses;
    stats::LayerCounter write_accesses;
    stats::LayerCounter row_hits;
    stats::LayerCounter refreshes;
    stats::LayerCounter power_downs;
    stats::LayerCounter active_standby_cycles;
    stats::LayerCounter precharged_standby_cycles;
    stats::LayerCounter active_power_down_cycles;
    stats::LayerCounter precharged_power_down_cycles;
    stats::LayerCounter self_refresh_cycles;
  };

  BandwidthPort::Reservation book(uint64_t start, uint64_t address, uint64_t bytes, bool write, int32_t layer,
                                  std::vector<BandwidthPort::Piece>* pieces) override;
  // The simple model books the flat port; the detailed one asks the DRAM's scheduler, request by
  // request, and a request recorder writes a line per burst.
  bool books_on_flat_port() const override { return !detailed_ && !requests_out_; }
  void register_simple_energy(stats::RunStats& stats) const;
  void register_detailed_stats(stats::RunStats& stats, double cycle_ns);
  void record(uint64_t first, uint64_t end, bool write, uint64_t dram_cycle);
  uint64_t to_dram_cycles(uint64_t cycles) const;  // rounded down: the DRAM cycle a request arrives in
  uint64_t from_dram_cycles(uint64_t dram) const;  // rounded up: the accelerator cycle it is done by

  hardware::DramConfig config_;
  const Clock& accelerator_clock_;
  std::unique_ptr<dram::DramSystem> detailed_;  // null under model: simple
  CommandCounters commands_;                    // registered only under model: detailed
  uint64_t cycle_ps_;
  uint64_t tck_ps_;
  uint64_t access_bytes_;
  std::ostream* requests_out_ = nullptr;
};

}  // namespace accelsim::modules
