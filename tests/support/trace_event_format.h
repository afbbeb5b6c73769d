#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace accelsim::testing {

// What is wrong with `document` as a file in the Chrome trace-event JSON Object Format (the
// one Perfetto and chrome://tracing load), as accelsim uses it; empty when nothing is:
// - a top-level object with a "traceEvents" array and a valid displayTimeUnit;
// - every event: a string name, ph one of X (complete), C (counter), M (metadata), an
//   integer pid; X and C: a number ts >= 0; X: an integer tid and a number dur >= 0;
//   C: an args object of numbers; M: an args object with a string "name" (process_name,
//   thread_name) or an integer "sort_index";
// - per track (pid, tid) the X events' ts never decrease and never overlap; per counter the
//   C events' ts never decrease; every track with X events is named by a thread_name event.
std::vector<std::string> trace_event_problems(const nlohmann::json& document);

}  // namespace accelsim::testing
