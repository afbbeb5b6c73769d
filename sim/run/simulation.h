#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/isa/tile_program.h"
#include "core/stats/run_stats.h"
#include "sim/run/workload.h"
#include "sim/trace/trace_options.h"
#include "sim/trace/trace_recording.h"

namespace accelsim::run {

// The first output element where the accelerator and the golden model disagree.
struct Mismatch {
  int64_t image = 0;
  std::string layer;
  int64_t index = 0;
  int32_t expected = 0;  // golden
  int32_t actual = 0;    // accelerator
};

// Why a simulation stopped before its end: an input problem found while simulating (an
// accumulator overflow: exit code 2) or a failure of the simulation itself (a deadlock, a stall,
// a unit's error: exit code 3).
struct RunFailure {
  bool bad_input = false;
  std::string message;
};

// What the simulation cost the host in SystemC's terms (modules::HostEvents, plus the kernel's
// delta cycles), beside the work it simulated: instructions and compute tiles (PE-array GEMM
// tiles) over the whole batch. host.json prints them per image and per tile.
struct HostEventCounts {
  uint64_t thread_resumptions = 0;
  uint64_t tlm_transactions = 0;
  uint64_t delta_cycles = 0;
  uint64_t instructions = 0;
  uint64_t compute_tiles = 0;
};

struct RunResult {
  std::optional<RunFailure> failure;  // set when the run stopped early; then nothing else is valid
  std::unique_ptr<stats::RunStats> stats;
  isa::TileProgram program;
  std::optional<Mismatch> first_mismatch;
  int64_t mismatches = 0;
  std::vector<int32_t> logits;       // [images, classes] as read from DRAM; empty when timing only
  std::vector<int64_t> predictions;  // accelerator's class per image; empty when timing only
  bool checked = true;               // the outputs were compared with the golden model (not with network.values: none)
  bool labelled = true;              // the images have labels, so `correct` counts something (network.values: file)
  std::unique_ptr<trace::TraceRecording> trace;  // what tracing recorded; null when it was off
  HostEventCounts host_events;
  bool bit_exact() const { return mismatches == 0; }
};

using ProgressCallback = std::function<void(int64_t done, int64_t total)>;

// A single-event upset: bit `bit` of element `index` of `layer`'s output, as stored in the
// activation SRAM, flips for image `image` the moment the layer finishes. For resilience
// studies, and to see the checker catch a wrong value.
struct BitFlip {
  std::string layer;
  int64_t index = 0;
  int bit = 0;
  int64_t image = 0;
};

struct RunOptions {
  std::vector<BitFlip> bit_flips;
  // Traces to record (sim/trace/). Off by default: then no recorder exists and nothing watches.
  trace::TraceOptions trace;
  // Stop with an error when no instruction finishes for this many simulated cycles (0: never).
  uint64_t watchdog_cycles = 100'000'000;
};

// Runs the first `images` held-out images through the SystemC accelerator, back to back in one
// simulation, and checks every layer's output as it lies in the activation SRAM against the
// golden model, element by element. A timing-only network (network.values: none) runs the same
// schedule with nothing computed and nothing checked. A SystemC kernel elaborates once: one run
// per process.
// Throws mapper::MappingError and std::invalid_argument (bad bit flips) before simulating;
// what goes wrong while simulating comes back in RunResult::failure, never as an exception.
RunResult simulate(const Workload& workload, int64_t images, const ProgressCallback& progress = {},
                   const RunOptions& options = {});

}  // namespace accelsim::run
