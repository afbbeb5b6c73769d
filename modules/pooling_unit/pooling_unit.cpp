#include "modules/pooling_unit/pooling_unit.h"

#include <algorithm>

#include "modules/pooling_unit/pooling_datapath.h"

namespace accelsim::modules {

PoolingUnit::PoolingUnit(sc_core::sc_module_name name, const UnitContext& context,
                         const hardware::PoolingUnitConfig& config, const std::vector<LayerGeometry>& layers)
    : ExecutionUnit(name, context),
      activation_port("activation_port"),
      config_(config),
      layers_(layers),
      comparisons_(context.stats.add_counter("pool_comparisons", "ops",
                                             "comparisons (max) or additions (mean) made by the pooling unit")),
      busy_cycles_(
          context.stats.add_counter("pool_busy_cycles", "cycles", "cycles the pooling unit spent on the layer")) {
  const double compare_pj = config.compare_energy_pj;
  context.stats.add_formula("energy_pooling_unit_pj", "pJ", "pooling unit", [compare_pj](const auto& g, int64_t) {
    return static_cast<double>(g.value("pool_comparisons")) * compare_pj;
  });
}

void PoolingUnit::execute(const Dispatched& d) {
  const isa::Instruction& in = *d.instruction;
  const LayerGeometry& g = layers_[static_cast<std::size_t>(in.layer)];
  const int64_t channels = in.n_end - in.n_begin;
  const int64_t in_plane = g.input.height * g.input.width, out_plane = g.output.height * g.output.width;

  input_.resize(static_cast<std::size_t>(channels * in_plane));
  sc_core::sc_time done =
      access(activation_port, tlm::TLM_READ_COMMAND, in.input_address + static_cast<uint64_t>(in.n_begin * in_plane),
             input_.data(), input_.size());
  output_.resize(static_cast<std::size_t>(channels * out_plane));
  const PoolingDatapath datapath(g);
  for (int64_t c = 0; c < (compute_values_ ? channels : 0); ++c) {
    const uint8_t* plane = input_.data() + c * in_plane;
    for (int64_t oy = 0; oy < g.output.height; ++oy)
      for (int64_t ox = 0; ox < g.output.width; ++ox)
        output_[c * out_plane + oy * g.output.width + ox] = static_cast<uint8_t>(datapath(plane, oy, ox));
  }
  done = std::max(
      done, access(activation_port, tlm::TLM_WRITE_COMMAND,
                   in.output_address + static_cast<uint64_t>(in.n_begin * out_plane), output_.data(), output_.size()));

  // One window element per lane per cycle, compared (max) or added (mean); padding included.
  const int64_t outputs = channels * out_plane;
  const int64_t window = g.kernel_h * g.kernel_w;
  const uint64_t compute =
      static_cast<uint64_t>(config_.pipeline_depth + (outputs + config_.lanes - 1) / config_.lanes * window);
  const uint64_t cycles = std::max(compute, clock_.to_cycles(done));
  comparisons_[static_cast<std::size_t>(in.layer)] += outputs * (window - 1);
  busy_cycles_[static_cast<std::size_t>(in.layer)] += static_cast<int64_t>(cycles);
  spend(cycles);
}

}  // namespace accelsim::modules
