#pragma once

#include <systemc>

#include <cmath>
#include <cstdint>

namespace accelsim::modules {

// The accelerator's single clock: converts between cycles and SystemC time.
class Clock {
 public:
  explicit Clock(double mhz)
      : period_ps_(static_cast<uint64_t>(std::llround(1e6 / mhz))), period_(static_cast<double>(period_ps_), sc_core::SC_PS) {}

  sc_core::sc_time cycles(uint64_t count) const { return period_ * static_cast<double>(count); }
  uint64_t now() const { return to_cycles(sc_core::sc_time_stamp()); }
  uint64_t to_cycles(const sc_core::sc_time& time) const {
    return static_cast<uint64_t>(time.value() / (period_ps_ * ps_per_unit()));
  }
  const sc_core::sc_time& period() const { return period_; }

 private:
  // sc_time::value() counts time-resolution units (1 ps unless changed).
  static uint64_t ps_per_unit() {
    const double ps = sc_core::sc_get_time_resolution().to_seconds() * 1e12;
    return ps >= 1.0 ? static_cast<uint64_t>(std::llround(ps)) : 1;
  }

  uint64_t period_ps_;
  sc_core::sc_time period_;
};

}  // namespace accelsim::modules
