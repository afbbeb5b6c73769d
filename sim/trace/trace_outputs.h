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

// Puts what a traced run recorded into place, each file whole or not at all: the VCD (written
// during the run, renamed now) and `directory`/timeline.json. Returns the files written.
// Throws report::OutputError.
std::vector<WrittenFile> write_trace_outputs(TraceRecording& recording, const std::filesystem::path& directory);

}  // namespace accelsim::trace
