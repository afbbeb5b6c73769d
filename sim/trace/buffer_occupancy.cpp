#include "sim/trace/buffer_occupancy.h"

#include <algorithm>

namespace accelsim::trace {

namespace {

bool reads(const isa::Instruction& instruction, isa::BufferId buffer) {
  return std::find(instruction.reads.begin(), instruction.reads.end(), buffer) != instruction.reads.end();
}

}  // namespace

BufferOccupancy::BufferOccupancy(std::vector<isa::Buffer> buffers)
    : buffers_(std::move(buffers)), states_(buffers_.size()) {}

void BufferOccupancy::started(const isa::Instruction& instruction, uint64_t cycle) {
  for (isa::BufferId id : instruction.writes) {
    if (id < 0) continue;
    State& state = states_[static_cast<std::size_t>(id)];
    if (state.live && (!state.read_since_write || reads(instruction, id))) continue;  // same generation
    if (state.live) state.closed.push_back(state.current);
    state.live = true;
    state.read_since_write = false;
    state.current = {cycle, cycle};
  }
  for (isa::BufferId id : instruction.reads) {
    if (id < 0) continue;
    State& state = states_[static_cast<std::size_t>(id)];
    state.read_since_write = true;
    if (!state.live) {  // read before any write (data the host placed): live from here
      state.live = true;
      state.current = {cycle, cycle};
    }
  }
}

void BufferOccupancy::executed(const isa::Instruction& instruction, uint64_t cycle) {
  auto extend = [&](isa::BufferId id) {
    if (id < 0) return;
    State& state = states_[static_cast<std::size_t>(id)];
    state.current.end = std::max(state.current.end, cycle);
  };
  for (isa::BufferId id : instruction.writes) extend(id);
  for (isa::BufferId id : instruction.reads) extend(id);
}

std::map<isa::Memory, std::vector<std::pair<uint64_t, uint64_t>>> BufferOccupancy::steps() const {
  // Sweep +bytes at each generation's begin and -bytes at its end, per memory.
  std::map<isa::Memory, std::map<uint64_t, int64_t>> deltas;
  for (std::size_t b = 0; b < buffers_.size(); ++b) {
    const auto& buffer = buffers_[b];
    if (buffer.memory == isa::Memory::Dram) continue;
    auto& memory = deltas[buffer.memory];
    std::vector<Generation> generations = states_[b].closed;
    if (states_[b].live) generations.push_back(states_[b].current);
    for (const auto& generation : generations) {
      if (generation.end <= generation.begin) continue;
      memory[generation.begin] += static_cast<int64_t>(buffer.bytes);
      memory[generation.end] -= static_cast<int64_t>(buffer.bytes);
    }
  }
  std::map<isa::Memory, std::vector<std::pair<uint64_t, uint64_t>>> out;
  for (const auto& [memory, changes] : deltas) {
    auto& steps = out[memory];
    steps.emplace_back(0, 0);
    int64_t level = 0;
    for (const auto& [cycle, delta] : changes) {
      if (delta == 0) continue;
      level += delta;
      if (steps.back().first == cycle)
        steps.back().second = static_cast<uint64_t>(level);
      else
        steps.emplace_back(cycle, static_cast<uint64_t>(level));
    }
  }
  return out;
}

}  // namespace accelsim::trace
