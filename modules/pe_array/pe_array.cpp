#include "modules/pe_array/pe_array.h"

namespace accelsim::modules {

namespace {

template <typename T>
void hold_at_least(std::vector<T>& buffer, std::size_t size) {
  if (buffer.size() < size) buffer.resize(size);
}

}  // namespace

PeArray::PeArray(sc_core::sc_module_name name, const UnitContext& context, const hardware::PeArrayConfig& config,
                 const std::vector<LayerGeometry>& layers, const isa::TileProgram& program)
    : ExecutionUnit(name, context),
      weight_port("weight_port"),
      activation_port("activation_port"),
      accumulator_port("accumulator_port"),
      layers_(layers),
      timing_(make_array_timing({config, layers, program})),
      macs_(context.stats.add_counter("macs", "MACs", "multiply-accumulate operations done by the PE array")),
      compute_cycles_(context.stats.add_counter("compute_cycles", "cycles",
                                                "cycles the PE array spent computing the layer's tiles")),
      stall_cycles_(context.stats.add_counter("pe_stall_cycles", "cycles",
                                              "cycles the PE array waited with the layer's work queued: operands not "
                                              "yet loaded, no free accumulator buffer, or SRAM bandwidth")) {
  auto& stats = context.stats;
  const double pes = static_cast<double>(config.rows * config.cols);
  stats.add_formula("utilization", "fraction", "macs / (cycles * rows * cols)", [pes](const auto& g, int64_t) {
    const int64_t cycles = g.value("cycles");
    return cycles ? static_cast<double>(g.value("macs")) / (static_cast<double>(cycles) * pes) : 0.0;
  });
  stats.add_formula("compute_utilization", "fraction",
                    "macs / (compute_cycles * rows * cols): the array's use while it computes",
                    [pes](const auto& g, int64_t) {
                      const int64_t cycles = g.value("compute_cycles");
                      return cycles ? static_cast<double>(g.value("macs")) / (static_cast<double>(cycles) * pes) : 0.0;
                    });
  const double mac_pj = config.mac_energy_pj;
  stats.add_formula("energy_pe_array_pj", "pJ", "PE array: macs * mac_energy_pj",
                    [mac_pj](const auto& g, int64_t) { return static_cast<double>(g.value("macs")) * mac_pj; });
}

void PeArray::waited(const Dispatched& d, uint64_t cycles) {
  stall_cycles_[static_cast<std::size_t>(d.instruction->layer)] += static_cast<int64_t>(cycles);
}

void PeArray::execute(const Dispatched& d) {
  const isa::Instruction& tile = *d.instruction;
  const auto layer = static_cast<std::size_t>(tile.layer);
  const LayerGeometry& geometry = layers_[layer];
  const int64_t tm = tile.tile_m(), tk = tile.tile_k(), tn = tile.tile_n();
  sc_core::sc_time memory_done = sc_core::SC_ZERO_TIME;

  // Weights: tile_n rows of tile_k bytes, packed.
  // The buffers only grow: tiles of different layers alternate in size, and a vector grown
  // again zero-fills what every tile then overwrites.
  const auto weight_bytes = static_cast<std::size_t>(tn * tk);
  hold_at_least(weights_, weight_bytes);
  if (tile.weight_row_stride == 0) {
    memory_done = std::max(
        memory_done, access(weight_port, tlm::TLM_READ_COMMAND, tile.weight_address, weights_.data(), weight_bytes));
  } else {
    // A K sub-range of wider rows (a streamed conv2d's group of input channels): row by row.
    memory_done = std::max(memory_done,
                           access_runs(weight_port, tlm::TLM_READ_COMMAND, tile.weight_address, tile.weight_row_stride,
                                       static_cast<uint64_t>(tn), weights_.data(), static_cast<uint64_t>(tk)));
  }

  const int32_t* bias = nullptr;
  if (geometry.has_bias && !tile.accumulate) {
    bias_.resize(static_cast<std::size_t>(tn));
    memory_done = std::max(memory_done, access(weight_port, tlm::TLM_READ_COMMAND, tile.bias_address,
                                               reinterpret_cast<uint8_t*>(bias_.data()), bias_.size() * 4));
    bias = bias_.data();
  }

  // Input rows into the line buffer, one run of rows per channel.
  HostBuffer<uint8_t> line_buffer = std::move(input_.bytes);  // kept from tile to tile, not reallocated
  input_ = input_slice_shape(geometry, tile);
  input_.bytes = std::move(line_buffer);
  const int64_t rows = input_.row_end - input_.row_begin;
  const uint64_t channel_bytes = static_cast<uint64_t>(rows * input_.width);
  input_.bytes.resize(static_cast<std::size_t>(input_.channel_end - input_.channel_begin) * channel_bytes);
  if (geometry.type == model::LayerType::Linear) {
    // The SRAM holds the input vector from element channel_base on (a streamed K chunk) or all.
    memory_done =
        std::max(memory_done, access(activation_port, tlm::TLM_READ_COMMAND,
                                     tile.input_address + static_cast<uint64_t>(tile.k_begin - tile.channel_base),
                                     input_.bytes.data(), input_.bytes.size()));
  } else {
    // The SRAM holds rows [input_row_begin, + input_rows) of each plane (a streamed band) or all.
    const int64_t held_rows = tile.input_rows > 0 ? tile.input_rows : geometry.input.height;
    const uint64_t plane = static_cast<uint64_t>(held_rows * geometry.input.width);
    const uint64_t address = tile.input_address +
                             static_cast<uint64_t>(input_.channel_begin - tile.channel_base) * plane +
                             static_cast<uint64_t>((input_.row_begin - tile.input_row_begin) * input_.width);
    memory_done = std::max(memory_done, access_runs(activation_port, tlm::TLM_READ_COMMAND, address, plane,
                                                    static_cast<uint64_t>(input_.channel_end - input_.channel_begin),
                                                    input_.bytes.data(), channel_bytes));
  }

  hold_at_least(accumulators_, static_cast<std::size_t>(tm * tn));
  const uint64_t accumulator_bytes = static_cast<uint64_t>(tm * tn) * 4;
  if (tile.accumulate)
    memory_done = std::max(memory_done, access(accumulator_port, tlm::TLM_READ_COMMAND, tile.accumulator_address,
                                               reinterpret_cast<uint8_t*>(accumulators_.data()), accumulator_bytes));

  std::optional<std::string> violation;
  uint64_t compute_cycles = 0;
  if (compute_values_) {
    datapath_.gather(geometry, tile, weights_.data(), input_);
    hold_at_least(partial_, static_cast<std::size_t>(tm * tn));
    compute_cycles = timing_->run(tile, datapath_, partial_.data(), violation);
  } else {
    compute_cycles = timing_->run(tile, datapath_, nullptr, violation);
  }
  if (violation) halt(Fault{false, std::string(name()) + ": " + *violation});
  if (compute_values_)
    if (auto overflow = TileDatapath::accumulate(geometry, tile, partial_.data(), bias, accumulators_.data()))
      halt(Fault{true, std::move(*overflow)});  // moved out: this frame is never unwound

  // Partial sums stream out of the array as it computes.
  memory_done = std::max(memory_done, access(accumulator_port, tlm::TLM_WRITE_COMMAND, tile.accumulator_address,
                                             reinterpret_cast<uint8_t*>(accumulators_.data()), accumulator_bytes));

  const uint64_t memory = timing_->memory_can_stall() ? clock_.to_cycles(memory_done) : 0;
  const uint64_t total = std::max(compute_cycles, memory);
  macs_[layer] += tm * tk * tn;
  compute_cycles_[layer] += static_cast<int64_t>(compute_cycles);
  stall_cycles_[layer] += static_cast<int64_t>(total - compute_cycles);
  spend(total);
}

}  // namespace accelsim::modules
