#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/network.h"

namespace accelsim::isa {

// The units that execute instructions, each from its own in-order queue.
enum class Unit : uint8_t { Dma, PeArray, RequantUnit, PoolingUnit };
constexpr int kUnitCount = 4;
const char* name_of(Unit unit);

enum class Opcode : uint8_t {
  LoadWeights,  // DMA: DRAM -> weight SRAM
  LoadInput,    // DMA: DRAM -> activation SRAM (one image's input activations)
  StoreOutput,  // DMA: activation SRAM -> DRAM (the logits)
  Compute,      // PE array: one GEMM tile into the accumulator
  Requantize,   // requantization unit: accumulator tile -> int8 activations
  Pool,         // pooling unit: a whole max-pool, avgpool or global_avgpool layer
  Add,          // requantization unit: a whole add layer (or a band of it), two feature maps into one
  LoadBand,     // DMA: DRAM -> activation SRAM, a band of a streamed layer's input (docs/timing.md)
  StoreBand,    // DMA: activation SRAM -> DRAM, a band of a streamed layer's output
};
const char* name_of(Opcode op);
Unit unit_of(Opcode op);

enum class Memory : uint8_t { Dram, WeightSram, ActivationSram, Accumulator };
const char* name_of(Memory memory);

// An on-chip buffer the controller tracks read/write hazards on (double-buffer halves, feature
// map regions, resident weights).
using BufferId = int16_t;
struct Buffer {
  std::string name;
  Memory memory;
  uint64_t address;
  uint64_t bytes;
};

// One instruction of the tile program. Fields unused by an opcode stay zero.
struct Instruction {
  Opcode op = Opcode::Compute;
  int32_t layer = 0;  // index into the network's layers

  // DMA: copy `bytes` from (source, source_address) to (target, target_address); addresses in
  // DRAM advance by the image stride times the image index.
  Memory source = Memory::Dram;
  Memory target = Memory::Dram;
  uint64_t source_address = 0;
  uint64_t target_address = 0;
  uint64_t bytes = 0;
  uint64_t source_image_stride = 0;
  uint64_t target_image_stride = 0;
  // A 2-D transfer (a band of a [C][H][W] map): `chunks` runs of bytes / chunks each, the i-th
  // from source_address + i * source_chunk_stride to target_address + i * target_chunk_stride.
  // 0 or 1: one contiguous block.
  uint64_t chunks = 0;
  uint64_t source_chunk_stride = 0;
  uint64_t target_chunk_stride = 0;

  // Compute / Requantize / Pool: the tile of the layer's GEMM (M output pixels, K window,
  // N output channels); Pool uses n_* as its channel range.
  int64_t m_begin = 0, m_end = 0;
  int64_t k_begin = 0, k_end = 0;
  int64_t n_begin = 0, n_end = 0;
  uint64_t weight_address = 0;        // weight SRAM: element (n_begin, k_begin); rows of tile_k bytes, packed
  uint64_t weight_row_stride = 0;     // bytes from one weight row to the next; 0: tile_k (packed)
  uint64_t bias_address = 0;          // weight SRAM: int32 bias of channel n_begin (layers with bias)
  uint64_t input_address = 0;         // activation SRAM: the layer's input feature map, [C][H][W]
  uint64_t accumulator_address = 0;   // accumulator: the tile, [m][n] int32, row = (n_end - n_begin)
  uint64_t output_address = 0;        // activation SRAM: the layer's output feature map, [N][M]
  uint64_t second_input_address = 0;  // Add: the second operand's feature map
  bool accumulate = false;            // Compute: add to the accumulator (false: start from bias or 0)

