// The HTML report generator: self-contained pages for a run and sections a caller adds (a
// sweep's Pareto plot and table); its SVG charts and timeline.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <stdexcept>

#include "sim/report/html_report.h"
#include "sim/report/svg_chart.h"
#include "sim/report/timeline_chart.h"

namespace accelsim::report {
namespace {

using nlohmann::json;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A stats.json as docs/outputs.md describes it, for two layers: a compute-bound convolution
// (100 MACs per DRAM byte) and a memory-bound linear layer (1 MAC per byte).
json two_layer_stats() {
  auto layer = [](const char* name, const char* type, double macs, double cycles, double dram) {
    return json{{"name", name},
                {"type", type},
                {"macs", macs},
                {"cycles", cycles},
                {"compute_cycles", cycles * 0.8},
                {"pe_stall_cycles", cycles * 0.1},
                {"dma_busy_cycles", cycles * 0.3},
                {"pool_busy_cycles", 0},
                {"utilization", macs / cycles / 64},
                {"compute_utilization", macs / cycles / 64 / 0.8},
                {"dram_read_bytes", dram},
                {"dram_write_bytes", 0},
                {"weight_sram_read_bytes", 500},
                {"weight_sram_write_bytes", 400},
                {"activation_sram_read_bytes", 300},
                {"activation_sram_write_bytes", 200},
                {"accumulator_read_bytes", 100},
                {"accumulator_write_bytes", 150},
                {"energy_pe_array_pj", macs * 0.3},
                {"energy_dram_pj", dram * 162.5},
                {"energy_pj", macs * 0.3 + dram * 162.5},
                {"bit_exact", true}};
  };
  json stats = {{"tool", {{"name", "accelsim"}}},
                {"network", "two"},
                {"images", 1},
                {"accuracy", 1.0},
                {"golden_accuracy", 1.0},
                {"bit_exact", true},
                {"mismatches", 0},
                {"first_mismatch", nullptr},
                {"hardware", {{"name", "bench"}, {"clock_mhz", 500}, {"pe_array", {{"rows", 8}, {"cols", 8}}}}}};
  stats["layers"] =
      json::array({layer("conv1", "conv2d", 100000, 2000, 1000), layer("fc2", "linear", 4000, 800, 4000)});
  json total = layer("total", "", 104000, 2800, 5000);
  total.erase("name");
  total.update({{"cycles_per_image", 2800},
                {"latency_us_per_image", 5.6},
                {"throughput_images_per_s", 178571},
                {"energy_pj_per_image", 843000}});
  stats["total"] = total;
  return stats;
}

ReportInputs run_inputs(const json& stats) {
  ReportInputs inputs;
  inputs.title = "accelsim report: two on bench";
  inputs.subtitle = "8x8 ws";
  inputs.stats = &stats;
  inputs.dram_bytes_per_cycle = 8;
  return inputs;
}

TEST(HtmlReport, IsOneSelfContainedPage) {
  const json stats = two_layer_stats();
  const std::string html = render_report(run_inputs(stats));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "{{"), 0u) << "a template placeholder was left";
  for (const char* fetches :
       {"<script", "src=", "<link", "url(", "@import", "http://", "https://", "<iframe", "<object", "<img"})
    EXPECT_EQ(count(html, fetches), 0u) << fetches;
  for (auto at = html.find("href=\""); at != std::string::npos; at = html.find("href=\"", at + 1))
    EXPECT_EQ(html[at + 6], '#') << "only in-page links: " << html.substr(at, 40);
  EXPECT_EQ(html, render_report(run_inputs(stats))) << "deterministic";
}

TEST(HtmlReport, ShowsEveryPartOfARun) {
  const json stats = two_layer_stats();
  const std::string html = render_report(run_inputs(stats));
  for (const char* id : {"summary", "cycles", "utilization", "traffic", "energy", "roofline", "timeline", "layers"})
    EXPECT_EQ(count(html, std::string("<section id=\"") + id + "\">"), 1u) << id;
  EXPECT_EQ(count(html, "<svg class=\"chart\""), 5u) << "cycles, utilization, traffic, energy, roofline";
  EXPECT_EQ(count(html, svg::kFrameColor), 5u) << "one framed plot area per chart";
  EXPECT_EQ(count(html, "No timeline was recorded"), 1u);
  EXPECT_NE(html.find("conv1: PE array computing 1,600 cycles"), std::string::npos);
  EXPECT_NE(html.find("fc2: DRAM read 4,000 bytes"), std::string::npos);
}

