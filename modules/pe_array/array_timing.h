#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "core/isa/tile_program.h"
#include "modules/common/layer_geometry.h"

namespace accelsim::modules {

// How many cycles the PE array needs for one Compute tile when its operands are ready: the
// timing policy, kept apart from the functional datapath. docs/timing.md derives each model.
class ArrayTiming {
 public:
  virtual ~ArrayTiming() = default;
  virtual uint64_t tile_cycles(const isa::Instruction& tile) const = 0;
  // Whether operand traffic can stall the array (SCALE-Sim's equations assume it never does).
  virtual bool memory_can_stall() const { return true; }
};

// `fast`: the tile equations of fold_schedule.h.
std::unique_ptr<ArrayTiming> make_fast_timing(const hardware::PeArrayConfig& config);
// `scalesim`: SCALE-Sim v2's per-layer compute cycles, each layer's figure shared among its
// tiles in proportion to their MACs so that the layer sums to it exactly.
std::unique_ptr<ArrayTiming> make_scalesim_timing(const hardware::PeArrayConfig& config,
                                                  const std::vector<LayerGeometry>& layers,
                                                  const isa::TileProgram& program);

// SCALE-Sim v2's compute cycles of a whole layer (a GEMM of M x K x N) on an R x C array:
// folds = ceil(Sr / R) * ceil(Sc / C), each taking T + R + C - 2 (OS) or 2R + C + T - 2 (WS,
// IS) with the full R and C, one after another; the last cycle's 0-based index is reported.
uint64_t scalesim_layer_cycles(const hardware::PeArrayConfig& config, int64_t m, int64_t k, int64_t n);

}  // namespace accelsim::modules
