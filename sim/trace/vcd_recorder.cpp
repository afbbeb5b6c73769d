#include "sim/trace/vcd_recorder.h"

#include <sysc/tracing/sc_tracing_ids.h>

#include <limits>
#include <type_traits>

#include "core/io/atomic_file.h"

namespace accelsim::trace {

namespace {

constexpr int kWindowBegin = -1;  // marker: the window opens, every signal shows its value
constexpr int kWindowEnd = -2;    // marker: the window closes, signals hold from here on
constexpr int kClose = -3;        // marker: the run is over, the VCD closes
constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

}  // namespace

// One traced sc_signal; write() maps the recorder's integer value onto the signal's type.
class TracedSignal {
 public:
  virtual ~TracedSignal() = default;
  virtual void write(int64_t value) = 0;
  virtual void trace(sc_core::sc_trace_file* file, const std::string& name) const = 0;
};

namespace {

class BitSignal : public TracedSignal {
 public:
  BitSignal(const std::string& name, bool initial) : signal_(name.c_str(), initial) {}
  void write(int64_t value) override { signal_.write(value != 0); }
  void trace(sc_core::sc_trace_file* file, const std::string& name) const override {
    sc_core::sc_trace(file, signal_, name);
  }

 private:
  sc_core::sc_signal<bool> signal_;
};

class CountSignal : public TracedSignal {
 public:
  explicit CountSignal(const std::string& name) : signal_(name.c_str(), 0) {}
  void write(int64_t value) override { signal_.write(value < 0 ? 0 : static_cast<uint64_t>(value)); }
  void trace(sc_core::sc_trace_file* file, const std::string& name) const override {
    sc_core::sc_trace(file, signal_, name);
  }

 private:
  sc_core::sc_signal<uint64_t> signal_;
};

// An id that is absent at times: high impedance (Z) then, which GTKWave draws as a mid line.
template <int Width>
class IdSignal : public TracedSignal {
 public:
  explicit IdSignal(const std::string& name) : signal_(name.c_str(), none()) {}
  void write(int64_t value) override {
    if (value < 0) {
      signal_.write(none());
    } else {
      sc_dt::sc_lv<Width> bits;
      bits = static_cast<sc_dt::uint64>(value);
      signal_.write(bits);
    }
  }
  void trace(sc_core::sc_trace_file* file, const std::string& name) const override {
    sc_core::sc_trace(file, signal_, name);
  }

