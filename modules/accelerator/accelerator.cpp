#include "modules/accelerator/accelerator.h"

#include <initializer_list>

namespace accelsim::modules {

namespace {

// The DRAM attributes its background time and refreshes up to a layer's end to that layer.
ControllerEvents with_dram_layer_ends(ControllerEvents events, Dram& dram) {
  events.layer_done = [&dram, then = std::move(events.layer_done)](int64_t image, int layer) {
    dram.layer_ended(layer);
    if (then) then(image, layer);
  };
  return events;
}

}  // namespace

Accelerator::Accelerator(sc_core::sc_module_name name, const hardware::HardwareConfig& hardware,
                         const isa::TileProgram& program, std::vector<LayerGeometry> layers, int64_t images,
                         stats::RunStats& stats, ControllerEvents events, bool compute_values)
    : sc_module(name),
      clock_(hardware.clock_mhz),
      layers_(std::move(layers)),
      context_{clock_,         scoreboard_, stats, static_cast<int>(hardware.instruction_queue_depth),
               compute_values, host_events_},
      pe_array_("pe_array", context_, hardware.pe_array, layers_, program),
      weight_sram_("weight_sram", clock_, stats, hardware.weight_sram,
                   {"weight_sram_read_bytes", "bytes read from the weight SRAM", "weight_sram_write_bytes",
                    "bytes written to the weight SRAM"},
                   "energy_weight_sram_pj", "weight SRAM reads and writes"),
      activation_sram_("activation_sram", clock_, stats, hardware.activation_sram,
                       {"activation_sram_read_bytes", "bytes read from the activation SRAM",
                        "activation_sram_write_bytes", "bytes written to the activation SRAM"},
                       "energy_activation_sram_pj", "activation SRAM reads and writes"),
      accumulator_("accumulator", clock_, stats, hardware.accumulator,
                   {"accumulator_read_bytes", "bytes of int32 partial sums read from the accumulator",
                    "accumulator_write_bytes", "bytes of int32 partial sums written to the accumulator"},
                   "energy_accumulator_pj", "accumulator reads and writes"),
      dram_("dram", clock_, stats, hardware.dram, program.dram_bytes_used),
      requant_unit_("requant_unit", context_, hardware.requant_unit, layers_),
      pooling_unit_("pooling_unit", context_, hardware.pooling_unit, layers_),
      dma_("dma", context_, static_cast<uint64_t>(hardware.dma.burst_bytes)),
      controller_("controller", program, images, {&dma_, &pe_array_, &requant_unit_, &pooling_unit_}, context_,
                  with_dram_layer_ends(std::move(events), dram_)) {
  if (!compute_values)  // timing only: no unit looks at a value, so the memories need not copy any
    for (MemoryTarget* memory :
         std::initializer_list<MemoryTarget*>{&dram_, &weight_sram_, &activation_sram_, &accumulator_})
      memory->move_bytes(false);
  dma_.dram_port.bind(dram_.socket);
  dma_.weight_port.bind(weight_sram_.socket);
  dma_.activation_port.bind(activation_sram_.socket);
  pe_array_.weight_port.bind(weight_sram_.socket);
  pe_array_.activation_port.bind(activation_sram_.socket);
  pe_array_.accumulator_port.bind(accumulator_.socket);
  requant_unit_.accumulator_port.bind(accumulator_.socket);
  requant_unit_.activation_port.bind(activation_sram_.socket);
  pooling_unit_.activation_port.bind(activation_sram_.socket);
  for (const auto& [address, bytes] : program.dram_image) dram_.backdoor_write(address, bytes.data(), bytes.size());
}

void Accelerator::observe(InstructionObserver* observer) {
  dma_.observe(observer);
  pe_array_.observe(observer);
  requant_unit_.observe(observer);
  pooling_unit_.observe(observer);
}

void Accelerator::observe_memories(MemoryAccessObserver* observer) {
  dma_.book_burst_by_burst(observer != nullptr);  // the observer sees accesses in the hardware's order
  dram_.observe(observer);
  weight_sram_.observe(observer);
  activation_sram_.observe(observer);
  accumulator_.observe(observer);
}

}  // namespace accelsim::modules
