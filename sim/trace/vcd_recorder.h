#pragma once

#include <systemc>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "modules/common/clock.h"
#include "sim/trace/pending_file.h"
#include "sim/trace/trace_options.h"

namespace accelsim::trace {

class TracedSignal;  // one sc_signal and how it is traced (vcd_recorder.cpp)

// The VCD waveform, written by SystemC's own VCD trace file (sc_trace) from sc_signals that
// this module drives. The accelerator's modules are loosely timed: a unit learns at the start
// of an instruction when its memory accesses will happen, so changes arrive ahead of their
// simulated time. schedule() queues each change by cycle, and an SC_METHOD woken by timed
// notifications applies them when simulated time gets there. The recorder only watches: it
// never notifies an event the accelerator waits on.
class VcdRecorder : public sc_core::sc_module {
 public:
  // Signal indices of one unit (-1: the unit has no such signal).
  struct UnitSignals {
    int busy = -1;             // executing an instruction
    int waiting = -1;          // holding an instruction whose dependencies are not met
    int layer = -1;            // the instruction's layer index (Z when idle)
    int image = -1;            // its image (Z when idle or for the batch prologue)
    int tile = -1;             // its ordinal among the unit's instructions for that layer and image
    int opcode = -1;           // isa::Opcode value
    int bytes_in_flight = -1;  // DMA: bytes of the transfer under way
  };
  struct MemorySignals {
    int reading = -1;      // the port is transferring read data
    int writing = -1;      // the port is transferring write data
    int queue_depth = -1;  // DRAM: requests made and not yet answered
  };

  // Creates the signals of every module `options` traces and opens the VCD under a temporary
  // name beside options.vcd_file. Call during elaboration, before sc_start().
  VcdRecorder(sc_core::sc_module_name name, const modules::Clock& clock, const TraceOptions& options);
  ~VcdRecorder() override;

  const UnitSignals* unit(const std::string& module) const;
  const MemorySignals* memory(const std::string& module) const;

  // `signal` takes `value` at `cycle` (a cycle already past counts as now). On id signals a
  // negative value means none (high impedance); on bit signals any non-zero value is 1.
  void set(int signal, uint64_t cycle, int64_t value);
  // `signal` changes by `delta` at `cycle`: for counts that overlapping activities add to
  // (a bit signal then shows whether the count is non-zero).
  void add(int signal, uint64_t cycle, int64_t delta);

  // The accelerator is certain to be active until `cycle` (a unit waits until then): the
  // window's edges up to it can be marked at their exact cycles without keeping the
  // simulation running past its natural end.
  void active_until(uint64_t cycle);
  // The run's activity ends at `cycle`: the VCD closes one cycle later. SystemC writes a time
  // step's values only when time moves on, and other processes (a watchdog) may keep the
  // kernel running long after the accelerator is done; closing here keeps the waveform's end
  // at the accelerator's.
  void end_at(uint64_t cycle);
  // Closes the VCD (if end_at() has not) and hands the file over, not yet in place. Call
  // after the simulation.
  PendingFile finish();

 private:
  struct Change {
    uint64_t cycle;
    uint64_t sequence;  // changes at one cycle apply in the order they were scheduled
    int signal;         // or a window marker
    int64_t value;
    bool relative;
    bool operator>(const Change& other) const {
      return cycle != other.cycle ? cycle > other.cycle : sequence > other.sequence;
    }
  };

  int add_signal(std::unique_ptr<TracedSignal> signal, int64_t initial);
  void schedule(int signal, uint64_t cycle, int64_t value, bool relative);
  void mark_window(uint64_t cycle);
  void push(Change change);
  void drain();
  void apply(const Change& change);

  const modules::Clock& clock_;
  uint64_t window_begin_;
  uint64_t window_end_;
  std::filesystem::path temporary_;
  std::filesystem::path destination_;
  sc_core::sc_trace_file* file_ = nullptr;
  bool handed_over_ = false;  // finish() gave the file to its caller
  std::vector<std::unique_ptr<TracedSignal>> signals_;
  std::vector<int64_t> values_;  // every signal's value as of the last applied change
  std::map<std::string, UnitSignals> units_;
  std::map<std::string, MemorySignals> memories_;
  int window_signal_ = -1;
  bool inside_window_;
  bool begin_marked_ = false;
  bool end_marked_ = false;
  std::priority_queue<Change, std::vector<Change>, std::greater<Change>> pending_;
  uint64_t sequence_ = 0;
  uint64_t wake_at_;
  sc_core::sc_event wake_;
};

}  // namespace accelsim::trace