TEST(HtmlReport, TheRooflineTellsMemoryBoundFromComputeBound) {
  const json stats = two_layer_stats();
  const std::string html = render_report(run_inputs(stats));
  const auto roofline = html.substr(html.find("<section id=\"roofline\">"));
  // conv1: 100 MACs per byte, right of the ridge at 64 / 8 = 8: compute-bound under the 64 roof.
  EXPECT_NE(roofline.find("<tr><td>conv1</td><td>100,000</td><td>1,000</td><td>100.00</td><td>50.00</td><td>64.00</"
                          "td><td>78%</td><td>compute</td>"),
            std::string::npos);
  // fc2: 1 MAC per byte: memory-bound under a roof of 8 MACs per cycle.
  EXPECT_NE(roofline.find("<tr><td>fc2</td><td>4,000</td><td>4,000</td><td>1.00</td><td>5.00</td><td>8.00</td><td>62%</"
                          "td><td>memory</td>"),
            std::string::npos);
  EXPECT_EQ(count(roofline.substr(0, roofline.find("</section>")), "<circle"), 2u);
}

TEST(HtmlReport, AddsSectionsACallerWrites) {
  // As a sweep does: its own Pareto plot and table of points, and no run's stats.
  ReportInputs inputs;
  inputs.title = "accelsim sweep";
  inputs.sections.push_back({"pareto", "Pareto front", "<svg class=\"chart\" width=\"10\" height=\"10\"></svg>"});
  inputs.sections.push_back({"points", "Design points", "<table><tr><td>8x8</td></tr></table>"});
  const std::string html = render_report(inputs);
  EXPECT_EQ(count(html, "<section id=\"summary\">"), 0u) << "no run's stats were given";
  EXPECT_NE(html.find("<a href=\"#pareto\">Pareto front</a><a href=\"#points\">Design points</a>"), std::string::npos)
      << "in order";
  EXPECT_NE(html.find("<section id=\"pareto\">\n<h2>Pareto front</h2>\n<svg class=\"chart\" width=\"10\" "
                      "height=\"10\"></svg></section>"),
            std::string::npos);
  EXPECT_NE(
      html.find("<section id=\"points\">\n<h2>Design points</h2>\n<table><tr><td>8x8</td></tr></table></section>"),
      std::string::npos);
}

// Text that names every placeholder of the template, and stray braces.
const std::string kPlaceholderLookalikes =
    "x {{title}} {{heading}} {{subtitle}} {{nav}} {{sections}} {{footer}} {{}} {{ }} }}{{ {{{";

TEST(HtmlReport, TextThatLooksLikeAPlaceholderComesOutAsItIs) {
  // accelsim --set 'network.name="x {{footer}}"' once made the report fail: the title's copy of
  // {{footer}} was found when the footer was filled in.
  json stats = two_layer_stats();
  stats["layers"][0]["name"] = kPlaceholderLookalikes;
  ReportInputs inputs = run_inputs(stats);
  inputs.title = "title " + kPlaceholderLookalikes;
  inputs.subtitle = "subtitle " + kPlaceholderLookalikes;
  inputs.sections.push_back({"own", "section " + kPlaceholderLookalikes, "<p>html " + kPlaceholderLookalikes + "</p>"});
  std::string html;
  ASSERT_NO_THROW(html = render_report(inputs));
  const std::string escaped = svg::escape(kPlaceholderLookalikes);
  EXPECT_NE(html.find("<title>title " + escaped + "</title>"), std::string::npos);
  EXPECT_NE(html.find("<h1>title " + escaped + "</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p>subtitle " + escaped + "</p>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#own\">section " + escaped + "</a>"), std::string::npos);
  EXPECT_NE(html.find("<h2>section " + escaped + "</h2>\n<p>html " + kPlaceholderLookalikes + "</p></section>"),
            std::string::npos);
  EXPECT_NE(html.find("<tr><td>" + escaped + "</td><td>conv2d</td>"), std::string::npos)
      << "the layer's name in the table";
  EXPECT_EQ(count(html, "Generated by accelsim"), 1u) << "the footer, once";
  EXPECT_EQ(count(html, "<footer>"), 1u);
  // Each name occurs once per copy of the text above, so all as often: the template left none.
  for (const char* name : {"{{title}}", "{{heading}}", "{{subtitle}}", "{{nav}}", "{{sections}}"})
    EXPECT_EQ(count(html, name), count(html, "{{footer}}")) << name;
}

