#include "sim/report/svg_chart.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/report/number_text.h"

namespace accelsim::report::svg {

namespace {

constexpr const char* kFont = "font-family=\"system-ui, sans-serif\" font-size=\"12\"";
// A linear axis has about six ticks (a fifth of its range apart); this only bounds the loop.
constexpr int kMaxTicks = 12;

std::string trim_zeros(std::string text) {
  if (text.find('.') == std::string::npos) return text;
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

double nice_step(double raw) {
  if (!(raw > 0)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  const double step = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 2.5 ? 2.5 : normalized <= 5 ? 5 : 10;
  return step * magnitude;
}

// A value range mapped onto pixels, linear or logarithmic.
struct Axis {
  double low = 0;
  double high = 1;
  bool log = false;
  std::vector<double> ticks;

  double fraction(double value) const {
    if (log) {
      const double v = std::log10(std::max(value, 1e-300));
      return (v - std::log10(low)) / (std::log10(high) - std::log10(low));
    }
    return (value - low) / (high - low);
  }
};

Axis make_axis(std::vector<double> values, bool log) {
  Axis axis;
  axis.log = log;
  if (log) {
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !(v > 0) || !std::isfinite(v); }),
                 values.end());
    if (values.empty()) values = {1, 10};
    const auto [min, max] = std::minmax_element(values.begin(), values.end());
    int low = static_cast<int>(std::floor(std::log10(*min)));
    int high = static_cast<int>(std::ceil(std::log10(*max)));
    if (high <= low) high = low + 1;
    axis.low = std::pow(10.0, low);
    axis.high = std::pow(10.0, high);
    for (int e = low; e <= high; ++e) axis.ticks.push_back(std::pow(10.0, e));
    return axis;
  }
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  if (values.empty()) values = {0, 1};
  const auto [min, max] = std::minmax_element(values.begin(), values.end());
  double low = *min, high = *max;
  if (low >= 0 && low < 0.3 * high) low = 0;
  // The range is at least a billionth of the values' magnitude (and one unit when they are all
  // equal): near 1e17 doubles lie 16 apart, so a step derived from a spread of a few units
  // would not move a tick at all, nor could the labels tell such ticks apart.
  const double magnitude = std::max(std::abs(low), std::abs(high));
  const double least_range = high > low ? 1e-9 * magnitude : std::max(1.0, 1e-9 * magnitude);
  if (high - low < least_range) high = low + least_range;
  const double step = nice_step((high - low) / 5);
  axis.low = std::floor(low / step) * step;
  axis.high = std::ceil(high / step) * step;
  // Ticks by index rather than by adding steps, and never more than kMaxTicks, so that no
  // rounding can keep the loop going.
  for (int i = 0; i < kMaxTicks; ++i) {
    const double t = axis.low + i * step;
    if (!(t <= axis.high + step / 2)) break;
    axis.ticks.push_back(std::abs(t) < step / 1e6 ? 0.0 : t);
  }
  return axis;
}

// Every element below is formatted straight onto the end of the chart's text, a memory buffer
// (no string per element or per figure): the report draws a few hundred of them per run.
// Coordinates are written with one decimal ("{:.1f}").
using Text = fmt::memory_buffer;

void put(Text& out, std::string_view text) { out.append(text.data(), text.data() + text.size()); }
// A coordinate, as "{:.1f}" writes it.
void put_coordinate(Text& out, double value) { append_fixed(out, value, 1); }
// `text` escaped (escape()'s entities), in runs between the characters it replaces, onto a
// std::string or fmt's buffer.
template <typename Buffer>
void append_escaped_to(Buffer& out, std::string_view text) {
  std::size_t copied = 0;  // text[0, copied) is written
  for (std::size_t i = 0; i < text.size(); ++i)
    if (const char* entity = text[i] > '>' ? nullptr : entity_for(text[i])) {
      append(out, text.substr(copied, i - copied));
      append(out, entity);
      copied = i + 1;
    }
  append(out, text.substr(copied));
}
void put_escaped(Text& out, std::string_view text) { append_escaped_to(out, text); }

void svg_open(Text& out, int width, int height, std::string_view aria_label) {
  fmt::format_to(
      fmt::appender(out),
      FMT_COMPILE(
          "<svg class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"{2}\" "
          "{3}>\n"),
      width, height, Escaped{aria_label}, kFont);
}

void frame(Text& out, double x, double y, double width, double height) {
  fmt::format_to(
      fmt::appender(out),
      FMT_COMPILE("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"{}\" "
                  "stroke-width=\"1\" shape-rendering=\"crispEdges\"/>\n"),
      std::floor(x) + 0.5, std::floor(y) + 0.5, std::round(width), std::round(height), kFrameColor);
}

void text(Text& out, double x, double y, std::string_view content, const char* anchor = "start",
          std::string_view extra = "") {
  put(out, "<text x=\"");
  put_coordinate(out, x);
  put(out, "\" y=\"");
  put_coordinate(out, y);
  put(out, "\" text-anchor=\"");
  put(out, anchor);
  put(out, "\" fill=\"");
  put(out, kTextColor);
  put(out, "\"");
  if (!extra.empty()) {
    out.push_back(' ');
    put(out, extra);
  }
  out.push_back('>');
  put_escaped(out, content);
  put(out, "</text>\n");
}

// Closes an element whose opening tag `out` ends with (unterminated), with `tooltip` as its
// <title> when there is one.
void close_titled(Text& out, const char* tag, std::string_view tooltip) {
  if (tooltip.empty())
    put(out, "/>\n");
  else {
    put(out, "><title>");
    put_escaped(out, tooltip);
    put(out, "</title></");
    put(out, tag);
    put(out, ">\n");
  }
}

// The width of `content` in pixels at the charts' 12-pixel system font, estimated from its
// characters (no font metrics here): generous, so that what is laid out by it does not overlap.
double text_width(const std::string& content, double font_size = 12) {
  return 0.62 * font_size * static_cast<double>(content.size());
}

// A label's box, in pixels.
struct Box {
  double left, top, right, bottom;
  bool overlaps(const Box& other) const {
    return left < other.right && other.left < right && top < other.bottom && other.top < bottom;
  }
};

// The points' labels, each where it overlaps no other label: right of its point above it, else
// below it, else left of it above or below; a label that fits nowhere is left out (the point's
// tooltip still names it). Points drawn at the same pixel share one label, "name (+N)".
template <typename ToX, typename ToY>
void point_labels(Text& out, const std::vector<Point>& points, double left, double top, const ToX& to_x,
                  const ToY& to_y) {
  constexpr double kFontSize = 11, kHeight = 12;
  std::vector<Box> placed;
  std::vector<std::pair<double, double>> labelled_at;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Point& point = points[i];
    if (point.label.empty()) continue;
    const double x = left + to_x(point.x), y = top + to_y(point.y);
    bool seen = false;
    for (const auto& [lx, ly] : labelled_at) seen = seen || (std::abs(lx - x) < 1 && std::abs(ly - y) < 1);
    if (seen) continue;
    int same = 0;
    for (std::size_t j = i + 1; j < points.size(); ++j)
      same += std::abs(left + to_x(points[j].x) - x) < 1 && std::abs(top + to_y(points[j].y) - y) < 1;
    const std::string label = same > 0 ? fmt::format("{} (+{})", point.label, same) : point.label;
    const double width = text_width(label, kFontSize);
    // Baseline positions: right-above, right-below, left-above, left-below.
    const std::pair<double, double> candidates[] = {
        {x + 9, y - 7}, {x + 9, y + 15}, {x - 9 - width, y - 7}, {x - 9 - width, y + 15}};
    for (const auto& [tx, ty] : candidates) {
      const Box box{tx, ty - kHeight + 2, tx + width, ty + 3};
      bool free = true;
      for (const Box& other : placed) free = free && !box.overlaps(other);
      if (!free) continue;
      placed.push_back(box);
      labelled_at.emplace_back(x, y);
      text(out, tx, ty, label, "start", "font-size=\"11\"");
      break;
    }
  }
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) { append_escaped_to(out, text); }

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

