// The VCD recorder: changes scheduled ahead of their simulated time (as loosely-timed modules
// report them) land in the waveform at their own times. Each TEST elaborates a SystemC design,
// so each runs in a process of its own.
#include <gtest/gtest.h>

#include <systemc>

#include "modules/common/clock.h"
#include "sim/trace/vcd_recorder.h"
#include "tests/support/temp_dir.h"
#include "tests/support/vcd_reader.h"

namespace accelsim::trace {
namespace {

using testing::VcdFile;

constexpr uint64_t kPs = 1000;  // one cycle at 1 GHz

// Drives a recorder the way the activity recorder does: from a thread, with cycles that lie
// ahead of simulated time and arrive out of order.
class Driver : public sc_core::sc_module {
 public:
  Driver(sc_core::sc_module_name name, const modules::Clock& clock, VcdRecorder& recorder)
      : sc_module(name), clock_(clock), recorder_(recorder) {
    SC_HAS_PROCESS(Driver);
    SC_THREAD(run);
  }

 private:
  void run() {
    const auto& pe = *recorder_.unit("pe_array");
    const auto& dram = *recorder_.memory("dram");
    recorder_.set(pe.busy, 30, 1);
    recorder_.set(pe.busy, 10, 1);
    recorder_.set(pe.busy, 20, 0);
    sc_core::wait(clock_.cycles(5));
    // Two back-to-back reads: the count goes 1, 0 and 1 again at cycle 12; the bit stays high.
    recorder_.add(dram.reading, 8, 1);
    recorder_.add(dram.reading, 12, -1);
    recorder_.add(dram.reading, 12, 1);
    recorder_.add(dram.reading, 15, -1);
    recorder_.add(dram.queue_depth, 6, 1);
    recorder_.add(dram.queue_depth, 7, 1);
    recorder_.add(dram.queue_depth, 16, -2);
    recorder_.set(pe.layer, 40, 3);
    recorder_.set(pe.layer, 45, -1);
    recorder_.end_at(50);
    sc_core::wait(parked_);
  }

  const modules::Clock& clock_;
  VcdRecorder& recorder_;
  sc_core::sc_event parked_;  // never notified: a thread that returns upsets LeakSanitizer
};

VcdFile record(const TraceOptions& options) {
  const modules::Clock clock(1000.0);
  VcdRecorder recorder("trace_vcd", clock, options);
  Driver driver("driver", clock, recorder);
  sc_core::sc_start();
  PendingFile file = recorder.finish();
  file.commit();
  return VcdFile::read(options.vcd_file);
}

TEST(VcdRecorder, ChangesLandAtTheirOwnSimulatedTimes) {
  testing::TempDir dir;
  TraceOptions options;
  options.vcd = true;
  options.modules = {"pe_array", "dram"};
  options.vcd_file = dir.path() / "trace.vcd";
  const VcdFile vcd = record(options);

  EXPECT_EQ(vcd.timescale, "1 ps");
  EXPECT_TRUE(vcd.has("accelerator.pe_array.busy"));
  EXPECT_TRUE(vcd.has("accelerator.dram.queue_depth"));
  EXPECT_FALSE(vcd.has("accelerator.dma.busy")) << "not a traced module";
  EXPECT_FALSE(vcd.has("accelerator.trace_window")) << "no window asked for";

  using Changes = std::vector<VcdFile::Change>;
  auto changes = [&](const std::string& name) { return vcd.of(name); };
  auto same = [](const Changes& actual, const Changes& expected) {
    if (actual.size() != expected.size()) return false;
    for (std::size_t i = 0; i < actual.size(); ++i)
      if (actual[i].time != expected[i].time || actual[i].value != expected[i].value) return false;
    return true;
  };
  EXPECT_TRUE(
      same(changes("accelerator.pe_array.busy"), {{0, "0"}, {10 * kPs, "1"}, {20 * kPs, "0"}, {30 * kPs, "1"}}));
  EXPECT_TRUE(same(changes("accelerator.dram.reading"), {{0, "0"}, {8 * kPs, "1"}, {15 * kPs, "0"}}))
      << "no glitch at cycle 12";
  EXPECT_EQ(VcdFile::number(vcd.value_at("accelerator.dram.queue_depth", 6 * kPs)), 1);
  EXPECT_EQ(VcdFile::number(vcd.value_at("accelerator.dram.queue_depth", 7 * kPs)), 2);
  EXPECT_EQ(VcdFile::number(vcd.value_at("accelerator.dram.queue_depth", 16 * kPs)), 0);
  EXPECT_EQ(VcdFile::number(vcd.value_at("accelerator.pe_array.layer", 0)), -1) << "Z while idle";
  EXPECT_EQ(VcdFile::number(vcd.value_at("accelerator.pe_array.layer", 40 * kPs)), 3);
  EXPECT_EQ(vcd.value_at("accelerator.pe_array.layer", 45 * kPs), std::string(16, 'Z'));
  ASSERT_FALSE(vcd.timestamps.empty());
  EXPECT_EQ(vcd.timestamps.back(), 51 * kPs) << "the waveform ends a cycle after the run";
  for (std::size_t i = 1; i < vcd.timestamps.size(); ++i) EXPECT_LT(vcd.timestamps[i - 1], vcd.timestamps[i]);
}

TEST(VcdRecorder, AWindowShowsOnlyItsCyclesWithTheStateAtItsStart) {
  testing::TempDir dir;
  TraceOptions options;
  options.vcd = true;
  options.modules = {"pe_array", "dram"};
  options.window_begin = 15;
  options.window_end = 35;
  options.vcd_file = dir.path() / "trace.vcd";
  const VcdFile vcd = record(options);

  using Changes = std::vector<VcdFile::Change>;
  const Changes window = vcd.of("accelerator.trace_window");
  ASSERT_EQ(window.size(), 3u);
  EXPECT_EQ(window[0].value, "0");
  EXPECT_EQ(window[1].time, 15 * kPs);
  EXPECT_EQ(window[1].value, "1");
  EXPECT_EQ(window[2].time, 35 * kPs);
  EXPECT_EQ(window[2].value, "0");
  // busy went high at 10, before the window: the waveform shows it from the window's start.
  EXPECT_EQ(vcd.value_at("accelerator.pe_array.busy", 14 * kPs), "0");
  EXPECT_EQ(vcd.value_at("accelerator.pe_array.busy", 15 * kPs), "1");
  EXPECT_EQ(vcd.value_at("accelerator.pe_array.busy", 20 * kPs), "0");
  EXPECT_EQ(vcd.value_at("accelerator.pe_array.busy", 30 * kPs), "1");
  EXPECT_EQ(vcd.value_at("accelerator.dram.reading", 14 * kPs), "0") << "the read at 8..15 lies before the window";
  // After the window nothing changes: the layer set at 40 is not in the file.
  EXPECT_EQ(vcd.value_at("accelerator.pe_array.layer", 60 * kPs), std::string(16, 'Z'));
  for (const auto& [id, list] : vcd.changes)
    for (const auto& change : list)
      EXPECT_TRUE(change.time == 0 || (change.time >= 15 * kPs && change.time <= 35 * kPs))
          << id << " changes at " << change.time;
}

}  // namespace
}  // namespace accelsim::trace
