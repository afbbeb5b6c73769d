#include "sim/sweep/area_model.h"

#include "sim/run/workload.h"

#include "core/config/config_tree.h"
#include "core/config/section.h"
#include "core/hardware/hardware_config.h"
#include "core/model/network_loader.h"

namespace accelsim::sweep {

namespace {

// The datapath a requantization needs: its mode, and for multiply the float type too.
std::string requant_datapath(const model::RequantSpec& requant) {
  if (requant.mode == model::RequantMode::Multiply) return std::string("multiply_") + model::name_of(requant.precision);
  return model::name_of(requant.mode);
}

double datapath_um2(const std::string& datapath, const AreaModel& model) {
  if (datapath == "divide") return model.requant_divide_um2;
  if (datapath == "multiply_float32") return model.requant_multiply_float32_um2;
  if (datapath == "multiply_float64") return model.requant_multiply_float64_um2;
  if (datapath == "fixed_point") return model.requant_fixed_point_um2;
  if (datapath == "shift") return model.requant_shift_um2;
  return 0;
}

}  // namespace

HardwareFacts read_hardware_facts(const std::filesystem::path& config, const std::vector<std::string>& overrides) {
  // The config as the simulator reads it (its requantization modes checked), without the
  // held-out images that a whole run::load_workload would read too.
  return hardware_facts_of(run::load_config(config, overrides));
}

HardwareFacts hardware_facts_of(const run::LoadedConfig& loaded) {
  const model::Network& network = loaded.network;
  const hardware::HardwareConfig& hardware = loaded.hardware;

  HardwareFacts facts;
  facts.pe_count = hardware.pe_array.rows * hardware.pe_array.cols;
  facts.sram_capacity_bytes = hardware.weight_sram.capacity_bytes + hardware.activation_sram.capacity_bytes +
                              hardware.accumulator.capacity_bytes;
  facts.requant_lanes = hardware.requant_unit.lanes;
  for (const auto& layer : network.layers)
    if (layer.has_weights()) facts.requant_datapaths.insert(requant_datapath(layer.requant));
  return facts;
}

double area_mm2(const HardwareFacts& facts, const AreaModel& model) {
  double requant_lane_um2 = 0;
  for (const auto& datapath : facts.requant_datapaths) requant_lane_um2 += datapath_um2(datapath, model);
  const double um2 = static_cast<double>(facts.pe_count) * model.pe_um2 +
                     static_cast<double>(facts.sram_capacity_bytes) * 8.0 * model.sram_um2_per_bit +
                     static_cast<double>(facts.requant_lanes) * requant_lane_um2;
  return um2 / 1e6;  // one correctly rounded division: 291264 um^2 prints as 0.291264
}

}  // namespace accelsim::sweep
