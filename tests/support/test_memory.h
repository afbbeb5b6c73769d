#pragma once

#include <gtest/gtest.h>
#include <tlm>

#include <cstdint>

#include "modules/common/blocking_access.h"
#include "modules/sram/sram.h"

namespace accelsim::testing {

// The statistics of a one-layer run, for memories built outside an accelerator. Lives as long
// as the SystemC kernel, as the modules that count into it do.
inline stats::RunStats& one_layer_stats() {
  static stats::RunStats* stats = new stats::RunStats({"layer"});
  return *stats;
}

// An SRAM counting its traffic as "sram_read_bytes"/"sram_write_bytes" of one_layer_stats().
inline modules::Sram& test_sram(const char* name, const modules::Clock& clock, const hardware::SramConfig& config) {
  return *new modules::Sram(name, clock, one_layer_stats(), config,
                            {"sram_read_bytes", "bytes read", "sram_write_bytes", "bytes written"}, "energy_sram_pj",
                            "SRAM reads and writes");
}

// One timed access for layer 0 from time offset zero: the offset at which it completes.
template <typename Socket>
sc_core::sc_time timed_access(Socket& port, tlm::tlm_command command, uint64_t address, uint8_t* data,
                              uint64_t length) {
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  if (!modules::blocking_access(port, command, address, data, length, 0, delay)) ADD_FAILURE() << "access refused";
  return delay;
}

}  // namespace accelsim::testing
