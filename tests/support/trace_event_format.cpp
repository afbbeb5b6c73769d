#include "tests/support/trace_event_format.h"

#include <map>
#include <set>
#include <utility>

namespace accelsim::testing {

std::vector<std::string> trace_event_problems(const nlohmann::json& document) {
  std::vector<std::string> problems;
  if (!document.is_object() || !document.contains("traceEvents") || !document["traceEvents"].is_array())
    return {"no top-level object with a traceEvents array"};
  if (document.contains("displayTimeUnit")) {
    const auto& unit = document["displayTimeUnit"];
    if (!unit.is_string() || (unit != "ms" && unit != "ns"))
      problems.push_back("displayTimeUnit must be \"ms\" or \"ns\"");
  }
  std::map<std::pair<int64_t, int64_t>, std::pair<double, double>>
      last_slice;  // track -> (ts, end) of its last X event
  std::map<std::pair<int64_t, std::string>, double> last_counter;
  std::set<std::pair<int64_t, int64_t>> named_tracks, used_tracks;
  std::size_t index = 0;
  for (const auto& event : document["traceEvents"]) {
    const std::string where = "event " + std::to_string(index++);
    if (!event.is_object()) {
      problems.push_back(where + ": not an object");
      continue;
    }
    if (!event.contains("name") || !event["name"].is_string()) problems.push_back(where + ": no string name");
    if (!event.contains("pid") || !event["pid"].is_number_integer()) problems.push_back(where + ": no integer pid");
    if (!event.contains("ph") || !event["ph"].is_string()) {
      problems.push_back(where + ": no ph");
      continue;
    }
    const std::string ph = event["ph"];
    const std::string name = event.value("name", "");
    const int64_t pid = event.value("pid", int64_t{-1});
    auto number_at_least_zero = [&](const char* key) {
      if (!event.contains(key) || !event[key].is_number() || event[key].get<double>() < 0) {
        problems.push_back(where + " (" + name + "): " + key + " missing, not a number, or negative");
        return false;
      }
      return true;
    };
    if (ph == "X") {
      if (!event.contains("tid") || !event["tid"].is_number_integer()) {
        problems.push_back(where + " (" + name + "): X event without an integer tid");
        continue;
      }
      if (!number_at_least_zero("ts") || !number_at_least_zero("dur")) continue;
      const auto track = std::make_pair(pid, event["tid"].get<int64_t>());
      used_tracks.insert(track);
      const double ts = event["ts"], end = ts + event["dur"].get<double>();
      const auto last = last_slice.find(track);
      if (last != last_slice.end()) {
        if (ts < last->second.first)
          problems.push_back(where + " (" + name + "): ts goes back in time on its track");
        else if (ts < last->second.second - 1e-9)
          problems.push_back(where + " (" + name + "): overlaps the previous slice on its track");
      }
      last_slice[track] = {ts, end};
    } else if (ph == "C") {
      if (!number_at_least_zero("ts")) continue;
      if (!event.contains("args") || !event["args"].is_object() || event["args"].empty()) {
        problems.push_back(where + " (" + name + "): C event without args");
        continue;
      }
      for (const auto& [series, value] : event["args"].items())
        if (!value.is_number())
          problems.push_back(where + " (" + name + "): counter series " + series + " is not a number");
      const auto key = std::make_pair(pid, name);
      const double ts = event["ts"];
      const auto last = last_counter.find(key);
      if (last != last_counter.end() && ts < last->second)
        problems.push_back(where + " (" + name + "): counter ts goes back in time");
      last_counter[key] = ts;
    } else if (ph == "M") {
      if (!event.contains("args") || !event["args"].is_object()) {
        problems.push_back(where + " (" + name + "): M event without args");
        continue;
      }
      const auto& args = event["args"];
      const bool named = args.contains("name") && args["name"].is_string();
      const bool sorted = args.contains("sort_index") && args["sort_index"].is_number_integer();
      if (!named && !sorted)
        problems.push_back(where + " (" + name + "): M event args hold neither a name nor a sort_index");
      if (name == "thread_name" && named) {
        if (!event.contains("tid") || !event["tid"].is_number_integer())
          problems.push_back(where + ": thread_name without a tid");
        else
          named_tracks.insert({pid, event["tid"].get<int64_t>()});
      }
    } else {
      problems.push_back(where + " (" + name + "): unexpected ph '" + ph + "'");
    }
  }
  for (const auto& track : used_tracks)
    if (!named_tracks.count(track))
      problems.push_back("track pid " + std::to_string(track.first) + " tid " + std::to_string(track.second) +
                         " has no thread_name");
  return problems;
}

}  // namespace accelsim::testing
