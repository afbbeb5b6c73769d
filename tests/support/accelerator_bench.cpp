#include "tests/support/accelerator_bench.h"

#include <gtest/gtest.h>

#include "modules/common/layer_geometry.h"

namespace accelsim::testing {

hardware::HardwareConfig bench_hardware() {
  hardware::HardwareConfig hw;
  hw.name = "bench";
  hw.clock_mhz = 1000;
  hw.pe_array.rows = 4;
  hw.pe_array.cols = 4;
  hw.pe_array.dataflow = hardware::Dataflow::WeightStationary;
  hw.pe_array.double_buffered_operands = true;
  const hardware::SramConfig sram{65536, 8, 8, 1, true, 1.0, 1.0};
  hw.weight_sram = sram;
  hw.activation_sram = sram;
  hw.accumulator = sram;
  hw.dram = hardware::DramConfig{1 << 20, 8, 10, 100.0};
  return hw;
}

model::Network pointwise_network(int64_t channels, int64_t width, int64_t out_channels) {
  model::Network network;
  network.name = "pointwise";
  network.activation_dtype = model::DType::Int8;
  network.input.shape = model::Shape{channels, 1, width, false};
  model::Layer layer;
  layer.name = "pw";
  layer.type = model::LayerType::Conv2d;
  layer.input = network.input.shape;
  layer.output = model::Shape{out_channels, 1, width, false};
  layer.weights.assign(static_cast<std::size_t>(channels * out_channels), 1);
  layer.requant.mode = model::RequantMode::Shift;
  layer.requant.rounding = model::Rounding::Floor;
  network.layers.push_back(layer);
  return network;
}

AcceleratorBench::AcceleratorBench(hardware::HardwareConfig hardware, model::Network network, isa::TileProgram program)
    : hardware_(std::move(hardware)), network_(std::move(network)), program_(std::move(program)) {
  std::vector<std::string> layer_names;
  for (const auto& layer : network_.layers) layer_names.push_back(layer.name);
  stats_ = std::make_unique<stats::RunStats>(layer_names);
  accelerator_ = std::make_unique<modules::Accelerator>("bench", hardware_, program_, modules::geometry_of(network_), 1,
                                                        *stats_, modules::ControllerEvents{});
  accelerator_->observe(this);
}

void AcceleratorBench::executed(const modules::ExecutionUnit& unit, const modules::Dispatched& d, uint64_t start,
                                uint64_t end) {
  executed_.push_back({unit.basename(), d.id, d.instruction->op, start, end});
  last_end_ = std::max(last_end_, end);
}

uint64_t AcceleratorBench::run() {
  sc_core::sc_start();
  if (const auto& fault = accelerator_->scoreboard().fault()) ADD_FAILURE() << "simulation fault: " << fault->message;
  return last_end_;
}

isa::BufferId ProgramWriter::buffer(const std::string& name, isa::Memory memory, uint64_t address, uint64_t bytes) {
  program_.buffers.push_back({name, memory, address, bytes});
  return static_cast<isa::BufferId>(program_.buffers.size() - 1);
}

isa::Instruction& ProgramWriter::add(isa::Instruction instruction) {
  instructions_.push_back(instruction);
  return instructions_.back();
}

isa::TileProgram ProgramWriter::finish(uint64_t dram_bytes, std::size_t layers) {
  program_.layers.resize(layers);
  for (const auto& instruction : instructions_)
    program_.layers[static_cast<std::size_t>(instruction.layer)].instructions_per_image++;
  program_.image_programs.push_back(instructions_);
  program_.output_addresses.push_back(std::vector<uint64_t>(layers, 0));
  program_.dram_bytes_used = dram_bytes;
  return program_;
}

isa::Instruction ProgramWriter::load_weights(uint64_t dram_address, uint64_t sram_address, uint64_t bytes,
                                             isa::BufferId slot) {
  isa::Instruction load;
  load.op = isa::Opcode::LoadWeights;
  load.source = isa::Memory::Dram;
  load.source_address = dram_address;
  load.target = isa::Memory::WeightSram;
  load.target_address = sram_address;
  load.bytes = bytes;
  load.writes[0] = slot;
  return load;
}

isa::Instruction ProgramWriter::compute(int64_t m, int64_t k, int64_t n, uint64_t weight_address,
                                        uint64_t input_address, uint64_t accumulator_address, isa::BufferId weights,
                                        isa::BufferId input, isa::BufferId accumulator) {
  isa::Instruction c;
  c.op = isa::Opcode::Compute;
  c.m_end = m;
  c.k_end = k;
  c.n_end = n;
  c.weight_address = weight_address;
  c.input_address = input_address;
  c.accumulator_address = accumulator_address;
  c.reads[0] = weights;
  c.reads[1] = input;
  c.writes[0] = accumulator;
  return c;
}

}  // namespace accelsim::testing
