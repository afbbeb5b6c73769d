#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/dram/dram_spec.h"

namespace accelsim::dram {

// One line of a DRAM request trace: `<hex address> <R|W> <cycle>` (docs/outputs.md).
struct TraceRequest {
  uint64_t address = 0;
  bool write = false;
  uint64_t cycle = 0;
};
// Throws std::runtime_error naming the file and line of a malformed line ('#' lines are comments).
std::vector<TraceRequest> read_dram_trace(const std::string& path);

// Bandwidth, average read latency and energy of a replay, as docs/validation.md reports them.
struct ReplayFigures {
  double bandwidth_gb_per_s = 0;
  double read_latency_cycles = 0;  // from acceptance into the queue to the last data beat
  double pj_per_byte = -1;         // negative: not reported
};

// Offers the requests in order, at most one per DRAM cycle and not before their cycle, each
// waiting for room in the controller's queue (the way the reference drivers feed DRAMsim3 and
// Ramulator2); with `serial`, each only once the previous one's data is done. Bandwidth is
// bytes over the time from cycle 0 to the end of the last data burst.
ReplayFigures replay_dram_trace(const std::vector<TraceRequest>& requests, const DramSpec& spec,
                                const std::string& mapping, const DramController& controller, bool serial);

// Figures other simulators gave, by simulator then trace, from a file of
// `<simulator>,<trace>,<GB/s>,<latency>,<pJ/B or ->` lines ('#' lines are comments). Throws
// std::runtime_error naming the file and line of a malformed one.
using ReferenceFigures = std::map<std::string, std::map<std::string, ReplayFigures>>;
ReferenceFigures read_dram_references(const std::string& path, std::vector<std::string>* simulators = nullptr);

}  // namespace accelsim::dram
