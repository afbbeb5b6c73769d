#include "sim/trace/trace_outputs.h"

#include "core/io/atomic_file.h"
#include "sim/trace/chrome_trace.h"

namespace accelsim::trace {

std::vector<WrittenFile> write_trace_outputs(TraceRecording* recording, const std::filesystem::path& directory) {
  std::vector<WrittenFile> written;
  std::error_code ignored;
  if (recording && recording->vcd) {
    recording->vcd->commit();
    written.push_back({recording->vcd->destination(), recording->vcd->size()});
  } else {
    std::filesystem::remove(directory / "trace.vcd", ignored);
  }
  const auto timeline_file = directory / "timeline.json";
  if (recording && recording->timeline) {
    const std::string json = chrome_trace_json(*recording->timeline);
    report::write_file_atomically(timeline_file, json);
    written.push_back({timeline_file, json.size()});
  } else {
    std::filesystem::remove(timeline_file, ignored);
  }
  return written;
}

}  // namespace accelsim::trace
