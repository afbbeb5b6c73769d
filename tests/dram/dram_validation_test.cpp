// The DRAM core against the figures DRAMsim3 and Ramulator2 gave for the same traces
// (bench/data/dram_reference.csv, bench/data/dram_traces/; docs/validation.md): the issue's
// goal, within 10% of DRAMsim3 on bandwidth and energy for the streaming and strided traces,
// and the agreement with Ramulator2 that docs/validation.md states, kept as regressions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "core/dram/address_mapping.h"
#include "core/dram/trace_replay.h"

namespace accelsim::dram {
namespace {

const std::string kData = std::string(ACCELSIM_SOURCE_DIR) + "/bench/data/";

// The references' controller: 32-request read and write queues, writes batched between
// watermarks 0.2 and 0.8, open page, no power-down.
DramController references_controller() {
  DramController c;
  c.write_queue_depth = 32;
  return c;
}

ReplayFigures replay(const std::string& trace, const DramController& controller = references_controller()) {
  return replay_dram_trace(read_dram_trace(kData + "dram_traces/" + trace + ".trace"),
                           *find_dram_preset("ddr4_2400_x16"), AddressMapping::default_order(), controller, false);
}

double relative(double mine, double theirs) { return std::abs(mine - theirs) / theirs; }

TEST(DramValidation, StreamingAndStridedTracesAreWithinTenPercentOfDramsim3) {
  const ReferenceFigures references = read_dram_references(kData + "dram_reference.csv");
  for (const char* trace : {"sequential", "stride_4k", "stride_64k"}) {
    const ReplayFigures mine = replay(trace);
    const ReplayFigures& theirs = references.at("DRAMsim3").at(trace);
    EXPECT_LE(relative(mine.bandwidth_gb_per_s, theirs.bandwidth_gb_per_s), 0.10) << trace;
    EXPECT_LE(relative(mine.pj_per_byte, theirs.pj_per_byte), 0.10) << trace;
  }
}

TEST(DramValidation, LoadedTracesAgreeWithRamulator2WithinTwoPercent) {
  const ReferenceFigures references = read_dram_references(kData + "dram_reference.csv");
  for (const char* trace : {"sequential", "stride_4k", "stride_64k", "random", "mix_2r1w"})
    EXPECT_LE(relative(replay(trace).bandwidth_gb_per_s, references.at("Ramulator2").at(trace).bandwidth_gb_per_s),
              0.02)
        << trace;
}

TEST(DramValidation, WriteBatchingGivesTheMixedTraceTheReferencesReadLatency) {
  // Ramulator2 batches writes with the same watermarks: its reads wait through the batches.
  // Without batching (one shared queue) reads never wait for a batch, and their latency is far
  // below it.
  const ReferenceFigures references = read_dram_references(kData + "dram_reference.csv");
  const double theirs = references.at("Ramulator2").at("mix_2r1w").read_latency_cycles;
  EXPECT_LE(relative(replay("mix_2r1w").read_latency_cycles, theirs), 0.05);
  DramController shared = references_controller();
  shared.write_queue_depth = 0;
  EXPECT_LT(replay("mix_2r1w", shared).read_latency_cycles, 0.6 * theirs);
}

TEST(DramValidation, AMalformedReferenceLineNamesItsFileAndLine) {
  const std::string path = testing::TempDir() + "bad_reference.csv";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("# header\nDRAMsim3,sequential,fast,1,2\n", f);
    std::fclose(f);
  }
  try {
    read_dram_references(path);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2: expected"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace accelsim::dram
