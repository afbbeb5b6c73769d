#pragma once

#include "core/hardware/hardware_config.h"
#include "modules/common/memory_target.h"

namespace accelsim::modules {

// An on-chip SRAM: `banks` banks of `port_bytes` each give banks * port_bytes per cycle, after
// `latency_cycles`. Instanced as the weight SRAM, the activation SRAM and the accumulator; it
// owns its traffic counters and its energy (read and write bytes times their energies).
class Sram : public MemoryTarget {
 public:
  // `energy_name`/`energy_description`: its energy component, e.g. "energy_weight_sram_pj".
  Sram(sc_core::sc_module_name name, const Clock& clock, stats::RunStats& stats, const hardware::SramConfig& config,
       const MemoryStatNames& names, const std::string& energy_name, const std::string& energy_description)
      : MemoryTarget(name, clock, stats, names, static_cast<uint64_t>(config.capacity_bytes),
                     static_cast<uint64_t>(config.bytes_per_cycle()), static_cast<uint64_t>(config.latency_cycles)) {
    const double read_pj = config.read_energy_pj_per_byte, write_pj = config.write_energy_pj_per_byte;
    const std::string read = names.read, write = names.write;
    stats.add_formula(energy_name, "pJ", energy_description, [read, write, read_pj, write_pj](const auto& g, int64_t) {
      return static_cast<double>(g.value(read)) * read_pj + static_cast<double>(g.value(write)) * write_pj;
    });
  }
};

}  // namespace accelsim::modules
