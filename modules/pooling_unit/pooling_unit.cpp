#include "modules/pooling_unit/pooling_unit.h"

#include <algorithm>

#include "modules/common/blocking_access.h"

namespace accelsim::modules {

PoolingUnit::PoolingUnit(sc_core::sc_module_name name, const Clock& clock, Scoreboard& scoreboard,
                         stats::RunStats& stats, int queue_depth, const hardware::PoolingUnitConfig& config,
                         const std::vector<LayerGeometry>& layers)
    : ExecutionUnit(name, clock, scoreboard, stats, queue_depth),
      activation_port("activation_port"),
      config_(config),
      layers_(layers) {}

void PoolingUnit::execute(const Dispatched& d, stats::LayerStats& layer) {
  const isa::Instruction& in = *d.instruction;
  const LayerGeometry& g = layers_[static_cast<std::size_t>(in.layer)];
  const int64_t channels = in.n_end - in.n_begin;
  const int64_t in_plane = g.input.height * g.input.width, out_plane = g.output.height * g.output.width;

  input_.resize(static_cast<std::size_t>(channels * in_plane));
  sc_core::sc_time done =
      blocking_access(activation_port, tlm::TLM_READ_COMMAND,
                      in.input_address + static_cast<uint64_t>(in.n_begin * in_plane), input_.data(), input_.size());
  output_.resize(static_cast<std::size_t>(channels * out_plane));
  for (int64_t c = 0; c < channels; ++c) {
    const uint8_t* plane = input_.data() + c * in_plane;
    for (int64_t oy = 0; oy < g.output.height; ++oy)
      for (int64_t ox = 0; ox < g.output.width; ++ox) {
        int32_t best = activation_value(plane[oy * g.stride_h * g.input.width + ox * g.stride_w], g.activation_dtype);
        for (int64_t ky = 0; ky < g.kernel_h; ++ky)
          for (int64_t kx = 0; kx < g.kernel_w; ++kx)
            best = std::max(best, activation_value(plane[(oy * g.stride_h + ky) * g.input.width + ox * g.stride_w + kx],
                                                   g.activation_dtype));
        output_[c * out_plane + oy * g.output.width + ox] = static_cast<uint8_t>(best);
      }
  }
  done = std::max(done, blocking_access(activation_port, tlm::TLM_WRITE_COMMAND,
                                        in.output_address + static_cast<uint64_t>(in.n_begin * out_plane),
                                        output_.data(), output_.size()));

  const int64_t outputs = channels * out_plane;
  const int64_t window = g.kernel_h * g.kernel_w;
  const uint64_t compute =
      static_cast<uint64_t>(config_.pipeline_depth + (outputs + config_.lanes - 1) / config_.lanes * window);
  const uint64_t cycles = std::max(compute, clock_.to_cycles(done));
  layer.pool_comparisons += outputs * (window - 1);
  layer.activation_sram.read_bytes += static_cast<int64_t>(input_.size());
  layer.activation_sram.write_bytes += outputs;
  layer.pool_busy_cycles += static_cast<int64_t>(cycles);
  spend(cycles);
}

}  // namespace accelsim::modules
