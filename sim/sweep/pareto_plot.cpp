#include "sim/sweep/pareto_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/report/svg_chart.h"
#include "sim/sweep/metrics.h"
#include "sim/sweep/results_table.h"
#include "sim/sweep/sweep_report.h"

namespace accelsim::sweep {

namespace {

using report::svg::escape;

constexpr double kPanelWidth = 400, kPanelHeight = 330;
constexpr double kLeft = 78, kRight = 18, kTop = 34, kBottom = 52;
constexpr double kHeader = 76;
constexpr int kPanelsPerRow = 3;
constexpr std::size_t kMaxObjectives = 4;  // 6 panels
constexpr const char* kOtherColor = "#8c96a3";

// A tick label with an SI suffix and as many decimals as ticks `step` apart need to differ:
// 1234567 -> "1.23M", 10721000 (step 2000) -> "10.721M".
std::string tick_label(double v, double step) {
  const double magnitude = std::max(std::fabs(v), step);
  double divisor = 1;
  const char* suffix = "";
  if (magnitude >= 1e9) {
    divisor = 1e9;
    suffix = "G";
  } else if (magnitude >= 1e6) {
    divisor = 1e6;
    suffix = "M";
  } else if (magnitude >= 1e4) {
    divisor = 1e3;
    suffix = "k";
  }
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step / divisor) - 1e-9)), 0, 8);
  return fmt::format("{:.{}f}{}", v / divisor, decimals, suffix);
}

// One axis: maps values to [0, 1], linear or log10, with ticks.
struct Scale {
  bool log = false;
  double low = 0, high = 1;  // in transformed units

  static Scale fit(const std::vector<double>& values) {
    Scale s;
    const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
    double lo = values.empty() ? 0 : *min_it, hi = values.empty() ? 1 : *max_it;
    s.log = lo > 0 && hi / lo >= 30;
    if (s.log) {
      lo = std::log10(lo);
      hi = std::log10(hi);
    }
    if (hi - lo <= std::fabs(hi) * 1e-12) {
      const double pad = s.log ? 0.3 : std::max(std::fabs(hi) * 0.1, 1e-9);
      lo -= pad;
      hi += pad;
    }
    const double margin = (hi - lo) * 0.06;
    s.low = lo - margin;
    s.high = hi + margin;
    return s;
  }

  double position(double v) const { return ((log ? std::log10(v) : v) - low) / (high - low); }

  // The spacing of the linear ticks, or the size of a log tick's leading digit.
  double step_at(double tick) const {
    return log ? std::pow(10.0, std::floor(std::log10(tick) + 1e-9)) : linear_step();
  }

  double linear_step() const {
    const double raw = (high - low) / 5;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
      if (m * power >= raw) return m * power;
    return 10 * power;
  }

  std::vector<double> ticks() const {
    std::vector<double> out;
    if (log) {
      for (int e = static_cast<int>(std::floor(low)); e <= static_cast<int>(std::ceil(high)); ++e)
        for (double m : {1.0, 2.0, 5.0}) {
          const double v = m * std::pow(10.0, e);
          const double t = std::log10(v);
          if (t >= low && t <= high && (m == 1.0 || high - low < 2.5)) out.push_back(v);
        }
      return out;
    }
    const double step = linear_step();
    for (double v = std::ceil(low / step) * step; v <= high + step * 1e-9; v += step)
      out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
    return out;
  }
};

std::string axis_title(const std::string& metric) {
  const auto info = find_metric(metric);
  std::string title = metric;
  if (info && !info->unit.empty() && info->unit != "fraction" && info->unit != metric) title += " [" + info->unit + "]";
  return title + (info && info->goal == Goal::Maximize ? " (higher is better)" : " (lower is better)");
}

struct PlotPoint {
  std::vector<double> values;
  bool front = false;
  std::string tooltip;
  std::string label;  // its settings, drawn beside it in small sweeps
  std::string colour = kOtherColor;
};

// Up to this many points, each is labelled with its settings.
constexpr std::size_t kMaxLabelledPoints = 12;