 private:
  static sc_dt::sc_lv<Width> none() { return sc_dt::sc_lv<Width>(sc_dt::SC_LOGIC_Z); }
  sc_core::sc_signal<sc_dt::sc_lv<Width>> signal_;
};

}  // namespace

VcdRecorder::VcdRecorder(sc_core::sc_module_name name, const modules::Clock& clock, const TraceOptions& options)
    : sc_module(name),
      clock_(clock),
      window_begin_(options.window_begin),
      window_end_(options.window_end),
      temporary_(report::temporary_name_for(options.vcd_file)),
      destination_(options.vcd_file),
      inside_window_(options.window_begin == 0),
      wake_at_(kNever) {
  // sc_trace names are hierarchical: accelerator.<module>.<signal> becomes nested scopes.
  auto path = [](const std::string& module, const std::string& signal) {
    return "accelerator." + module + "." + signal;
  };
  std::vector<std::pair<int, std::string>> traced;
  auto bit = [&](const std::string& module, const std::string& signal) {
    traced.emplace_back(add_signal(std::make_unique<BitSignal>(module + "_" + signal, false), 0), path(module, signal));
    return traced.back().first;
  };
  auto count = [&](const std::string& module, const std::string& signal) {
    traced.emplace_back(add_signal(std::make_unique<CountSignal>(module + "_" + signal), 0), path(module, signal));
    return traced.back().first;
  };
  auto id = [&](const std::string& module, const std::string& signal, auto width) {
    constexpr int kWidth = decltype(width)::value;
    traced.emplace_back(add_signal(std::make_unique<IdSignal<kWidth>>(module + "_" + signal), -1),
                        path(module, signal));
    return traced.back().first;
  };
  for (const auto& module : traceable_modules()) {
    if (!options.traces(module)) continue;
    if (is_memory_module(module)) {
      MemorySignals& m = memories_[module];
      m.reading = bit(module, "reading");
      m.writing = bit(module, "writing");
      if (module == "dram") m.queue_depth = count(module, "queue_depth");
    } else {
      UnitSignals& u = units_[module];
      u.busy = bit(module, "busy");
      u.waiting = bit(module, "waiting");
      u.opcode = id(module, "opcode", std::integral_constant<int, 4>{});
      u.layer = id(module, "layer", std::integral_constant<int, 16>{});
      // Not 32: SystemC's sc_lv shifts by its width modulo 32 in clean_tail(), undefined for 0.
      u.image = id(module, "image", std::integral_constant<int, 24>{});
      u.tile = id(module, "tile", std::integral_constant<int, 24>{});
      if (module == "dma") u.bytes_in_flight = count(module, "bytes_in_flight");
    }
  }
  if (options.windowed()) {
    window_signal_ = add_signal(std::make_unique<BitSignal>("trace_window", inside_window_), inside_window_ ? 1 : 0);
    traced.emplace_back(window_signal_, "accelerator.trace_window");
  }

  // The "timescale unit set" notice would land on the console among the results.
  sc_core::sc_report_handler::set_actions(sc_core::SC_ID_TRACING_TIMESCALE_UNIT_, sc_core::SC_DO_NOTHING);
  std::string base = temporary_.string();
  temporary_ += ".vcd";  // SystemC appends the extension
  file_ = sc_core::sc_create_vcd_trace_file(base.c_str());
  file_->set_time_unit(1, sc_core::SC_PS);  // exact for any clock period
  for (const auto& [signal, trace_name] : traced) signals_[static_cast<std::size_t>(signal)]->trace(file_, trace_name);

  SC_HAS_PROCESS(VcdRecorder);
  SC_METHOD(drain);
  sensitive << wake_;
  dont_initialize();
}

VcdRecorder::~VcdRecorder() {
  if (file_) sc_core::sc_close_vcd_trace_file(file_);
  if (!handed_over_) {  // the run failed
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

int VcdRecorder::add_signal(std::unique_ptr<TracedSignal> signal, int64_t initial) {
  values_.push_back(initial);
  signals_.push_back(std::move(signal));
  return static_cast<int>(signals_.size()) - 1;
}

const VcdRecorder::UnitSignals* VcdRecorder::unit(const std::string& module) const {
  const auto it = units_.find(module);
  return it == units_.end() ? nullptr : &it->second;
}

const VcdRecorder::MemorySignals* VcdRecorder::memory(const std::string& module) const {
  const auto it = memories_.find(module);
  return it == memories_.end() ? nullptr : &it->second;
}

void VcdRecorder::set(int signal, uint64_t cycle, int64_t value) { schedule(signal, cycle, value, false); }
void VcdRecorder::add(int signal, uint64_t cycle, int64_t delta) { schedule(signal, cycle, delta, true); }

// The window's edges are marked once activity is known to reach them: a marker scheduled
// earlier could keep the simulation running past its natural end.
void VcdRecorder::mark_window(uint64_t cycle) {
  const uint64_t now = clock_.now();
  if (!begin_marked_ && !inside_window_ && cycle >= window_begin_) {
    begin_marked_ = true;
    push({std::max(window_begin_, now), 0, kWindowBegin, 0, false});
  }
  if (!end_marked_ && cycle >= window_end_) {
    end_marked_ = true;
    push({std::max(window_end_, now), 0, kWindowEnd, 0, false});
  }
}

void VcdRecorder::active_until(uint64_t cycle) { mark_window(cycle); }

void VcdRecorder::schedule(int signal, uint64_t cycle, int64_t value, bool relative) {
  if (signal < 0) return;
  const uint64_t now = clock_.now();
  if (cycle < now) cycle = now;
  mark_window(cycle);
  if (cycle >= window_end_) return;  // nothing changes after the window
  push({cycle, 0, signal, value, relative});
}

void VcdRecorder::push(Change change) {
  change.sequence = sequence_++;
  pending_.push(change);
  if (change.cycle < wake_at_) {
    wake_at_ = change.cycle;
    wake_.notify(clock_.cycles(change.cycle - clock_.now()));
  }
}

void VcdRecorder::drain() {
  const uint64_t now = clock_.now();
  while (!pending_.empty() && pending_.top().cycle <= now) {
    const Change change = pending_.top();
    pending_.pop();
    apply(change);
  }
  wake_at_ = kNever;
  if (!pending_.empty()) {
    wake_at_ = pending_.top().cycle;
    wake_.notify(clock_.cycles(wake_at_ - now));
  }
}

void VcdRecorder::end_at(uint64_t cycle) { push({std::max(cycle, clock_.now()) + 1, 0, kClose, 0, false}); }

void VcdRecorder::apply(const Change& change) {
  if (!file_) return;
  if (change.signal == kClose) {
    sc_core::sc_close_vcd_trace_file(file_);  // writes the values of the cycle before this one
    file_ = nullptr;
    return;
  }
  if (change.signal == kWindowBegin) {
    inside_window_ = true;
    values_[static_cast<std::size_t>(window_signal_)] = 1;
    for (std::size_t s = 0; s < signals_.size(); ++s) signals_[s]->write(values_[s]);
    return;
  }
  if (change.signal == kWindowEnd) {
    inside_window_ = false;
    if (window_signal_ >= 0) signals_[static_cast<std::size_t>(window_signal_)]->write(0);
    return;
  }
  const auto s = static_cast<std::size_t>(change.signal);
  values_[s] = change.relative ? values_[s] + change.value : change.value;
  if (inside_window_) signals_[s]->write(values_[s]);
}

PendingFile VcdRecorder::finish() {
  if (file_) sc_core::sc_close_vcd_trace_file(file_);
  file_ = nullptr;
  handed_over_ = true;
  return PendingFile(temporary_, destination_);
}

}  // namespace accelsim::trace
