#pragma once

#include "core/hardware/hardware_config.h"
#include "modules/common/memory_target.h"

namespace accelsim::modules {

// Off-chip DRAM: `bandwidth_bytes_per_cycle` sustained after `latency_cycles` per request.
// Only the part of the address space the program uses is backed by host memory.
class Dram : public MemoryTarget {
 public:
  Dram(sc_core::sc_module_name name, const Clock& clock, const hardware::DramConfig& config, uint64_t bytes_used)
      : MemoryTarget(name, clock, bytes_used, static_cast<uint64_t>(config.bandwidth_bytes_per_cycle),
                     static_cast<uint64_t>(config.latency_cycles)) {}
};

}  // namespace accelsim::modules
