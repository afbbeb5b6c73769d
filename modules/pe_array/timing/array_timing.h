#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "core/isa/tile_program.h"
#include "modules/common/layer_geometry.h"
#include "modules/pe_array/tile_datapath.h"

namespace accelsim::modules {

// What a timing model may be built from.
struct ArrayTimingContext {
  const hardware::PeArrayConfig& config;
  const std::vector<LayerGeometry>& layers;
  const isa::TileProgram& program;
};

// The PE array's timing policy: how many cycles one Compute tile takes when its operands are
// ready. Kept apart from the functional datapath (TileDatapath), except for a model that
// computes the tile itself (the detailed array, which checks its own schedule by computing).
// docs/timing.md derives each model. Implementations are registered by name in registry.cpp
// and chosen by hardware.pe_array.timing; a new model is one file in this folder plus one line
// there.
class ArrayTiming {
 public:
  virtual ~ArrayTiming() = default;
  // Runs one tile on the operands `datapath` gathered: writes its tile_m x tile_n partial sums
  // into `partial` and returns its cycles. A model that finds its own schedule broken (a
  // simulator bug) says why in `violation`. With `partial` null (a timing-only run) nothing was
  // gathered and nothing is computed: only the cycles, which never depend on the values.
  virtual uint64_t run(const isa::Instruction& tile, const TileDatapath& datapath, int64_t* partial,
                       std::optional<std::string>& violation) = 0;
  // Whether operand traffic can stall the array (SCALE-Sim's equations assume it never does).
  virtual bool memory_can_stall() const { return true; }
};

// A registered timing model.
struct ArrayTimingModel {
  std::string name;
  std::string description;
  std::unique_ptr<ArrayTiming> (*create)(const ArrayTimingContext& context);
};

// Every timing model, in the order configs and --list-params name them.
const std::vector<ArrayTimingModel>& array_timing_models();
// The names, for the config loader's allowed values.
std::vector<std::string> array_timing_names();
// The model `context.config.timing` names (the loader has checked the name).
std::unique_ptr<ArrayTiming> make_array_timing(const ArrayTimingContext& context);

// The models, one per file of this folder.
std::unique_ptr<ArrayTiming> make_fast_timing(const ArrayTimingContext& context);
std::unique_ptr<ArrayTiming> make_detailed_timing(const ArrayTimingContext& context);
std::unique_ptr<ArrayTiming> make_scalesim_timing(const ArrayTimingContext& context);

// SCALE-Sim v2's compute cycles of a whole layer (a GEMM of M x K x N) on an R x C array:
// folds = ceil(Sr / R) * ceil(Sc / C), each taking T + R + C - 2 (OS) or 2R + C + T - 2 (WS,
// IS) with the full R and C, one after another; the last cycle's 0-based index is reported.
uint64_t scalesim_layer_cycles(const hardware::PeArrayConfig& config, int64_t m, int64_t k, int64_t n);

}  // namespace accelsim::modules
