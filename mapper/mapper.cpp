#include "mapper/mapper.h"

#include <algorithm>
#include <cstring>
#include <numeric>

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
    plan_activation_sram();
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

  void choose_tiles(std::size_t l) {
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
  void plan_activation_sram() {
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
    std::size_t peak_layer = 0;
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
      if (address + bytes > peak) {
        peak = address + bytes;
        peak_layer = l;
      }
    }
    const uint64_t needed = slots * input_region + peak;
    if (needed > capacity) {
      const std::string& name = network_.layers[peak_layer].name;
      throw MappingError("layer " + name + ": the activation SRAM holds " + bytes_text(capacity) + " but needs " +
                         bytes_text(needed) + " (" + std::to_string(slots) + " input buffer(s) of " +
                         bytes_text(input_region) + " and " + bytes_text(peak) + " of feature maps live while " + name +
                         " writes its output); activation_sram.capacity_bytes must be at least " +
                         std::to_string(needed));
    }
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
            std::vector<uint8_t> block;
            block.reserve(static_cast<std::size_t>((n1 - n0) * (k1 - k0)));
            for (int64_t n = n0; n < n1; ++n)
              for (int64_t k = k0; k < k1; ++k) block.push_back(static_cast<uint8_t>(layer.weights[n * K + k]));
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
    program_.dram_bytes_used = address;
    if (address > static_cast<uint64_t>(hw_.dram.capacity_bytes))
      throw MappingError("DRAM holds " + bytes_text(static_cast<uint64_t>(hw_.dram.capacity_bytes)) +
                         " but the weights and " + std::to_string(images_) + " images' inputs and outputs need " +
                         bytes_text(address) + "; dram.capacity_bytes must be at least " + std::to_string(address));
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
        emit_weighted_layer(l, source, output, out);
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

  void emit_weighted_layer(std::size_t l, const Slot& input, const Slot& output, std::vector<Instruction>& out) {
    const Layer& layer = network_.layers[l];
    const WeightPlan& plan = weights_[l];
    LayerMapping& mapping = program_.layers[l];
    const int64_t M = layer.gemm_m(), K = layer.gemm_k();
    const int32_t index = static_cast<int32_t>(l);
    mapping.weight_dram_bytes_per_image = 0;

    // `weights` holds rows n0..n1 of k1 - k0 bytes each, packed, from its address.
    auto compute = [&](int64_t m0, int64_t m1, int64_t k0, int64_t k1, int64_t n0, int64_t n1, const Slot& weights,
                       const Slot& accumulator) {
      Instruction c;
      c.op = Opcode::Compute;
      c.layer = index;
      c.m_begin = m0, c.m_end = m1, c.k_begin = k0, c.k_end = k1, c.n_begin = n0, c.n_end = n1;
      c.weight_address = weights.address;
      c.input_address = input.address;
      c.accumulator_address = accumulator.address;
      c.accumulate = k0 > 0;
      c.reads[0] = weights.buffer;
      c.reads[1] = input.buffer;
      if (c.accumulate) c.reads[2] = accumulator.buffer;
      c.writes[0] = accumulator.buffer;
      if (plan.has_bias) c.bias_address = plan.bias_sram_address + static_cast<uint64_t>(n0) * 4;
      out.push_back(c);
    };
    auto requantize = [&](int64_t m0, int64_t m1, int64_t n0, int64_t n1, const Slot& accumulator) {
      Instruction r;
      r.op = Opcode::Requantize;
      r.layer = index;
      r.m_begin = m0, r.m_end = m1, r.n_begin = n0, r.n_end = n1;
      r.accumulator_address = accumulator.address;
      r.output_address = output.address;
      r.reads[0] = accumulator.buffer;
      r.writes[0] = output.buffer;
      out.push_back(r);
    };
    auto load_block = [&](int64_t n_tile, int64_t k_tile, uint64_t bytes) {
      const Slot& slot = next(weight_slots_, weight_cursor_);
      Instruction load = dma(Opcode::LoadWeights, index, Memory::Dram,
                             plan.block_dram_address[static_cast<std::size_t>(n_tile * mapping.k_tiles + k_tile)],
                             Memory::WeightSram, slot.address, bytes);
      load.writes[0] = slot.buffer;
      out.push_back(load);
      mapping.weight_dram_bytes_per_image += bytes;
      return slot;
    };

    int64_t n_tile = 0;
    for (const auto& [n0, n1] : n_ranges(l)) {
      if (mapping.k_tiles == 1) {
        // Whole windows (always so for resident weights): the block of rows n0..n1 stays in
        // its buffer while every row tile uses it.
        const Slot weights = plan.resident
                                 ? Slot{plan.resident_buffer, plan.sram_address + static_cast<uint64_t>(n0 * K)}
                                 : load_block(n_tile, 0, static_cast<uint64_t>((n1 - n0) * K));
        for (int64_t m0 = 0; m0 < M; m0 += mapping.tile_m) {
          const int64_t m1 = std::min(M, m0 + mapping.tile_m);
          const Slot& accumulator = next(accumulator_slots_, accumulator_cursor_);
          compute(m0, m1, 0, K, n0, n1, weights, accumulator);
          requantize(m0, m1, n0, n1, accumulator);
        }
      } else {
        // The window is split: each row tile walks the blocks again, refetching them.
        for (int64_t m0 = 0; m0 < M; m0 += mapping.tile_m) {
          const int64_t m1 = std::min(M, m0 + mapping.tile_m);
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

  const Network& network_;
  const HardwareConfig& hw_;
  int64_t images_;
  TileProgram program_;
  std::vector<WeightPlan> weights_;
  uint64_t weight_slot_bytes_ = 0;
  uint64_t accumulator_slot_bytes_ = 0;
  std::vector<Slot> weight_slots_, accumulator_slots_, input_slots_;
  std::vector<uint64_t> region_address_;  // per layer: its output's region (flatten: unused)
  std::vector<BufferId> region_buffer_;
  std::size_t weight_cursor_ = 0, accumulator_cursor_ = 0;
};

}  // namespace

TileProgram map_network(const Network& network, const HardwareConfig& hardware, int64_t images) {
  return ProgramBuilder(network, hardware, images).build();
}

}  // namespace accelsim::mapper