std::string short_number(double value) {
  if (!std::isfinite(value)) return value > 0 ? "∞" : "-";
  const double magnitude = std::abs(value);
  const char* suffixes[] = {"", "k", "M", "G", "T"};
  int index = 0;
  double scaled = value;
  while (std::abs(scaled) >= 1000 && index < 4) {
    scaled /= 1000;
    ++index;
  }
  if (magnitude == 0) return "0";
  if (magnitude < 0.01) return fmt::format("{:.1e}", value);
  const int decimals = std::abs(scaled) >= 100 ? 0 : std::abs(scaled) >= 10 ? 1 : 2;
  return trim_zeros(std::string(FixedText(scaled, decimals).view())) + suffixes[index];
}

std::string grouped_number(double value, int decimals) {
  const FixedText digits(std::abs(value), decimals);  // "{:.{}f}"
  const std::string_view text = digits.view();
  const std::size_t whole = std::min(text.find('.'), text.size());
  // A minus sign only when the rounded figure is not zero ("-0" never; "-inf" yes).
  const bool negative = value < 0 && text.find_first_not_of("0.") != std::string_view::npos;
  std::string grouped;
  grouped.reserve(text.size() + whole / 3 + 1);
  if (negative) grouped += '-';
  for (std::size_t i = 0; i < whole; ++i) {
    if (i > 0 && (whole - i) % 3 == 0) grouped += ',';
    grouped += text[i];
  }
  grouped.append(text.substr(whole));
  return grouped;
}

