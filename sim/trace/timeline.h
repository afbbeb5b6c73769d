#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace accelsim::trace {

// A stretch of activity on one module's track, in cycles.
struct TimelineSlice {
  uint64_t begin = 0;
  uint64_t end = 0;
  std::string name;      // what a viewer writes on the slice: "conv3 compute", "waiting", "read"
  std::string category;  // the opcode ("compute", "load_weights", ...), "waiting", "read" or "write"
  int layer = -1;        // index into Timeline::layers; -1: none
  nlohmann::json args = nlohmann::json::object();  // what a viewer shows for a selected slice
};

// One module's activity, slices in order of `begin`, never overlapping.
struct TimelineTrack {
  std::string module;
  std::vector<TimelineSlice> slices;
};

// A quantity that changes in steps: each point gives one value per series, held until the
// next point.
struct CounterTrack {
  std::string name;                                              // "weight_sram occupancy"
  std::string unit;                                              // "bytes", "GB/s", "requests"
  std::vector<std::string> series;                               // one name per value of a point
  std::vector<std::pair<uint64_t, std::vector<double>>> points;  // (cycle, values), cycles increasing
};

// What the timeline recorder saw: the tracks of the traced modules and the counters, in
// cycles of the accelerator's clock.
struct Timeline {
  std::string title;  // "lenet on edge-small"
  std::string generator;
  double clock_mhz = 0;
  uint64_t cycle_ps = 0;  // one clock period in picoseconds
  uint64_t window_begin = 0;
  uint64_t window_end = 0;  // exclusive; the run's end when no window was asked for
  uint64_t end_cycle = 0;   // the run's last cycle
  std::vector<std::string> layers;
  std::vector<TimelineTrack> tracks;
  std::vector<CounterTrack> counters;
};

}  // namespace accelsim::trace
