#include "sim/trace/chrome_trace.h"

#include <fmt/format.h>

namespace accelsim::trace {

namespace {

using nlohmann::json;

constexpr int kProcessId = 1;

std::string quoted(const std::string& text) { return json(text).dump(); }

std::string counter_name(const CounterTrack& counter) { return counter.name + " (" + counter.unit + ")"; }

void append_metadata(std::string& out, const char* name, int tid, const json& args) {
  out += fmt::format("{{\"name\":\"{}\",\"ph\":\"M\",\"pid\":{}", name, kProcessId);
  if (tid > 0) out += fmt::format(",\"tid\":{}", tid);
  out += ",\"args\":" + args.dump() + "},\n";
}

}  // namespace

std::string microseconds(uint64_t cycles, uint64_t cycle_ps) {
  const uint64_t ps = cycles * cycle_ps;
  std::string text = fmt::format("{}.{:06}", ps / 1000000, ps % 1000000);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string chrome_trace_json(const Timeline& timeline) {
  std::string out = "{\n\"displayTimeUnit\": \"ns\",\n";
  const json other = {
      {"generator", timeline.generator},
      {"title", timeline.title},
      {"time_base", fmt::format("ts and dur are microseconds of simulated time at the accelerator's {} MHz clock: "
                                "1 cycle = {} ps",
                                timeline.clock_mhz, timeline.cycle_ps)},
      {"clock_mhz", timeline.clock_mhz},
      {"cycle_ps", timeline.cycle_ps},
      {"window_begin_cycle", timeline.window_begin},
      {"window_end_cycle", timeline.window_end},
      {"end_cycle", timeline.end_cycle},
      {"layers", timeline.layers}};
  out += "\"otherData\": " + other.dump() + ",\n\"traceEvents\": [\n";

  append_metadata(out, "process_name", 0,
                  {{"name", fmt::format("{} (simulated time at {} MHz: 1 cycle = {:g} ns)", timeline.title,
                                        timeline.clock_mhz, static_cast<double>(timeline.cycle_ps) / 1000.0)}});
  append_metadata(out, "process_sort_index", 0, {{"sort_index", 0}});
  for (std::size_t t = 0; t < timeline.tracks.size(); ++t) {
    const int tid = static_cast<int>(t) + 1;
    append_metadata(out, "thread_name", tid, {{"name", timeline.tracks[t].module}});
    append_metadata(out, "thread_sort_index", tid, {{"sort_index", tid}});
  }

  for (std::size_t t = 0; t < timeline.tracks.size(); ++t) {
    const int tid = static_cast<int>(t) + 1;
    for (const auto& slice : timeline.tracks[t].slices) {
      json args = slice.args;
      args["start_cycle"] = slice.begin;
      args["end_cycle"] = slice.end;
      out += fmt::format(
          "{{\"name\":{},\"cat\":{},\"ph\":\"X\",\"pid\":{},\"tid\":{},\"ts\":{},\"dur\":{},\"args\":{}}},\n",
          quoted(slice.name), quoted(slice.category), kProcessId, tid, microseconds(slice.begin, timeline.cycle_ps),
          microseconds(slice.end - slice.begin, timeline.cycle_ps), args.dump());
    }
  }
  for (const auto& counter : timeline.counters) {
    const std::string name = quoted(counter_name(counter));
    for (const auto& [cycle, values] : counter.points) {
      json args = json::object();
      for (std::size_t s = 0; s < counter.series.size() && s < values.size(); ++s) args[counter.series[s]] = values[s];
      out += fmt::format("{{\"name\":{},\"ph\":\"C\",\"pid\":{},\"ts\":{},\"args\":{}}},\n", name, kProcessId,
                         microseconds(cycle, timeline.cycle_ps), args.dump());
    }
  }
  // JSON allows no trailing comma: end the last event's line without one.
  if (out.size() >= 2 && out.compare(out.size() - 2, 2, ",\n") == 0) out.erase(out.size() - 2, 1);
  out += "]\n}\n";
  return out;
}

}  // namespace accelsim::trace