TEST(HtmlReport, FillsEachPlaceholderOfThePageOnceWithItsValueAsItIs) {
  const std::string page = "<h1>{{heading}}</h1><p>{{body}}</p>";
  EXPECT_EQ(fill_placeholders(page, {{"heading", "{{body}}"}, {"body", "{{heading}} }}{{"}}),
            "<h1>{{body}}</h1><p>{{heading}} }}{{</p>");
  EXPECT_EQ(fill_placeholders("no placeholders", {}), "no placeholders");
  // The template and its caller disagree: a programming error, said as such.
  EXPECT_THROW(fill_placeholders(page, {{"heading", "a"}}), std::logic_error) << "{{body}} has no value";
  EXPECT_THROW(fill_placeholders(page, {{"heading", "a"}, {"body", "b"}, {"footer", "c"}}), std::logic_error)
      << "no {{footer}} in the page";
  EXPECT_THROW(fill_placeholders(page + "{{body}}", {{"heading", "a"}, {"body", "b"}}), std::logic_error)
      << "{{body}} twice";
  EXPECT_THROW(fill_placeholders(page + "{{", {{"heading", "a"}, {"body", "b"}}), std::logic_error)
      << "an unclosed placeholder";
  try {
    fill_placeholders(page, {{"heading", "a"}, {"body", "b"}, {"footer", "c"}});
    ADD_FAILURE() << "no error for a placeholder missing from the page";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(), "report template: {{footer}} must appear exactly once");
  }
}

TEST(HtmlReport, EscapesTheTextItIsGiven) {
  json stats = two_layer_stats();
  stats["layers"][0]["name"] = "<b>conv</b>";
  ReportInputs inputs = run_inputs(stats);
  inputs.title = "<script>alert(1)</script>";
  const std::string html = render_report(inputs);
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(count(html, "<b>conv</b>"), 0u);
}

TEST(SvgChart, NumbersReadWell) {
  EXPECT_EQ(svg::short_number(0), "0");
  EXPECT_EQ(svg::short_number(950), "950");
  EXPECT_EQ(svg::short_number(12345), "12.3k");
  EXPECT_EQ(svg::short_number(4500000), "4.5M");
  EXPECT_EQ(svg::short_number(0.25), "0.25");
  EXPECT_EQ(svg::grouped_number(1234567), "1,234,567");
  EXPECT_EQ(svg::grouped_number(-1234.5, 1), "-1,234.5");
  EXPECT_EQ(svg::linear_ticks(7300), (std::vector<double>{0, 2000, 4000, 6000, 8000}));
  EXPECT_EQ(svg::linear_ticks(100, 5), (std::vector<double>{0, 20, 40, 60, 80, 100}));
}

// The grid lines of a chart: the x of the vertical ones (ticks of the x axis), the y of the
// horizontal ones (ticks of the y axis).
struct GridLines {
  std::vector<double> x;
  std::vector<double> y;
};
// The value of attribute `name` in the element that starts at `element`.
std::string attribute(const std::string& svg, std::size_t element, const std::string& name) {
  const auto from = svg.find(" " + name + "=\"", element) + name.size() + 3;
  return svg.substr(from, svg.find('"', from) - from);
}
GridLines grid_lines(const std::string& svg) {
  GridLines grid;
  for (auto at = svg.find("<line "); at != std::string::npos; at = svg.find("<line ", at + 1)) {
    const std::string x1 = attribute(svg, at, "x1"), x2 = attribute(svg, at, "x2");
    const std::string y1 = attribute(svg, at, "y1"), y2 = attribute(svg, at, "y2");
    if (x1 == x2) grid.x.push_back(std::stod(x1));
    if (y1 == y2) grid.y.push_back(std::stod(y1));
  }
  return grid;
}

