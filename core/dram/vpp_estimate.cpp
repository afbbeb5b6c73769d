#include "core/dram/vpp_estimate.h"

namespace accelsim::dram {

double VppEstimate::activate_pj(const DramSpec& spec) const {
  return vpp * (ipp0 - ipp3n) * static_cast<double>(spec.timing.rc()) * spec.timing.tck_ns *
         static_cast<double>(spec.organization.devices_per_rank());
}

double VppEstimate::background_mw(const DramSpec& spec) const {
  return vpp * ipp3n * static_cast<double>(spec.organization.devices_per_rank());
}

double VppEstimate::self_refresh_mw(const DramSpec& spec) const {
  return vpp * ipp6 * static_cast<double>(spec.organization.devices_per_rank());
}

VppEstimate vpp_estimate(const std::string& preset) {
  // IPP0: Micron's 8 Gb DDR4 figures as DRAMsim3 ships them (DDR4_8Gb_x16_2400.ini 4 mA,
  // _x8_ 3 mA). IPP3N 3 mA and IPP6 5 mA: DRAMPower's memspec MICRON_8Gb_DDR4-3200_16bit_G
  // (idd3n2, idd62, vdd2 2.5 V), taken for the x8 part too. No IPP4R/W or IPP5B figure is
  // used: reads, writes and refresh add nothing on VPP here beyond standby.
  const char* source =
      "estimate: IPP0 from DRAMsim3's DDR4_8Gb_x16/x8_2400.ini (Micron 8Gb DDR4); IPP3N 3 mA, IPP6 5 mA, VPP 2.5 V "
      "from DRAMPower's memspec MICRON_8Gb_DDR4-3200_16bit_G";
  if (preset == "ddr4_2400_x16") return {true, 2.5, 4, 3, 5, source};
  if (preset == "ddr4_2400_x8") return {true, 2.5, 3, 3, 5, source};
  VppEstimate none;
  none.source = "no published IPP figures used for this preset";
  return none;
}

}  // namespace accelsim::dram
