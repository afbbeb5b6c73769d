#pragma once

#include <systemc>

#include <cmath>
#include <cstdint>

namespace accelsim::modules {

// The accelerator's single clock: converts between cycles and SystemC time.
class Clock {
 public:
  explicit Clock(double mhz) : period_(static_cast<double>(std::llround(1e6 / mhz)), sc_core::SC_PS) {}

  sc_core::sc_time cycles(uint64_t count) const { return period_ * static_cast<double>(count); }
  uint64_t now() const { return to_cycles(sc_core::sc_time_stamp()); }
  // Both values count time-resolution units, whatever the resolution.
  uint64_t to_cycles(const sc_core::sc_time& time) const { return time.value() / period_.value(); }
  const sc_core::sc_time& period() const { return period_; }

 private:
  sc_core::sc_time period_;
};

}  // namespace accelsim::modules
