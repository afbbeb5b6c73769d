#include "modules/controller/execution_unit.h"

namespace accelsim::modules {

ExecutionUnit::ExecutionUnit(sc_core::sc_module_name name, const Clock& clock, Scoreboard& scoreboard,
                             stats::RunStats& stats, int queue_depth)
    : sc_module(name), queue("queue", queue_depth), clock_(clock), stats_(stats), scoreboard_(scoreboard) {
  SC_HAS_PROCESS(ExecutionUnit);
  SC_THREAD(run);
}

void ExecutionUnit::waited(const Dispatched&, stats::LayerStats&, uint64_t) {}

void ExecutionUnit::spend(uint64_t cycles) {
  if (observer_) observer_->busy_until(*this, clock_.now() + cycles);
  if (cycles) sc_core::wait(clock_.cycles(cycles));
}

void ExecutionUnit::halt(Fault fault) {
  scoreboard_.fail(std::move(fault));
  while (true) sc_core::wait(parked_);
}

void ExecutionUnit::run() {
  try {
    while (true) {
      const Dispatched d = queue.read();
      stats::LayerStats& layer = *stats_.layers[static_cast<std::size_t>(d.instruction->layer)];
      const uint64_t arrived = clock_.now();
      if (observer_) observer_->dequeued(*this, d, arrived);
      scoreboard_.wait_for_dependencies(d);
      waited(d, layer, clock_.now() - arrived);
      layer.instructions += 1;
      const uint64_t start = clock_.now();
      if (observer_) observer_->started(*this, d, start);
      execute(d, layer);
      if (observer_) observer_->executed(*this, d, start, clock_.now());
      scoreboard_.complete(d);
    }
  } catch (const sc_core::sc_unwind_exception&) {
    throw;  // the kernel is killing or resetting the thread
  } catch (const std::exception& e) {
    // A simulator bug (an access outside a memory, a broken schedule): the unit stops;
    // everything that depends on it starves and the simulation ends.
    scoreboard_.fail(Fault{false, std::string(name()) + ": " + e.what()});
  } catch (...) {
    scoreboard_.fail(Fault{false, std::string(name()) + ": unknown error"});
  }
  sc_core::wait(parked_);  // park rather than end (see Controller::run)
}

}  // namespace accelsim::modules
