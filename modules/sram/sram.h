#pragma once

#include "core/hardware/hardware_config.h"
#include "modules/common/memory_target.h"

namespace accelsim::modules {

// An on-chip SRAM: `banks` banks of `port_bytes` each give banks * port_bytes per cycle, after
// `latency_cycles`. Instanced as the weight SRAM, the activation SRAM and the accumulator.
class Sram : public MemoryTarget {
 public:
  Sram(sc_core::sc_module_name name, const Clock& clock, const hardware::SramConfig& config)
      : MemoryTarget(name, clock, static_cast<uint64_t>(config.capacity_bytes),
                     static_cast<uint64_t>(config.bytes_per_cycle()), static_cast<uint64_t>(config.latency_cycles)) {}
};

}  // namespace accelsim::modules
