#include "modules/pe_array/pe_array.h"

#include "modules/common/blocking_access.h"

namespace accelsim::modules {

PeArray::PeArray(sc_core::sc_module_name name, const Clock& clock, Scoreboard& scoreboard, stats::RunStats& stats,
                 int queue_depth, const hardware::PeArrayConfig& config, const std::vector<LayerGeometry>& layers,
                 const isa::TileProgram& program)
    : ExecutionUnit(name, clock, scoreboard, stats, queue_depth),
      weight_port("weight_port"),
      activation_port("activation_port"),
      accumulator_port("accumulator_port"),
      layers_(layers) {
  switch (config.timing) {
    case hardware::TimingMode::Fast:
      timing_ = make_fast_timing(config);
      break;
    case hardware::TimingMode::ScaleSim:
      timing_ = make_scalesim_timing(config, layers, program);
      break;
    case hardware::TimingMode::Detailed:
      detailed_ = std::make_unique<SystolicArray>(config);
      break;
  }
}

uint64_t PeArray::compute(const isa::Instruction& tile) {
  const int64_t tm = tile.tile_m(), tk = tile.tile_k(), tn = tile.tile_n();
  partial_.resize(static_cast<std::size_t>(tm * tn));
  if (detailed_) return detailed_->run(datapath_.a(), datapath_.w(), tm, tk, tn, partial_.data());
  datapath_.multiply(tm, tk, tn, partial_.data());
  return timing_->tile_cycles(tile);
}

void PeArray::waited(const Dispatched&, stats::LayerStats& layer, uint64_t cycles) {
  layer.pe_stall_cycles += static_cast<int64_t>(cycles);
}

void PeArray::execute(const Dispatched& d, stats::LayerStats& layer) {
  const isa::Instruction& tile = *d.instruction;
  const LayerGeometry& geometry = layers_[static_cast<std::size_t>(tile.layer)];
  const int64_t tm = tile.tile_m(), tk = tile.tile_k(), tn = tile.tile_n();
  const sc_core::sc_time now = sc_core::SC_ZERO_TIME;
  sc_core::sc_time memory_done = now;

  // Weights: tile_n rows of tile_k bytes, packed.
  weights_.resize(static_cast<std::size_t>(tn * tk));
  memory_done = std::max(memory_done, blocking_access(weight_port, tlm::TLM_READ_COMMAND, tile.weight_address,
                                                      weights_.data(), weights_.size(), now));
  uint64_t weight_bytes = weights_.size();

  const int32_t* bias = nullptr;
  if (geometry.has_bias && !tile.accumulate) {
    bias_.resize(static_cast<std::size_t>(tn));
    memory_done =
        std::max(memory_done, blocking_access(weight_port, tlm::TLM_READ_COMMAND, tile.bias_address,
                                              reinterpret_cast<uint8_t*>(bias_.data()), bias_.size() * 4, now));
    weight_bytes += bias_.size() * 4;
    bias = bias_.data();
  }

  // Input rows into the line buffer, one run of rows per channel.
  input_ = input_slice_shape(geometry, tile);
  const int64_t rows = input_.row_end - input_.row_begin;
  const uint64_t channel_bytes = static_cast<uint64_t>(rows * input_.width);
  input_.bytes.resize(static_cast<std::size_t>(input_.channel_end - input_.channel_begin) * channel_bytes);
  if (geometry.type == model::LayerType::Linear) {
    memory_done = std::max(memory_done, blocking_access(activation_port, tlm::TLM_READ_COMMAND,
                                                        tile.input_address + static_cast<uint64_t>(tile.k_begin),
                                                        input_.bytes.data(), input_.bytes.size(), now));
  } else {
    const uint64_t plane = static_cast<uint64_t>(geometry.input.height * geometry.input.width);
    for (int64_t c = input_.channel_begin; c < input_.channel_end; ++c) {
      const uint64_t address = tile.input_address + static_cast<uint64_t>(c) * plane +
                               static_cast<uint64_t>(input_.row_begin * input_.width);
      memory_done =
          std::max(memory_done, blocking_access(activation_port, tlm::TLM_READ_COMMAND, address,
                                                input_.bytes.data() + (c - input_.channel_begin) * channel_bytes,
                                                channel_bytes, now));
    }
  }

  accumulators_.resize(static_cast<std::size_t>(tm * tn));
  const uint64_t accumulator_bytes = accumulators_.size() * 4;
  if (tile.accumulate)
    memory_done = std::max(memory_done,
                           blocking_access(accumulator_port, tlm::TLM_READ_COMMAND, tile.accumulator_address,
                                           reinterpret_cast<uint8_t*>(accumulators_.data()), accumulator_bytes, now));

  datapath_.gather(geometry, tile, weights_.data(), input_);
  const uint64_t compute_cycles = compute(tile);
  if (auto overflow = TileDatapath::accumulate(geometry, tile, partial_.data(), bias, accumulators_.data()))
    halt(Fault{true, std::move(*overflow)});  // moved out: this frame is never unwound

  // Partial sums stream out of the array as it computes.
  memory_done =
      std::max(memory_done, blocking_access(accumulator_port, tlm::TLM_WRITE_COMMAND, tile.accumulator_address,
                                            reinterpret_cast<uint8_t*>(accumulators_.data()), accumulator_bytes, now));

  const bool memory_can_stall = !timing_ || timing_->memory_can_stall();
  const uint64_t memory = memory_can_stall ? clock_.to_cycles(memory_done) : 0;
  const uint64_t total = std::max(compute_cycles, memory);
  layer.macs += tm * tk * tn;
  layer.compute_cycles += static_cast<int64_t>(compute_cycles);
  layer.pe_stall_cycles += static_cast<int64_t>(total - compute_cycles);
  layer.weight_sram.read_bytes += static_cast<int64_t>(weight_bytes);
  layer.activation_sram.read_bytes += static_cast<int64_t>(input_.bytes.size());
  if (tile.accumulate) layer.accumulator.read_bytes += static_cast<int64_t>(accumulator_bytes);
  layer.accumulator.write_bytes += static_cast<int64_t>(accumulator_bytes);
  spend(total);
}

}  // namespace accelsim::modules
