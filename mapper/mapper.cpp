#include "mapper/mapper.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>

#include "mapper/activation_tiling.h"

namespace accelsim::mapper {

using isa::Buffer;
using isa::BufferId;
using isa::Instruction;
using isa::LayerMapping;
using isa::Memory;
using isa::Opcode;
using isa::TileProgram;

namespace {

using hardware::HardwareConfig;
using model::Layer;
using model::LayerType;
using model::Network;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }
std::string bytes_text(uint64_t bytes) { return std::to_string(bytes) + " bytes"; }

// Where a weighted layer's weights live.
struct WeightPlan {
  bool resident = false;
  BufferId resident_buffer = -1;
  uint64_t sram_address = 0;                 // resident: the [N][K] matrix
  uint64_t dram_address = 0;                 // resident: the matrix; streamed: first block
  std::vector<uint64_t> block_dram_address;  // streamed: [n_tile * k_tiles + k_tile]
  bool has_bias = false;
  BufferId bias_buffer = -1;
  uint64_t bias_sram_address = 0;
  uint64_t bias_dram_address = 0;
};

class ProgramBuilder {
 public:
  ProgramBuilder(const Network& network, const HardwareConfig& hardware, int64_t images)
      : network_(network), hw_(hardware), images_(images) {}

  TileProgram build() {
    program_.layers.resize(network_.layers.size());
    weights_.resize(network_.layers.size());
    plan_weight_sram();
    plan_accumulator();
    for (std::size_t l = 0; l < network_.layers.size(); ++l)
      if (network_.layers[l].has_weights()) choose_tiles(l);
    // Feature maps stay resident when they fit; otherwise every layer streams them through DRAM.
    streaming_ = !plan_activation_sram();
    if (streaming_) plan_streaming();
    plan_dram();
    emit_prologue();
    // Double-buffer rings can leave the second image on the other half; two programs cover it.
    const bool alternate = input_slots_.size() > 1 || weight_slots_.size() > 1 || accumulator_slots_.size() > 1;
    program_.image_programs.push_back(emit_image(0));
    if (alternate) program_.image_programs.push_back(emit_image(1));
    for (const auto& instruction : program_.image_programs[0])
      program_.layers[instruction.layer].instructions_per_image++;
    for (std::size_t l = 0; l < network_.layers.size(); ++l)
      if (network_.layers[l].type == LayerType::Flatten && l > 0)
        program_.layers[l].output_of = std::max<int32_t>(0, network_.inputs_of(l)[0]);
    if (streaming_) {
      program_.output_memory.assign(network_.layers.size(), Memory::Dram);
      for (std::size_t l = 0; l < network_.layers.size(); ++l)
        program_.output_image_stride.push_back(dram_of(static_cast<int32_t>(l)).image_stride);
    }
    return std::move(program_);
  }

 private:
  BufferId add_buffer(const std::string& name, Memory memory, uint64_t address, uint64_t bytes) {
    program_.buffers.push_back(Buffer{name, memory, address, bytes});
    return static_cast<BufferId>(program_.buffers.size() - 1);
  }

  uint64_t weight_bytes(const Layer& layer) const { return static_cast<uint64_t>(layer.gemm_k() * layer.gemm_n()); }