std::string panel(const std::vector<PlotPoint>& points, std::size_t x, std::size_t y,
                  const std::vector<std::string>& objectives, double left, double top) {
  std::vector<double> xs, ys;
  for (const auto& p : points) {
    xs.push_back(p.values[x]);
    ys.push_back(p.values[y]);
  }
  const Scale sx = Scale::fit(xs), sy = Scale::fit(ys);
  const double plot_w = kPanelWidth - kLeft - kRight, plot_h = kPanelHeight - kTop - kBottom;
  const double x0 = left + kLeft, y0 = top + kTop;
  auto px = [&](double v) { return x0 + sx.position(v) * plot_w; };
  auto py = [&](double v) { return y0 + (1 - sy.position(v)) * plot_h; };

  std::string svg = fmt::format(
      "<g>\n<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"#fbfbfc\" stroke=\"#555\"/>\n",
      x0, y0, plot_w, plot_h);
  for (double t : sx.ticks()) {
    const double p = px(t);
    svg += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{0:.2f}\" y2=\"{2:.2f}\" stroke=\"#e3e5e8\"/>", p, y0,
                       y0 + plot_h);
    svg += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"middle\">{}</text>\n", p, y0 + plot_h + 15,
                       tick_label(t, sx.step_at(t)));
  }
  for (double t : sy.ticks()) {
    const double p = py(t);
    svg += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{2:.2f}\" y2=\"{1:.2f}\" stroke=\"#e3e5e8\"/>", x0, p,
                       x0 + plot_w);
    svg += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"end\">{}</text>\n", x0 - 5, p + 4,
                       tick_label(t, sy.step_at(t)));
  }
  svg +=
      fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"middle\" class=\"axis\">{}{}</text>\n",
                  x0 + plot_w / 2, top + kPanelHeight - 14, escape(axis_title(objectives[x])), sx.log ? ", log" : "");
  svg += fmt::format(
      "<text transform=\"translate({:.2f},{:.2f}) rotate(-90)\" text-anchor=\"middle\" class=\"axis\">{}{}</text>\n",
      left + 16, y0 + plot_h / 2, escape(axis_title(objectives[y])), sy.log ? ", log" : "");
  for (bool front : {false, true})
    for (const auto& p : points) {
      if (p.front != front) continue;
      svg += fmt::format("<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{}\" fill=\"{}\"{}><title>{}</title></circle>\n",
                         px(p.values[x]), py(p.values[y]), front ? 5.5 : 3, p.colour,
                         front ? " stroke=\"#111\" stroke-width=\"1.8\"" : " fill-opacity=\"0.55\"", escape(p.tooltip));
    }
  if (points.size() > kMaxLabelledPoints) return svg + "</g>\n";
  // Labels, the front's first, each above or below its point where it overlaps no label already
  // written (points close together, e.g. dataflows with equal cycles, would print over each other);
  // a label that fits nowhere is left out: the point's tooltip has its settings.
  struct Box {
    double left, top, right, bottom;
  };
  std::vector<Box> placed;
  for (bool front : {true, false})
    for (const auto& p : points) {
      if (p.front != front || p.label.empty()) continue;
      const bool right_side = sx.position(p.values[x]) > 0.7;          // label to the left, inside the panel
      const double width = 6.2 * static_cast<double>(p.label.size());  // 10-pixel font, generous
      const double anchor_x = px(p.values[x]) + (right_side ? -6 : 6);
      const double box_left = right_side ? anchor_x - width : anchor_x;
      for (const double baseline : {py(p.values[y]) - 5, py(p.values[y]) + 13}) {
        const Box box{box_left, baseline - 10, box_left + width, baseline + 2};
        bool free = true;
        for (const Box& other : placed)
          free = free && !(box.left < other.right && other.left < box.right && box.top < other.bottom &&
                           other.top < box.bottom);
        if (!free) continue;
        placed.push_back(box);
        svg +=
            fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" font-size=\"10\" fill=\"{}\" text-anchor=\"{}\">{}</text>\n",
                        anchor_x, baseline, front ? "#8b1a1a" : "#555", right_side ? "end" : "start", escape(p.label));
        break;
      }
    }
  return svg + "</g>\n";
}

}  // namespace

