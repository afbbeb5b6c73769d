#pragma once

#include <systemc>

#include <cstdint>
#include <optional>
#include <string>

#include "modules/accelerator/accelerator.h"

namespace accelsim::run {

// Stops a simulation that keeps simulated time moving without finishing any instruction (a
// unit stuck in a loop, a transfer that never ends) and says what was outstanding. A
// simulation that deadlocks outright runs out of events on its own; the testbench reports that
// case. Checking costs one event per `interval_cycles` and never changes simulated timing.
class ProgressWatchdog : public sc_core::sc_module {
 public:
  ProgressWatchdog(sc_core::sc_module_name name, modules::Accelerator& accelerator, uint64_t interval_cycles);

  const std::optional<std::string>& failure() const { return failure_; }

 private:
  void watch();

  modules::Accelerator& accelerator_;
  uint64_t interval_cycles_;
  std::optional<std::string> failure_;
  sc_core::sc_event parked_;  // never notified
};

}  // namespace accelsim::run
