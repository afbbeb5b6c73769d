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

  // A streamed band (m_end > 0) holds rows [input_row_begin, + input_rows) of each input plane
  // and produces output pixels [m_begin, m_end); the rows are placed at their height in a
  // whole plane so that the datapath's window arithmetic is the same (it reads only them).
  const bool band = in.m_end > in.m_begin;
  const int64_t held_rows = in.input_rows > 0 ? in.input_rows : g.input.height;
  const int64_t held_plane = held_rows * g.input.width;
  const int64_t m_begin = band ? in.m_begin : 0, m_end = band ? in.m_end : out_plane;
  const int64_t held_out = band ? m_end - m_begin : out_plane;
  // Grown only: the layers alternate in size, and a vector grown again zero-fills what is then
  // overwritten (the band buffer only for a band).
  if (input_.size() < static_cast<std::size_t>(channels * in_plane))
    input_.resize(static_cast<std::size_t>(channels * in_plane));
  if (band && band_.size() < static_cast<std::size_t>(channels * held_plane))
    band_.resize(static_cast<std::size_t>(channels * held_plane));
  uint8_t* held = band ? band_.data() : input_.data();
  sc_core::sc_time done = access(activation_port, tlm::TLM_READ_COMMAND,
                                 in.input_address + static_cast<uint64_t>((in.n_begin - in.channel_base) * held_plane),
                                 held, static_cast<uint64_t>(channels * held_plane));
  if (band)
    for (int64_t c = 0; c < channels; ++c)
      std::copy_n(band_.data() + c * held_plane, held_plane,
                  input_.data() + c * in_plane + in.input_row_begin * g.input.width);
  output_.resize(static_cast<std::size_t>(channels * held_out));
  const PoolingDatapath datapath(g);
  for (int64_t c = 0; c < (compute_values_ ? channels : 0); ++c)
    datapath.run(input_.data() + c * in_plane, m_begin, m_end, output_.data() + c * held_out);
  done = std::max(done, access(activation_port, tlm::TLM_WRITE_COMMAND,
                               in.output_address + static_cast<uint64_t>((in.n_begin - in.channel_base) * held_out),
                               output_.data(), output_.size()));

  // One window element per lane per cycle, compared (max) or added (mean); padding included.
  const int64_t outputs = channels * held_out;
  const int64_t window = g.kernel_h * g.kernel_w;
  const uint64_t compute =
      static_cast<uint64_t>(config_.pipeline_depth + (outputs + config_.lanes - 1) / config_.lanes * window);
  const uint64_t cycles = std::max(compute, clock_.to_cycles(done));
  comparisons_[static_cast<std::size_t>(in.layer)] += outputs * (window - 1);
  busy_cycles_[static_cast<std::size_t>(in.layer)] += static_cast<int64_t>(cycles);
  spend(cycles);
}

}  // namespace accelsim::modules
