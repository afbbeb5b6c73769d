#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace accelsim::trace {

// The modules a trace can show, named as the accelerator names them, in display order: the
// four units, then the memories.
const std::vector<std::string>& traceable_modules();
bool is_memory_module(const std::string& module);

// What to record while the simulation runs. Off by default: then no recorder exists at all.
struct TraceOptions {
  bool vcd = false;            // a VCD waveform (SystemC's sc_trace) into vcd_file
  bool timeline = false;       // a Chrome trace-event timeline, kept in memory for the caller to write
  bool dram_requests = false;  // every DRAM request, one line each, into dram_requests_file (docs/outputs.md)
  uint64_t window_begin = 0;   // cycles, inclusive
  uint64_t window_end = std::numeric_limits<uint64_t>::max();  // cycles, exclusive
  std::set<std::string> modules;             // the modules to trace; empty: all of traceable_modules()
  std::filesystem::path vcd_file;            // where the finished VCD goes (written beside it, renamed)
  std::filesystem::path dram_requests_file;  // where the DRAM request trace goes (written beside it, renamed)
  uint64_t warn_bytes = 50'000'000;          // a trace file larger than this is announced with a warning

  // Whether the activity recorders run (the DRAM request trace needs none of them).
  bool enabled() const { return vcd || timeline; }
  bool traces(const std::string& module) const { return modules.empty() || modules.count(module) > 0; }
  bool windowed() const { return window_begin > 0 || window_end != std::numeric_limits<uint64_t>::max(); }
  // Whether activity over [begin, end) cycles (an instant when begin == end) falls in the window.
  bool overlaps(uint64_t begin, uint64_t end) const {
    return begin < window_end && (end > window_begin || (begin == end && begin >= window_begin));
  }
};

// Parsers for the command line; each throws std::invalid_argument saying what was expected
// and what it got (the caller adds the option's name).
// Any of "vcd", "timeline" and "dram", comma-separated.
void parse_trace_formats(const std::string& text, TraceOptions& options);
// "START:END" in cycles, START < END.
void parse_trace_window(const std::string& text, TraceOptions& options);
// Comma-separated names from traceable_modules().
void parse_trace_modules(const std::string& text, TraceOptions& options);

}  // namespace accelsim::trace
