#pragma once

#include <cstdint>
#include <string>

#include "core/scalesim/scalesim_config.h"
#include "core/scalesim/topology_csv.h"

namespace accelsim::scalesim {

// SCALE-Sim v2's cycles for one layer under `InterfaceBandwidth: USER`, where its double-buffered
// SRAMs fetch from DRAM at `Bandwidth` words per cycle and the array stalls when a demanded word
// has not arrived. There is no closed form: this walks the layer's demand lines cycle by cycle
// through a model of SCALE-Sim's three buffers (docs/scalesim.md, "USER interface bandwidth"):
// - each read SRAM (ifmap, filter) holds its operand's prefetch order cut into 100 sets of
//   ceil(words / 100) addresses; half the SRAM's sets are active, the window slides by the other
//   half's sets on a miss, each such refill taking ceil(half / Bandwidth) + 1 cycles after the
//   previous one (the first fill is free, before cycle 0);
// - the ofmap SRAM drains half its words at Bandwidth words per cycle once more than half are
//   held, and the array waits only when it is full while a drain runs;
// - a line's stall is the largest of the three; Total Cycles is the last line's ofmap cycle.
// Only the weight-stationary dataflow's demand and prefetch layout is modelled.
struct UserBandwidthFigures {
  int64_t total_cycles = 0;
  int64_t stall_cycles = 0;
};

bool user_bandwidth_supported(Dataflow dataflow);

// `config` gives the array, dataflow, SRAM sizes (kB of one-byte words) and Bandwidth's first
// value. Throws std::invalid_argument for a dataflow other than WS or a bandwidth below 1.
UserBandwidthFigures user_bandwidth_figures(const TopologyLayer& layer, const ScaleSimConfig& config);

}  // namespace accelsim::scalesim
