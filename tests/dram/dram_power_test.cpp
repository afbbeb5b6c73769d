// Power-down, self-refresh and write batching in the DRAM timing core, on hand-placed
// requests. Every expected cycle is derived in the comment above it from the ddr4_2400_x16
// preset (DRAM cycles of 0.833 ns): CL 17, CWL 12, tRCD 17, tRP 17, tRAS 39, tRTP 9, a BL8
// burst of 4 cycles, tREFI 9360, tRFC 420, tCKE 6, tXP 8, tXS 432; 4 chips at 1.2 V with IDD2N
// 34, IDD2P 25 and IDD6 30 mA.
#include <gtest/gtest.h>

#include "core/dram/dram_channel.h"
#include "core/dram/dram_spec.h"
#include "core/dram/dram_system.h"
#include "core/dram/vpp_estimate.h"

namespace accelsim::dram {
namespace {

const DramSpec& ddr4_x16() { return *find_dram_preset("ddr4_2400_x16"); }

DramAddress at(int64_t bank_group, int64_t bank, int64_t row, int64_t column = 0) {
  return {0, 0, bank_group, bank, row, column};
}

DramController powering_down(DramPowerDown policy, int64_t idle_cycles, int64_t self_refresh_cycles = 0) {
  DramController c;
  c.power_down = policy;
  c.power_down_idle_cycles = idle_cycles;
  c.self_refresh_idle_cycles = self_refresh_cycles;
  return c;
}

TEST(DramPowerDown, AnIdleGapLongerThanTheThresholdPowersDownAndTheNextRequestPaysTxp) {
  // Read at 0: ACT 0, READ 17, data 34-38; the rank is idle from 38 + 1 = 39 (tRDPDEN). After
  // 64 idle cycles, at 103, the controller closes the row (PRE-all; tRAS and tRTP long past)
  // and CKE falls at 104. A read of the same row at 1000 finds the rank powered down and the
  // row closed: exit at 1000, ACT at 1000 + tXP = 1008, READ at 1025, data ends 1046: latency
  // 46 = tXP + tRCD + CL + burst (an open-row hit would have taken 21).
  DramChannel dram(ddr4_x16(), powering_down(DramPowerDown::Precharge, 64));
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const DramServed s = dram.serve(dram.submit(at(0, 0, 5, 1), false, 1000));
  EXPECT_EQ(s.column_issue, 1025u);
  EXPECT_EQ(s.data_end, 1046u);
  EXPECT_EQ(s.data_end - s.arrival, 46u);
  EXPECT_FALSE(s.row_hit);
  EXPECT_EQ(dram.counts().power_downs, 1);
  EXPECT_EQ(dram.counts().precharges, 1);
  // Powered down from 104 to the exit at 1000.
  EXPECT_EQ(dram.counts().precharged_power_down_cycles, 896u);
}

TEST(DramPowerDown, AGapShorterThanTheThresholdStaysAwake) {
  // Idle from 39; a read of the open row at 100 < 39 + 64 = 103 is a plain hit: data ends 121.
  DramChannel dram(ddr4_x16(), powering_down(DramPowerDown::Precharge, 64));
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const DramServed s = dram.serve(dram.submit(at(0, 0, 5, 1), false, 100));
  EXPECT_EQ(s.data_end, 121u);
  EXPECT_TRUE(s.row_hit);
  EXPECT_EQ(dram.counts().power_downs, 0);
}

TEST(DramPowerDown, ActivePowerDownKeepsTheRowOpen) {
  // Same as above under `active`: CKE falls at 39 + 64 = 103 with row 5 open; the read at 1000
  // exits at 1000 and, a hit, issues at 1000 + tXP = 1008: data ends 1008 + 21 = 1029.
  DramChannel dram(ddr4_x16(), powering_down(DramPowerDown::Active, 64));
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const DramServed s = dram.serve(dram.submit(at(0, 0, 5, 1), false, 1000));
  EXPECT_EQ(s.data_end, 1029u);
  EXPECT_TRUE(s.row_hit);
  EXPECT_EQ(dram.counts().active_power_down_cycles, 1000u - 103u);
}

TEST(DramPowerDown, TheEnergyOfAnIdleIntervalIsIdd2pTimesVddTimesItsLength) {
  // Nothing requested, drained to 5000: precharged standby 0-64, power-down 64-5000 (4936
  // cycles; no refresh before 9360). Background energy = chips * VDD * tCK * cycles * current:
  // 4 * 1.2 * 0.833 * (64 * 34 + 4936 * 25) = 3.9984 * 125576 = 502103.1 pJ.
  DramChannel dram(ddr4_x16(), powering_down(DramPowerDown::Precharge, 64));
  dram.drain(5000);
  EXPECT_EQ(dram.counts().precharged_cycles, 64u);
  EXPECT_EQ(dram.counts().precharged_power_down_cycles, 4936u);
  const DramEnergy e = energy_of(ddr4_x16(), dram.counts());
  EXPECT_NEAR(e.background_pj, 3.9984 * (64 * 34 + 4936 * 25), 1e-6);
  EXPECT_NEAR(e.total_pj(), e.background_pj, 1e-9);
}

TEST(DramPowerDown, ARefreshWakesAPoweredDownRank) {
  // Powered down at 64; the refresh due at 9360 exits at 9360 and issues at 9360 + tXP = 9368;
  // the rank is busy refreshing until 9368 + tRFC = 9788 and powers down again 64 later, at
  // 9852. Drained to 10000: power-down 64-9360 and 9852-10000 = 9296 + 148 = 9444 cycles;
  // standby 0-64 and 9360-9852 = 556 cycles.
  DramChannel dram(ddr4_x16(), powering_down(DramPowerDown::Precharge, 64));
  dram.drain(10000);
  EXPECT_EQ(dram.counts().refreshes, 1);
  EXPECT_EQ(dram.counts().power_downs, 2);
  EXPECT_EQ(dram.counts().precharged_power_down_cycles, 9444u);
  EXPECT_EQ(dram.counts().precharged_cycles, 556u);
}

TEST(DramPowerDown, SelfRefreshSkipsRefreshesAndTheNextRequestPaysTxs) {
  // Power-down at 64, self-refresh 1000 later at 1064: the refreshes due at 9360 and 18720 are
  // the device's own. A read at 20000 exits at 20000, ACT at 20000 + tXS = 20432, READ at
  // 20449, data ends 20470.
  DramChannel dram(ddr4_x16(), powering_down(DramPowerDown::Precharge, 64, 1000));
  const DramServed s = dram.serve(dram.submit(at(0, 0, 5), false, 20000));
  EXPECT_EQ(s.data_end, 20470u);
  EXPECT_EQ(dram.counts().refreshes, 0);
  EXPECT_EQ(dram.counts().self_refreshes, 1);
  EXPECT_EQ(dram.counts().self_refresh_cycles, 20000u - 1064u);
  EXPECT_EQ(dram.counts().precharged_power_down_cycles, 1000u);
}

TEST(DramTimeline, BackgroundAndRefreshesAreTakenByWhenTheyHappen) {
  // No power-down; nothing requested. Settled at 12000: one refresh (REF at 9360), every cycle
  // precharged. Taken up to 5000: 5000 cycles and no refresh; then up to 12000: the other
  // 7000 and the refresh.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Open);
  dram.record_timeline();
  dram.settle(12000);
  const DramCommandCounts first = dram.take_until(5000);
  EXPECT_EQ(first.precharged_cycles, 5000u);
  EXPECT_EQ(first.refreshes, 0);
  const DramCommandCounts second = dram.take_until(12000);
  EXPECT_EQ(second.precharged_cycles, 7000u);
  EXPECT_EQ(second.refreshes, 1);
}

TEST(DramWriteBatching, ReadsGoBeforeAnOlderWriteBelowTheHighWatermark) {
  // Row 5 open. At 100 a write and then a read of it. One shared FR-FCFS queue: the older write
  // first (WRITE 100, data 112-116), the read waits tWTR_L = 9: READ 125. Batched (a write
  // queue of 4, high watermark 0.8 = 3.2 writes): one write waits while a read is queued:
  // READ at 100, data ends 121; then, no read left, the write at 100 + (CL + 4 + 2 - CWL) =
  // 111 (read-to-write turnaround), its data ends 111 + 12 + 4 = 127.
  DramChannel shared(ddr4_x16(), 32, DramPagePolicy::Open);
  shared.serve(shared.submit(at(0, 0, 5), false, 0));
  const uint64_t shared_write = shared.submit(at(0, 0, 5, 1), true, 100);
  const uint64_t shared_read = shared.submit(at(0, 0, 5, 2), false, 100);
  EXPECT_EQ(shared.serve(shared_read).column_issue, 125u);
  EXPECT_EQ(shared.serve(shared_write).column_issue, 100u);

  DramController batching;
  batching.write_queue_depth = 4;
  DramChannel dram(ddr4_x16(), batching);
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const uint64_t write = dram.submit(at(0, 0, 5, 1), true, 100);
  const uint64_t read = dram.submit(at(0, 0, 5, 2), false, 100);
  const DramServed r = dram.serve(read);
  EXPECT_EQ(r.column_issue, 100u);
  EXPECT_EQ(r.data_end, 121u);
  const DramServed w = dram.serve(write);
  EXPECT_EQ(w.column_issue, 111u);
  EXPECT_EQ(w.data_end, 127u);
}

TEST(DramWriteBatching, AFullWriteQueueDrainsDownToTheLowWatermark) {
  // Write queue of 4, watermarks 0.8 and 0.2. Row 5 open (read at 0, data ends 38). At 100:
  // four writes, then a read, all to row 5. The fourth write makes 4 >= 3.2 queued: write
  // mode while a read waits, until at most 0.2 * 4 = 0.8 writes, i.e. none: WRITEs at 100,
  // 106, 112, 118 (tCCD_L = 6); the last one's data ends 118 + 12 + 4 = 134, and the read
  // waits tWTR_L: READ at 143.
  DramController batching;
  batching.write_queue_depth = 4;
  DramChannel dram(ddr4_x16(), batching);
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  uint64_t writes[4];
  for (int i = 0; i < 4; ++i) writes[i] = dram.submit(at(0, 0, 5, 1 + i), true, 100);
  const uint64_t read = dram.submit(at(0, 0, 5, 9), false, 100);
  EXPECT_EQ(dram.serve(read).column_issue, 143u);
  EXPECT_EQ(dram.serve(writes[3]).column_issue, 118u);
}

TEST(DramController, RejectsWatermarksOutOfOrder) {
  DramController c;
  c.write_queue_depth = 8;
  c.write_low_watermark = 0.9;
  EXPECT_THROW(DramChannel(ddr4_x16(), c), std::invalid_argument);
}

TEST(DramVpp, TheEstimateFollowsThePublishedIppCurrents) {
  // x16: VPP 2.5 V, IPP0 4 and IPP3N 3 mA, 4 chips, tRC 56 cycles of 0.833 ns: an activate and
  // its precharge 2.5 * (4 - 3) * 56 * 0.833 * 4 = 466.48 pJ; standby 2.5 * 3 * 4 = 30 mW.
  const VppEstimate vpp = vpp_estimate("ddr4_2400_x16");
  ASSERT_TRUE(vpp.known);
  EXPECT_NEAR(vpp.activate_pj(ddr4_x16()), 466.48, 1e-9);
  EXPECT_NEAR(vpp.background_mw(ddr4_x16()), 30.0, 1e-12);
  EXPECT_NEAR(vpp.self_refresh_mw(ddr4_x16()), 2.5 * 5 * 4, 1e-12);
  // No figures are used for the other presets: nothing is made up for them.
  EXPECT_FALSE(vpp_estimate("hbm2").known);
  EXPECT_EQ(vpp_estimate("lpddr4_3200").activate_pj(*find_dram_preset("lpddr4_3200")), 0.0);
}

}  // namespace
}  // namespace accelsim::dram
