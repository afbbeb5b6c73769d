#pragma once

#include <string>

#include "core/dram/dram_spec.h"

namespace accelsim::dram {

// The wordline pump's rail (VPP, 2.5 V on DDR4), which the IDD-based energy of command_energy()
// leaves out, as DRAMsim3 does: an estimate from the few IPP currents published for the part.
// Only the DDR4 presets have figures; for the others `known` is false and every energy is 0.
struct VppEstimate {
  bool known = false;
  double vpp = 0;    // V
  double ipp0 = 0;   // mA per chip: one bank activating and precharging every tRC
  double ipp3n = 0;  // mA per chip: standby and power-down (taken for every awake or powered-down state)
  double ipp6 = 0;   // mA per chip: self-refresh
  std::string source;

  // pJ per activate-precharge pair for a whole rank: VPP * (IPP0 - IPP3N) * tRC * tCK * chips.
  double activate_pj(const DramSpec& spec) const;
  // mW for a whole rank in a state other than self-refresh (VPP * IPP3N * chips), and in it.
  double background_mw(const DramSpec& spec) const;
  double self_refresh_mw(const DramSpec& spec) const;
};
VppEstimate vpp_estimate(const std::string& preset);

}  // namespace accelsim::dram
