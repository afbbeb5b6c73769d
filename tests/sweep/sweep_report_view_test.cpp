// The sweep report as a designer reads it: human units, the tolerance-Pareto front on hand-made
// points, and the page in headless Chromium at 1000, 1400 and 1920 px with nothing cut off.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/report/svg_chart.h"
#include "sim/sweep/pareto.h"
#include "sim/sweep/pareto_plot.h"
#include "sim/sweep/results_table.h"
#include "sim/sweep/sweep_report.h"
#include "tests/support/headless_browser.h"
#include "tests/support/png_image.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

namespace fs = std::filesystem;
using namespace accelsim::sweep;

TEST(SweepReport, HumanUnitsWithSiPrefixes) {
  EXPECT_EQ(human_value(10722800, "pJ"), "10.72 µJ");
  EXPECT_EQ(human_value(43.3878, "us"), "43.39 µs");
  EXPECT_EQ(human_value(65536, "bytes"), "65.54 kB");
  EXPECT_EQ(human_value(0.4321, "fraction"), "43.2%");
  EXPECT_EQ(human_value(123456, "cycles"), "123.5 k");
  EXPECT_EQ(human_value(950, "cycles"), "950");
  EXPECT_EQ(human_value(0.5234, "mm^2"), "0.523 mm²");
}

