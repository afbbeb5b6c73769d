#include "core/stats/layer_stats.h"

namespace accelsim::stats {

LayerStats::LayerStats(std::string name, const hardware::HardwareConfig& hardware, const model::RequantSpec* requant)
    : StatGroup(std::move(name)),
      macs(add_scalar("macs", "MACs", "multiply-accumulate operations done by the PE array")),
      cycles(add_scalar("cycles", "cycles",
                        "simulated time attributed to the layer: from the previous layer's end to its own")),
      compute_cycles(add_scalar("compute_cycles", "cycles", "cycles the PE array spent computing the layer's tiles")),
      pe_stall_cycles(add_scalar(
          "pe_stall_cycles", "cycles",
          "cycles the PE array waited with the layer's work queued: operands not yet loaded, no free accumulator "
          "buffer, or SRAM bandwidth")),
      weight_sram{add_scalar("weight_sram_read_bytes", "bytes", "bytes read from the weight SRAM"),
                  add_scalar("weight_sram_write_bytes", "bytes", "bytes written to the weight SRAM")},
      activation_sram{add_scalar("activation_sram_read_bytes", "bytes", "bytes read from the activation SRAM"),
                      add_scalar("activation_sram_write_bytes", "bytes", "bytes written to the activation SRAM")},
      accumulator{
          add_scalar("accumulator_read_bytes", "bytes", "bytes of int32 partial sums read from the accumulator"),
          add_scalar("accumulator_write_bytes", "bytes", "bytes of int32 partial sums written to the accumulator")},
      dram_read_bytes(add_scalar("dram_read_bytes", "bytes", "bytes read from DRAM")),
      dram_weight_read_bytes(
          add_scalar("dram_weight_read_bytes", "bytes", "bytes of weights and biases read from DRAM")),
      dram_input_read_bytes(add_scalar("dram_input_read_bytes", "bytes", "bytes of input activations read from DRAM")),
      dram_write_bytes(add_scalar("dram_write_bytes", "bytes", "bytes written to DRAM")),
      requant_ops(add_scalar("requant_ops", "ops", "accumulators requantized to activations")),
      pool_comparisons(add_scalar("pool_comparisons", "ops", "comparisons made by the pooling unit")),
      dma_busy_cycles(add_scalar("dma_busy_cycles", "cycles", "cycles the DMA spent on the layer's transfers")),
      requant_busy_cycles(
          add_scalar("requant_busy_cycles", "cycles", "cycles the requantization unit spent on the layer")),
      pool_busy_cycles(add_scalar("pool_busy_cycles", "cycles", "cycles the pooling unit spent on the layer")),
      instructions(add_scalar("instructions", "instructions", "tile instructions executed for the layer")),
      mismatches(add_scalar("mismatches", "elements", "output elements that differ from the golden model")),
      hardware_(hardware),
      requant_energy_pj_per_op_(requant ? hardware.requant_unit.energy_per_op_pj(*requant) : 0.0),
      dram_{dram_read_bytes, dram_write_bytes} {
  const double pes = static_cast<double>(hardware.pe_array.rows * hardware.pe_array.cols);
  add_formula("utilization", "fraction", "macs / (cycles * rows * cols)", [this, pes] {
    return cycles.value() ? static_cast<double>(macs.value()) / (static_cast<double>(cycles.value()) * pes) : 0.0;
  });
  add_formula("compute_utilization", "fraction",
              "macs / (compute_cycles * rows * cols): the array's use while it computes", [this, pes] {
                return compute_cycles.value()
                           ? static_cast<double>(macs.value()) / (static_cast<double>(compute_cycles.value()) * pes)
                           : 0.0;
              });
  auto sram_energy = [](const MemoryTraffic& traffic, const hardware::SramConfig& sram) {
    return static_cast<double>(traffic.read_bytes.value()) * sram.read_energy_pj_per_byte +
           static_cast<double>(traffic.write_bytes.value()) * sram.write_energy_pj_per_byte;
  };
  add_formula("energy_pe_array_pj", "pJ", "PE array: macs * mac_energy_pj",
              [this] { return static_cast<double>(macs.value()) * hardware_.pe_array.mac_energy_pj; });
  add_formula("energy_weight_sram_pj", "pJ", "weight SRAM reads and writes",
              [this, sram_energy] { return sram_energy(weight_sram, hardware_.weight_sram); });
  add_formula("energy_activation_sram_pj", "pJ", "activation SRAM reads and writes",
              [this, sram_energy] { return sram_energy(activation_sram, hardware_.activation_sram); });
  add_formula("energy_accumulator_pj", "pJ", "accumulator reads and writes",
              [this, sram_energy] { return sram_energy(accumulator, hardware_.accumulator); });
  add_formula("energy_dram_pj", "pJ", "DRAM reads and writes", [this] {
    return static_cast<double>(dram_read_bytes.value() + dram_write_bytes.value()) * hardware_.dram.energy_pj_per_byte;
  });
  add_formula("energy_requant_unit_pj", "pJ", "requantization unit", [this] {
    return requant_energy_total_ ? *requant_energy_total_
                                 : static_cast<double>(requant_ops.value()) * requant_energy_pj_per_op_;
  });
  add_formula("energy_pooling_unit_pj", "pJ", "pooling unit", [this] {
    return static_cast<double>(pool_comparisons.value()) * hardware_.pooling_unit.compare_energy_pj;
  });
  add_formula("energy_pj", "pJ", "sum of the energy_*_pj components", [this] { return energy_pj(); });
}

double LayerStats::energy_pj() const {
  double sum = 0;
  for (const auto& formula : formulas())
    if (formula.name().rfind("energy_", 0) == 0 && formula.name() != "energy_pj") sum += formula.value();
  return sum;
}

MemoryTraffic& LayerStats::traffic(isa::Memory memory) {
  switch (memory) {
    case isa::Memory::WeightSram:
      return weight_sram;
    case isa::Memory::ActivationSram:
      return activation_sram;
    case isa::Memory::Accumulator:
      return accumulator;
    case isa::Memory::Dram:
      break;
  }
  return dram_;
}

void LayerStats::accumulate(const LayerStats& other) {
  auto mine = scalars().begin();
  for (auto theirs = other.scalars().begin(); theirs != other.scalars().end(); ++theirs, ++mine)
    *mine += theirs->value();
}

RunStats::RunStats(const model::Network& network, const hardware::HardwareConfig& hardware) : hardware_(hardware) {
  for (const auto& layer : network.layers)
    layers.push_back(
        std::make_unique<LayerStats>(layer.name, hardware, layer.has_weights() ? &layer.requant : nullptr));
}

std::unique_ptr<LayerStats> RunStats::total() const {
  double requant_energy = 0;
  for (const auto& layer : layers) requant_energy += layer->formula("energy_requant_unit_pj");
  auto sum = std::make_unique<LayerStats>("total", hardware_, nullptr);
  for (const auto& layer : layers) sum->accumulate(*layer);
  sum->set_requant_energy_total(requant_energy);
  return sum;
}

}  // namespace accelsim::stats
