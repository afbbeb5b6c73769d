// The DRAM timing core on hand-placed requests. Every expected cycle is derived in the comment
// above it from the DDR4-2400 presets (DRAM cycles of 0.833 ns): CL 17, tRCD 17, tRP 17,
// tRAS 39, tRC 56, tRTP 9, a BL8 burst of 4 cycles, tREFI 9360, tRFC 420; for the x8 part
// tRRD_S 4, tRRD_L 6, tFAW 26. Latency is counted from arrival to the end of the last data beat.
#include <gtest/gtest.h>

#include <vector>

#include "core/dram/dram_channel.h"
#include "core/dram/dram_spec.h"
#include "core/dram/dram_system.h"

namespace accelsim::dram {
namespace {

const DramSpec& ddr4_x16() { return *find_dram_preset("ddr4_2400_x16"); }
const DramSpec& ddr4_x8() { return *find_dram_preset("ddr4_2400_x8"); }

DramAddress at(int64_t bank_group, int64_t bank, int64_t row, int64_t column = 0) {
  return {0, 0, bank_group, bank, row, column};
}

TEST(DramTiming, ARowMissActivatesThenReads) {
  // Bank closed: ACT at 0, READ at tRCD = 17, data from 17 + CL = 34 for 4 cycles: ends at 38.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Open);
  const DramServed s = dram.serve(dram.submit(at(0, 0, 5), false, 0));
  EXPECT_EQ(s.column_issue, 17u);
  EXPECT_EQ(s.data_begin, 34u);
  EXPECT_EQ(s.data_end, 38u);
  EXPECT_FALSE(s.row_hit);
  EXPECT_EQ(s.activates, 1);
  EXPECT_EQ(dram.counts().activates, 1);
}

TEST(DramTiming, ARowHitReadsAtOnce) {
  // The row is open from the first access; a read of it at 100 issues at 100 and its data end
  // at 100 + CL + 4 = 121: latency 21.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Open);
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const DramServed s = dram.serve(dram.submit(at(0, 0, 5, 3), false, 100));
  EXPECT_EQ(s.column_issue, 100u);
  EXPECT_EQ(s.data_end - s.arrival, 21u);
  EXPECT_TRUE(s.row_hit);
  EXPECT_EQ(dram.counts().row_hits, 1);
}

TEST(DramTiming, ABankConflictPrechargesActivatesAndReads) {
  // Row 5 open since 0. Row 6 of the same bank at 100: PRE at 100 (tRAS and tRTP long past),
  // ACT at 100 + tRP = 117, READ at 117 + tRCD = 134, data ends 134 + 17 + 4 = 155:
  // latency 55 = tRP + tRCD + CL + burst.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Open);
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const DramServed late = dram.serve(dram.submit(at(0, 0, 6), false, 100));
  EXPECT_EQ(late.data_end - late.arrival, 55u);
  EXPECT_EQ(late.precharges, 1);
  EXPECT_EQ(late.activates, 1);
}

TEST(DramTiming, ABankConflictSoonAfterTheActivateWaitsForTras) {
  // Row 6 arriving at 20: the PRE must wait for tRAS after the ACT at 0, so it goes at 39;
  // ACT at 39 + tRP = 56 (= tRC), READ at 73, data ends at 73 + 21 = 94.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Open);
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const DramServed s = dram.serve(dram.submit(at(0, 0, 6), false, 20));
  EXPECT_EQ(s.column_issue, 73u);
  EXPECT_EQ(s.data_end, 94u);
}

TEST(DramTiming, ARefreshStallsARequest) {
  // A read of the open row arriving at 9360, the cycle the first refresh falls due: refresh
  // goes first. PRE-all at 9360, REF at 9360 + tRP = 9377, the bank can activate again at
  // 9377 + tRFC = 9797; READ at 9797 + tRCD = 9814, data ends 9814 + 21 = 9835. The hit became
  // a miss and waited 475 = tRP + tRFC + tRCD + CL + burst instead of 21.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Open);
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const DramServed s = dram.serve(dram.submit(at(0, 0, 5, 1), false, 9360));
  EXPECT_EQ(s.data_end, 9835u);
  EXPECT_EQ(s.data_end - s.arrival, 475u);
  EXPECT_FALSE(s.row_hit);
  EXPECT_EQ(dram.counts().refreshes, 1);
}

TEST(DramTiming, TheFifthActivateInATfawWindowWaits) {
  // x8 part, five requests at 0 to banks in bank groups 0, 1, 2, 3 and 0 (another bank).
  // ACTs at 0, 4, 8, 12 (tRRD_S = 4 between groups). The fifth could go at 16 by tRRD_S (and
  // at 6 by tRRD_L from the first), but four activates already lie in [0, 26): it waits for
  // tFAW, to 26. Its READ at 26 + tRCD = 43 (the bus is free: READs at 17, 21, 25, 29), data
  // ends 43 + 21 = 64.
  DramChannel dram(ddr4_x8(), 32, DramPagePolicy::Open);
  std::vector<uint64_t> ids;
  for (int64_t group : {0, 1, 2, 3}) ids.push_back(dram.submit(at(group, 0, 1), false, 0));
  ids.push_back(dram.submit(at(0, 1, 1), false, 0));
  std::vector<DramServed> served;
  for (uint64_t id : ids) served.push_back(dram.serve(id));
  EXPECT_EQ(served[0].column_issue, 17u);
  EXPECT_EQ(served[1].column_issue, 21u);
  EXPECT_EQ(served[2].column_issue, 25u);
  EXPECT_EQ(served[3].column_issue, 29u);
  EXPECT_EQ(served[4].column_issue, 43u);
  EXPECT_EQ(served[4].data_end, 64u);
}

TEST(DramTiming, TheSchedulerServesARowHitBeforeAnOlderMiss) {
  // Row 5 of bank 0 is open. At 100 a request for row 6 (older) and one for row 5 (younger)
  // arrive. FR-FCFS issues the hit's READ at 100 (data ends 121) and holds the precharge that
  // would close row 5 while the hit waits; the miss then: PRE at 100 + tRTP = 109, ACT at 126,
  // READ at 143, data ends 164.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Open);
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const uint64_t miss = dram.submit(at(0, 0, 6), false, 100);
  const uint64_t hit = dram.submit(at(0, 0, 5, 7), false, 100);
  const DramServed miss_served = dram.serve(miss);
  const DramServed hit_served = dram.serve(hit);
  EXPECT_EQ(hit_served.column_issue, 100u);
  EXPECT_EQ(hit_served.data_end, 121u);
  EXPECT_LT(hit_served.column_issue, miss_served.column_issue);
  EXPECT_EQ(miss_served.column_issue, 143u);
  EXPECT_EQ(miss_served.data_end, 164u);
}

TEST(DramTiming, StreamingReadsGoEveryTccdWithinABankGroup) {
  // 8 reads of one row: ACT 0, READs at 17, 23, 29, ... (tCCD_L = 6 in one bank group): the
  // last at 17 + 7 * 6 = 59, data ends 59 + 21 = 80.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Open);
  std::vector<uint64_t> ids;
  for (int64_t c = 0; c < 8; ++c) ids.push_back(dram.submit(at(0, 0, 2, c), false, 0));
  DramServed last;
  for (uint64_t id : ids) last = dram.serve(id);
  EXPECT_EQ(last.column_issue, 59u);
  EXPECT_EQ(last.data_end, 80u);
  EXPECT_EQ(dram.counts().row_hits, 7);
}

TEST(DramTiming, AWriteThenAReadOfTheSameGroupWaitsTwtrL) {
  // Row open (read at 17, data 34-38). WRITE at 100: data 100 + CWL = 112 to 116. A read of the
  // same bank group waits tWTR_L = 9 after the write data: READ at 125, data ends 146.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Open);
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const DramServed w = dram.serve(dram.submit(at(0, 0, 5, 1), true, 100));
  EXPECT_EQ(w.data_end, 116u);
  const DramServed r = dram.serve(dram.submit(at(0, 0, 5, 2), false, 100));
  EXPECT_EQ(r.column_issue, 125u);
  EXPECT_EQ(r.data_end, 146u);
}

TEST(DramTiming, ClosedPageClosesTheRowAfterItsLastAccess) {
  // Closed page: after the read at 17 the row closes at max(tRAS = 39, 17 + tRTP = 26) = 39;
  // the same row at 100 is a miss again: ACT 100, READ 117, data ends 138.
  DramChannel dram(ddr4_x16(), 32, DramPagePolicy::Closed);
  dram.serve(dram.submit(at(0, 0, 5), false, 0));
  const DramServed s = dram.serve(dram.submit(at(0, 0, 5, 1), false, 100));
  EXPECT_FALSE(s.row_hit);
  EXPECT_EQ(s.data_end, 138u);
  EXPECT_EQ(dram.counts().precharges, 1);
}

TEST(DramTiming, AFullQueueDelaysAcceptance) {
  // Queue of 2: three reads of one row at 0. The third enters when the first READ issues
  // (17) and its own READ goes at 17 + 2 * tCCD_L = 29.
  DramChannel dram(ddr4_x16(), 2, DramPagePolicy::Open);
  dram.submit(at(0, 0, 2, 0), false, 0);
  dram.submit(at(0, 0, 2, 1), false, 0);
  const uint64_t third = dram.submit(at(0, 0, 2, 2), false, 0);
  EXPECT_EQ(dram.last_accepted(), 17u);
  const DramServed s = dram.serve(third);
  EXPECT_EQ(s.accepted, 17u);
  EXPECT_EQ(s.column_issue, 29u);
}

TEST(DramTiming, ChannelsWorkInParallel) {
  // HBM2: 8 channels, the channel in the lowest bits above the 64-byte access. Eight requests
  // at 0, 64, ..., 448 land one per channel; each channel activates at 0 and reads at
  // tRCD = 14, data from 14 + CL 14 = 28 for 2 cycles: every one ends at 30.
  const DramSpec& hbm2 = *find_dram_preset("hbm2");
  DramSystem dram(hbm2, AddressMapping::default_order(), 32, DramPagePolicy::Open);
  std::vector<DramSystem::Ticket> tickets;
  for (uint64_t i = 0; i < 8; ++i) tickets.push_back(dram.submit(i * 64, false, 0));
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    EXPECT_EQ(tickets[i].channel, i);
    EXPECT_EQ(dram.serve(tickets[i]).data_end, 30u) << "channel " << i;
  }
  EXPECT_EQ(dram.counts().activates, 8);
}

TEST(DramEnergy, CommandEnergiesFollowTheIddTable) {
  // x16: 4 chips, 1.2 V, tCK 0.833 ns. Activate plus precharge
  //   (IDD0 * tRC - IDD3N * tRAS - IDD2N * tRP) * V * tCK * 4
  //   = (80 * 56 - 47 * 39 - 34 * 17) * 1.2 * 0.833 * 4 = 2069 * 3.9984 = 8272.7 pJ;
  // a read (243 - 47) * 4 cycles * 3.9984 = 3134.7 pJ, 49 pJ per byte of its 64.
  const auto e = command_energy(ddr4_x16());
  EXPECT_NEAR(e.activate_pj + e.precharge_pj, 8272.7, 0.1);
  EXPECT_NEAR(e.read_pj, 3134.7, 0.1);
  EXPECT_NEAR(e.active_standby_mw, 47 * 1.2 * 4, 1e-9);
}

TEST(DramAddressMapping, RowBankBankGroupColumnFromTheTop) {
  // x16: 64-byte accesses (6 bits), 128 per 8 KB row (7 bits), 2 bank groups (1), 4 banks (2).
  const AddressMapping mapping(ddr4_x16().organization, AddressMapping::default_order());
  const DramAddress a =
      mapping.decode((uint64_t{3} << 16) | (uint64_t{2} << 14) | (uint64_t{1} << 13) | (uint64_t{5} << 6));
  EXPECT_EQ(a.row, 3);
  EXPECT_EQ(a.bank, 2);
  EXPECT_EQ(a.bank_group, 1);
  EXPECT_EQ(a.column, 5);
  EXPECT_EQ(mapping.encode(a), (uint64_t{3} << 16) | (uint64_t{2} << 14) | (uint64_t{1} << 13) | (uint64_t{5} << 6));
  EXPECT_THROW(AddressMapping(ddr4_x16().organization, "row:bank:column"), std::invalid_argument);
  EXPECT_THROW(AddressMapping(ddr4_x16().organization, "row:rank:bank:bankgroup:column:chanel"), std::invalid_argument);
}

}  // namespace
}  // namespace accelsim::dram