TEST(SweepReport, ToleranceMergesPointsCloserThanItOnEveryObjective) {
  const std::vector<Goal> goals = {Goal::Minimize, Goal::Minimize};
  // a and b trade 0.1% of energy against 0.1% of cycles: one trade-off at 1%, two at 0.
  // c is 20% faster and 30% more energy: a real trade-off. d is dominated.
  const std::vector<ObjectiveValues> points = {std::vector<double>{1000, 10'000},  // a
                                               std::vector<double>{1001, 9'990},   // b
                                               std::vector<double>{800, 13'000},   // c
                                               std::vector<double>{1100, 11'000},  // d
                                               std::nullopt};                      // failed
  EXPECT_EQ(pareto_front(points, goals), (std::vector<bool>{true, true, true, false, false}));
  EXPECT_EQ(pareto_front(points, goals, 0.01), (std::vector<bool>{true, false, true, false, false}))
      << "b is within 1% of a, which comes first (fewer cycles)";
  EXPECT_EQ(pareto_front(points, goals, 0.5), (std::vector<bool>{false, false, true, false, false}))
      << "at 50% c covers a and b";
}

// A sweep of 3 x 3 x 4 points with long column names, its metrics as a real one has them.
ResultsTable hand_made_table() {
  ResultsTable table;
  table.name = "hand_made";
  table.columns = {"array", "hardware.pe_array.dataflow", "hardware.weight_sram.capacity_bytes"};
  table.metrics = {"cycles",    "latency_us", "utilization",         "dram_bytes", "sram_traffic_bytes",
                   "energy_pj", "pe_count",   "sram_capacity_bytes", "area_mm2"};
  table.pareto = {"cycles", "energy_pj", "area_mm2"};
  table.pareto_tolerance = 0.01;
  int64_t index = 0;
  std::vector<ObjectiveValues> objectives;
  for (int array : {4, 16, 64})
    for (const char* dataflow : {"ws", "os", "is"})
      for (int sram : {16384, 32768, 65536, 131072}) {
        ResultRow row;
        row.index = index++;
        row.id = fmt::format("{:016x}", 0x1234abcdULL * static_cast<uint64_t>(row.index + 1));
        row.settings = {{"array", std::to_string(array), std::to_string(array)},
                        {"hardware.pe_array.dataflow", dataflow, dataflow},
                        {"hardware.weight_sram.capacity_bytes", std::to_string(sram), std::to_string(sram)}};
        PointResult result;
        result.index = row.index;
        result.status = array == 64 && sram == 16384 ? PointStatus::Invalid : PointStatus::Ok;
        if (result.status == PointStatus::Ok) {
          const double cycles = 40000.0 * 16 / (array * std::sqrt(array)) + (dataflow[0] == 'o' ? -500 : 300);
          const double energy = 1.0722e7 + sram * 2.0 + array * 1000.0;
          const double area = 0.01 * array * array / 16 + sram * 8 * 1.5e-7;
          result.metrics = {{"cycles", cycles},          {"latency_us", cycles / 500},          {"utilization", 0.4321},
                            {"dram_bytes", 63518},       {"sram_traffic_bytes", 228578},        {"energy_pj", energy},
                            {"pe_count", array * array}, {"sram_capacity_bytes", sram + 65536}, {"area_mm2", area}};
          result.bit_exact = true;
          objectives.push_back(std::vector<double>{cycles, energy, area});
        } else {
          result.error = "cannot map the network onto the accelerator: conv5's weight tile does not fit";
          objectives.push_back(std::nullopt);
        }
        row.result = result;
        table.rows.push_back(row);
      }
  const auto front = pareto_front(objectives, {Goal::Minimize, Goal::Minimize, Goal::Minimize}, 0.01);
  for (std::size_t i = 0; i < front.size(); ++i) table.rows[i].pareto = front[i];
  return table;
}

TEST(SweepReport, TableHasIdLinksUnitsAndOneWordPerStatus) {
  const ResultsTable table = hand_made_table();
  const std::string html = sweep_report_html(table, pareto_svg(table));
  EXPECT_NE(html.find("<a href=\"points/" + table.rows[0].id + "/report.html\" title="), std::string::npos);
  EXPECT_NE(html.find(" µJ<"), std::string::npos);
  EXPECT_EQ(html.find("e+07"), std::string::npos) << "no bare exponent notation";
  EXPECT_NE(html.find("36 points: 33 ok, 3 invalid"), std::string::npos);
  EXPECT_NE(html.find(">invalid <small>"), std::string::npos) << "the status column says the summary's word";
  EXPECT_NE(html.find("colour: hardware.pe_array.dataflow"), std::string::npos) << "legend of the colour column";
  EXPECT_NE(html.find("Objectives against a swept parameter"), std::string::npos);

  FrontLayers layers;
  for (const auto& row : table.rows)
    if (row.pareto) layers[row.index] = {{"conv1", 1000}, {"pool2", 200}, {"conv3", 3000}};
  const std::string with_layers = sweep_report_html(table, pareto_svg(table), layers);
  EXPECT_NE(with_layers.find("Cycles per layer across the front"), std::string::npos);
  EXPECT_NE(with_layers.find(": 3000 cycles</title>"), std::string::npos) << "a segment per layer";
}

TEST(SweepReport, TheSpecChoosesTheColourColumn) {
  ResultsTable table = hand_made_table();
  EXPECT_EQ(colour_column(table), 1) << "by default the non-numeric column with the fewest values";
  table.colour_by = "array";
  EXPECT_EQ(colour_column(table), 0);
  EXPECT_NE(pareto_svg(table).find("colour: array"), std::string::npos);
}

TEST(SweepReport, ResultsCsvHasNoFloatNoise) {
  ResultsTable table = hand_made_table();
  table.rows[0].result->metrics["latency_us"] = 43.387800000000006;
  const std::string csv = results_csv(table);
  EXPECT_NE(csv.find(",43.3878,"), std::string::npos) << csv.substr(0, 400);
  EXPECT_EQ(csv.find("43.387800000000006"), std::string::npos);
}

TEST(SweepReportInBrowser, NothingIsCutOffFrom1000To1920Pixels) {
  const auto chromium = find_chromium();
  if (!chromium) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs Debian's chromium)";
  TempDir dir;
  const ResultsTable table = hand_made_table();
  // The page reports what overflows its container: the document, a scrolling table, an SVG.
  const std::string probe =
      "<script>window.addEventListener('load', function () {"
      "var out = [];"
      "if (document.documentElement.scrollWidth > window.innerWidth) out.push('page ' + "
      "document.documentElement.scrollWidth);"
      "document.querySelectorAll('.scroll').forEach(function (e) { if (e.scrollWidth > e.clientWidth + 1) "
      "out.push('table ' + e.scrollWidth + '>' + e.clientWidth); });"
      "document.querySelectorAll('section svg').forEach(function (e) { var s = e.getBoundingClientRect(), p = "
      "e.closest('section').getBoundingClientRect(); if (s.right > p.right + 1) out.push('svg ' + s.right + '>' + "
      "p.right); });"
      "if (out.length) console.log('OVERFLOW ' + out.join(', '));});</script>";
  std::string html = sweep_report_html(table, pareto_svg(table));
  html.insert(html.rfind("</body>"), probe);
  const fs::path page = dir.path() / "report.html";
  std::ofstream(page) << html;
  const char* keep = std::getenv("ACCELSIM_SCREENSHOT_DIR");  // to look at them
  for (int width : {1000, 1400, 1920}) {
    const fs::path shot = dir.path() / fmt::format("sweep_{}.png", width);
    const auto render = render_page(*chromium, page, shot, width, 2600, dir.path() / fmt::format("profile{}", width));
    ASSERT_FALSE(render.timed_out);
    ASSERT_EQ(render.exit_code, 0) << render.log;
    EXPECT_TRUE(render.console_messages.empty()) << width << " px: " << render.console_messages.front();
    ASSERT_FALSE(render.screenshot.empty()) << render.log;
    const PngImage image = PngImage::read(render.screenshot);
    EXPECT_EQ(image.width, width);
    if (keep) fs::copy_file(shot, fs::path(keep) / shot.filename(), fs::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace accelsim::testing