std::vector<double> linear_ticks(double max_value, int target_count) {
  if (!(max_value > 0) || !std::isfinite(max_value)) return {0, 1};
  const double step = nice_step(max_value / std::max(1, target_count));
  std::vector<double> ticks;
  for (int i = 0;; ++i) {
    ticks.push_back(step * i);
    if (step * i >= max_value * (1 - 1e-9)) break;
  }
  return ticks;
}

namespace {
constexpr double kBarHeight = 14, kBarGap = 3, kGroupGap = 12;
}  // namespace

bool is_tall(const BarChart& chart) {
  double plot_height = kGroupGap;
  for (const auto& group : chart.groups)
    plot_height += static_cast<double>(group.bars.size()) * (kBarHeight + kBarGap) - kBarGap + kGroupGap;
  return plot_height > kTallChartHeight;
}

std::string horizontal_bar_chart(const BarChart& chart) {
  constexpr double kRight = 190, kBottom = 42;  // the right margin holds bar labels
  // Wide enough for the longest category (a ResNet layer name) so that no label runs off the left
  // edge; at most a third of the chart.
  double longest = 0;
  for (const auto& group : chart.groups) longest = std::max(longest, text_width(group.label));
  const double kLeft = std::clamp(std::ceil(longest) + 16, 120.0, std::floor(chart.width / 3.0));
  const double plot_width = chart.width - kLeft - kRight;
  double plot_height = kGroupGap;
  double data_max = 0;
  for (const auto& group : chart.groups) {
    plot_height += static_cast<double>(group.bars.size()) * (kBarHeight + kBarGap) - kBarGap + kGroupGap;
    for (const auto& bar : group.bars) {
      double sum = 0;
      for (const auto& segment : bar.segments) sum += std::max(0.0, segment.value);
      data_max = std::max(data_max, sum);
    }
  }
  const std::vector<double> ticks = linear_ticks(chart.fixed_max > 0 ? chart.fixed_max : data_max);
  const double axis_max = ticks.back();
  const double scale = plot_width / axis_max;
  // A chart taller than a screen (a network of many layers) repeats the tick labels above the
  // plot, so that the values can be read wherever one has scrolled to.
  const bool tall = is_tall(chart);
  const double kTop = tall ? 24 : 8;
  const int height = static_cast<int>(std::ceil(kTop + plot_height + kBottom));

  Text out;
  const auto to = fmt::appender(out);
  svg_open(out, chart.width, height, chart.aria_label);
  fmt::format_to(to, FMT_COMPILE("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{:.1f}\" fill=\"#ffffff\"/>\n"), kLeft,
                 kTop, plot_width, plot_height);
  for (double tick : ticks) {
    const double x = std::floor(kLeft + tick * scale) + 0.5;
    fmt::format_to(to,
                   FMT_COMPILE("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
                               "shape-rendering=\"crispEdges\"/>\n"),
                   x, kTop, kTop + plot_height, kGridColor);
    text(out, x, kTop + plot_height + 16, short_number(tick), "middle");
    if (tall) text(out, x, kTop - 8, short_number(tick), "middle");
  }
  double y = kTop + kGroupGap;
  for (const auto& group : chart.groups) {
    const double group_height = static_cast<double>(group.bars.size()) * (kBarHeight + kBarGap) - kBarGap;
    text(out, kLeft - 8, y + group_height / 2 + 4, group.label, "end");
    for (const auto& bar : group.bars) {
      double x = kLeft;
      for (const auto& segment : bar.segments) {
        if (!(segment.value > 0)) continue;
        const double width = std::max(1.0, segment.value * scale);
        // fmt's "{}" of kBarHeight (14.0) is "14".
        static_assert(kBarHeight == 14);
        put(out, "<rect x=\"");
        put_coordinate(out, x);
        put(out, "\" y=\"");
        put_coordinate(out, y);
        put(out, "\" width=\"");
        put_coordinate(out, width);
        put(out, "\" height=\"14\" fill=\"");
        put(out, segment.color);
        out.push_back('"');
        close_titled(out, "rect", segment.tooltip);
        x += width;
      }
      if (!bar.label.empty()) text(out, x + 4, y + kBarHeight - 3, bar.label, "start", "font-size=\"11\"");
      y += kBarHeight + kBarGap;
    }
    y += kGroupGap - kBarGap;
  }
  frame(out, kLeft, kTop, plot_width, plot_height);
  text(out, kLeft + plot_width / 2, height - 6, chart.value_label, "middle");
  put(out, "</svg>\n");
  return fmt::to_string(out);
}

