#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/config/section.h"
#include "core/dram/address_mapping.h"
#include "core/dram/dram_spec.h"
#include "core/model/quantization.h"

namespace accelsim::hardware {

// Which GEMM dimensions sit on the PE array (M output pixels, K window, N output channels).
enum class Dataflow {
  WeightStationary,  // K on rows, N on columns, M streamed
  OutputStationary,  // M on rows, N on columns, K streamed
  InputStationary,   // K on rows, M on columns, N streamed
};
const config::EnumNames<Dataflow>& dataflow_names();
const char* name_of(Dataflow dataflow);

// How DRAM timing and energy are worked out: flat figures, or banks, rows and commands.
enum class DramModel { Simple, Detailed };
const config::EnumNames<DramModel>& dram_model_names();
const config::EnumNames<dram::DramPagePolicy>& dram_page_policy_names();
const config::EnumNames<dram::DramPowerDown>& dram_power_down_names();
const char* name_of(DramModel model);
const char* name_of(dram::DramPagePolicy policy);
const char* name_of(dram::DramPowerDown policy);

struct PeArrayConfig {
  int64_t rows = 8;
  int64_t cols = 8;
  Dataflow dataflow = Dataflow::WeightStationary;
  std::string timing = "fast";           // a PE array timing model's name (modules/pe_array/timing/)
  bool double_buffered_operands = true;  // stationary operands of the next fold load under the current one
  double mac_energy_pj = 0.3;
};

// One SRAM instance: banks of `port_bytes` each, read or written in parallel. Each instance's
// defaults are set in HardwareConfig.
struct SramConfig {
  int64_t capacity_bytes = 0;
  int64_t banks = 1;
  int64_t port_bytes = 8;
  int64_t latency_cycles = 1;
  bool double_buffered = true;
  double read_energy_pj_per_byte = 0;
  double write_energy_pj_per_byte = 0;

  int64_t bytes_per_cycle() const { return banks * port_bytes; }
};

// Off-chip DRAM. Under `model: simple` three flat figures give every access's time and energy;
// under `model: detailed` the device (a preset, its timing and currents overridable) goes
// through a model of its banks, rows, refresh and controller (core/dram/).
struct DramConfig {
  int64_t capacity_bytes = 268435456;  // 256 MiB
  // model: simple
  int64_t bandwidth_bytes_per_cycle = 8;
  int64_t latency_cycles = 100;
  double energy_pj_per_byte = 162.5;
  DramModel model = DramModel::Simple;
  // model: detailed
  std::string preset = "ddr4_2400_x16";
  dram::DramSpec device = *dram::find_dram_preset("ddr4_2400_x16");  // the preset with any overrides
  std::string address_mapping = dram::AddressMapping::default_order();
  int64_t queue_depth = 32;
  dram::DramPagePolicy page_policy = dram::DramPagePolicy::Open;
  // A controller saves power the way real ones do: an idle rank closes its rows and powers
  // down after 64 DRAM cycles; writes are batched in a queue of their own.
  dram::DramPowerDown power_down = dram::DramPowerDown::Precharge;
  int64_t power_down_idle_cycles = 64;
  int64_t self_refresh_idle_cycles = 0;
  int64_t write_queue_depth = 32;
  double write_high_watermark = 0.8;
  double write_low_watermark = 0.2;

  dram::DramController controller() const {
    return {
        queue_depth,       page_policy,          power_down,         power_down_idle_cycles, self_refresh_idle_cycles,
        write_queue_depth, write_high_watermark, write_low_watermark};
  }
};

struct DmaConfig {
  int64_t burst_bytes = 256;  // one transaction on each side; other units' accesses interleave between them
};

struct RequantUnitConfig {
  int64_t lanes = 8;
  int64_t pipeline_depth = 4;
  int64_t divider_latency_cycles = 16;
  double divide_energy_pj = 3.26;
  double multiply_float32_energy_pj = 3.76;
  double multiply_float64_energy_pj = 18.1;
  double fixed_point_energy_pj = 3.26;
  double shift_energy_pj = 0.16;

  double energy_per_op_pj(const model::RequantSpec& spec) const;
};

struct PoolingUnitConfig {
  int64_t lanes = 8;
  int64_t pipeline_depth = 2;
  double compare_energy_pj = 0.03;
};

// Every hardware parameter with its default: the one place defaults are written (the loader
// reads each key with the value here as its default).
struct HardwareConfig {
  std::string name = "accelerator";
  double clock_mhz = 500;
  int64_t instruction_queue_depth = 8;
  PeArrayConfig pe_array;
  SramConfig weight_sram;
  SramConfig activation_sram;
  SramConfig accumulator;
  DramConfig dram;
  DmaConfig dma;
  RequantUnitConfig requant_unit;
  PoolingUnitConfig pooling_unit;

  HardwareConfig();
  double cycle_ns() const { return 1000.0 / clock_mhz; }
};

// The choices that are not the hardware loader's to know: the PE array timing models the
// modules register (name and description).
struct HardwareChoices {
  std::vector<std::pair<std::string, std::string>> timing_models;
};

// Reads `hardware:`; every key is documented in configs/hardware/edge_small.yaml and listed by
// `accelsim --list-params`. Throws config::ConfigurationError.
HardwareConfig load_hardware(config::Section hardware, const HardwareChoices& choices);

}  // namespace accelsim::hardware
