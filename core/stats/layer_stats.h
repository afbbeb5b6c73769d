#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "core/isa/tile_program.h"
#include "core/model/network.h"
#include "core/stats/stat_group.h"

namespace accelsim::stats {

// Traffic of one memory, in bytes.
struct MemoryTraffic {
  Scalar& read_bytes;
  Scalar& write_bytes;
};

// What one layer (or the whole run, as "total") did over the batch. Units count into it while
// the simulation runs; the derived figures are formulas evaluated at dump time.
class LayerStats : public StatGroup {
 public:
  LayerStats(std::string name, const hardware::HardwareConfig& hardware, const model::RequantSpec* requant);

  Scalar& macs;
  Scalar& cycles;
  Scalar& compute_cycles;
  Scalar& pe_stall_cycles;
  MemoryTraffic weight_sram;
  MemoryTraffic activation_sram;
  MemoryTraffic accumulator;
  Scalar& dram_read_bytes;
  Scalar& dram_weight_read_bytes;
  Scalar& dram_input_read_bytes;
  Scalar& dram_write_bytes;
  Scalar& requant_ops;
  Scalar& pool_comparisons;
  Scalar& dma_busy_cycles;
  Scalar& requant_busy_cycles;
  Scalar& pool_busy_cycles;
  Scalar& instructions;
  Scalar& mismatches;

  MemoryTraffic& traffic(isa::Memory memory);
  double energy_pj() const;
  // Adds every scalar of `other` (same registration order) into this group.
  void accumulate(const LayerStats& other);
  // For totals: requantization energy differs per layer (mode), so it is summed, not derived.
  void set_requant_energy_total(double pj) { requant_energy_total_ = pj; }

 private:
  const hardware::HardwareConfig& hardware_;
  double requant_energy_pj_per_op_;
  std::optional<double> requant_energy_total_;
  MemoryTraffic dram_;  // view of dram_read/write_bytes for traffic()
};

// All layers' stats and the batch-level figures.
struct RunStats {
  RunStats(const model::Network& network, const hardware::HardwareConfig& hardware);

  std::vector<std::unique_ptr<LayerStats>> layers;
  int64_t images = 0;
  int64_t correct = 0;             // simulated accelerator's top-1 hits
  int64_t golden_correct = 0;      // golden model's top-1 hits
  int64_t total_cycles = 0;        // simulated time from start to the last image's logits in DRAM
  int64_t latency_cycles_sum = 0;  // per image: input load start to logits stored, summed

  // The sum over layers (a fresh group each call).
  std::unique_ptr<LayerStats> total() const;

 private:
  const hardware::HardwareConfig& hardware_;
};

}  // namespace accelsim::stats