std::string scatter_chart(const ScatterChart& chart) {
  constexpr double kLeft = 72, kRight = 120, kTop = 12, kBottom = 48;
  const double plot_width = chart.width - kLeft - kRight, plot_height = chart.height - kTop - kBottom;
  std::vector<double> xs, ys;
  for (const auto& point : chart.points) {
    xs.push_back(point.x);
    ys.push_back(point.y);
  }
  for (const auto& line : chart.lines)
    for (const auto& [x, y] : line.points) {
      xs.push_back(x);
      ys.push_back(y);
    }
  for (const auto& [x, y] : chart.extent) {
    xs.push_back(x);
    ys.push_back(y);
  }
  const Axis x_axis = make_axis(xs, chart.log_x), y_axis = make_axis(ys, chart.log_y);
  auto to_x = [&](double value) { return plot_width * x_axis.fraction(value); };
  auto to_y = [&](double value) { return plot_height * (1 - y_axis.fraction(value)); };

  Text out;
  const auto to = fmt::appender(out);
  svg_open(out, chart.width, chart.height, chart.aria_label);
  fmt::format_to(to, FMT_COMPILE("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n"), kLeft,
                 kTop, plot_width, plot_height);
  for (double tick : x_axis.ticks) {
    const double x = std::floor(kLeft + to_x(tick)) + 0.5;
    fmt::format_to(to,
                   FMT_COMPILE("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"{3}\" "
                               "shape-rendering=\"crispEdges\"/>\n"),
                   x, kTop, kTop + plot_height, kGridColor);
    text(out, x, kTop + plot_height + 16, short_number(tick), "middle");
  }
  for (double tick : y_axis.ticks) {
    const double y = std::floor(kTop + to_y(tick)) + 0.5;
    fmt::format_to(to,
                   FMT_COMPILE("<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"{3}\" "
                               "shape-rendering=\"crispEdges\"/>\n"),
                   kLeft, y, kLeft + plot_width, kGridColor);
    text(out, kLeft - 6, y + 4, short_number(tick), "end");
  }
  // A nested <svg> clips what it holds to the plot area.
  fmt::format_to(to, FMT_COMPILE("<svg x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">\n"), kLeft, kTop, plot_width,
                 plot_height);
  for (const auto& line : chart.lines) {
    put(out, "<polyline points=\"");
    for (const auto& [x, y] : line.points) {
      put_coordinate(out, to_x(x));
      out.push_back(',');
      put_coordinate(out, to_y(y));
      out.push_back(' ');
    }
    fmt::format_to(to, FMT_COMPILE("\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\""), line.color);
    close_titled(out, "polyline", line.tooltip);
  }
  for (const auto& point : chart.points) {
    put(out, "<circle cx=\"");
    put_coordinate(out, to_x(point.x));
    put(out, "\" cy=\"");
    put_coordinate(out, to_y(point.y));
    put(out, "\" r=\"6\" fill=\"");
    put(out, point.color);
    put(out, "\" stroke=\"#ffffff\" stroke-width=\"2\"");
    close_titled(out, "circle", point.tooltip);
  }
  put(out, "</svg>\n");
  for (const auto& line : chart.lines)
    if (!line.label.empty() && !line.points.empty()) {
      const auto& [x, y] = line.points.back();
      text(out, kLeft + std::min(to_x(x), plot_width) + 4, kTop + std::clamp(to_y(y), 0.0, plot_height) + 4, line.label,
           "start", "font-size=\"11\"");
    }
  point_labels(out, chart.points, kLeft, kTop, to_x, to_y);
  frame(out, kLeft, kTop, plot_width, plot_height);
  text(out, kLeft + plot_width / 2, chart.height - 8, chart.x_label, "middle");
  text(out, 16, kTop + plot_height / 2, chart.y_label, "middle",
       fmt::format("transform=\"rotate(-90 16 {:.1f})\"", kTop + plot_height / 2));
  put(out, "</svg>\n");
  return fmt::to_string(out);
}

std::string legend(const std::vector<std::pair<std::string, std::string>>& label_and_color) {
  Text out;
  put(out, "<div class=\"legend\">");
  for (const auto& [label, color] : label_and_color)
    fmt::format_to(fmt::appender(out), FMT_COMPILE("<span><i style=\"background:{}\"></i>{}</span>"), Escaped{color},
                   Escaped{label});
  put(out, "</div>\n");
  return fmt::to_string(out);
}

}  // namespace accelsim::report::svg
