#pragma once

#include <cstdint>
#include <string>

#include "core/hardware/hardware_config.h"

namespace accelsim::report {

// How the mapper cut a layer into tiles (stats.json's `mapping`).
struct TileCounts {
  int64_t m = 1, k = 1, n = 1;
};

// Why accelsim's own array model (`fast`, = `detailed`) and SCALE-Sim's equation (`scalesim`)
// give a layer of M x K x N different PE-array cycles on `config`'s array: the effects present
// for that layer, "; "-separated, ending with which is faster (docs/validation.md).
std::string timing_difference(const hardware::PeArrayConfig& config, int64_t m, int64_t k, int64_t n,
                              const TileCounts& tiles, int64_t fast, int64_t scalesim);

}  // namespace accelsim::report
