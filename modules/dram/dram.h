#pragma once

#include "core/hardware/hardware_config.h"
#include "modules/common/memory_target.h"

namespace accelsim::modules {

// Off-chip DRAM: `bandwidth_bytes_per_cycle` sustained after `latency_cycles` per request.
// Only the part of the address space the program uses is backed by host memory. It owns its
// traffic counters and its energy (bytes moved times energy_pj_per_byte).
class Dram : public MemoryTarget {
 public:
  Dram(sc_core::sc_module_name name, const Clock& clock, stats::RunStats& stats, const hardware::DramConfig& config,
       uint64_t bytes_used)
      : MemoryTarget(name, clock, stats,
                     {"dram_read_bytes", "bytes read from DRAM", "dram_write_bytes", "bytes written to DRAM"},
                     bytes_used, static_cast<uint64_t>(config.bandwidth_bytes_per_cycle),
                     static_cast<uint64_t>(config.latency_cycles)) {
    const double pj_per_byte = config.energy_pj_per_byte;
    stats.add_formula("energy_dram_pj", "pJ", "DRAM reads and writes", [pj_per_byte](const auto& g, int64_t) {
      return static_cast<double>(g.value("dram_read_bytes") + g.value("dram_write_bytes")) * pj_per_byte;
    });
  }
};

}  // namespace accelsim::modules
