#include "core/isa/tile_program.h"

namespace accelsim::isa {

const char* name_of(Unit unit) {
  switch (unit) {
    case Unit::Dma:
      return "dma";
    case Unit::PeArray:
      return "pe_array";
    case Unit::RequantUnit:
      return "requant_unit";
    case Unit::PoolingUnit:
      return "pooling_unit";
  }
  return "?";
}

const char* name_of(Opcode op) {
  switch (op) {
    case Opcode::LoadWeights:
      return "load_weights";
    case Opcode::LoadInput:
      return "load_input";
    case Opcode::StoreOutput:
      return "store_output";
    case Opcode::LoadBand:
      return "load_band";
    case Opcode::StoreBand:
      return "store_band";
    case Opcode::Compute:
      return "compute";
    case Opcode::Requantize:
      return "requantize";
    case Opcode::Pool:
      return "pool";
    case Opcode::Add:
      return "add";
  }
  return "?";
}

Unit unit_of(Opcode op) {
  switch (op) {
    case Opcode::LoadWeights:
    case Opcode::LoadInput:
    case Opcode::StoreOutput:
    case Opcode::LoadBand:
    case Opcode::StoreBand:
      return Unit::Dma;
    case Opcode::Compute:
      return Unit::PeArray;
    case Opcode::Requantize:
    case Opcode::Add:
      return Unit::RequantUnit;
    case Opcode::Pool:
      return Unit::PoolingUnit;
  }
  return Unit::Dma;
}

const char* name_of(Memory memory) {
  switch (memory) {
    case Memory::Dram:
      return "dram";
    case Memory::WeightSram:
      return "weight_sram";
    case Memory::ActivationSram:
      return "activation_sram";
    case Memory::Accumulator:
      return "accumulator";
  }
  return "?";
}

}  // namespace accelsim::isa
