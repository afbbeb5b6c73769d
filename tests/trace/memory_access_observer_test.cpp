// What a memory port reserves for each access, and what the memory-access hook of the trace
// recorders is told: the same intervals, queueing included.
#include <gtest/gtest.h>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>

#include <string>
#include <vector>

#include "modules/common/bandwidth_port.h"
#include "modules/sram/sram.h"
#include "tests/support/test_memory.h"

namespace accelsim::modules {
namespace {

std::string text(const BandwidthPort::Reservation& r) {
  return "port [" + std::to_string(r.begin) + ", " + std::to_string(r.end) + "), delivered " +
         std::to_string(r.delivered);
}

TEST(MemoryPortReservation, ARequestHoldsThePortForItsBytesThenWaitsTheLatency) {
  // 8 bytes per cycle, 3 cycles of latency.
  BandwidthPort port(8, 3);
  // 64 bytes at cycle 0: 8 cycles on the port, delivered 3 later.
  EXPECT_EQ(text(port.reserve(0, 64)), "port [0, 8), delivered 11");
  // 20 bytes asked for at cycle 2 wait for the port to free at 8: ceil(20 / 8) = 3 cycles.
  EXPECT_EQ(text(port.reserve(2, 20)), "port [8, 11), delivered 14");
  // Asked for after the port freed: no wait; one byte still takes a cycle.
  EXPECT_EQ(text(port.reserve(30, 1)), "port [30, 31), delivered 34");
  EXPECT_EQ(port.busy_cycles(), 8u + 3u + 1u);
  EXPECT_EQ(port.free_at(), 31u);
}

struct Recorder : MemoryAccessObserver {
  std::vector<MemoryAccess> accesses;
  void accessed(const MemoryTarget&, const MemoryAccess& access) override { accesses.push_back(access); }
};

// Reads 64 bytes and writes 20 at cycle 0, back to back, then reads 5 at cycle 30; records
// the cycle each answer arrives.
struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> port{"port"};
  const Clock& clock;
  std::vector<uint64_t> answered;
  std::vector<uint8_t> data = std::vector<uint8_t>(64);

  SC_HAS_PROCESS(Initiator);
  Initiator(sc_core::sc_module_name name, const Clock& c) : sc_module(name), clock(c) { SC_THREAD(run); }
  void run() {
    answered.push_back(clock.to_cycles(testing::timed_access(port, tlm::TLM_READ_COMMAND, 0, data.data(), 64)));
    answered.push_back(clock.to_cycles(testing::timed_access(port, tlm::TLM_WRITE_COMMAND, 0, data.data(), 20)));
    sc_core::wait(clock.cycles(30));
    answered.push_back(clock.now() +
                       clock.to_cycles(testing::timed_access(port, tlm::TLM_READ_COMMAND, 0, data.data(), 5)));
    sc_core::wait(never_);  // parked, as the accelerator's units are: a SystemC thread must not return
  }
  sc_core::sc_event never_;
};

TEST(MemoryAccessObserver, SeesEachAccessWithThePortIntervalItWasGiven) {
  // An SRAM of 2 banks x 4 bytes = 8 bytes per cycle, latency 3: the port above.
  static const Clock clock(1000);
  hardware::SramConfig config;
  config.capacity_bytes = 4096;
  config.banks = 2;
  config.port_bytes = 4;
  config.latency_cycles = 3;
  auto& sram = testing::test_sram("sram", clock, config);
  auto& initiator = *new Initiator("initiator", clock);
  initiator.port.bind(sram.socket);
  Recorder recorder;
  sram.observe(&recorder);
  sc_core::sc_start();
  sram.observe(nullptr);

  ASSERT_EQ(recorder.accesses.size(), 3u);
  const auto expect = [&](std::size_t i, bool write, uint64_t bytes, uint64_t requested, uint64_t begin, uint64_t end,
                          uint64_t delivered) {
    const MemoryAccess& a = recorder.accesses[i];
    EXPECT_EQ(a.write, write) << i;
    EXPECT_EQ(a.bytes, bytes) << i;
    EXPECT_EQ(a.requested, requested) << i;
    EXPECT_EQ(a.port_begin, begin) << i;
    EXPECT_EQ(a.port_end, end) << i;
    EXPECT_EQ(a.delivered, delivered) << i;
    EXPECT_EQ(initiator.answered.at(i), delivered) << "the initiator is answered when the hook says";
  };
  expect(0, false, 64, 0, 0, 8, 11);
  expect(1, true, 20, 0, 8, 11, 14);  // asked for at once, queued behind the read
  expect(2, false, 5, 30, 30, 31, 34);
}

}  // namespace
}  // namespace accelsim::modules
