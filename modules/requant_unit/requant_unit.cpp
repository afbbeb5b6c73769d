#include "modules/requant_unit/requant_unit.h"

namespace accelsim::modules {

RequantUnit::RequantUnit(sc_core::sc_module_name name, const UnitContext& context,
                         const hardware::RequantUnitConfig& config, const std::vector<LayerGeometry>& layers)
    : ExecutionUnit(name, context),
      accumulator_port("accumulator_port"),
      activation_port("activation_port"),
      config_(config),
      layers_(layers),
      ops_(context.stats.add_counter("requant_ops", "ops", "accumulators requantized to activations")),
      busy_cycles_(context.stats.add_counter("requant_busy_cycles", "cycles",
                                             "cycles the requantization unit spent on the layer")),
      multiplier_reads_(context.stats.add_counter(
          "requant_multiplier_reads", "reads",
          "per-channel multiplier table entries read (one per output channel per tile; 0 with one multiplier)")) {
  std::vector<double> energy_per_op;  // per layer: its arithmetic's energy (0 for layers it never serves)
  for (const auto& layer : layers) {
    datapaths_.emplace_back(layer.requant);
    add_datapaths_.emplace_back(layer.add, layer.requant);
    const bool requantized = layer.type == model::LayerType::Conv2d || layer.type == model::LayerType::Linear;
    // An add's output costs two multiplies of its mode (one per operand).
    const double ops = requantized ? 1.0 : layer.type == model::LayerType::Add ? 2.0 : 0.0;
    energy_per_op.push_back(ops * config.energy_per_op_pj(layer.requant));
  }
  // The arithmetic, and so the energy per op, differs per layer: the total sums the layers'.
  context.stats.add_formula(
      "energy_requant_unit_pj", "pJ", "requantization unit",
      [energy_per_op](const auto& g, int64_t layer) {
        return static_cast<double>(g.value("requant_ops")) * energy_per_op.at(static_cast<std::size_t>(layer));
      },
      stats::TotalRule::SumOfLayers);
}

uint64_t RequantUnit::compute_cycles(int64_t outputs, const model::RequantSpec& spec) const {
  const int64_t beats = (outputs + config_.lanes - 1) / config_.lanes;
  const int64_t divider = spec.mode == model::RequantMode::Divide ? config_.divider_latency_cycles : 0;
  return static_cast<uint64_t>(config_.pipeline_depth + divider + beats);
}

void RequantUnit::execute(const Dispatched& d) {
  const isa::Instruction& tile = *d.instruction;
  if (tile.op == isa::Opcode::Add) return execute_add(tile);
  const LayerGeometry& geometry = layers_[static_cast<std::size_t>(tile.layer)];
  const RequantDatapath& datapath = datapaths_[static_cast<std::size_t>(tile.layer)];
  const int64_t tm = tile.tile_m(), tn = tile.tile_n();
  // The SRAM holds the whole map, or a streamed band of output_plane pixels per channel.
  const int64_t plane = tile.output_plane > 0 ? tile.output_plane : geometry.output.height * geometry.output.width;

  accumulators_.resize(static_cast<std::size_t>(tm * tn));
  sc_core::sc_time done = access(accumulator_port, tlm::TLM_READ_COMMAND, tile.accumulator_address,
                                 reinterpret_cast<uint8_t*>(accumulators_.data()), accumulators_.size() * 4);

  // The accumulator tile is [m][n]; the feature map is [n][m]: one run of tile_m bytes per channel.
  outputs_.resize(static_cast<std::size_t>(tm * tn));
  if (compute_values_ && tm == 1 && !geometry.requant.per_channel()) {
    // One pixel (a linear layer): the tile's row is the channels' outputs, in one run.
    datapath.run(accumulators_.data(), 1, tn, tile.n_begin, outputs_.data());
  } else if (compute_values_) {
    for (int64_t n = 0; n < tn; ++n)
      datapath.run(accumulators_.data() + n, tn, tm, tile.n_begin + n, outputs_.data() + n * tm);
  }
  const uint64_t address =
      tile.output_address +
      static_cast<uint64_t>((tile.n_begin - tile.output_channel_base) * plane + tile.m_begin - tile.output_m_begin);
  done = std::max(done, access_runs(activation_port, tlm::TLM_WRITE_COMMAND, address, static_cast<uint64_t>(plane),
                                    static_cast<uint64_t>(tn), outputs_.data(), static_cast<uint64_t>(tm)));

  const uint64_t cycles = std::max(compute_cycles(tm * tn, geometry.requant), clock_.to_cycles(done));
  ops_[static_cast<std::size_t>(tile.layer)] += tm * tn;
  // Per-channel multipliers: each of the tile's channels reads its entry of the multiplier table
  // once, while its tile_m values stream through (no cycle added: the read overlaps the pipeline).
  if (geometry.requant.per_channel()) multiplier_reads_[static_cast<std::size_t>(tile.layer)] += tn;
  busy_cycles_[static_cast<std::size_t>(tile.layer)] += static_cast<int64_t>(cycles);
  spend(cycles);
}

// Both operands and the result pass through the activation SRAM's port: the layer takes the
// longer of its bytes' port time (2E read + E written) and the pipeline's ceil(E / lanes).
void RequantUnit::execute_add(const isa::Instruction& in) {
  const LayerGeometry& geometry = layers_[static_cast<std::size_t>(in.layer)];
  const AddDatapath& datapath = add_datapaths_[static_cast<std::size_t>(in.layer)];
  // A band (m_end > 0): the operands and the result hold pixels [m_begin, m_end) of each channel.
  const int64_t plane = in.m_end > in.m_begin ? in.m_end - in.m_begin : geometry.output.height * geometry.output.width;
  const uint64_t offset = static_cast<uint64_t>((in.n_begin - in.channel_base) * plane);
  const int64_t elements = (in.n_end - in.n_begin) * plane;
  operand_a_.resize(static_cast<std::size_t>(elements));
  operand_b_.resize(static_cast<std::size_t>(elements));
  sc_core::sc_time done =
      access(activation_port, tlm::TLM_READ_COMMAND, in.input_address + offset, operand_a_.data(), operand_a_.size());
  done = std::max(done, access(activation_port, tlm::TLM_READ_COMMAND, in.second_input_address + offset,
                               operand_b_.data(), operand_b_.size()));
  outputs_.resize(static_cast<std::size_t>(elements));
  for (std::size_t i = 0; i < (compute_values_ ? outputs_.size() : 0); ++i)
    outputs_[i] = static_cast<uint8_t>(datapath(activation_value(operand_a_[i], geometry.activation_dtype),
                                                activation_value(operand_b_[i], geometry.activation_dtype)));
  done = std::max(done, access(activation_port, tlm::TLM_WRITE_COMMAND, in.output_address + offset, outputs_.data(),
                               outputs_.size()));
  const uint64_t pipeline =
      static_cast<uint64_t>(config_.pipeline_depth + (elements + config_.lanes - 1) / config_.lanes);
  const uint64_t cycles = std::max(pipeline, clock_.to_cycles(done));
  ops_[static_cast<std::size_t>(in.layer)] += elements;
  busy_cycles_[static_cast<std::size_t>(in.layer)] += static_cast<int64_t>(cycles);
  spend(cycles);
}

}  // namespace accelsim::modules
