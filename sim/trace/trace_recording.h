#pragma once

#include <memory>

#include "sim/trace/pending_file.h"
#include "sim/trace/timeline.h"

namespace accelsim::trace {

// What a traced run recorded, for the caller to put into the output folder.
struct TraceRecording {
  std::unique_ptr<Timeline> timeline;          // null unless the timeline was asked for
  std::unique_ptr<PendingFile> vcd;            // the finished VCD under a temporary name; null unless asked for
  std::unique_ptr<PendingFile> dram_requests;  // the DRAM request trace, likewise
};

}  // namespace accelsim::trace
