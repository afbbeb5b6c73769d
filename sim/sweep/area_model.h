#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace accelsim::run {
struct LoadedConfig;
}  // namespace accelsim::run

namespace accelsim::sweep {

// A first-order silicon area estimate, in um^2 per component at 45 nm, to rank design points
// (docs/sweeps.md). Logic figures are M. Horowitz, "Computing's energy problem", ISSCC 2014
// (the same source as the energy defaults): 8-bit multiply 282, 32-bit add 137, 32-bit
// multiply 3495, 32-bit float multiply 7700. A spec may replace any of them (`area_model:`).
struct AreaModel {
  double pe_um2 = 419;               // 8-bit multiplier + 32-bit accumulate adder
  double sram_um2_per_bit = 0.5;     // 6T cell of 0.346 um^2 at ~70 % array efficiency
  double requant_divide_um2 = 4384;  // 32 pipelined add/subtract steps of 32 bits
  double requant_multiply_float32_um2 = 7700;
  double requant_multiply_float64_um2 = 37550;  // float32 figure scaled by (53/24)^2 mantissa bits
  double requant_fixed_point_um2 = 3632;        // 32-bit multiply + 32-bit rounding add
  double requant_shift_um2 = 274;               // rounding add + shifter (taken as a second adder)
};

// What the area of a design point depends on, read from its config (base file plus overrides).
struct HardwareFacts {
  int64_t pe_count = 0;
  int64_t sram_capacity_bytes = 0;  // weight + activation SRAM + accumulator
  int64_t requant_lanes = 0;
  // Requantization datapaths the network needs ("divide", "multiply_float32", ...): the unit
  // has one per lane for each.
  std::set<std::string> requant_datapaths;
};

// The facts of a config already loaded.
HardwareFacts hardware_facts_of(const run::LoadedConfig& loaded);

// Loads the config with the overrides applied. Throws config::ConfigurationError.
HardwareFacts read_hardware_facts(const std::filesystem::path& config, const std::vector<std::string>& overrides);

double area_mm2(const HardwareFacts& facts, const AreaModel& model);

}  // namespace accelsim::sweep