  void plan_weight_sram() {
    const uint64_t capacity = static_cast<uint64_t>(hw_.weight_sram.capacity_bytes);
    uint64_t total = 0, bias_total = 0;
    for (const Layer& layer : network_.layers) {
      if (!layer.has_weights()) continue;
      total += weight_bytes(layer);
      if (!layer.bias.empty()) bias_total += static_cast<uint64_t>(layer.gemm_n()) * 4;
    }
    // The int32 biases go 4-byte aligned right after the resident weights.
    auto bias_aligned = [&](uint64_t end_of_weights) {
      return bias_total > 0 ? align_up(end_of_weights, 4) : end_of_weights;
    };
    uint64_t resident_budget = capacity;
    if (bias_aligned(total) + bias_total > capacity) {
      // Half the SRAM streams the layers that do not fit, split into buffers that alternate.
      const uint64_t slots = hw_.weight_sram.double_buffered ? 2 : 1;
      weight_slot_bytes_ = capacity / 2 / slots;
      if (weight_slot_bytes_ == 0)
        throw MappingError("weight SRAM of " + bytes_text(capacity) + " cannot hold a streaming buffer");
      const uint64_t stream_region = weight_slot_bytes_ * slots;
      if (bias_total > capacity - stream_region)
        throw MappingError("weight SRAM too small for the biases: they need " + bytes_text(bias_total) + ", " +
                           bytes_text(capacity - stream_region) + " are left beside the streaming buffers");
      resident_budget = capacity - stream_region - bias_total;
      if (bias_total > 0) resident_budget = resident_budget / 4 * 4;  // room for the alignment
      for (uint64_t s = 0; s < slots; ++s)
        weight_slots_.push_back({add_buffer("weight_stream_" + std::to_string(s), Memory::WeightSram,
                                            capacity - stream_region + s * weight_slot_bytes_, weight_slot_bytes_),
                                 capacity - stream_region + s * weight_slot_bytes_});
    } else {
      resident_budget = capacity - bias_total;
    }
    // Smallest layers first: the most layers stay resident for a given budget.
    std::vector<std::size_t> order;
    for (std::size_t l = 0; l < network_.layers.size(); ++l)
      if (network_.layers[l].has_weights()) order.push_back(l);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return weight_bytes(network_.layers[a]) < weight_bytes(network_.layers[b]);
    });
    uint64_t address = 0;
    for (std::size_t l : order) {
      const Layer& layer = network_.layers[l];
      if (address + weight_bytes(layer) > resident_budget) continue;
      weights_[l].resident = true;
      weights_[l].sram_address = address;
      weights_[l].resident_buffer =
          add_buffer(layer.name + ".weights", Memory::WeightSram, address, weight_bytes(layer));
      address += weight_bytes(layer);
      program_.layers[l].resident = true;
    }
    address = bias_aligned(address);
    for (std::size_t l = 0; l < network_.layers.size(); ++l) {
      const Layer& layer = network_.layers[l];
      if (!layer.has_weights() || layer.bias.empty()) continue;
      weights_[l].has_bias = true;
      weights_[l].bias_sram_address = address;
      weights_[l].bias_buffer =
          add_buffer(layer.name + ".bias", Memory::WeightSram, address, static_cast<uint64_t>(layer.gemm_n()) * 4);
      address += static_cast<uint64_t>(layer.gemm_n()) * 4;
    }
  }

  void plan_accumulator() {
    const uint64_t slots = hw_.accumulator.double_buffered ? 2 : 1;
    accumulator_slot_bytes_ = static_cast<uint64_t>(hw_.accumulator.capacity_bytes) / slots / 4 * 4;
    if (accumulator_slot_bytes_ < 4)
      throw MappingError("accumulator of " + bytes_text(static_cast<uint64_t>(hw_.accumulator.capacity_bytes)) +
                         " cannot hold one int32 partial sum per buffer; accumulator.capacity_bytes must be at least " +
                         std::to_string(4 * slots));
    for (uint64_t s = 0; s < slots; ++s)
      accumulator_slots_.push_back({add_buffer("accumulator_" + std::to_string(s), Memory::Accumulator,
                                               s * accumulator_slot_bytes_, accumulator_slot_bytes_),
                                    s * accumulator_slot_bytes_});
  }

  // `max_n`: at most that many output channels a tile (a streamed layer's output group).
  void choose_tiles(std::size_t l, int64_t max_n = std::numeric_limits<int64_t>::max()) {
    const Layer& layer = network_.layers[l];
    LayerMapping& mapping = program_.layers[l];
    // Each group is a GEMM of its own: tiles never span two groups.
    const int64_t M = layer.gemm_m(), K = layer.gemm_k(), N = layer.gemm_n() / layer.groups;
    const int64_t R = hw_.pe_array.rows, C = hw_.pe_array.cols;
    int64_t kt = K, nt = N;
    if (!weights_[l].resident) {
      const int64_t slot = static_cast<int64_t>(weight_slot_bytes_);
      const int64_t one_fold = std::min(R, K) * std::min(C, N);
      if (slot < one_fold)
        throw MappingError("layer " + layer.name + ": its weights (" + bytes_text(weight_bytes(layer)) +
                           ") must stream, but a weight SRAM buffer of " + bytes_text(weight_slot_bytes_) +
                           " cannot hold one " + std::to_string(std::min(R, K)) + "x" + std::to_string(std::min(C, N)) +
                           " fold (" + bytes_text(static_cast<uint64_t>(one_fold)) +
                           "); weight_sram.capacity_bytes must be at least " +
                           std::to_string(one_fold * 2 * (hw_.weight_sram.double_buffered ? 2 : 1)));
      // A split dimension is cut in multiples of the array's side where it can be, so that
      // only the last tile has a partial fold; a dimension that fits whole is not cut.
      if (K * std::min(N, C) <= slot) {
        nt = std::min(N, slot / K);
        if (nt < N && nt > C) nt = nt / C * C;
      } else {
        nt = std::min(N, C);
        kt = std::min(K, slot / nt);
        if (kt < K && kt > R) kt = kt / R * R;
      }
    }
    nt = std::min(nt, max_n);
    const int64_t entries = static_cast<int64_t>(accumulator_slot_bytes_ / 4);
    if (nt > entries) {
      nt = entries;
      if (nt > C) nt = nt / C * C;
    }
    const int64_t out_width = layer.type == LayerType::Conv2d ? layer.output.width : 1;
    const int64_t rows = entries / (nt * out_width);
    int64_t mt = rows >= 1 ? rows * out_width : entries / nt;
    mt = std::min(mt, M);
    mapping.tile_m = mt;
    mapping.tile_k = kt;
    mapping.tile_n = nt;
    mapping.m_tiles = ceil_div(M, mt);
    mapping.k_tiles = ceil_div(K, kt);
    mapping.n_tiles = layer.groups * ceil_div(N, nt);
  }

  // The output channel ranges of a weighted layer's tiles, group by group.
  std::vector<std::pair<int64_t, int64_t>> n_ranges(std::size_t l) const {
    const Layer& layer = network_.layers[l];
    const int64_t group_n = layer.gemm_n() / layer.groups, nt = program_.layers[l].tile_n;
    std::vector<std::pair<int64_t, int64_t>> ranges;
    for (int64_t g = 0; g < layer.groups; ++g)
      for (int64_t n0 = 0; n0 < group_n; n0 += nt)
        ranges.emplace_back(g * group_n + n0, g * group_n + std::min(group_n, n0 + nt));
    return ranges;
  }

  // The layer whose storage holds layer l's output: l itself, or for a flatten the storage of
  // what it reshapes (kNetworkInput: the input buffer).
  int32_t storage_of(int32_t l) const {
    while (l != model::kNetworkInput && network_.layers[static_cast<std::size_t>(l)].type == LayerType::Flatten)
      l = network_.inputs_of(static_cast<std::size_t>(l))[0];
    return l;
  }

  // The input buffers sit at the bottom (one per image in flight); above them every layer's
  // output gets a region of its own, allocated first-fit in layer order and freed after its
  // last reader (the last layer's after the store), so that branches of a graph stay
  // allocated while they wait for their consumer. Overlapping regions are ordered by the
  // hazard tracker (a write waits for the readers of every buffer it overlaps).
  // Returns false, allocating nothing, when the feature maps do not fit: they must stream.
  bool plan_activation_sram() {
    const uint64_t capacity = static_cast<uint64_t>(hw_.activation_sram.capacity_bytes);
    const uint64_t input_bytes = static_cast<uint64_t>(network_.input.shape.elements());
    const uint64_t slots = hw_.activation_sram.double_buffered ? 2 : 1;
    const uint64_t input_region = align_up(input_bytes, 64);
    const std::size_t count = network_.layers.size();
    std::vector<std::size_t> last_use(count, 0);
    for (std::size_t l = 0; l < count; ++l)
      for (int32_t producer : network_.inputs_of(l)) {
        const int32_t owner = storage_of(producer);
        if (owner != model::kNetworkInput) last_use[static_cast<std::size_t>(owner)] = l;
      }
    const int32_t last_owner = storage_of(static_cast<int32_t>(count - 1));
    if (last_owner != model::kNetworkInput) last_use[static_cast<std::size_t>(last_owner)] = count;  // the store

    struct Allocation {
      uint64_t begin, end;
      std::size_t layer;
    };
    std::vector<Allocation> live;  // by address
    region_address_.assign(count, 0);
    uint64_t peak = 0;
    for (std::size_t l = 0; l < count; ++l) {
      const Layer& layer = network_.layers[l];
      if (layer.type == LayerType::Flatten) continue;
      // Free what no layer from l on reads (layer l's own inputs stay: it reads them as it writes).
      live.erase(std::remove_if(live.begin(), live.end(), [&](const Allocation& a) { return last_use[a.layer] < l; }),
                 live.end());
      const uint64_t bytes = align_up(static_cast<uint64_t>(layer.output.elements()), 64);
      uint64_t address = 0;
      for (const Allocation& a : live) {
        if (a.begin >= address + bytes) break;
        address = std::max(address, a.end);
      }
      live.push_back({address, address + bytes, l});
      std::sort(live.begin(), live.end(), [](const Allocation& a, const Allocation& b) { return a.begin < b.begin; });
      region_address_[l] = slots * input_region + address;
      peak = std::max(peak, address + bytes);
    }
    const uint64_t needed = slots * input_region + peak;
    if (needed > capacity) return false;
    for (uint64_t s = 0; s < slots; ++s)
      input_slots_.push_back(
          {add_buffer("input_" + std::to_string(s), Memory::ActivationSram, s * input_region, input_bytes),
           s * input_region});
    region_buffer_.assign(count, -1);
    for (std::size_t l = 0; l < count; ++l) {
      const Layer& layer = network_.layers[l];
      if (layer.type == LayerType::Flatten) continue;
      region_buffer_[l] = add_buffer(layer.name + ".output", Memory::ActivationSram, region_address_[l],
                                     static_cast<uint64_t>(layer.output.elements()));
    }
    return true;
  }

  // Streaming (the maps do not fit): each layer gets the largest bands whose input and output
  // band buffers fit the whole activation SRAM (mapper/activation_tiling.h). Layers' buffers
  // overlap one another; the hazard tracker orders a layer's first writes after the previous
  // layer's last reads.
  void plan_streaming() {
    const uint64_t capacity = static_cast<uint64_t>(hw_.activation_sram.capacity_bytes);
    const uint64_t max_slots = hw_.activation_sram.double_buffered ? 2 : 1;
    band_plans_.assign(network_.layers.size(), BandPlan{});
    input_bands_.assign(network_.layers.size(), {});
    output_bands_.assign(network_.layers.size(), {});
    for (std::size_t l = 0; l < network_.layers.size(); ++l) {
      const Layer& layer = network_.layers[l];
      if (layer.type == LayerType::Flatten) continue;
      // A conv2d whose output band of all channels does not fit writes it in groups of at most
      // one array width of channels: its tiles are cut to that width.
      const int64_t group = std::min<int64_t>(program_.layers[l].tile_n, hw_.pe_array.cols);
      // Input-grouped bands wait in one accumulator tile: at most tile_m / W_out rows.
      const int64_t tile_rows = layer.type == LayerType::Conv2d ? program_.layers[l].tile_m / layer.output.width : 1;
      // A linear layer's K chunks hold whole streamed weight blocks where they can.
      const int64_t chunk_multiple = weights_[l].resident ? 1 : program_.layers[l].tile_k;
      const BandPlan plan =
          plan_bands(layer, capacity, max_slots, group, std::max<int64_t>(1, tile_rows), chunk_multiple);
      if ((layer.type == LayerType::Conv2d || layer.type == LayerType::Linear) &&
          plan.channel_group < program_.layers[l].tile_n)
        choose_tiles(l, plan.channel_group);
      // Streamed weight blocks wider than a linear layer's K chunk would span two chunks and be
      // fetched for both: they are cut to the chunk instead (plan_dram lays them out after this).
      LayerMapping& tiles = program_.layers[l];
      if (layer.type == LayerType::Linear && plan.input_channel_group > 0 && !weights_[l].resident &&
          plan.input_channel_group < tiles.tile_k) {
        tiles.tile_k = plan.input_channel_group;
        tiles.k_tiles = ceil_div(layer.gemm_k(), tiles.tile_k);
      }
      band_plans_[l] = plan;
      const uint64_t input_stride = align_up(plan.input_buffer_bytes, 64);
      const uint64_t output_stride = align_up(plan.output_buffer_bytes, 64);
      for (uint64_t s = 0; s < plan.slots; ++s) {
        const uint64_t in_at = s * input_stride, out_at = plan.slots * input_stride + s * output_stride;
        input_bands_[l].push_back({add_buffer(layer.name + ".input_band_" + std::to_string(s), Memory::ActivationSram,
                                              in_at, plan.input_buffer_bytes),
                                   in_at});
        output_bands_[l].push_back({add_buffer(layer.name + ".output_band_" + std::to_string(s), Memory::ActivationSram,
                                               out_at, plan.output_buffer_bytes),
                                    out_at});
      }
      LayerMapping& mapping = program_.layers[l];
      mapping.streamed = true;
      mapping.band_size = plan.band_size;
      mapping.bands = plan.bands;
      mapping.channel_group = plan.channel_group;
      mapping.double_buffered_bands = plan.slots > 1;
      mapping.input_channel_group = plan.input_channel_group;
      // Weights that stream whole windows (one block per weight tile) may be fetched once, with
      // the input bands fetched per weight tile instead, when that moves fewer bytes.
      if (layer.type == LayerType::Conv2d && !weights_[l].resident && mapping.k_tiles == 1 &&
          plan.input_channel_group == 0 && plan.bands > 1)
        mapping.weights_outer = loop_order_cost(layer, plan, mapping.n_tiles).weights_outer_wins();
    }
  }

  void plan_dram() {
    uint64_t address = 0;
    auto place = [&](std::vector<uint8_t> bytes) {
      const uint64_t at = address;
      address = align_up(address + bytes.size(), 64);
      program_.dram_image.emplace_back(at, std::move(bytes));
      return at;
    };
    // A timing-only network (values: none) has no weights: their place is kept, unfilled.
    auto reserve = [&](uint64_t bytes) {
      const uint64_t at = address;
      address = align_up(address + bytes, 64);
      return at;
    };
    for (std::size_t l = 0; l < network_.layers.size(); ++l) {
      const Layer& layer = network_.layers[l];
      if (!layer.has_weights()) continue;
      const bool unfilled = layer.weights.empty();
      WeightPlan& plan = weights_[l];
      const LayerMapping& mapping = program_.layers[l];
      const int64_t K = layer.gemm_k();
      // OIHW ([out, in / groups, kh, kw]) and [out, in] are both [N][K] with K = (c, ky, kx)
      // row-major: the array's order.
      if (plan.resident && unfilled) {
        plan.dram_address = reserve(weight_bytes(layer));
      } else if (plan.resident) {
        plan.dram_address =
            place(std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(layer.weights.data()),
                                       reinterpret_cast<const uint8_t*>(layer.weights.data()) + layer.weights.size()));
      } else {
        for (const auto& [n0, n1] : n_ranges(l)) {
          for (int64_t k0 = 0; k0 < K; k0 += mapping.tile_k) {
            const int64_t k1 = std::min(K, k0 + mapping.tile_k);
            if (unfilled) {
              plan.block_dram_address.push_back(reserve(static_cast<uint64_t>((n1 - n0) * (k1 - k0))));
              continue;
            }
            // Rows n0..n1 of the [N][K] weights, columns k0..k1 of each: one copy per row.
            const auto* weights = reinterpret_cast<const uint8_t*>(layer.weights.data());
            std::vector<uint8_t> block;
            block.reserve(static_cast<std::size_t>((n1 - n0) * (k1 - k0)));
            for (int64_t n = n0; n < n1; ++n) block.insert(block.end(), weights + n * K + k0, weights + n * K + k1);
            plan.block_dram_address.push_back(place(std::move(block)));
          }
        }
      }
      if (plan.has_bias) {
        std::vector<uint8_t> bias(layer.bias.size() * 4);
        for (std::size_t i = 0; i < layer.bias.size(); ++i) {
          const uint32_t word = static_cast<uint32_t>(layer.bias[i]);
          for (int b = 0; b < 4; ++b) bias[i * 4 + b] = static_cast<uint8_t>(word >> (8 * b));  // little-endian
        }
        plan.bias_dram_address = place(std::move(bias));
      }
    }
    program_.dram_input_address = address;
    program_.dram_input_stride = align_up(static_cast<uint64_t>(network_.input.shape.elements()), 64);
    address += program_.dram_input_stride * static_cast<uint64_t>(images_);
    program_.dram_output_address = address;
    program_.dram_output_stride = align_up(static_cast<uint64_t>(network_.layers.back().output.elements()), 64);
    address += program_.dram_output_stride * static_cast<uint64_t>(images_);
    if (streaming_) {
      // A region per streamed feature map, shared by the images: only the in-order DMA touches
      // them, so an image's stores come after the previous image's loads. The last layer's
      // output is the output area itself.
      const int32_t last_owner = storage_of(static_cast<int32_t>(network_.layers.size() - 1));
      dram_maps_.assign(network_.layers.size(), DramMap{});
      for (std::size_t l = 0; l < network_.layers.size(); ++l) {
        const Layer& layer = network_.layers[l];
        if (layer.type == LayerType::Flatten) continue;
        const uint64_t bytes = static_cast<uint64_t>(layer.output.elements());
        DramMap& map = dram_maps_[l];
        if (static_cast<int32_t>(l) == last_owner) {
          map.address = program_.dram_output_address;
          map.image_stride = program_.dram_output_stride;
        } else {
          map.address = address;
          address = align_up(address + bytes, 64);
        }
        map.buffer = add_buffer(layer.name + ".output", Memory::Dram, map.address, bytes);
      }
    }
    program_.dram_bytes_used = address;
    if (address > static_cast<uint64_t>(hw_.dram.capacity_bytes))
      throw MappingError("DRAM holds " + bytes_text(static_cast<uint64_t>(hw_.dram.capacity_bytes)) +
                         " but the weights and " + std::to_string(images_) + " images' inputs and outputs" +
                         (streaming_ ? " and the streamed feature maps" : "") + " need " + bytes_text(address) +
                         "; dram.capacity_bytes must be at least " + std::to_string(address));
  }

  static Instruction dma(Opcode op, int32_t layer, Memory source, uint64_t source_address, Memory target,
                         uint64_t target_address, uint64_t bytes) {
    Instruction instruction;
    instruction.op = op;
    instruction.layer = layer;
    instruction.source = source;
    instruction.source_address = source_address;
    instruction.target = target;
    instruction.target_address = target_address;
    instruction.bytes = bytes;
    return instruction;
  }

  void emit_prologue() {
    for (std::size_t l = 0; l < network_.layers.size(); ++l) {
      const WeightPlan& plan = weights_[l];
      const int32_t layer = static_cast<int32_t>(l);
      if (plan.resident) {
        Instruction load = dma(Opcode::LoadWeights, layer, Memory::Dram, plan.dram_address, Memory::WeightSram,
                               plan.sram_address, weight_bytes(network_.layers[l]));
        load.writes[0] = plan.resident_buffer;
        program_.prologue.push_back(load);
      }
      if (plan.has_bias) {
        Instruction load = dma(Opcode::LoadWeights, layer, Memory::Dram, plan.bias_dram_address, Memory::WeightSram,
                               plan.bias_sram_address, static_cast<uint64_t>(network_.layers[l].gemm_n()) * 4);
        load.writes[0] = plan.bias_buffer;
        program_.prologue.push_back(load);
      }
    }
  }

  struct Slot {
    BufferId buffer;
    uint64_t address;
  };

  const Slot& next(std::vector<Slot>& slots, std::size_t& cursor) {
    const Slot& slot = slots[cursor];
    cursor = (cursor + 1) % slots.size();
    return slot;
  }

  std::vector<Instruction> emit_image(int64_t image) {
    if (streaming_) return emit_streamed_image();
    std::vector<Instruction> out;
    std::vector<uint64_t>& outputs = program_.output_addresses.emplace_back();
    const Slot input = input_slots_[static_cast<std::size_t>(image) % input_slots_.size()];
    Instruction load_input =
        dma(Opcode::LoadInput, 0, Memory::Dram, program_.dram_input_address, Memory::ActivationSram, input.address,
            static_cast<uint64_t>(network_.input.shape.elements()));
    load_input.source_image_stride = program_.dram_input_stride;
    load_input.writes[0] = input.buffer;
    out.push_back(load_input);

    // Where a layer's (or the network input's) output is, for its readers.
    auto slot_of = [&](int32_t producer) {
      const int32_t owner = storage_of(producer);
      if (owner == model::kNetworkInput) return input;
      return Slot{region_buffer_[static_cast<std::size_t>(owner)], region_address_[static_cast<std::size_t>(owner)]};
    };
    for (std::size_t l = 0; l < network_.layers.size(); ++l) {
      const Layer& layer = network_.layers[l];
      const Slot output = slot_of(static_cast<int32_t>(l));
      outputs.push_back(output.address);
      if (layer.type == LayerType::Flatten) continue;
      const std::vector<int32_t> producers = network_.inputs_of(l);
      const Slot source = slot_of(producers[0]);
      if (layer.is_pool() || layer.type == LayerType::Add) {
        // One instruction for the whole layer: the pooling unit, or the requantization unit
        // summing two feature maps.
        Instruction whole;
        whole.op = layer.type == LayerType::Add ? Opcode::Add : Opcode::Pool;
        whole.layer = static_cast<int32_t>(l);
        whole.n_begin = 0;
        whole.n_end = layer.output.channels;
        whole.input_address = source.address;
        whole.output_address = output.address;
        whole.reads[0] = source.buffer;
        whole.writes[0] = output.buffer;
        if (layer.type == LayerType::Add) {
          const Slot other = slot_of(producers.at(1));
          whole.second_input_address = other.address;
          whole.reads[1] = other.buffer;
        }
        out.push_back(whole);
      } else {
        program_.layers[l].weight_dram_bytes_per_image = 0;
        emit_weighted_layer(l, source, output, BandView::whole(layer), out);
      }
    }
    const int32_t last = static_cast<int32_t>(network_.layers.size() - 1);
    const Slot result = slot_of(last);
    Instruction store =
        dma(Opcode::StoreOutput, last, Memory::ActivationSram, result.address, Memory::Dram,
            program_.dram_output_address, static_cast<uint64_t>(network_.layers.back().output.elements()));
    store.target_image_stride = program_.dram_output_stride;
    store.reads[0] = result.buffer;
    out.push_back(store);
    return out;
  }

  // The output pixels a weighted layer's tiles cover, and what the activation SRAM holds of its
  // input and output (Instruction's input_row_begin .. channel_base): all of it, or a band.
  struct BandView {
    int64_t m_begin = 0, m_end = 0;
    int64_t input_row_begin = 0, input_rows = 0;
    int64_t output_m_begin = 0, output_plane = 0;
    int64_t output_channel_base = 0;
    int64_t input_channel_base = 0;  // the first input channel the input band holds
    static BandView whole(const Layer& layer) { return BandView{0, layer.gemm_m(), 0, 0, 0, 0, 0, 0}; }
  };

  // The accumulator tile [m0, m1) x [n0, n1) and the K range [k0, k1) one Compute covers.
  struct TileRange {
    int64_t m0, m1, k0, k1, n0, n1;
  };

  // Weight block (n_tile, k_tile) of layer l from DRAM into the next weight buffer.
  Slot load_weight_block(std::size_t l, int64_t n_tile, int64_t k_tile, uint64_t bytes, std::vector<Instruction>& out) {
    LayerMapping& mapping = program_.layers[l];
    const Slot& slot = next(weight_slots_, weight_cursor_);
    Instruction load = dma(Opcode::LoadWeights, static_cast<int32_t>(l), Memory::Dram,
                           weights_[l].block_dram_address[static_cast<std::size_t>(n_tile * mapping.k_tiles + k_tile)],
                           Memory::WeightSram, slot.address, bytes);
    load.writes[0] = slot.buffer;
    out.push_back(load);
    mapping.weight_dram_bytes_per_image += bytes;
    return slot;
  }

  // One Compute of `tile` from the input as `band` holds it; the weights' rows are `row_stride`
  // bytes apart from `weight_address` (0: packed, k1 - k0 bytes each); accumulates after K's start.
  void emit_compute(std::size_t l, const TileRange& tile, const Slot& input, const BandView& band,
                    BufferId weight_buffer, uint64_t weight_address, uint64_t row_stride, const Slot& accumulator,
                    std::vector<Instruction>& out) {
    const WeightPlan& plan = weights_[l];
    Instruction c;
    c.op = Opcode::Compute;
    c.layer = static_cast<int32_t>(l);
    c.m_begin = tile.m0, c.m_end = tile.m1, c.k_begin = tile.k0, c.k_end = tile.k1;
    c.n_begin = tile.n0, c.n_end = tile.n1;
    c.weight_address = weight_address;
    c.weight_row_stride = row_stride == static_cast<uint64_t>(tile.k1 - tile.k0) ? 0 : row_stride;
    c.input_address = input.address;
    c.input_row_begin = band.input_row_begin;
    c.input_rows = band.input_rows;
    c.channel_base = band.input_channel_base;
    c.accumulator_address = accumulator.address;
    c.accumulate = tile.k0 > 0;
    c.reads[0] = weight_buffer;
    c.reads[1] = input.buffer;
    if (c.accumulate) c.reads[2] = accumulator.buffer;
    c.writes[0] = accumulator.buffer;
    if (plan.has_bias) c.bias_address = plan.bias_sram_address + static_cast<uint64_t>(tile.n0) * 4;
    out.push_back(c);
  }

  // The accumulator tile [m0, m1) x [n0, n1) into the output buffer, placed as `band` says.
  void emit_requantize(std::size_t l, const TileRange& tile, const Slot& accumulator, const Slot& output,
                       const BandView& band, std::vector<Instruction>& out) {
    Instruction r;
    r.op = Opcode::Requantize;
    r.layer = static_cast<int32_t>(l);
    r.m_begin = tile.m0, r.m_end = tile.m1, r.n_begin = tile.n0, r.n_end = tile.n1;
    r.accumulator_address = accumulator.address;
    r.output_address = output.address;
    r.output_m_begin = band.output_m_begin;
    r.output_plane = band.output_plane;
    r.output_channel_base = band.output_channel_base;
    r.reads[0] = accumulator.buffer;
    r.writes[0] = output.buffer;
    out.push_back(r);
  }

  // A streamed layer's K range [ka, kb) of `tile` (an input group or chunk) accumulated from
  // wherever its weights are: resident; the weight tile's block, loaded at the tile's first group
  // (`first`) into `block` and kept for the others; or, with the window split, each block that
  // overlaps the range, fetched for it.
  void accumulate_k_range(std::size_t l, const TileRange& tile, int64_t n_tile, bool first, Slot& block,
                          const Slot& input, const BandView& band, const Slot& accumulator,
                          std::vector<Instruction>& out) {
    const WeightPlan& weights = weights_[l];
    const LayerMapping& mapping = program_.layers[l];
    const int64_t K = network_.layers[l].gemm_k();
    const int64_t rows_n = tile.n1 - tile.n0;
    if (weights.resident) {
      emit_compute(l, tile, input, band, weights.resident_buffer,
                   weights.sram_address + static_cast<uint64_t>(tile.n0 * K + tile.k0), static_cast<uint64_t>(K),
                   accumulator, out);
    } else if (mapping.k_tiles == 1) {
      if (first) block = load_weight_block(l, n_tile, 0, static_cast<uint64_t>(rows_n * K), out);
      emit_compute(l, tile, input, band, block.buffer, block.address + static_cast<uint64_t>(tile.k0),
                   static_cast<uint64_t>(K), accumulator, out);
    } else {
      for (int64_t k0 = 0, k_tile = 0; k0 < K; k0 += mapping.tile_k, ++k_tile) {
        const int64_t k1 = std::min(K, k0 + mapping.tile_k);
        const int64_t lo = std::max(k0, tile.k0), hi = std::min(k1, tile.k1);
        if (lo >= hi) continue;
        const Slot weights_block = load_weight_block(l, n_tile, k_tile, static_cast<uint64_t>(rows_n * (k1 - k0)), out);
        emit_compute(l, TileRange{tile.m0, tile.m1, lo, hi, tile.n0, tile.n1}, input, band, weights_block.buffer,
                     weights_block.address + static_cast<uint64_t>(lo - k0), static_cast<uint64_t>(k1 - k0),
                     accumulator, out);
      }
    }
  }

  // Channels [c0, c1) of an output band buffer holding `pixels` pixels per channel from output
  // pixel `m_begin` on, stored to their places in the layer's [C][H][W] DRAM map.
  void emit_store_band(std::size_t l, const Slot& output, int64_t c0, int64_t c1, int64_t m_begin, int64_t pixels,
                       std::vector<Instruction>& out) {
    const Layer& layer = network_.layers[l];
    const DramMap destination = dram_of(static_cast<int32_t>(l));
    const int64_t out_plane = layer.output.height * layer.output.width;
    const auto channels = static_cast<uint64_t>(c1 - c0);
    Instruction store = dma(Opcode::StoreBand, static_cast<int32_t>(l), Memory::ActivationSram, output.address,
                            Memory::Dram, destination.address + static_cast<uint64_t>(c0 * out_plane + m_begin),
                            static_cast<uint64_t>(pixels) * channels);
    // Whole planes (global_avgpool, linear, a one-band map) are one contiguous run.
    store.chunks = pixels == out_plane ? 1 : channels;
    store.source_chunk_stride = static_cast<uint64_t>(pixels);
    store.target_chunk_stride = static_cast<uint64_t>(out_plane);
    store.target_image_stride = destination.image_stride;
    store.reads[0] = output.buffer;
    store.writes[0] = destination.buffer;
    out.push_back(store);
    program_.layers[l].activation_dram_bytes_per_image += store.bytes;
  }

  // `only_n_tile` >= 0: just that weight tile's output channels (a streamed band's group).
  void emit_weighted_layer(std::size_t l, const Slot& input, const Slot& output, const BandView& band,
                           std::vector<Instruction>& out, int64_t only_n_tile = -1) {
    const Layer& layer = network_.layers[l];
    const WeightPlan& plan = weights_[l];
    LayerMapping& mapping = program_.layers[l];
    const int64_t K = layer.gemm_k();

    // `weights` holds rows n0..n1 of k1 - k0 bytes each, packed, from its address.
    auto compute = [&](int64_t m0, int64_t m1, int64_t k0, int64_t k1, int64_t n0, int64_t n1, const Slot& weights,
                       const Slot& accumulator) {
      emit_compute(l, TileRange{m0, m1, k0, k1, n0, n1}, input, band, weights.buffer, weights.address,
                   static_cast<uint64_t>(k1 - k0), accumulator, out);
    };
    auto requantize = [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1, const Slot& accumulator) {
      emit_requantize(l, TileRange{m0, m1, 0, 0, n0, n1}, accumulator, output, band, out);
    };
    auto load_block = [&](int64_t n_tile, int64_t k_tile, uint64_t bytes) {
      return load_weight_block(l, n_tile, k_tile, bytes, out);
    };

    int64_t n_tile = 0;
    for (const auto& [n0, n1] : n_ranges(l)) {
      if (only_n_tile >= 0 && n_tile != only_n_tile) {
        ++n_tile;
        continue;
      }
      if (mapping.k_tiles == 1) {
        // Whole windows (always so for resident weights): the block of rows n0..n1 stays in
        // its buffer while every row tile uses it.
        // Weights outer: the block loaded for this weight tile's first band serves the others.
        const bool reuse = mapping.weights_outer && band.m_begin > 0;
        const Slot weights = plan.resident
                                 ? Slot{plan.resident_buffer, plan.sram_address + static_cast<uint64_t>(n0 * K)}
                             : reuse ? last_block_
                                     : load_block(n_tile, 0, static_cast<uint64_t>((n1 - n0) * K));
        last_block_ = weights;
        for (int64_t m0 = band.m_begin; m0 < band.m_end; m0 += mapping.tile_m) {
          const int64_t m1 = std::min(band.m_end, m0 + mapping.tile_m);
          const Slot& accumulator = next(accumulator_slots_, accumulator_cursor_);
          compute(m0, m1, 0, K, n0, n1, weights, accumulator);
          requantize(m0, m1, n0, n1, accumulator);
        }
      } else {
        // The window is split: each row tile walks the blocks again, refetching them.
        for (int64_t m0 = band.m_begin; m0 < band.m_end; m0 += mapping.tile_m) {
          const int64_t m1 = std::min(band.m_end, m0 + mapping.tile_m);
          const Slot& accumulator = next(accumulator_slots_, accumulator_cursor_);
          for (int64_t k0 = 0, k_tile = 0; k0 < K; k0 += mapping.tile_k, ++k_tile) {
            const int64_t k1 = std::min(K, k0 + mapping.tile_k);
            const Slot weights = load_block(n_tile, k_tile, static_cast<uint64_t>((n1 - n0) * (k1 - k0)));
            compute(m0, m1, k0, k1, n0, n1, weights, accumulator);
          }
          requantize(m0, m1, n0, n1, accumulator);
        }
      }
      ++n_tile;
    }
  }

  // Where a streamed layer's (or the network input's) output lives in DRAM.
  struct DramMap {
    uint64_t address = 0;
    uint64_t image_stride = 0;
    BufferId buffer = -1;  // -1: the network input (only the DMA reads it)
  };

  DramMap dram_of(int32_t producer) const {
    const int32_t owner = storage_of(producer);
    if (owner == model::kNetworkInput) return DramMap{program_.dram_input_address, program_.dram_input_stride, -1};
    return dram_maps_[static_cast<std::size_t>(owner)];
  }

  std::vector<Instruction> emit_streamed_image() {
    std::vector<Instruction> out;
    std::vector<uint64_t>& outputs = program_.output_addresses.emplace_back();
    for (std::size_t l = 0; l < network_.layers.size(); ++l) {
      outputs.push_back(dram_of(static_cast<int32_t>(l)).address);
      if (network_.layers[l].type != LayerType::Flatten) emit_streamed_layer(l, out);
    }
    return out;
  }

  // One streamed layer, as steps: each band of output rows, in its groups of channels. A step
  // loads its input rows from DRAM into an input band buffer (a conv2d loads every input
  // channel once per band, at the band's first group; the other layers load their group's
  // channels), computes into an output band buffer and stores it to the layer's DRAM map.
  // Double-buffered, the next load is issued before this step's compute, so the DMA fetches it
  // while the units work (the DMA's queue is in order: that load, then this step's store).
  void emit_streamed_layer(std::size_t l, std::vector<Instruction>& out) {
    const Layer& layer = network_.layers[l];
    const BandPlan& plan = band_plans_[l];
    LayerMapping& mapping = program_.layers[l];
    const int32_t index = static_cast<int32_t>(l);
    const std::vector<int32_t> producers = network_.inputs_of(l);
    const int64_t in_plane = layer.input.height * layer.input.width;
    const int64_t out_plane = layer.output.height * layer.output.width;
    const int64_t out_width = plan.kind == BandKind::Whole ? out_plane : layer.output.width;
    const bool conv = layer.type == LayerType::Conv2d;
    if (plan.input_channel_group > 0) {
      if (conv)
        emit_input_grouped_conv(l, out);
      else
        emit_chunked_linear(l, out);
      return;
    }
    mapping.weight_dram_bytes_per_image = 0;
    mapping.activation_dram_bytes_per_image = 0;
    mapping.halo_refetch_bytes_per_image = 0;
    if (layer.has_weights()) mapping.m_tiles = 0;

    struct Step {
      RowRange band;     // output rows
      int64_t c0, c1;    // output channels
      int64_t n_tile;    // conv2d with grouped output: the weight tile written; -1: all
      int64_t load;      // the load whose buffer it reads
      bool starts_load;  // that load is its own (the band's first step for conv2d)
    };
    std::vector<Step> steps;
    const auto ranges = layer.has_weights() ? n_ranges(l) : std::vector<std::pair<int64_t, int64_t>>{};
    const bool grouped = plan.channel_group < layer.output.channels;
    int64_t loads = 0;
    if (mapping.weights_outer) {
      // Each weight tile's block stays while every band passes; each band is loaded for it.
      for (std::size_t t = 0; t < ranges.size(); ++t)
        for (int64_t b = 0; b < plan.bands; ++b)
          steps.push_back({RowRange{b * plan.band_size, std::min(layer.output.height, (b + 1) * plan.band_size)},
                           ranges[t].first, ranges[t].second, static_cast<int64_t>(t), loads++, true});
    }
    for (int64_t b = 0; !mapping.weights_outer && b < plan.bands; ++b) {
      const RowRange band{b * plan.band_size,
                          std::min(plan.kind == BandKind::Whole ? 1 : layer.output.height, (b + 1) * plan.band_size)};
      if (conv && grouped && plan.own_group_inputs) {
        // A grouped conv: each weight tile loads its own groups' input channels.
        for (std::size_t t = 0; t < ranges.size(); ++t)
          steps.push_back({band, ranges[t].first, ranges[t].second, static_cast<int64_t>(t), loads++, true});
      } else if ((conv || layer.type == LayerType::Linear) && grouped) {
        // A conv2d band, or a linear layer's whole input vector, serves every output group.
        for (std::size_t t = 0; t < ranges.size(); ++t)
          steps.push_back({band, ranges[t].first, ranges[t].second, static_cast<int64_t>(t), loads, t == 0});
        ++loads;
      } else {
        for (int64_t c0 = 0; c0 < layer.output.channels; c0 += plan.channel_group)
          steps.push_back({band, c0, std::min(layer.output.channels, c0 + plan.channel_group), -1, loads++, true});
      }
    }
    auto input_rows = [&](const Step& step) { return input_rows_of_band(layer, step.band.begin, step.band.end); };
    // The input channels a step's band holds: a conv2d's every one (or its weight tile's own
    // groups' with own_group_inputs), the others' their group's.
    auto input_channels = [&](const Step& step) -> ChannelRange {
      if (!conv) return {step.c0, step.c1};
      return plan.own_group_inputs ? input_channels_of_outputs(layer, step.c0, step.c1)
                                   : ChannelRange{0, layer.input.channels};
    };
    auto input_slot = [&](const Step& step) -> const Slot& {
      return input_bands_[l][static_cast<std::size_t>(step.load) % input_bands_[l].size()];
    };

    auto load = [&](const Step& step) {
      const Slot& slot = input_slot(step);
      auto emit = [&](const DramMap& source, uint64_t source_offset, uint64_t target_offset, uint64_t chunks,
                      uint64_t chunk_bytes, uint64_t source_stride) {
        Instruction band_load = dma(Opcode::LoadBand, index, Memory::Dram, source.address + source_offset,
                                    Memory::ActivationSram, slot.address + target_offset, chunks * chunk_bytes);
        band_load.source_image_stride = source.image_stride;
        band_load.chunks = chunks;
        band_load.source_chunk_stride = source_stride;
        band_load.target_chunk_stride = chunk_bytes;
        band_load.reads[0] = source.buffer;
        band_load.writes[0] = slot.buffer;
        out.push_back(band_load);
        mapping.activation_dram_bytes_per_image += chunks * chunk_bytes;
      };
      if (plan.kind == BandKind::Whole) {
        emit(dram_of(producers[0]), 0, 0, 1, static_cast<uint64_t>(layer.input.elements()), 0);
        return;
      }
      // The band's input rows of each channel plane loaded: one chunk per channel
      // (input_channels), from the producer's [C][H][W] map.
      const RowRange rows = input_rows(step);
      const uint64_t chunk = static_cast<uint64_t>(rows.rows() * layer.input.width);
      const int64_t first = input_channels(step).begin;
      const auto channels = static_cast<uint64_t>(input_channels(step).channels());
      const bool whole_planes = chunk == static_cast<uint64_t>(in_plane);  // one contiguous run
      for (std::size_t operand = 0; operand < (layer.type == LayerType::Add ? 2u : 1u); ++operand)
        emit(dram_of(producers[operand]), static_cast<uint64_t>(first * in_plane + rows.begin * layer.input.width),
             operand * channels * chunk, whole_planes ? 1 : channels, whole_planes ? channels * chunk : chunk,
             static_cast<uint64_t>(in_plane));
      // The rows this band shares with the previous band are fetched a second time.
      if (step.band.begin > 0) {
        const RowRange previous = input_rows_of_band(layer, step.band.begin - plan.band_size, step.band.begin);
        const int64_t shared = std::max<int64_t>(0, previous.end - rows.begin);
        mapping.halo_refetch_bytes_per_image += static_cast<uint64_t>(shared * layer.input.width) * channels;
      }
    };

    auto store = [&](const Step& step, const Slot& slot) {
      emit_store_band(l, slot, step.c0, step.c1, step.band.begin * out_width, step.band.rows() * out_width, out);
    };

    auto compute = [&](const Step& step, const Slot& output) {
      const Slot& input = input_slot(step);
      const RowRange rows = input_rows(step);
      const int64_t m_begin = step.band.begin * out_width, m_end = step.band.end * out_width;
      if (layer.has_weights()) {
        BandView view{m_begin, m_end,           rows.begin, rows.rows(),
                      m_begin, m_end - m_begin, step.c0,    input_channels(step).begin};
        if (plan.kind == BandKind::Whole) {
          view = BandView::whole(layer);
          view.output_channel_base = step.c0;  // the output band buffer holds the group from c0 on
        }
        if (step.n_tile <= 0) mapping.m_tiles += ceil_div(view.m_end - view.m_begin, mapping.tile_m);
        emit_weighted_layer(l, input, output, view, out, step.n_tile);
        return;
      }
      Instruction whole;
      whole.op = layer.type == LayerType::Add ? Opcode::Add : Opcode::Pool;
      whole.layer = index;
      whole.input_address = input.address;
      whole.output_address = output.address;
      whole.reads[0] = input.buffer;
      whole.writes[0] = output.buffer;
      // Channels [c0, c1), held from c0 on, output pixels of the band.
      whole.n_begin = step.c0, whole.n_end = step.c1;
      whole.channel_base = step.c0;
      whole.m_begin = m_begin, whole.m_end = m_end;
      whole.input_row_begin = rows.begin, whole.input_rows = rows.rows();
      // An add's second operand follows the first in the input band buffer.
      if (layer.type == LayerType::Add)
        whole.second_input_address =
            input.address + static_cast<uint64_t>((step.c1 - step.c0) * rows.rows() * layer.input.width);
      out.push_back(whole);
    };

    const bool prefetch = input_bands_[l].size() > 1;
    std::size_t next_load = 0;  // the first step whose load is not issued yet
    auto issue_load_of = [&](std::size_t from) {
      while (from < steps.size() && !steps[from].starts_load) ++from;
      if (from < steps.size() && from >= next_load) {
        load(steps[from]);
        next_load = from + 1;
      }
    };
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].starts_load) {
        issue_load_of(i);  // its own load, unless prefetched
        if (prefetch) issue_load_of(i + 1);
      }
      const Slot& output = output_bands_[l][i % output_bands_[l].size()];
      compute(steps[i], output);
      store(steps[i], output);
    }
  }

  // A streamed conv2d whose band of every input channel does not fit: for each band of output
  // rows (at most one accumulator tile), each weight tile (output group) and each row tile, the
  // input rows of one group of input channels at a time are loaded and their K sub-range
  // [c0 * kh * kw, c1 * kh * kw) is accumulated; after the last group the tile is requantized into
  // the output band buffer, which is stored once the weight tile's band is complete. The halo
  // rows are fetched with every group; a band's input is fetched again for each weight tile.
  void emit_input_grouped_conv(std::size_t l, std::vector<Instruction>& out) {
    const Layer& layer = network_.layers[l];
    const BandPlan& plan = band_plans_[l];
    LayerMapping& mapping = program_.layers[l];
    const int32_t index = static_cast<int32_t>(l);
    const DramMap source = dram_of(network_.inputs_of(l)[0]);
    const int64_t in_plane = layer.input.height * layer.input.width;
    const int64_t out_width = layer.output.width;
    const int64_t window = layer.kernel_h * layer.kernel_w;
    mapping.weight_dram_bytes_per_image = 0;
    mapping.activation_dram_bytes_per_image = 0;
    mapping.halo_refetch_bytes_per_image = 0;
    mapping.m_tiles = 0;

    struct Step {
      RowRange band;   // output rows
      int64_t m0, m1;  // output pixels (one accumulator tile)
      int64_t n_tile, n0, n1;
      int64_t c0, c1;  // input channels loaded
      int64_t output;  // index of the (band, weight tile) output buffer use
      bool store;      // the last step of that (band, weight tile)
    };
    std::vector<Step> steps;
    const auto ranges = n_ranges(l);
    int64_t outputs = 0;
    for (int64_t b = 0; b < plan.bands; ++b) {
      const RowRange band{b * plan.band_size, std::min(layer.output.height, (b + 1) * plan.band_size)};
      for (std::size_t t = 0; t < ranges.size(); ++t) {
        for (int64_t m0 = band.begin * out_width; m0 < band.end * out_width; m0 += mapping.tile_m) {
          const int64_t m1 = std::min(band.end * out_width, m0 + mapping.tile_m);
          if (t == 0) ++mapping.m_tiles;
          for (int64_t c0 = 0; c0 < layer.input.channels; c0 += plan.input_channel_group)
            steps.push_back({band, m0, m1, static_cast<int64_t>(t), ranges[t].first, ranges[t].second, c0,
                             std::min(layer.input.channels, c0 + plan.input_channel_group), outputs, false});
        }
        steps.back().store = true;
        ++outputs;
      }
    }
    auto input_rows = [&](const Step& step) {
      return input_rows_of_band(layer, step.m0 / out_width, (step.m1 - 1) / out_width + 1);
    };
    auto input_slot = [&](std::size_t i) { return input_bands_[l][i % input_bands_[l].size()]; };
    auto load = [&](std::size_t i) {
      const Step& step = steps[i];
      const Slot slot = input_slot(i);
      const RowRange rows = input_rows(step);
      const uint64_t chunk = static_cast<uint64_t>(rows.rows() * layer.input.width);
      const auto channels = static_cast<uint64_t>(step.c1 - step.c0);
      const bool whole_planes = chunk == static_cast<uint64_t>(in_plane);
      Instruction band_load =
          dma(Opcode::LoadBand, index, Memory::Dram,
              source.address + static_cast<uint64_t>(step.c0 * in_plane + rows.begin * layer.input.width),
              Memory::ActivationSram, slot.address, channels * chunk);
      band_load.source_image_stride = source.image_stride;
      band_load.chunks = whole_planes ? 1 : channels;
      band_load.source_chunk_stride = static_cast<uint64_t>(in_plane);
      band_load.target_chunk_stride = whole_planes ? channels * chunk : chunk;
      band_load.reads[0] = source.buffer;
      band_load.writes[0] = slot.buffer;
      out.push_back(band_load);
      mapping.activation_dram_bytes_per_image += band_load.bytes;
      // The rows this tile shares with the previous tile of the same channels are fetched again.
      if (step.m0 > 0) {
        const int64_t previous_row = (step.m0 - 1) / out_width;
        const RowRange previous = input_rows_of_band(layer, previous_row, previous_row + 1);
        const int64_t shared = std::max<int64_t>(0, previous.end - rows.begin);
        mapping.halo_refetch_bytes_per_image += static_cast<uint64_t>(shared * layer.input.width) * channels;
      }
    };
    // What the input band buffer holds for a step: its input rows of channels [c0, c1).
    auto view_of = [&](const Step& step) {
      const RowRange rows = input_rows(step);
      return BandView{
          step.m0, step.m1, rows.begin, rows.rows(), step.band.begin * out_width, step.band.rows() * out_width,
          step.n0, step.c0};
    };

    const bool prefetch = input_bands_[l].size() > 1;
    Slot accumulator{-1, 0}, block{-1, 0};
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Step& step = steps[i];
      if (!prefetch || i == 0) load(i);
      if (prefetch && i + 1 < steps.size()) load(i + 1);
      const bool first_group = step.c0 == 0;
      if (first_group) accumulator = next(accumulator_slots_, accumulator_cursor_);
      const TileRange tile{step.m0, step.m1, step.c0 * window, step.c1 * window, step.n0, step.n1};
      // Resident weights, the weight tile's block kept for every input group of the row tile,
      // or the blocks of the window that overlap this group, each fetched for it.
      accumulate_k_range(l, tile, step.n_tile, first_group, block, input_slot(i), view_of(step), accumulator, out);
      if (step.c1 < layer.input.channels) continue;
      const Slot output = output_bands_[l][static_cast<std::size_t>(step.output) % output_bands_[l].size()];
      emit_requantize(l, tile, accumulator, output, view_of(step), out);
      if (step.store)
        emit_store_band(l, output, step.n0, step.n1, step.band.begin * out_width, step.band.rows() * out_width, out);
    }
  }

  // A streamed linear layer whose input vector does not fit: for each output group (one weight
  // tile), K chunks of the input are loaded one at a time and each is a Compute over its K
  // sub-range, accumulated after the first (as conv2d's input groups); after the last chunk the
  // group is requantized into the output buffer and stored. The input is fetched again for
  // every output group. Streamed weights: the blocks overlapping the chunk, each fetched for it.
  void emit_chunked_linear(std::size_t l, std::vector<Instruction>& out) {
    const Layer& layer = network_.layers[l];
    const BandPlan& plan = band_plans_[l];
    LayerMapping& mapping = program_.layers[l];
    const int32_t index = static_cast<int32_t>(l);
    const DramMap source = dram_of(network_.inputs_of(l)[0]);
    const int64_t K = layer.gemm_k();
    mapping.weight_dram_bytes_per_image = 0;
    mapping.activation_dram_bytes_per_image = 0;
    mapping.halo_refetch_bytes_per_image = 0;
    mapping.m_tiles = 1;

    struct Step {
      int64_t n_tile, n0, n1;
      int64_t k0, k1;  // the input chunk loaded
    };
    std::vector<Step> steps;
    const auto ranges = n_ranges(l);
    for (std::size_t t = 0; t < ranges.size(); ++t)
      for (int64_t k0 = 0; k0 < K; k0 += plan.input_channel_group)
        steps.push_back({static_cast<int64_t>(t), ranges[t].first, ranges[t].second, k0,
                         std::min(K, k0 + plan.input_channel_group)});
    auto input_slot = [&](std::size_t i) { return input_bands_[l][i % input_bands_[l].size()]; };
    auto load = [&](std::size_t i) {
      const Step& step = steps[i];
      const Slot slot = input_slot(i);
      const auto bytes = static_cast<uint64_t>(step.k1 - step.k0);
      Instruction chunk = dma(Opcode::LoadBand, index, Memory::Dram, source.address + static_cast<uint64_t>(step.k0),
                              Memory::ActivationSram, slot.address, bytes);
      chunk.source_image_stride = source.image_stride;
      chunk.chunks = 1;
      chunk.target_chunk_stride = bytes;
      chunk.reads[0] = source.buffer;
      chunk.writes[0] = slot.buffer;
      out.push_back(chunk);
      mapping.activation_dram_bytes_per_image += bytes;
    };
    // The chunk holds K elements [k0, k1): channel_base is its first; the output buffer holds
    // the group's channels from n0 on.
    auto view_of = [&](const Step& step) { return BandView{0, 1, 0, 0, 0, 0, step.n0, step.k0}; };

    const bool prefetch = input_bands_[l].size() > 1;
    Slot accumulator{-1, 0}, block{-1, 0};
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Step& step = steps[i];
      if (!prefetch || i == 0) load(i);
      if (prefetch && i + 1 < steps.size()) load(i + 1);
      const bool first_chunk = step.k0 == 0;
      if (first_chunk) accumulator = next(accumulator_slots_, accumulator_cursor_);
      const TileRange tile{0, 1, step.k0, step.k1, step.n0, step.n1};
      accumulate_k_range(l, tile, step.n_tile, first_chunk, block, input_slot(i), view_of(step), accumulator, out);
      if (step.k1 < K) continue;
      const Slot output = output_bands_[l][static_cast<std::size_t>(step.n_tile) % output_bands_[l].size()];
      emit_requantize(l, tile, accumulator, output, view_of(step), out);
      emit_store_band(l, output, step.n0, step.n1, 0, 1, out);
    }
  }

  const Network& network_;
  const HardwareConfig& hw_;
  int64_t images_;
  TileProgram program_;
  std::vector<WeightPlan> weights_;
  uint64_t weight_slot_bytes_ = 0;
  uint64_t accumulator_slot_bytes_ = 0;
  std::vector<Slot> weight_slots_, accumulator_slots_, input_slots_;
  std::vector<uint64_t> region_address_;  // per layer: its output's region (flatten: unused)
  bool streaming_ = false;                // the maps do not fit: every layer streams them
  std::vector<BandPlan> band_plans_;      // streaming: per layer
  std::vector<std::vector<Slot>> input_bands_, output_bands_;
  std::vector<DramMap> dram_maps_;
  std::vector<BufferId> region_buffer_;
  std::size_t weight_cursor_ = 0, accumulator_cursor_ = 0;
  Slot last_block_{-1, 0};  // the streamed weight block the last weight tile used
};

}  // namespace

TileProgram map_network(const Network& network, const HardwareConfig& hardware, int64_t images) {
  return ProgramBuilder(network, hardware, images).build();
}

}  // namespace accelsim::mapper
