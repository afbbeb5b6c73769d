// The timeline's Chrome trace-event JSON, and the validator the other trace tests rely on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/trace/chrome_trace.h"
#include "tests/support/trace_event_format.h"

namespace accelsim::trace {
namespace {

using nlohmann::json;

Timeline two_tracks() {
  Timeline timeline;
  timeline.title = "tiny on bench";
  timeline.generator = "accelsim test";
  timeline.clock_mhz = 500;
  timeline.cycle_ps = 2000;
  timeline.window_end = timeline.end_cycle = 1000;
  timeline.layers = {"conv1"};
  TimelineSlice compute{617,       700, "conv1 compute",
                        "compute", 0,   {{"layer", "conv1"}, {"tile", 0}, {"bytes", 96}, {"macs", 160}}};
  TimelineSlice waiting{600, 617, "waiting", "waiting", 0, json::object()};
  timeline.tracks.push_back({"pe_array", {waiting, compute}});
  timeline.tracks.push_back({"dram", {{10, 20, "read", "read", -1, {{"bytes", 80}}}}});
  timeline.counters.push_back({"dram bandwidth", "GB/s", {"read", "write"}, {{0, {0, 0}}, {10, {4, 0}}, {20, {0, 0}}}});
  return timeline;
}

TEST(ChromeTrace, TimestampsAreExactMicrosecondsOfSimulatedTime) {
  EXPECT_EQ(microseconds(0, 2000), "0");
  EXPECT_EQ(microseconds(1, 2000), "0.002");
  EXPECT_EQ(microseconds(500, 2000), "1");
  EXPECT_EQ(microseconds(617, 2000), "1.234");
  EXPECT_EQ(microseconds(3, 3003), "0.009009");
}

TEST(ChromeTrace, WritesAValidLabelledTraceEventFile) {
  const std::string text = chrome_trace_json(two_tracks());
  const json document = json::parse(text);
  EXPECT_TRUE(testing::trace_event_problems(document).empty()) << testing::trace_event_problems(document).front();
  EXPECT_EQ(document["displayTimeUnit"], "ns");
  EXPECT_EQ(document["otherData"]["cycle_ps"], 2000);
  EXPECT_NE(document["otherData"]["time_base"].get<std::string>().find("1 cycle = 2000 ps"), std::string::npos);
  EXPECT_NE(text.find("\"ts\":1.234,\"dur\":0.166"), std::string::npos)
      << "the compute slice at cycle 617, 83 cycles long";

  std::vector<std::string> threads;
  std::string process;
  int slices = 0, counters = 0;
  for (const auto& event : document["traceEvents"]) {
    if (event["ph"] == "M" && event["name"] == "thread_name") threads.push_back(event["args"]["name"]);
    if (event["ph"] == "M" && event["name"] == "process_name") process = event["args"]["name"];
    if (event["ph"] == "X") {
      ++slices;
      EXPECT_TRUE(event["args"].contains("start_cycle") && event["args"].contains("end_cycle"));
    }
    if (event["ph"] == "C") ++counters;
  }
  EXPECT_EQ(threads, (std::vector<std::string>{"pe_array", "dram"}));
  EXPECT_EQ(process, "tiny on bench (simulated time at 500 MHz: 1 cycle = 2 ns)");
  EXPECT_EQ(slices, 3);
  EXPECT_EQ(counters, 3);
}

TEST(ChromeTrace, TheValidatorFindsWhatIsWrong) {
  // Each document breaks one rule; the validator must say so, or the other tests prove nothing.
  const json valid = json::parse(chrome_trace_json(two_tracks()));
  ASSERT_TRUE(testing::trace_event_problems(valid).empty());
  auto broken = [&](auto change) {
    json document = valid;
    change(document["traceEvents"]);
    return testing::trace_event_problems(document);
  };
  auto find = [](json& events, const char* ph) -> json& {
    for (auto& event : events)
      if (event["ph"] == ph) return event;
    throw std::logic_error("no such event");
  };
  EXPECT_FALSE(broken([&](json& events) { find(events, "X").erase("ts"); }).empty());
  EXPECT_FALSE(broken([&](json& events) { find(events, "X")["dur"] = -1; }).empty());
  EXPECT_FALSE(broken([&](json& events) { find(events, "X")["ts"] = 5.0; }).empty())
      << "the next slice on the track now overlaps it";
  EXPECT_FALSE(broken([&](json& events) {
                 events.push_back({{"name", "late"}, {"ph", "X"}, {"pid", 1}, {"tid", 1}, {"ts", 0.5}, {"dur", 0}});
               }).empty())
      << "ts goes back on a track";
  EXPECT_FALSE(broken([&](json& events) { find(events, "C")["args"]["read"] = "fast"; }).empty());
  EXPECT_FALSE(broken([&](json& events) {
                 events.push_back({{"name", "c"}, {"ph", "X"}, {"pid", 1}, {"tid", 9}, {"ts", 1}, {"dur", 1}});
               }).empty())
      << "a track without a thread_name";
  EXPECT_FALSE(broken([&](json& events) { find(events, "M").erase("args"); }).empty());
  EXPECT_FALSE(broken([&](json& events) {
                 events.push_back({{"name", "b"}, {"ph", "B"}, {"pid", 1}, {"tid", 1}, {"ts", 9}});
               }).empty());
  EXPECT_FALSE(testing::trace_event_problems(json::array()).empty());
}

}  // namespace
}  // namespace accelsim::trace
