#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace accelsim::dram {

// How a DRAM is organised. A channel has its own command and data bus and `ranks` ranks; a
// rank is `devices_per_rank()` chips side by side that answer every command together; a chip
// has bank groups of banks of rows. One column access moves `access_bytes()`: the bus width
// times the burst length.
struct DramOrganization {
  int64_t channels = 1;
  int64_t ranks = 1;
  int64_t bank_groups = 4;
  int64_t banks_per_group = 4;
  int64_t rows = 65536;
  int64_t columns = 1024;         // per row, in words of the device's width
  int64_t device_width_bits = 8;  // data pins of one chip
  int64_t bus_width_bits = 64;    // data pins of one channel
  int64_t burst_length = 8;       // beats per column access

  int64_t devices_per_rank() const { return bus_width_bits / device_width_bits; }
  int64_t access_bytes() const { return bus_width_bits / 8 * burst_length; }
  int64_t row_bytes() const { return columns * device_width_bits / 8 * devices_per_rank(); }
  int64_t accesses_per_row() const { return columns / burst_length; }
  int64_t banks_per_rank() const { return bank_groups * banks_per_group; }
};

// JEDEC timing parameters in clock cycles of the DRAM (tCK), as a datasheet lists them.
struct DramTiming {
  double tck_ns = 0.833;
  int64_t cl = 17;      // read command to first data
  int64_t cwl = 12;     // write command to first data
  int64_t rcd = 17;     // activate to read or write
  int64_t rp = 17;      // precharge to activate
  int64_t ras = 39;     // activate to precharge
  int64_t rtp = 9;      // read to precharge
  int64_t wr = 18;      // end of write data to precharge (write recovery)
  int64_t wtr_s = 3;    // end of write data to read, other bank group
  int64_t wtr_l = 9;    // end of write data to read, same bank group
  int64_t ccd_s = 4;    // column command to column command, other bank group
  int64_t ccd_l = 6;    // column command to column command, same bank group
  int64_t rrd_s = 4;    // activate to activate, other bank group
  int64_t rrd_l = 6;    // activate to activate, same bank group
  int64_t faw = 26;     // window in which a rank takes at most four activates
  int64_t refi = 9360;  // interval between refreshes of a rank
  int64_t rfc = 420;    // refresh command to the next activate
  int64_t cke = 6;      // shortest stay in power-down (tCKE)
  int64_t xp = 8;       // power-down exit to the next command (tXP)
  int64_t xs = 432;     // self-refresh exit to the next command (tXS = tRFC + 10 ns)

  int64_t rc() const { return ras + rp; }
};

// Supply voltage and datasheet currents (mA per chip) from which command energies follow, the
// way DRAMPower computes them (K. Chandrasekar et al., DRAMPower, and Micron TN-41-01).
struct DramPower {
  double vdd = 1.2;
  double idd0 = 48;    // one bank activating and precharging every tRC
  double idd2n = 34;   // precharged standby
  double idd3n = 43;   // active standby (a bank open)
  double idd4r = 135;  // burst reads
  double idd4w = 123;  // burst writes
  double idd5b = 250;  // burst refresh
  double idd2p = 25;   // precharged power-down (CKE low, every bank closed)
  double idd3p = 37;   // active power-down (CKE low, a bank open)
  double idd6 = 30;    // self-refresh
};

enum class DramPagePolicy {
  Open,    // a row stays open until another row of its bank is needed (or a refresh)
  Closed,  // a row closes as soon as no queued request wants it
};

// How the controller saves power while a rank idles (DRAMPower's power-down states):
enum class DramPowerDown {
  None,       // ranks stay in standby (IDD3N with a row open, IDD2N with every bank closed)
  Active,     // CKE low with rows left open: active power-down (IDD3P), or IDD2P if all are closed
  Precharge,  // close every row first (precharge-all), then CKE low: precharged power-down (IDD2P)
};

// The memory controller: its queues, page policy, power-down policy and write batching.
struct DramController {
  int64_t queue_depth = 32;  // requests the scheduler chooses among (reads only, when writes batch)
  DramPagePolicy page_policy = DramPagePolicy::Open;
  DramPowerDown power_down = DramPowerDown::None;
  // A rank with no queued request enters power-down this many DRAM cycles after its last
  // command's activity ended (data returned, write recovered, refresh done).
  int64_t power_down_idle_cycles = 64;
  // A rank in power-down this long goes on to self-refresh (IDD6; it refreshes itself, exit
  // costs tXS); 0: never.
  int64_t self_refresh_idle_cycles = 0;
  // Writes wait in a separate write queue of this depth and are drained in batches (write
  // mode: above the high watermark, or when no read is queued, until the low watermark is
  // reached with reads waiting), as DRAMsim3 and Ramulator2 do; 0: reads and writes share the
  // one FR-FCFS queue.
  int64_t write_queue_depth = 0;
  double write_high_watermark = 0.8;  // fractions of write_queue_depth
  double write_low_watermark = 0.2;
};

// A device: organization, timing and currents, with where the numbers come from.
struct DramSpec {
  std::string name;
  std::string source;
  DramOrganization organization;
  DramTiming timing;
  DramPower power;
  int64_t data_rate = 2;  // beats per clock: 2 for every double-data-rate device here

  int64_t burst_cycles() const { return organization.burst_length / data_rate; }
  double bytes_per_ns_peak() const {
    return static_cast<double>(organization.channels * organization.access_bytes()) /
           (static_cast<double>(burst_cycles()) * timing.tck_ns);
  }
};

// Energy of each command for a whole rank (every chip), in pJ, and background power in mW.
// With E = V * I * t, mA * V * ns = pJ:
//   activate   (IDD0 - IDD3N) * tRAS            the current above active standby while a row opens
//   precharge  (IDD0 - IDD2N) * tRP             ... and while it closes (IDD0 covers a whole tRC)
//   read       (IDD4R - IDD3N) * burst          the current above active standby for the burst
//   write      (IDD4W - IDD3N) * burst
//   refresh    (IDD5B - IDD3N) * tRFC
//   background IDD3N with a bank open, IDD2N with all closed; in power-down IDD3P with a bank
//              open, IDD2P with all closed; in self-refresh IDD6 (its refreshes included)
// each times VDD, tCK and the chips of a rank. Activate plus precharge add up to
// IDD0 * tRC - IDD3N * tRAS - IDD2N * tRP, DRAMsim3's activate energy.
struct DramCommandEnergy {
  double activate_pj = 0;
  double precharge_pj = 0;
  double read_pj = 0;
  double write_pj = 0;
  double refresh_pj = 0;
  double active_standby_mw = 0;      // one rank
  double precharged_standby_mw = 0;  // one rank
  double active_power_down_mw = 0;
  double precharged_power_down_mw = 0;
  double self_refresh_mw = 0;
};
DramCommandEnergy command_energy(const DramSpec& spec);

// The presets, with their sources: ddr4_2400_x16, ddr4_2400_x8, lpddr4_3200, hbm2.
const std::vector<DramSpec>& dram_presets();
// The preset called `name`; nullptr if there is none.
const DramSpec* find_dram_preset(const std::string& name);

}  // namespace accelsim::dram
