#include "core/dram/dram_spec.h"

namespace accelsim::dram {

DramCommandEnergy command_energy(const DramSpec& spec) {
  const DramTiming& t = spec.timing;
  const DramPower& p = spec.power;
  // pJ per (mA * cycle) for a whole rank: V * tCK(ns) * chips.
  const double scale = p.vdd * t.tck_ns * static_cast<double>(spec.organization.devices_per_rank());
  const double burst = static_cast<double>(spec.burst_cycles());
  DramCommandEnergy e;
  e.activate_pj = (p.idd0 - p.idd3n) * static_cast<double>(t.ras) * scale;
  e.precharge_pj = (p.idd0 - p.idd2n) * static_cast<double>(t.rp) * scale;
  e.read_pj = (p.idd4r - p.idd3n) * burst * scale;
  e.write_pj = (p.idd4w - p.idd3n) * burst * scale;
  e.refresh_pj = (p.idd5b - p.idd3n) * static_cast<double>(t.rfc) * scale;
  // mA * V = mW, for every chip of the rank.
  e.active_standby_mw = p.idd3n * p.vdd * static_cast<double>(spec.organization.devices_per_rank());
  const auto chips = static_cast<double>(spec.organization.devices_per_rank());
  e.precharged_standby_mw = p.idd2n * p.vdd * chips;
  e.active_power_down_mw = p.idd3p * p.vdd * chips;
  e.precharged_power_down_mw = p.idd2p * p.vdd * chips;
  e.self_refresh_mw = p.idd6 * p.vdd * chips;
  return e;
}

namespace {

std::vector<DramSpec> make_presets() {
  std::vector<DramSpec> presets;

  // DDR4-2400 17-17-17, 8 Gb x16 chips, four to a 64-bit rank, one rank (4 GiB).
  // Timing and IDD: Micron MT40A512M16 (8Gb x16, -083E) datasheet and JEDEC JESD79-4, the
  // same figures as DRAMsim3's DDR4_8Gb_x16_2400.ini (whose tCK is rounded to 0.83 ns),
  // power-down and self-refresh too: tCKE 6, tXP 8, tXS 432; IDD2P 25, IDD3P 41, IDD6 30.
  DramSpec x16;
  x16.name = "ddr4_2400_x16";
  x16.source =
      "JEDEC JESD79-4 DDR4-2400 17-17-17; Micron MT40A512M16 8Gb x16 IDD table (as in DRAMsim3 DDR4_8Gb_x16_2400.ini)";
  x16.organization = {1, 1, 2, 4, 65536, 1024, 16, 64, 8};
  x16.timing = {0.833, 17, 12, 17, 17, 39, 9, 18, 3, 9, 4, 6, 7, 8, 36, 9360, 420, 6, 8, 432};
  x16.power = {1.2, 80, 34, 47, 243, 228, 280, 25, 41, 30};
  presets.push_back(x16);

  // DDR4-2400 17-17-17, 8 Gb x8 chips, eight to a 64-bit rank, one rank (8 GiB): four bank
  // groups, and a 1 KB page per chip, so tRRD and tFAW are shorter than the x16's 2 KB page.
  DramSpec x8;
  x8.name = "ddr4_2400_x8";
  x8.source =
      "JEDEC JESD79-4 DDR4-2400 17-17-17; Micron MT40A1G8 8Gb x8 IDD table (as in DRAMsim3 DDR4_8Gb_x8_2400.ini)";
  x8.organization = {1, 1, 4, 4, 65536, 1024, 8, 64, 8};
  x8.timing = {0.833, 17, 12, 17, 17, 39, 9, 18, 3, 9, 4, 6, 4, 6, 26, 9360, 420, 6, 8, 432};
  x8.power = {1.2, 48, 34, 43, 135, 123, 250, 25, 37, 30};
  presets.push_back(x8);

  // LPDDR4-3200, one 8 Gb x16 die per channel, two channels (a common x32 package), BL16:
  // 32 bytes per access. No bank groups (tCCD = BL/2 = 8, tRRD = 10 ns). Timing from JEDEC
  // JESD209-4 at tCK = 0.625 ns, rounded up to cycles: RL 28, WL 14 (set A), tRCD = tRPpb =
  // 18 ns, tRAS 42 ns, tRTP 7.5 ns, tWR 18 ns, tWTR 10 ns, tFAW 40 ns, tREFI 3.9 us,
  // tRFCab 280 ns, tCKE and tXP max(7.5 ns, 4-5 nCK), tXSR tRFCab + 7.5 ns. Currents are VDD2
  // (1.1 V) figures of the order of Micron's 8 Gb LPDDR4 IDD tables (IDD2P1, IDD3P1, IDD6 at
  // room temperature), rounded: indicative, check them against the part you model.
  DramSpec lp4;
  lp4.name = "lpddr4_3200";
  lp4.source =
      "JEDEC JESD209-4 LPDDR4-3200 timing; VDD2 currents indicative, of the order of Micron 8Gb LPDDR4 datasheets";
  lp4.organization = {2, 1, 1, 8, 65536, 1024, 16, 16, 16};
  lp4.timing = {0.625, 28, 14, 29, 29, 68, 12, 29, 16, 16, 8, 8, 16, 16, 64, 6246, 448, 12, 12, 460};
  lp4.power = {1.1, 55, 25, 35, 250, 220, 150, 3, 10, 2};
  presets.push_back(lp4);

  // HBM2, one stack of 8 Gb dies at 2 Gb/s per pin (tCK 1 ns): 8 channels of 128 bits, BL4,
  // 64 bytes per access, 4 bank groups of 4 banks, 1 KB rows. Timing and currents per channel
  // as in DRAMsim3's HBM2_8Gb_x128.ini (JEDEC JESD235), except tCCD_S = 2 and tCCD_L = 4: a
  // BL4 burst holds the bus 2 cycles, so column commands cannot come every cycle.
  DramSpec hbm;
  hbm.name = "hbm2";
  hbm.source =
      "JEDEC JESD235 HBM2 at 2 Gb/s/pin; timing and currents as in DRAMsim3 HBM2_8Gb_x128.ini (tCCD_S/L raised to 2/4)";
  hbm.organization = {8, 1, 4, 4, 32768, 64, 128, 128, 4};
  hbm.timing = {1.0, 14, 4, 14, 14, 34, 4, 16, 6, 8, 2, 4, 4, 6, 30, 3900, 260, 8, 8, 268};
  hbm.power = {1.2, 65, 40, 55, 390, 500, 250, 28, 40, 31};
  presets.push_back(hbm);
  return presets;
}

}  // namespace

const std::vector<DramSpec>& dram_presets() {
  static const std::vector<DramSpec> presets = make_presets();
  return presets;
}

const DramSpec* find_dram_preset(const std::string& name) {
  for (const auto& spec : dram_presets())
    if (spec.name == name) return &spec;
  return nullptr;
}

}  // namespace accelsim::dram
