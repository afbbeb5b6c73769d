#include "sim/trace/trace_outputs.h"

#include "sim/report/atomic_file.h"
#include "sim/trace/chrome_trace.h"

namespace accelsim::trace {

std::vector<WrittenFile> write_trace_outputs(TraceRecording& recording, const std::filesystem::path& directory) {
  std::vector<WrittenFile> written;
  if (recording.vcd) {
    recording.vcd->commit();
    written.push_back({recording.vcd->destination(), recording.vcd->size()});
  }
  if (recording.timeline) {
    const std::string json = chrome_trace_json(*recording.timeline);
    const auto file = directory / "timeline.json";
    report::write_file_atomically(file, json);
    written.push_back({file, json.size()});
  }
  return written;
}

}  // namespace accelsim::trace
