#pragma once

#include <stdexcept>
#include <string>

namespace accelsim::modules {

// A datapath condition that ends the run (an accumulator overflow, a refused memory access).
// Thrown from a unit's thread; the simulation driver reports it.
class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An accumulator left the int32 range with network.accumulator_overflow: error.
class DatapathOverflow : public SimulationError {
 public:
  DatapathOverflow(const std::string& layer, int64_t index, int64_t value)
      : SimulationError("layer " + layer + ": accumulator of output element " + std::to_string(index) + " reached " +
                        std::to_string(value) +
                        ", outside int32 (set network.accumulator_overflow: saturate to clamp it)") {}
};

}  // namespace accelsim::modules
