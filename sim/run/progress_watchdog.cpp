#include "sim/run/progress_watchdog.h"

namespace accelsim::run {

ProgressWatchdog::ProgressWatchdog(sc_core::sc_module_name name, modules::Accelerator& accelerator,
                                   uint64_t interval_cycles)
    : sc_module(name), accelerator_(accelerator), interval_cycles_(interval_cycles) {
  SC_HAS_PROCESS(ProgressWatchdog);
  SC_THREAD(watch);
}

void ProgressWatchdog::watch() {
  uint64_t seen = accelerator_.scoreboard().completed_count();
  while (!accelerator_.controller().finished() && !accelerator_.scoreboard().fault()) {
    const uint64_t from = accelerator_.clock().now();
    // Woken early when the run finishes, so that the kernel does not idle to the next check.
    sc_core::wait(accelerator_.clock().cycles(interval_cycles_), accelerator_.controller().finished_event());
    const uint64_t now = accelerator_.scoreboard().completed_count();
    if (now == seen && !accelerator_.controller().finished()) {
      failure_ = "simulation stopped making progress: no instruction finished between cycle " + std::to_string(from) +
                 " and cycle " + std::to_string(accelerator_.clock().now()) + "; " +
                 accelerator_.controller().outstanding();
      sc_core::sc_stop();
      break;
    }
    seen = now;
  }
  sc_core::wait(parked_);  // park rather than end: see modules::Controller::run
}

}  // namespace accelsim::run
