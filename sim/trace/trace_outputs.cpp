#include "sim/trace/trace_outputs.h"

#include <fmt/format.h>

#include "core/io/atomic_file.h"
#include "core/log/log.h"
#include "sim/trace/chrome_trace.h"

namespace accelsim::trace {

namespace {
void warn_if_large(const std::filesystem::path& file, uint64_t bytes, uint64_t warn_bytes, const char* when) {
  if (bytes <= warn_bytes) return;
  log::write(log::Level::Warn,
             fmt::format("{} {} {:.1f} MB (over the {:.0f} MB of --trace-warn-mb): a long batch makes a trace too "
                         "large to open comfortably; --trace-window START:END (cycles) or --images 1 bounds it",
                         file.string(), when, static_cast<double>(bytes) / 1e6, static_cast<double>(warn_bytes) / 1e6));
}
}  // namespace

std::vector<WrittenFile> write_trace_outputs(TraceRecording* recording, const std::filesystem::path& directory,
                                             uint64_t warn_bytes) {
  std::vector<WrittenFile> written;
  std::error_code ignored;
  if (recording && recording->vcd) {
    warn_if_large(recording->vcd->destination(), recording->vcd->size(), warn_bytes, "holds");
    recording->vcd->commit();
    written.push_back({recording->vcd->destination(), recording->vcd->size()});
  } else {
    std::filesystem::remove(directory / "trace.vcd", ignored);
  }
  if (recording && recording->dram_requests) {
    warn_if_large(recording->dram_requests->destination(), recording->dram_requests->size(), warn_bytes, "holds");
    recording->dram_requests->commit();
    written.push_back({recording->dram_requests->destination(), recording->dram_requests->size()});
  } else {
    std::filesystem::remove(directory / "dram_trace.txt", ignored);
  }
  const auto timeline_file = directory / "timeline.json";
  if (recording && recording->timeline) {
    const std::string json = chrome_trace_json(*recording->timeline);
    warn_if_large(timeline_file, json.size(), warn_bytes, "will hold");
    report::write_file_atomically(timeline_file, json);
    written.push_back({timeline_file, json.size()});
  } else {
    std::filesystem::remove(timeline_file, ignored);
  }
  return written;
}

}  // namespace accelsim::trace