  // What the activation SRAM holds at input_address and output_address when a layer streams
  // (0: the whole map, as for a resident layer). The input: rows [input_row_begin,
  // input_row_begin + input_rows) of every channel plane from channel_base on, each plane
  // input_rows x W. The output: pixels [output_m_begin, output_m_begin + output_plane) of every
  // channel from channel_base on (Requantize: output_channel_base), each plane output_plane bytes. Pool and Add with
  // m_end > 0 produce only output pixels [m_begin, m_end); Add then holds both operands like its output.
  int64_t input_row_begin = 0, input_rows = 0;
  int64_t output_m_begin = 0, output_plane = 0;
  int64_t channel_base = 0;
  int64_t output_channel_base = 0;  // Requantize: the first channel held at output_address

  // Hazards: buffers read and written (-1 = unused slot).
  std::array<BufferId, 3> reads{-1, -1, -1};
  std::array<BufferId, 2> writes{-1, -1};

  int64_t tile_m() const { return m_end - m_begin; }
  int64_t tile_k() const { return k_end - k_begin; }
  int64_t tile_n() const { return n_end - n_begin; }
};

// How the mapper cut one layer, for reports and tests.
struct LayerMapping {
  bool resident = false;  // weights stay in the weight SRAM for the whole batch
  int64_t tile_m = 0, tile_k = 0, tile_n = 0;
  int64_t m_tiles = 0, k_tiles = 0, n_tiles = 0;
  uint64_t weight_dram_bytes_per_image = 0;  // streamed weights fetched per image
  int64_t instructions_per_image = 0;
  // Streamed activations (docs/timing.md): the layer's input and output stay in DRAM and pass
  // through the activation SRAM in bands of `band_size` output rows, in groups of channels
  // (linear: the whole vectors, one band).
  bool streamed = false;
  int64_t band_size = 0, bands = 0;
  int64_t channel_group = 0;        // channels per band buffer (the output's for conv2d)
  int64_t input_channel_group = 0;  // conv2d: input channels per band load (0: all of them)
  bool double_buffered_bands = false;
  bool weights_outer = false;  // streamed weights fetched once, input bands per weight tile (else bands outer)
  uint64_t activation_dram_bytes_per_image = 0;  // feature-map bytes loaded and stored
  uint64_t halo_refetch_bytes_per_image = 0;     // of those loaded, rows the previous band had loaded too
  // A layer that moves no data (flatten): the layer whose output is also its own, whose
  // completion is its completion; -1 for every other layer.
  int32_t output_of = -1;
};

struct TileProgram {
  std::vector<Buffer> buffers;
  std::vector<Instruction> prologue;  // once per batch (resident weights, biases), in layer order; each
                                      // is issued just before its layer's first instruction of image 0
  std::vector<std::vector<Instruction>> image_programs;  // image i runs image_programs[i % size]
  std::vector<LayerMapping> layers;
  // Activation SRAM address of every layer's output, per image program (the input buffer
  // alternates; a flatten layer's output is what it reshapes). A streamed layer's output is in
  // DRAM (output_memory) at that address plus output_image_stride per image.
  std::vector<std::vector<uint64_t>> output_addresses;
  std::vector<Memory> output_memory;          // per layer; empty: all in the activation SRAM
  std::vector<uint64_t> output_image_stride;  // per layer; empty: 0

  uint64_t dram_input_address = 0;
  uint64_t dram_input_stride = 0;
  uint64_t dram_output_address = 0;
  uint64_t dram_output_stride = 0;
  uint64_t dram_bytes_used = 0;                                       // for the whole batch
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> dram_image;  // weights and biases to preload

  const std::vector<Instruction>& program_for_image(int64_t image) const {
    return image_programs[static_cast<std::size_t>(image) % image_programs.size()];
  }
  uint64_t output_address(int64_t image, std::size_t layer) const {
    const uint64_t stride = output_image_stride.empty() ? 0 : output_image_stride[layer];
    return output_addresses[static_cast<std::size_t>(image) % output_addresses.size()][layer] +
           stride * static_cast<uint64_t>(image);
  }
  Memory output_memory_of(std::size_t layer) const {
    return output_memory.empty() ? Memory::ActivationSram : output_memory[layer];
  }
};

}  // namespace accelsim::isa