TEST(SvgChart, AnAxisOfValuesFarFromZeroWithATinySpreadHasAFewDistinctTicks) {
  // Near 1e17 doubles are 16 apart. The x values spread over 32, the y values not at all: the
  // axis's step once came from that spread alone, adding it never moved a tick, and the chart
  // never finished (allocating as it went).
  svg::ScatterChart chart;
  for (double offset : {0.0, 16.0, 32.0}) chart.points.push_back({1e17 + offset, -1e17, "#4e79a7", "", ""});
  const GridLines grid = grid_lines(svg::scatter_chart(chart));
  for (const auto* ticks : {&grid.x, &grid.y}) {
    EXPECT_GE(ticks->size(), 2u);
    EXPECT_LE(ticks->size(), 12u);
    EXPECT_EQ(std::set<double>(ticks->begin(), ticks->end()).size(), ticks->size()) << "each tick at its own place";
  }
  // Ordinary values keep their round ticks: 0 to 100 by 20.
  svg::ScatterChart ordinary;
  ordinary.points = {{3, 3, "#4e79a7", "", ""}, {97, 97, "#4e79a7", "", ""}};
  EXPECT_EQ(grid_lines(svg::scatter_chart(ordinary)).x.size(), 6u);
}

// The <text> elements of an SVG: x, y, the attributes as written, and the content.
struct SvgText {
  double x = 0, y = 0;
  std::string element, content;
};
std::vector<SvgText> texts_of(const std::string& svg) {
  std::vector<SvgText> texts;
  for (auto at = svg.find("<text "); at != std::string::npos; at = svg.find("<text ", at + 1)) {
    const auto close = svg.find('>', at);
    SvgText text;
    text.element = svg.substr(at, close - at);
    text.x = std::stod(attribute(text.element, 0, "x"));
    text.y = std::stod(attribute(text.element, 0, "y"));
    text.content = svg.substr(close + 1, svg.find("</text>", close) - close - 1);
    texts.push_back(text);
  }
  return texts;
}

// A roofline of ResNet-50: repeated blocks put several layers at one place, and others close
// by. Points at one place share one label, "name (+N)"; no two point labels (11-pixel text,
// each 0.62 x 11 px per character wide and 13 px tall around its baseline, as laid out) overlap.
TEST(SvgChart, PointLabelsNeverOverlapAndPointsAtOnePlaceShareOne) {
  svg::ScatterChart chart;
  for (int i = 0; i < 6; ++i) chart.points.push_back({50, 50, "#4e79a7", "block" + std::to_string(i), ""});
  for (int i = 0; i < 8; ++i) chart.points.push_back({52.0 + i, 52.0 + i, "#e15759", "near" + std::to_string(i), ""});
  chart.points.push_back({0, 0, "#e15759", "far", ""});
  struct Box {
    double left, top, right, bottom;
  };
  std::vector<Box> boxes;
  std::set<std::string> labels;
  for (const SvgText& text : texts_of(svg::scatter_chart(chart))) {
    if (text.element.find("font-size=\"11\"") == std::string::npos) continue;
    labels.insert(text.content);
    const double width = 0.62 * 11 * static_cast<double>(text.content.size());
    const Box box{text.x, text.y - 10, text.x + width, text.y + 3};
    for (const Box& other : boxes)
      EXPECT_FALSE(box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom)
          << text.content << " overlaps another label";
    boxes.push_back(box);
  }
  EXPECT_EQ(labels.count("block0 (+5)"), 1u);
  EXPECT_EQ(labels.count("block1"), 0u);
  EXPECT_EQ(labels.count("far"), 1u);  // alone: always labelled
}

