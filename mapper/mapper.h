#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/hardware/hardware_config.h"
#include "core/isa/tile_program.h"
#include "core/model/network.h"

namespace accelsim::mapper {

// The network does not fit the accelerator; the message names the layer and the capacity
// that is short, and what it would have to be.
class MappingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Lowers every layer to tile instructions that fit the SRAM capacities, lays weights, inputs
// and outputs out in DRAM and allocates the on-chip buffers. Weights that fit stay resident
// for the whole batch of `images`; the others stream through the weight SRAM's buffers and
// are fetched again for every image.
isa::TileProgram map_network(const model::Network& network, const hardware::HardwareConfig& hardware, int64_t images);

}  // namespace accelsim::mapper
