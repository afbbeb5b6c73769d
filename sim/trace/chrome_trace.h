#pragma once

#include <cstdint>
#include <string>

#include "sim/trace/timeline.h"

namespace accelsim::trace {

// The timeline in the Chrome trace-event JSON format (the "JSON Object Format" that Perfetto
// and chrome://tracing load): "X" complete events for slices, "C" counter events, "M" metadata
// naming the process and one thread per module. ts and dur are microseconds of simulated time
// at the accelerator's clock; otherData states the clock and the cycle length. Deterministic.
std::string chrome_trace_json(const Timeline& timeline);

// `cycles` as microseconds of simulated time, exactly ("1.234" for 617 cycles of 2000 ps).
std::string microseconds(uint64_t cycles, uint64_t cycle_ps);

}  // namespace accelsim::trace