// A bar chart's categories are written right-aligned left of the plot: the margin is as wide as
// the longest (ResNet's layer1_0_downsample_0, 12-pixel text at 0.62 x 12 px per character), so
// no label starts left of the chart.
TEST(SvgChart, BarChartCategoriesFitLeftOfThePlot) {
  svg::BarChart chart;
  chart.groups.push_back({"conv1", {{"1", {{1, "#4e79a7", ""}}}}});
  chart.groups.push_back({"layer1_0_downsample_0", {{"2", {{2, "#4e79a7", ""}}}}});
  bool found = false;
  for (const SvgText& text : texts_of(svg::horizontal_bar_chart(chart))) {
    if (text.content != "layer1_0_downsample_0") continue;
    found = true;
    EXPECT_NE(text.element.find("text-anchor=\"end\""), std::string::npos);
    EXPECT_GE(text.x - 0.62 * 12 * 21, 0.0);
  }
  EXPECT_TRUE(found);
  EXPECT_FALSE(svg::is_tall(chart));
}

// A timeline of one lane, pe_array, with `slices` of layer conv1, over the window [begin, end).
trace::Timeline one_lane(uint64_t begin, uint64_t end, const std::vector<std::pair<uint64_t, uint64_t>>& slices) {
  trace::Timeline timeline;
  timeline.clock_mhz = 500;
  timeline.cycle_ps = 2000;
  timeline.window_begin = begin;
  timeline.window_end = end;
  timeline.end_cycle = end;
  timeline.layers = {"conv1"};
  trace::TimelineTrack track{"pe_array", {}};
  for (const auto& [from, to] : slices)
    track.slices.push_back({from, to, "conv1 compute", "compute", 0, json::object()});
  timeline.tracks.push_back(track);
  return timeline;
}

std::vector<std::string> tooltips(const std::string& svg) {
  std::vector<std::string> found;
  for (auto at = svg.find("<title>"); at != std::string::npos; at = svg.find("<title>", at + 1))
    found.push_back(svg.substr(at + 7, svg.find("</title>", at) - at - 7));
  return found;
}

// The plot is 740 pixels wide at the default width (960, less 130 + 90 of margins).

TEST(SvgTimelineChart, EachSliceAPixelWideOrMoreKeepsItsOwnRectangleAndTooltip) {
  // 400 cycles over 740 pixels: even the one-cycle slices are 1.85 pixels wide. Neighbours of
  // one colour were once merged whatever their width ("5 slices, cycles 0 to 400").
  const auto timeline = one_lane(0, 400, {{0, 100}, {100, 250}, {250, 251}, {251, 252}, {252, 400}});
  EXPECT_EQ(tooltips(timeline_chart(timeline)),
            (std::vector<std::string>{
                "conv1 compute: cycles 0 to 100 (100 cycles)", "conv1 compute: cycles 100 to 250 (150 cycles)",
                "conv1 compute: cycles 250 to 251 (1 cycles)", "conv1 compute: cycles 251 to 252 (1 cycles)",
                "conv1 compute: cycles 252 to 400 (148 cycles)"}));
}

TEST(SvgTimelineChart, NeighbouringSlicesUnderAPixelWideShareOneRectangle) {
  // 1,000 cycles per pixel. Three narrow neighbours share a rectangle; the wide slice after
  // them has its own; the two narrow ones after that share one; a narrow one a few pixels
  // further on is alone.
  const auto timeline = one_lane(
      0, 740000,
      {{1000, 1300}, {1300, 1600}, {1600, 1900}, {1900, 60000}, {60000, 60200}, {60200, 60400}, {65000, 65300}});
  const std::string zoom = " (zoom in with timeline.json in Perfetto)";
  EXPECT_EQ(tooltips(timeline_chart(timeline)),
            (std::vector<std::string>{
                "3 slices, cycles 1000 to 1900" + zoom, "conv1 compute: cycles 1900 to 60000 (58100 cycles)",
                "2 slices, cycles 60000 to 60400" + zoom, "conv1 compute: cycles 65000 to 65300 (300 cycles)"}));
}

TEST(SvgTimelineChart, ATimeAxisFarFromZeroEnds) {
  // Cycle 1e17: adding the half-cycle step of a 3-cycle window to it leaves it unchanged.
  const uint64_t begin = 100'000'000'000'000'000;
  const std::string chart = timeline_chart(one_lane(begin, begin + 3, {{begin, begin + 2}}));
  const GridLines grid = grid_lines(chart);
  EXPECT_GE(grid.x.size(), 1u);
  EXPECT_LE(grid.x.size(), 12u);
  EXPECT_EQ(tooltips(chart).size(), 1u);
}

}  // namespace
}  // namespace accelsim::report
