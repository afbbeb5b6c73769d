#pragma once

#include <cstdint>
#include <memory>

#include "sim/hardware/hardware_config.h"

namespace accelsim::modules {

// How many cycles the PE array needs for one GEMM tile when its operands are ready: the timing
// policy, kept apart from the functional datapath. docs/timing.md derives each model.
class ArrayTiming {
 public:
  virtual ~ArrayTiming() = default;
  virtual uint64_t tile_cycles(int64_t m, int64_t k, int64_t n) const = 0;
};

// `fast`: per-fold fill, stream and drain, folds overlapping where double-buffered operand
// registers let them.
std::unique_ptr<ArrayTiming> make_fast_timing(const hardware::PeArrayConfig& config);
// The model `hardware.pe_array.timing` names.
std::unique_ptr<ArrayTiming> make_array_timing(const hardware::PeArrayConfig& config);

}  // namespace accelsim::modules
