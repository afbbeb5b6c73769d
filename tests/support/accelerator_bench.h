#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "core/isa/tile_program.h"
#include "core/model/network.h"
#include "core/stats/run_stats.h"
#include "modules/accelerator/accelerator.h"

namespace accelsim::testing {

// A small accelerator whose numbers are easy to work by hand: a 4x4 weight-stationary array;
// SRAMs of 64 bytes/cycle with 1 cycle latency; DRAM of 8 bytes/cycle with 10 cycles latency.
hardware::HardwareConfig bench_hardware();

// One 1x1 convolution over a [channels, 1, width] input: a GEMM of M = width, K = channels,
// N = out_channels. Its weights are all 1 (the bench places operands itself).
model::Network pointwise_network(int64_t channels, int64_t width, int64_t out_channels);

struct ExecutedInstruction {
  std::string unit;
  uint64_t id;
  isa::Opcode op;
  uint64_t start;
  uint64_t end;
};

// Runs a hand-written tile program (one image) on the SystemC accelerator and records when
// each instruction started and ended.
class AcceleratorBench : public modules::InstructionObserver {
 public:
  AcceleratorBench(hardware::HardwareConfig hardware, model::Network network, isa::TileProgram program);

  modules::Accelerator& accelerator() { return *accelerator_; }
  const stats::RunStats& stats() const { return *stats_; }
  const std::vector<ExecutedInstruction>& executed() const { return executed_; }
  // Runs to the end; returns the cycle the last instruction finished.
  uint64_t run();

  void executed(const modules::ExecutionUnit& unit, const modules::Dispatched& d, uint64_t start,
                uint64_t end) override;

 private:
  hardware::HardwareConfig hardware_;
  model::Network network_;
  isa::TileProgram program_;
  std::unique_ptr<stats::RunStats> stats_;
  std::unique_ptr<modules::Accelerator> accelerator_;
  std::vector<ExecutedInstruction> executed_;
  uint64_t last_end_ = 0;
};

// Builds a one-layer program: buffers first, then instructions; counts are filled in by finish().
class ProgramWriter {
 public:
  isa::BufferId buffer(const std::string& name, isa::Memory memory, uint64_t address, uint64_t bytes);
  isa::Instruction& add(isa::Instruction instruction);
  isa::TileProgram finish(uint64_t dram_bytes, std::size_t layers = 1);

  static isa::Instruction load_weights(uint64_t dram_address, uint64_t sram_address, uint64_t bytes,
                                       isa::BufferId slot);
  static isa::Instruction compute(int64_t m, int64_t k, int64_t n, uint64_t weight_address, uint64_t input_address,
                                  uint64_t accumulator_address, isa::BufferId weights, isa::BufferId input,
                                  isa::BufferId accumulator);

 private:
  isa::TileProgram program_;
  std::vector<isa::Instruction> instructions_;
};

}  // namespace accelsim::testing
