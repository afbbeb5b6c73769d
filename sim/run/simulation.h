#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/mapper/tile_program.h"
#include "sim/run/workload.h"
#include "sim/stats/layer_stats.h"

namespace accelsim::run {

// The first output element where the accelerator and the golden model disagree.
struct Mismatch {
  int64_t image = 0;
  std::string layer;
  int64_t index = 0;
  int32_t expected = 0;  // golden
  int32_t actual = 0;    // accelerator
};

struct RunResult {
  std::unique_ptr<stats::RunStats> stats;
  mapper::TileProgram program;
  std::optional<Mismatch> first_mismatch;
  int64_t mismatches = 0;
  std::vector<int32_t> logits;       // [images, classes] as read from DRAM
  std::vector<int64_t> predictions;  // accelerator's class per image
  bool bit_exact() const { return mismatches == 0; }
};

// The simulation stopped before finishing (a deadlock between modules, a unit that failed).
class SimulationStalled : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
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
};

// Runs the first `images` held-out images through the SystemC accelerator, back to back in one
// simulation, and checks every layer's output as it lies in the activation SRAM against the
// golden model, element by element. A SystemC kernel elaborates once: one run per process.
// Throws mapper::MappingError, golden::AccumulatorOverflow, modules::SimulationError and
// SimulationStalled.
RunResult simulate(const Workload& workload, int64_t images, const ProgressCallback& progress = {}, const RunOptions& options = {});

}  // namespace accelsim::run
