#pragma once

#include <systemc>

#include <cstdint>
#include <string>

#include "modules/common/blocking_access.h"
#include "modules/common/clock.h"
#include "modules/controller/scoreboard.h"
#include "modules/controller/unit_context.h"

namespace accelsim::modules {

class ExecutionUnit;

// Sees every instruction a unit executes, with the cycles it started (dependencies met) and
// ended. Tests and trace writers implement it. Each call comes at the simulated time it names.
class InstructionObserver {
 public:
  virtual ~InstructionObserver() = default;
  // The unit took `d` from its queue and now waits for its dependencies.
  virtual void dequeued(const ExecutionUnit& /*unit*/, const Dispatched& /*d*/, uint64_t /*cycle*/) {}
  // The dependencies of `d` are met: it executes from `start_cycle` on.
  virtual void started(const ExecutionUnit& /*unit*/, const Dispatched& /*d*/, uint64_t /*start_cycle*/) {}
  // The unit is about to wait until `end_cycle` for the instruction it executes: known ahead,
  // unlike executed(), which comes when that time has come.
  virtual void busy_until(const ExecutionUnit& /*unit*/, uint64_t /*end_cycle*/) {}
  virtual void executed(const ExecutionUnit& unit, const Dispatched& d, uint64_t start_cycle, uint64_t end_cycle) = 0;
};

// What every unit shares: an in-order instruction queue filled by the controller, the wait
// for dependencies, and completion. Subclasses implement execute(), which advances simulated
// time by what the instruction costs. A unit that cannot go on halts with a Fault (data, not
// an exception: see Fault).
class ExecutionUnit : public sc_core::sc_module {
 public:
  sc_core::sc_fifo<Dispatched> queue;

  ExecutionUnit(sc_core::sc_module_name name, const UnitContext& context);

  void observe(InstructionObserver* observer) { observer_ = observer; }

 protected:
  virtual void execute(const Dispatched& d) = 0;
  // Called with the cycles the unit waited for dependencies before `d` could start.
  virtual void waited(const Dispatched& d, uint64_t cycles);
  // Adds cycles to the unit's own busy figure and waits them out.
  void spend(uint64_t cycles);
  // Stops the unit for good with `fault` (reported by the testbench once the simulation has run
  // dry). Never returns.
  [[noreturn]] void halt(Fault fault);
  // One timed memory access for the instruction being executed (see Transaction::access):
  // returns the local time offset at which its last byte has moved. A refused access halts the
  // unit.
  template <typename Socket>
  sc_core::sc_time access(Socket& port, tlm::tlm_command command, uint64_t address, uint8_t* data, uint64_t length,
                          sc_core::sc_time start = sc_core::SC_ZERO_TIME, PortTiming* timing = nullptr) {
    return access_runs(port, command, address, 0, 1, data, length, start, timing);
  }
  // `runs` accesses of `length` bytes each, at `address` + i * `address_stride`, from or into
  // data + i * `length`, all requested at once: the same port cycles and bytes as that many
  // access() calls, in one transaction (StridedAccess). Returns the last one's delivery.
  template <typename Socket>
  sc_core::sc_time access_runs(Socket& port, tlm::tlm_command command, uint64_t address, uint64_t address_stride,
                               uint64_t runs, uint8_t* data, uint64_t length,
                               sc_core::sc_time start = sc_core::SC_ZERO_TIME, PortTiming* timing = nullptr) {
    if (runs == 0) return start;
    ++host_events_.tlm_transactions;
    if (!transaction_.access(port, command, address, data, length, layer_, start, timing, runs, address_stride))
      refused(port.name(), command, length, transaction_.refused_address());
    return start;
  }
  // One side of a transfer in bursts, in one transaction (see BurstTransfer): false when the
  // memory refused a burst, which `bursts` names; the caller decides what to report.
  template <typename Socket>
  bool access_bursts(Socket& port, tlm::tlm_command command, uint64_t address, uint8_t* data, uint64_t bytes,
                     BurstTransfer& bursts, sc_core::sc_time start = sc_core::SC_ZERO_TIME) {
    ++host_events_.tlm_transactions;
    return transaction_.access_bursts(port, command, address, data, bytes, layer_, bursts, start);
  }
  // Halts with the fault of an access of `length` bytes at `address` through `port` that the
  // memory refused.
  [[noreturn]] void refused(const char* port, tlm::tlm_command command, uint64_t length, uint64_t address) {
    halt(Fault{false, std::string(name()) + ": " + (command == tlm::TLM_READ_COMMAND ? "read" : "write") + " of " +
                          std::to_string(length) + " bytes at address " + std::to_string(address) + " through " + port +
                          " refused: outside the memory"});
  }

  const Clock& clock_;
  stats::RunStats& stats_;
  const bool compute_values_;  // false: timing only, the arithmetic is skipped (UnitContext)
  HostEvents& host_events_;

 private:
  void run();

  Scoreboard& scoreboard_;
  Transaction transaction_;  // reused by every access the unit makes
  InstructionObserver* observer_ = nullptr;
  int32_t layer_ = -1;        // the layer of the instruction being executed
  sc_core::sc_event parked_;  // never notified
};

}  // namespace accelsim::modules
