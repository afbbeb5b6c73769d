#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accelsim::report::svg {

// Charts as inline SVG, drawn at 1:1 scale (one unit = one CSS pixel) so that lines stay
// crisp. Every chart frames its plot area with a one-pixel line of kFrameColor; the report's
// browser test finds the charts by that frame.
inline constexpr const char* kFrameColor = "#8c96a0";
inline constexpr const char* kGridColor = "#e3e7ec";
inline constexpr const char* kTextColor = "#2b2f36";
inline constexpr int kDefaultWidth = 960;
// A horizontal bar chart whose plot is taller than this (pixels) repeats its tick labels above
// the plot; the report puts such a chart in a box that scrolls.
inline constexpr double kTallChartHeight = 640;

// Text for SVG/HTML content and attribute values.
std::string escape(std::string_view text);
// The same, appended to `out` (no string of its own).
void append_escaped(std::string& out, std::string_view text);
// `text` escaped as it is formatted, straight into fmt's buffer: fmt::format("<td>{}</td>", Escaped{name}).
struct Escaped {
  std::string_view text;
};
// What escape() writes for `c`, or null when it stays as it is.
constexpr const char* entity_for(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&#39;";
    default:
      return nullptr;
  }
}
// Compact figures for axes and labels: 950, 12.3k, 4.5M, 0.25.
std::string short_number(double value);
// A figure with thousands separators and `decimals` digits after the point: 117,600.
std::string grouped_number(double value, int decimals = 0);

// Round tick values from 0 to at least `max_value`.
std::vector<double> linear_ticks(double max_value, int target_count = 5);

// One part of a stacked bar.
struct Segment {
  double value = 0;
  std::string color;
  std::string tooltip;  // shown on hover (an SVG <title>)
};
// A bar made of segments laid end to end.
struct Bar {
  std::string label;  // written inside the plot, after the bar
  std::vector<Segment> segments;
};
// The bars of one category, one under the other.
struct BarGroup {
  std::string label;  // the category, left of the plot
  std::vector<Bar> bars;
};
struct BarChart {
  std::string aria_label;
  std::string value_label;  // the axis title: "cycles", "bytes", "%"
  std::vector<BarGroup> groups;
  double fixed_max = 0;  // axis maximum; 0: from the data
  int width = kDefaultWidth;
};
std::string horizontal_bar_chart(const BarChart& chart);
// Whether the chart's plot is taller than kTallChartHeight (then its tick labels are repeated
// above it).
bool is_tall(const BarChart& chart);

struct Point {
  double x = 0;
  double y = 0;
  std::string color;
  std::string label;  // written next to the point where it overlaps no other label
  std::string tooltip;
};
struct Line {
  std::vector<std::pair<double, double>> points;
  std::string color;
  std::string tooltip;
  std::string label;  // written at the line's last point
};
struct ScatterChart {
  std::string aria_label;
  std::string x_label;
  std::string y_label;
  bool log_x = false;
  bool log_y = false;
  std::vector<Line> lines;
  std::vector<Point> points;
  std::vector<std::pair<double, double>> extent;  // points the axes must cover, not drawn
  int width = kDefaultWidth;
  int height = 420;
};
std::string scatter_chart(const ScatterChart& chart);

// An HTML legend: a coloured box and a label per entry.
std::string legend(const std::vector<std::pair<std::string, std::string>>& label_and_color);

}  // namespace accelsim::report::svg

// Escaped text is written in runs between the characters escape() replaces, each run as a
// string_view (one append, not one call per character).
template <>
struct fmt::formatter<accelsim::report::svg::Escaped> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const accelsim::report::svg::Escaped& escaped, Context& context) const {
    const std::string_view text = escaped.text;
    std::size_t copied = 0;  // text[0, copied) is written
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] > '>') continue;  // every character escape() replaces is at most '>'
      const char* entity = accelsim::report::svg::entity_for(text[i]);
      if (!entity) continue;
      context.advance_to(formatter<std::string_view>::format(text.substr(copied, i - copied), context));
      context.advance_to(formatter<std::string_view>::format(entity, context));
      copied = i + 1;
    }
    return formatter<std::string_view>::format(text.substr(copied), context);
  }
};