std::string pareto_svg(const ResultsTable& table) {
  std::vector<std::string> objectives(
      table.pareto.begin(),
      table.pareto.begin() + static_cast<std::ptrdiff_t>(std::min(table.pareto.size(), kMaxObjectives)));
  std::vector<PlotPoint> points;
  int64_t on_front = 0;
  const int colour = colour_column(table);
  // A setting every point shares tells the points apart no better than none: not in the labels.
  std::vector<bool> varies(table.columns.size(), false);
  for (const auto& row : table.rows)
    for (std::size_t c = 0; c < row.settings.size() && c < varies.size(); ++c)
      varies[c] = varies[c] || row.settings[c].label != table.rows.front().settings[c].label;
  for (const auto& row : table.rows) {
    if (!row.result || row.result->status != PointStatus::Ok || objectives.size() < 2) continue;
    PlotPoint p;
    std::string tooltip = fmt::format("point {}", row.index);
    for (std::size_t c = 0; c < row.settings.size(); ++c) {
      const auto& s = row.settings[c];
      tooltip += fmt::format("\n{} = {}", s.column, s.label);
      if (c >= varies.size() || varies[c]) p.label += (p.label.empty() ? "" : " / ") + s.label;
    }
    for (const auto& objective : table.pareto) {
      const auto it = row.result->metrics.find(objective);
      if (it == row.result->metrics.end() || !it->is_number()) break;
      if (p.values.size() < objectives.size()) p.values.push_back(it->get<double>());
      tooltip += fmt::format("\n{} = {}", objective, it->get<double>());
    }
    if (p.values.size() != objectives.size()) continue;
    p.front = row.pareto;
    if (colour >= 0) p.colour = colour_of(table, colour, row.settings[static_cast<std::size_t>(colour)].label);
    p.tooltip = tooltip + (row.pareto ? "\n(on the Pareto front)" : "");
    on_front += row.pareto;
    points.push_back(std::move(p));
  }

  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < objectives.size(); ++i)
    for (std::size_t j = i + 1; j < objectives.size(); ++j) pairs.emplace_back(i, j);
  const int columns = std::max(1, std::min<int>(kPanelsPerRow, static_cast<int>(pairs.size())));
  const int rows = std::max(1, (static_cast<int>(pairs.size()) + columns - 1) / columns);
  const double width = columns * kPanelWidth, height = kHeader + rows * kPanelHeight;

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"11\">\n"
      "<style>.title {{ font-size: 15px; font-weight: bold; }} .axis {{ font-size: 12px; }}</style>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
      width, height);
  std::string objective_list;
  for (const auto& o : table.pareto) objective_list += (objective_list.empty() ? "" : ", ") + o;
  svg += fmt::format("<text x=\"12\" y=\"22\" class=\"title\">{}: Pareto front over {}</text>\n", escape(table.name),
                     objective_list.empty() ? std::string("(no objectives)") : escape(objective_list));
  svg += fmt::format(
      "<text x=\"12\" y=\"42\">{} points, {} ok, {} on the front (ringed, large; non-dominated over all objectives "
      "with a {:g}% tolerance, so a 2-D view may show one behind another). Hover a point for its settings.</text>\n",
      table.rows.size(), table.ok(), on_front, table.pareto_tolerance * 100);
  if (colour >= 0) {
    const std::size_t c = static_cast<std::size_t>(colour);
    double x = 12;
    svg += fmt::format("<text x=\"{:.0f}\" y=\"64\">colour: {}</text>\n", x, escape(table.columns[c]));
    x += 60 + 7.0 * static_cast<double>(table.columns[c].size());
    std::vector<std::string> seen;
    for (const auto& row : table.rows) {
      const std::string& label = row.settings[c].label;
      if (std::find(seen.begin(), seen.end(), label) != seen.end()) continue;
      seen.push_back(label);
      svg += fmt::format("<circle cx=\"{:.0f}\" cy=\"60\" r=\"5\" fill=\"{}\"/><text x=\"{:.0f}\" y=\"64\">{}</text>\n",
                         x, colour_of(table, colour, label), x + 9, escape(label));
      x += 24 + 7.0 * static_cast<double>(label.size());
    }
  }
  if (pairs.empty() || points.empty()) {
    svg += fmt::format(
        "<text x=\"12\" y=\"{:.0f}\">{}</text>\n", kHeader + 30,
        pairs.empty() ? "No Pareto objectives (pareto: needs two or more metrics)." : "No successful points to plot.");
  }
  for (std::size_t k = 0; k < pairs.size() && !points.empty(); ++k) {
    const int row = static_cast<int>(k) / columns;  // panels fill the grid row by row
    const double left = static_cast<double>(static_cast<int>(k) % columns) * kPanelWidth;
    const double top = kHeader + static_cast<double>(row) * kPanelHeight;
    svg += panel(points, pairs[k].first, pairs[k].second, objectives, left, top);
  }
  return svg + "</svg>\n";
}

}  // namespace accelsim::sweep
