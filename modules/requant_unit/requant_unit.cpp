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
                                             "cycles the requantization unit spent on the layer")) {
  std::vector<double> energy_per_op;  // per layer: its arithmetic's energy (0 for layers it never serves)
  for (const auto& layer : layers) {
    datapaths_.emplace_back(layer.requant);
    const bool requantized = layer.type == model::LayerType::Conv2d || layer.type == model::LayerType::Linear;
    energy_per_op.push_back(requantized ? config.energy_per_op_pj(layer.requant) : 0.0);
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
  const LayerGeometry& geometry = layers_[static_cast<std::size_t>(tile.layer)];
  const RequantDatapath& datapath = datapaths_[static_cast<std::size_t>(tile.layer)];
  const int64_t tm = tile.tile_m(), tn = tile.tile_n();
  const int64_t pixels = geometry.output.height * geometry.output.width;

  accumulators_.resize(static_cast<std::size_t>(tm * tn));
  sc_core::sc_time done = access(accumulator_port, tlm::TLM_READ_COMMAND, tile.accumulator_address,
                                 reinterpret_cast<uint8_t*>(accumulators_.data()), accumulators_.size() * 4);

  // The accumulator tile is [m][n]; the feature map is [n][m]: one run of tile_m bytes per channel.
  outputs_.resize(static_cast<std::size_t>(tm * tn));
  if (compute_values_)
    for (int64_t n = 0; n < tn; ++n)
      for (int64_t m = 0; m < tm; ++m) outputs_[n * tm + m] = static_cast<uint8_t>(datapath(accumulators_[m * tn + n]));
  for (int64_t n = 0; n < tn; ++n) {
    const uint64_t address = tile.output_address + static_cast<uint64_t>((tile.n_begin + n) * pixels + tile.m_begin);
    done = std::max(done, access(activation_port, tlm::TLM_WRITE_COMMAND, address, outputs_.data() + n * tm,
                                 static_cast<uint64_t>(tm)));
  }

  const uint64_t cycles = std::max(compute_cycles(tm * tn, geometry.requant), clock_.to_cycles(done));
  ops_[static_cast<std::size_t>(tile.layer)] += tm * tn;
  busy_cycles_[static_cast<std::size_t>(tile.layer)] += static_cast<int64_t>(cycles);
  spend(cycles);
}

}  // namespace accelsim::modules
