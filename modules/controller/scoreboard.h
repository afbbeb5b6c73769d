#pragma once

#include <systemc>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/isa/tile_program.h"

namespace accelsim::modules {

// An instruction on its way to a unit: the program entry, the image it works on, and the ids
// of the earlier instructions it must wait for.
struct Dispatched {
  const isa::Instruction* instruction = nullptr;
  uint64_t id = 0;
  int64_t image = -1;  // -1: the batch prologue
  std::array<uint64_t, 16> dependencies{};
  uint8_t dependency_count = 0;
};

inline std::ostream& operator<<(std::ostream& out, const Dispatched& d) { return out << "instruction " << d.id; }

// Why a simulation could not go on. Kept as data, not as an exception: an exception unwinding
// a SystemC coroutine stack, or thrown on the main stack after one ran, confuses
// AddressSanitizer into false reports.
struct Fault {
  bool bad_input = false;  // caused by the input (an accumulator overflow), not by the simulator
  std::string message;
};

// Which instructions have completed. Units wait here for their dependencies.
class Scoreboard {
 public:
  using Listener = std::function<void(const Dispatched&)>;

  void reserve(uint64_t id) {
    if (id >= done_.size()) done_.resize(id + 1, 0);
  }
  bool is_done(uint64_t id) const { return id < done_.size() && done_[id]; }

  // Blocks the calling SC_THREAD until every dependency of `d` has completed; returns how
  // often it was woken to look again.
  uint64_t wait_for_dependencies(const Dispatched& d) {
    uint64_t wakeups = 0;
    for (uint8_t i = 0; i < d.dependency_count; ++i)
      while (!is_done(d.dependencies[i])) {
        sc_core::wait(completed_);
        ++wakeups;
      }
    return wakeups;
  }

  void complete(const Dispatched& d) {
    reserve(d.id);
    done_[d.id] = 1;
    ++completed_count_;
    completed_.notify(sc_core::SC_ZERO_TIME);
    if (listener_) listener_(d);
  }

  void on_complete(Listener listener) { listener_ = std::move(listener); }
  // Instructions completed so far: a watchdog's measure of progress.
  uint64_t completed_count() const { return completed_count_; }

  // A unit that cannot go on records why; the first fault is kept and the testbench reports it
  // once the simulation has run dry.
  void fail(Fault fault) {
    if (!fault_) fault_ = std::move(fault);
  }
  const std::optional<Fault>& fault() const { return fault_; }

 private:
  std::optional<Fault> fault_;
  std::vector<uint8_t> done_;
  uint64_t completed_count_ = 0;
  sc_core::sc_event completed_;
  Listener listener_;
};

}  // namespace accelsim::modules
