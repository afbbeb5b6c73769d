#include "modules/accelerator/accelerator.h"

namespace accelsim::modules {

Accelerator::Accelerator(sc_core::sc_module_name name, const hardware::HardwareConfig& hardware,
                         const isa::TileProgram& program, std::vector<LayerGeometry> layers, int64_t images,
                         stats::RunStats& stats, ControllerEvents events)
    : sc_module(name),
      clock_(hardware.clock_mhz),
      layers_(std::move(layers)),
      dram_("dram", clock_, hardware.dram, program.dram_bytes_used),
      weight_sram_("weight_sram", clock_, hardware.weight_sram),
      activation_sram_("activation_sram", clock_, hardware.activation_sram),
      accumulator_("accumulator", clock_, hardware.accumulator),
      dma_("dma", clock_, scoreboard_, stats, static_cast<int>(hardware.instruction_queue_depth),
           static_cast<uint64_t>(hardware.dma.burst_bytes)),
      pe_array_("pe_array", clock_, scoreboard_, stats, static_cast<int>(hardware.instruction_queue_depth),
                hardware.pe_array, layers_, program),
      requant_unit_("requant_unit", clock_, scoreboard_, stats, static_cast<int>(hardware.instruction_queue_depth),
                    hardware.requant_unit, layers_),
      pooling_unit_("pooling_unit", clock_, scoreboard_, stats, static_cast<int>(hardware.instruction_queue_depth),
                    hardware.pooling_unit, layers_),
      controller_("controller", program, images, {&dma_, &pe_array_, &requant_unit_, &pooling_unit_}, scoreboard_,
                  std::move(events)) {
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

}  // namespace accelsim::modules

namespace accelsim::modules {

void Accelerator::observe(InstructionObserver* observer) {
  dma_.observe(observer);
  pe_array_.observe(observer);
  requant_unit_.observe(observer);
  pooling_unit_.observe(observer);
}

void Accelerator::observe_memories(MemoryAccessObserver* observer) {
  dram_.observe(observer);
  weight_sram_.observe(observer);
  activation_sram_.observe(observer);
  accumulator_.observe(observer);
}

}  // namespace accelsim::modules
