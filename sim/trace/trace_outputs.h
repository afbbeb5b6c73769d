#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "sim/trace/trace_recording.h"

namespace accelsim::trace {

struct WrittenFile {
  std::filesystem::path path;
  uint64_t bytes = 0;
};

// Puts what a run recorded (null: nothing) into place, each file whole or not at all: the VCD
// (written during the run, renamed now) and `directory`/timeline.json. A trace file of a format
// not recorded is removed: left from an earlier run, it would not match this run's stats.
// Returns the files written. Throws report::OutputError.
// A file larger than `warn_bytes` gets a warning that suggests --trace-window (the timeline's
// before it is written).
std::vector<WrittenFile> write_trace_outputs(TraceRecording* recording, const std::filesystem::path& directory,
                                             uint64_t warn_bytes = 50'000'000);

}  // namespace accelsim::trace
