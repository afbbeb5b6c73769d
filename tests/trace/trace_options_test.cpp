// The trace options: formats, window and modules as the command line gives them.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "mapper/mapper.h"
#include "modules/accelerator/accelerator.h"
#include "modules/common/layer_geometry.h"
#include "sim/run/workload.h"
#include "sim/trace/trace_options.h"
#include "tests/support/temp_dir.h"

namespace accelsim::trace {
namespace {

std::string error_of(void (*parse)(const std::string&, TraceOptions&), const std::string& text) {
  TraceOptions options;
  try {
    parse(text, options);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(TraceOptions, ParsesEitherFormatOrBoth) {
  TraceOptions options;
  parse_trace_formats("vcd", options);
  EXPECT_TRUE(options.vcd);
  EXPECT_FALSE(options.timeline);
  parse_trace_formats("timeline", options);
  EXPECT_FALSE(options.vcd);
  EXPECT_TRUE(options.timeline);
  parse_trace_formats("timeline, vcd", options);
  EXPECT_TRUE(options.vcd && options.timeline);
  EXPECT_TRUE(options.enabled());
  EXPECT_FALSE(TraceOptions{}.enabled());
}

TEST(TraceOptions, RejectsAnUnknownFormatSayingWhatWasExpected) {
  EXPECT_EQ(error_of(parse_trace_formats, "foo"),
            "expected vcd, timeline, dram or a comma-separated list of them, got 'foo' ('foo' is not a trace format)");
  EXPECT_NE(error_of(parse_trace_formats, ""), "");
  EXPECT_NE(error_of(parse_trace_formats, "vcd,"), "");
  EXPECT_NE(error_of(parse_trace_formats, "vcd;timeline"), "");
}

TEST(TraceOptions, ParsesAWindowOfCycles) {
  TraceOptions options;
  parse_trace_window("100:2500", options);
  EXPECT_EQ(options.window_begin, 100u);
  EXPECT_EQ(options.window_end, 2500u);
  EXPECT_TRUE(options.windowed());
  EXPECT_FALSE(TraceOptions{}.windowed());
}

TEST(TraceOptions, RejectsAWindowThatIsEmptyReversedOrNotNumbers) {
  const std::string expected = "expected START:END in cycles with START < END (e.g. 0:5000), got '5:2'";
  EXPECT_EQ(error_of(parse_trace_window, "5:2"), expected);
  for (const char* bad : {"5:5", "abc", "5", ":5", "5:", "-1:5", "1:2:3", "0:99999999999999999999", "1.5:3"})
    EXPECT_NE(error_of(parse_trace_window, bad), "") << bad;
}

TEST(TraceOptions, ParsesModulesAndRejectsUnknownOnesListingTheKnown) {
  TraceOptions options;
  parse_trace_modules("pe_array, dram", options);
  EXPECT_EQ(options.modules, (std::set<std::string>{"pe_array", "dram"}));
  EXPECT_TRUE(options.traces("dram"));
  EXPECT_FALSE(options.traces("dma"));
  EXPECT_TRUE(TraceOptions{}.traces("dma"));
  EXPECT_EQ(
      error_of(parse_trace_modules, "pe"),
      "unknown module 'pe'; expected a comma-separated list of dma, pe_array, requant_unit, pooling_unit, weight_sram, "
      "activation_sram, accumulator, dram");
  EXPECT_NE(error_of(parse_trace_modules, "dma,,dram"), "");
}

TEST(TraceOptions, AWindowKeepsWhatOverlapsIt) {
  TraceOptions options;
  options.window_begin = 100;
  options.window_end = 200;
  EXPECT_TRUE(options.overlaps(50, 101));
  EXPECT_TRUE(options.overlaps(199, 300));
  EXPECT_TRUE(options.overlaps(150, 150));
  EXPECT_FALSE(options.overlaps(50, 100));   // ends as the window begins
  EXPECT_FALSE(options.overlaps(200, 210));  // the end is exclusive
  EXPECT_FALSE(options.overlaps(99, 99));
}

TEST(TraceOptions, TheModuleNamesAreTheAcceleratorsOwn) {
  // A rename in modules/accelerator would silently empty a trace; this catches it.
  const auto workload = run::load_workload(testing::source_dir() / "configs/lenet.yaml", {});
  const auto program = mapper::map_network(workload->network, workload->hardware, 1);
  std::vector<std::string> layer_names;
  for (const auto& layer : workload->network.layers) layer_names.push_back(layer.name);
  stats::RunStats stats(layer_names);
  modules::Accelerator accelerator("accelerator", workload->hardware, program, modules::geometry_of(workload->network),
                                   1, stats, {});
  std::set<std::string> children;
  for (const auto* child : accelerator.get_child_objects()) children.insert(child->basename());
  for (const auto& module : traceable_modules())
    EXPECT_TRUE(children.count(module)) << module << " is not a module of the accelerator";
}

}  // namespace
}  // namespace accelsim::trace
