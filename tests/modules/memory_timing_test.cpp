// Micro-timing of one memory port: expected cycles are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "modules/common/blocking_access.h"
#include "modules/sram/sram.h"

namespace accelsim::modules {
namespace {

// Issues reads at chosen cycles and records when each completes.
struct Reader : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Reader> port{"port"};
  const Clock& clock;
  std::vector<std::pair<uint64_t, uint64_t>> requests;  // (issue cycle, bytes)
  std::vector<uint64_t> finished;
  std::vector<uint8_t> data = std::vector<uint8_t>(4096);

  SC_HAS_PROCESS(Reader);
  Reader(sc_core::sc_module_name name, const Clock& c, std::vector<std::pair<uint64_t, uint64_t>> r)
      : sc_module(name), clock(c), requests(std::move(r)) {
    SC_THREAD(run);
  }
  void run() {
    for (const auto& [at, bytes] : requests) {
      if (at > clock.now()) sc_core::wait(clock.cycles(at - clock.now()));
      const sc_core::sc_time delay = blocking_access(port, tlm::TLM_READ_COMMAND, 0, data.data(), bytes);
      finished.push_back(clock.now() + clock.to_cycles(delay));
    }
    // Park instead of returning, as the accelerator's units do: a SystemC thread that ends
    // leaves LeakSanitizer scanning a stale coroutine stack at exit.
    sc_core::wait(never_);
  }
  sc_core::sc_event never_;
};

hardware::SramConfig sram_of(int64_t banks, int64_t port_bytes, int64_t latency) {
  hardware::SramConfig config;
  config.capacity_bytes = 4096;
  config.banks = banks;
  config.port_bytes = port_bytes;
  config.latency_cycles = latency;
  return config;
}

TEST(MemoryTiming, OneSramTransferTakesBytesOverBandwidthPlusLatency) {
  // 2 banks x 4 bytes = 8 bytes/cycle. 20 bytes: ceil(20/8) = 3 cycles on the port, then
  // 3 cycles of latency: done at cycle 6.
  // Modules live as long as the SystemC kernel (to the end of the process), as in a real
  // elaboration: destroying them earlier leaves the kernel with dangling processes.
  static const Clock clock(1000);
  auto& sram = *new Sram("sram", clock, sram_of(2, 4, 3));
  auto& reader = *new Reader("reader", clock, {{0, 20}});
  reader.port.bind(sram.socket);
  sc_core::sc_start();
  ASSERT_EQ(reader.finished.size(), 1u);
  EXPECT_EQ(reader.finished[0], 6u);
  EXPECT_EQ(sram.read_bytes(), 20u);
}

TEST(MemoryTiming, ABusyPortQueuesTheNextRequest) {
  // Two requests for 64 bytes at 8 bytes/cycle, latency 3, issued at cycles 0 and 2 (the
  // second by another initiator while the port is still busy):
  //   first:  port [0, 8), done 8 + 3 = 11
  //   second: port free at 8, so [8, 16), done 16 + 3 = 19 (not 2 + 8 + 3 = 13)
  static const Clock clock(1000);
  auto& sram = *new Sram("sram", clock, sram_of(2, 4, 3));
  auto& first = *new Reader("first", clock, {{0, 64}});
  auto& second = *new Reader("second", clock, {{2, 64}});
  first.port.bind(sram.socket);
  second.port.bind(sram.socket);
  sc_core::sc_start();
  EXPECT_EQ(first.finished.at(0), 11u);
  EXPECT_EQ(second.finished.at(0), 19u);
}

TEST(MemoryTiming, AccessOutsideTheMemoryIsRefused) {
  static const Clock clock(1000);
  auto& sram = *new Sram("sram", clock, sram_of(1, 8, 1));
  auto& reader = *new Reader("reader", clock, {{0, 8}});
  reader.port.bind(sram.socket);
  std::vector<uint8_t> big(8192);
  EXPECT_THROW(sram.backdoor_write(4090, big.data(), 16), std::out_of_range);
}

}  // namespace
}  // namespace accelsim::modules
