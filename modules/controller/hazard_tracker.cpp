#include "modules/controller/hazard_tracker.h"

#include <algorithm>
#include <stdexcept>

namespace accelsim::modules {

void HazardTracker::depend_on(const Accessors& accessors, int skip_unit, uint64_t self, Dispatched& d) {
  for (int unit = 0; unit < isa::kUnitCount; ++unit) {
    const int64_t id = accessors.latest[static_cast<std::size_t>(unit)];
    // Earlier work of the same unit finishes first anyway: units are in order.
    if (id < 0 || unit == skip_unit || static_cast<uint64_t>(id) == self) continue;
    bool known = false;
    for (uint8_t i = 0; i < d.dependency_count; ++i) known = known || d.dependencies[i] == static_cast<uint64_t>(id);
    if (known) continue;
    if (d.dependency_count == d.dependencies.size()) throw std::logic_error("hazard tracker: too many dependencies");
    d.dependencies[d.dependency_count++] = static_cast<uint64_t>(id);
  }
}

HazardTracker::HazardTracker(const std::vector<isa::Buffer>& buffers)
    : buffers_(buffers.size()), overlapping_(buffers.size()) {
  for (std::size_t a = 0; a < buffers.size(); ++a)
    for (std::size_t b = 0; b < buffers.size(); ++b) {
      const isa::Buffer &x = buffers[a], &y = buffers[b];
      if (a != b && x.memory == y.memory && x.address < y.address + y.bytes && y.address < x.address + x.bytes)
        overlapping_[a].push_back(b);
    }
}

void HazardTracker::track(const isa::Instruction& instruction, isa::Unit unit, Dispatched& d) {
  const int self_unit = static_cast<int>(unit);
  for (const isa::BufferId buffer : instruction.reads) {
    if (buffer < 0) continue;
    BufferState& state = buffers_.at(static_cast<std::size_t>(buffer));
    depend_on(state.writers, self_unit, d.id, d);
    state.readers.latest[static_cast<std::size_t>(self_unit)] = static_cast<int64_t>(d.id);
  }
  for (const isa::BufferId buffer : instruction.writes) {
    if (buffer < 0) continue;
    // The bytes may hold another buffer's data still to be read: per unit, the latest reader
    // or writer of any overlapping buffer (in-order units: earlier ones are done before it).
    Accessors overlapped;
    for (std::size_t other : overlapping_.at(static_cast<std::size_t>(buffer)))
      for (int u = 0; u < isa::kUnitCount; ++u) {
        const auto i = static_cast<std::size_t>(u);
        overlapped.latest[i] =
            std::max({overlapped.latest[i], buffers_[other].readers.latest[i], buffers_[other].writers.latest[i]});
      }
    depend_on(overlapped, self_unit, d.id, d);
    BufferState& state = buffers_.at(static_cast<std::size_t>(buffer));
    if (state.readers.any()) {
      // A new generation of the buffer: wait until everyone is done with the old one.
      depend_on(state.readers, self_unit, d.id, d);
      depend_on(state.writers, self_unit, d.id, d);
      state.readers.clear();
      state.writers.clear();
    } else {
      // More writes to the same generation (disjoint tiles): only other units' writes order.
      depend_on(state.writers, self_unit, d.id, d);
    }
    state.writers.latest[static_cast<std::size_t>(self_unit)] = static_cast<int64_t>(d.id);
  }
}

}  // namespace accelsim::modules
