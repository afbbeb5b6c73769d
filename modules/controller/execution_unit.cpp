#include "modules/controller/execution_unit.h"

namespace accelsim::modules {

ExecutionUnit::ExecutionUnit(sc_core::sc_module_name name, const UnitContext& context)
    : sc_module(name),
      queue("queue", context.queue_depth),
      clock_(context.clock),
      stats_(context.stats),
      compute_values_(context.compute_values),
      host_events_(context.host_events),
      scoreboard_(context.scoreboard) {
  SC_HAS_PROCESS(ExecutionUnit);
  SC_THREAD(run);
}

void ExecutionUnit::waited(const Dispatched&, uint64_t) {}

void ExecutionUnit::spend(uint64_t cycles) {
  if (observer_) observer_->busy_until(*this, clock_.now() + cycles);
  if (cycles == 0) return;
  sc_core::wait(clock_.cycles(cycles));
  ++host_events_.thread_resumptions;
}

void ExecutionUnit::halt(Fault fault) {
  scoreboard_.fail(std::move(fault));
  while (true) sc_core::wait(parked_);
}

void ExecutionUnit::run() {
  try {
    while (true) {
      const bool waits = queue.num_available() == 0;  // read() waits for the controller to write
      const Dispatched d = queue.read();
      if (waits) ++host_events_.thread_resumptions;
      layer_ = d.instruction->layer;
      const uint64_t arrived = clock_.now();
      if (observer_) observer_->dequeued(*this, d, arrived);
      host_events_.thread_resumptions += scoreboard_.wait_for_dependencies(d);
      waited(d, clock_.now() - arrived);
      const uint64_t start = clock_.now();
      if (observer_) observer_->started(*this, d, start);
      execute(d);
      if (observer_) observer_->executed(*this, d, start, clock_.now());
      scoreboard_.complete(d);
    }
  } catch (const sc_core::sc_unwind_exception&) {
    throw;  // the kernel is killing or resetting the thread
  } catch (const std::exception& e) {
    // Units never throw on purpose: a fault is recorded with halt(). This catches only what the
    // standard library may throw (an allocation that fails), so that it still ends the run as a
    // fault rather than escaping the kernel.
    scoreboard_.fail(Fault{false, std::string(name()) + ": internal error: " + e.what()});
  }
  sc_core::wait(parked_);  // park rather than end (see Controller::run)
}

}  // namespace accelsim::modules
