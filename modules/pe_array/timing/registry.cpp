#include <stdexcept>

#include "modules/pe_array/timing/array_timing.h"

namespace accelsim::modules {

const std::vector<ArrayTimingModel>& array_timing_models() {
  static const std::vector<ArrayTimingModel> models = {
      {"fast", "tile equations (fold_schedule.h)", make_fast_timing},
      {"detailed", "the array register by register, cycle by cycle", make_detailed_timing},
      {"scalesim", "SCALE-Sim v2's per-layer equations", make_scalesim_timing},
  };
  return models;
}

std::vector<std::string> array_timing_names() {
  std::vector<std::string> names;
  for (const auto& model : array_timing_models()) names.push_back(model.name);
  return names;
}

std::unique_ptr<ArrayTiming> make_array_timing(const ArrayTimingContext& context) {
  for (const auto& model : array_timing_models())
    if (model.name == context.config.timing) return model.create(context);
  throw std::logic_error("no PE array timing model named '" + context.config.timing + "'");  // the loader checked it
}

}  // namespace accelsim::modules
