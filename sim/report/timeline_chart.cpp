#include "sim/report/timeline_chart.h"

#include "sim/trace/trace_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

namespace accelsim::report {

namespace {

constexpr const char* kWaitingColor = "#c7ccd4";
constexpr const char* kReadColor = "#17becf";
constexpr const char* kWriteColor = "#bcbd22";
constexpr const char* kCounterFill = "#cdb8e6";
constexpr const char* kCounterLine = "#7b57a8";
constexpr double kLeft = 130, kRight = 90, kTop = 8, kBottom = 42;
constexpr double kLaneHeight = 16, kLaneGap = 4, kCounterHeight = 44, kCounterGap = 10;
constexpr int kMaxTicks = 12;  // the time axis has about six; this only bounds the loop

std::string px(double value) { return fmt::format("{:.2f}", value); }

std::string slice_color(const trace::TimelineSlice& slice) {
  if (slice.category == "waiting") return kWaitingColor;
  if (slice.category == "read") return kReadColor;
  if (slice.category == "write") return kWriteColor;
  return layer_color(slice.layer);
}

std::string slice_tooltip(const trace::TimelineSlice& slice) {
  std::string tip =
      fmt::format("{}: cycles {} to {} ({} cycles)", slice.name, slice.begin, slice.end, slice.end - slice.begin);
  for (const char* key : {"image", "tile", "bytes", "macs", "accesses"})
    if (slice.args.contains(key)) tip += fmt::format(", {} {}", key, slice.args[key].dump());
  return tip;
}

// A rectangle of one colour covering one or more neighbouring slices.
struct Run {
  double x0 = 0, x1 = 0;
  std::string color;
  std::string tooltip;
  int slices = 0;
  uint64_t begin = 0, end = 0;
  bool of_narrow_slices = false;  // made of slices under a pixel wide: more of them may join
};

// The largest value of series `s` of a step function over each pixel column of [begin, end).
std::vector<double> column_maxima(const trace::CounterTrack& counter, std::size_t s, uint64_t begin, uint64_t end,
                                  int columns) {
  std::vector<double> maxima(static_cast<std::size_t>(columns), 0.0);
  const double cycles_per_column = static_cast<double>(end - begin) / columns;
  double value = 0;
  std::size_t next = 0;
  const auto& points = counter.points;
  for (int column = 0; column < columns; ++column) {
    const double column_begin = static_cast<double>(begin) + column * cycles_per_column;
    const double column_end = column_begin + cycles_per_column;
    while (next < points.size() && static_cast<double>(points[next].first) <= column_begin)
      value = points[next++].second[s];
    double maximum = value;
    while (next < points.size() && static_cast<double>(points[next].first) < column_end) {
      value = points[next++].second[s];
      maximum = std::max(maximum, value);
    }
    maxima[static_cast<std::size_t>(column)] = maximum;
  }
  return maxima;
}

std::string counter_series_color(const trace::CounterTrack& counter, std::size_t s) {
  if (counter.series.size() > 1) return counter.series[s] == "write" ? kWriteColor : kReadColor;
  return kCounterLine;
}

// The rectangles of one lane. Sparse lanes get one per slice, except that neighbouring
// slices of one colour that are each under a pixel wide (and under a pixel apart) share one,
// since they could not be told apart or hovered one by one; a slice a pixel wide or more
// keeps its own rectangle and tooltip. A lane with more slices than pixel columns gets, per
// column, the colour that covers most of it, so that its size is bounded by the width.
template <typename ToX>
std::vector<Run> lane_runs(const trace::TimelineTrack& track, uint64_t begin, uint64_t end, ToX to_x,
                           double plot_width) {
  std::vector<const trace::TimelineSlice*> visible;
  for (const auto& slice : track.slices)
    if (slice.end >= begin && slice.begin < end) visible.push_back(&slice);
  std::vector<Run> runs;
  const int columns = std::max(1, static_cast<int>(plot_width));
  if (static_cast<int>(visible.size()) <= columns) {
    for (const auto* slice : visible) {
      const double x0 = to_x(slice->begin), x1 = to_x(slice->end);
      const std::string color = slice_color(*slice);
      const bool narrow = x1 - x0 < 1;
      if (narrow && !runs.empty() && runs.back().of_narrow_slices && runs.back().color == color &&
          x0 < runs.back().x1 + 1) {
        Run& run = runs.back();
        run.x1 = std::max(run.x1, x1);
        run.end = std::max(run.end, slice->end);
        run.slices += 1;
        continue;
      }
      runs.push_back({x0, x1, color, slice_tooltip(*slice), 1, slice->begin, slice->end, narrow});
    }
    return runs;
  }
  const double cycles_per_column = static_cast<double>(end - begin) / columns;
  std::vector<std::map<std::string, double>> cover(static_cast<std::size_t>(columns));
  std::vector<int> count(static_cast<std::size_t>(columns), 0);
  for (const auto* slice : visible) {
    const double from = static_cast<double>(std::max(slice->begin, begin) - begin),
                 to = static_cast<double>(std::min(slice->end, end) - begin);
    const int first = std::clamp(static_cast<int>(from / cycles_per_column), 0, columns - 1);
    const int last = std::clamp(static_cast<int>(to / cycles_per_column), first, columns - 1);
    const std::string color = slice_color(*slice);
    for (int c = first; c <= last; ++c) {
      const double overlap = std::min(to, (c + 1) * cycles_per_column) - std::max(from, c * cycles_per_column);
      cover[static_cast<std::size_t>(c)][color] += std::max(overlap, 1e-9);
    }
    count[static_cast<std::size_t>(first)] += 1;  // a slice counts where it starts
  }
  for (int c = 0; c < columns; ++c) {
    const auto& colors = cover[static_cast<std::size_t>(c)];
    if (colors.empty()) continue;
    const auto top = std::max_element(colors.begin(), colors.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
    const auto column_begin = begin + static_cast<uint64_t>(c * cycles_per_column);
    const auto column_end = begin + static_cast<uint64_t>((c + 1) * cycles_per_column);
    const double x = to_x(begin) + c;
    if (!runs.empty() && runs.back().color == top->first && runs.back().x1 >= x - 0.01) {
      runs.back().x1 = x + 1;
      runs.back().end = column_end;
      runs.back().slices += count[static_cast<std::size_t>(c)];
      continue;
    }
    runs.push_back({x, x + 1, top->first, "", count[static_cast<std::size_t>(c)], column_begin, column_end, false});
  }
  return runs;
}

std::string series_names(const trace::CounterTrack& counter) {
  std::string names;
  for (const auto& name : counter.series) names += (names.empty() ? "" : ", ") + name;
  return names;
}

}  // namespace

const std::string& layer_color(int layer) {
  static const std::vector<std::string> palette = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                   "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  static const std::string none = "#7f7f7f";
  if (layer < 0) return none;
  return palette[static_cast<std::size_t>(layer) % palette.size()];
}

std::vector<std::pair<std::string, std::string>> timeline_legend(const trace::Timeline& timeline) {
  std::set<int> layers;
  bool memories = false;
  for (const auto& track : timeline.tracks)
    for (const auto& slice : track.slices) {
      if (slice.category == "read" || slice.category == "write")
        memories = true;
      else if (slice.category != "waiting" && slice.layer >= 0)
        layers.insert(slice.layer);
    }
  std::vector<std::pair<std::string, std::string>> entries;
  for (int layer : layers)
    entries.emplace_back(static_cast<std::size_t>(layer) < timeline.layers.size()
                             ? timeline.layers[static_cast<std::size_t>(layer)]
                             : std::to_string(layer),
                         layer_color(layer));
  entries.emplace_back("waiting for dependencies", kWaitingColor);
  if (memories) {
    entries.emplace_back("memory port reading", kReadColor);
    entries.emplace_back("memory port writing", kWriteColor);
  }
  if (!timeline.counters.empty()) entries.emplace_back("occupancy, requests", kCounterFill);
  return entries;
}

std::optional<std::pair<uint64_t, uint64_t>> image_cycles(const trace::Timeline& timeline, int64_t image) {
  std::optional<std::pair<uint64_t, uint64_t>> range;
  for (const auto& track : timeline.tracks)
    for (const auto& slice : track.slices) {
      const auto it = slice.args.find("image");
      if (it == slice.args.end() || !it->is_number_integer() || it->get<int64_t>() != image) continue;
      if (!range)
        range = std::make_pair(slice.begin, slice.end);
      else
        range = std::make_pair(std::min(range->first, slice.begin), std::max(range->second, slice.end));
    }
  return range;
}

int64_t traced_images(const trace::Timeline& timeline) {
  std::set<int64_t> images;
  for (const auto& track : timeline.tracks)
    for (const auto& slice : track.slices) {
      const auto it = slice.args.find("image");
      if (it != slice.args.end() && it->is_number_integer()) images.insert(it->get<int64_t>());
    }
  return static_cast<int64_t>(images.size());
}

std::string timeline_chart(const trace::Timeline& timeline, int width,
                           std::optional<std::pair<uint64_t, uint64_t>> range) {
  const uint64_t begin = range ? std::max(range->first, timeline.window_begin) : timeline.window_begin;
  const uint64_t end = std::max(range ? std::min(range->second, timeline.window_end) : timeline.window_end, begin + 1);
  const double plot_width = width - kLeft - kRight;
  const double scale = plot_width / static_cast<double>(end - begin);
  auto to_x = [&](uint64_t cycle) {
    return kLeft + static_cast<double>(std::clamp(cycle, begin, end) - begin) * scale;
  };
  const double lanes_height = static_cast<double>(timeline.tracks.size()) * (kLaneHeight + kLaneGap) + kLaneGap;
  const double plot_height =
      lanes_height + static_cast<double>(timeline.counters.size()) * (kCounterHeight + kCounterGap);
  const int height = static_cast<int>(std::ceil(kTop + plot_height + kBottom));

  std::string out = fmt::format(
      "<svg class=\"chart\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"timeline of "
      "the traced modules\" "
      "font-family=\"system-ui, sans-serif\" font-size=\"12\">\n",
      width, height);
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", kLeft, kTop, plot_width,
                     px(plot_height));

  // Time axis: round cycle numbers inside the window.
  const std::vector<double> steps = svg::linear_ticks(static_cast<double>(end - begin), 6);
  const double step = steps.size() > 1 ? steps[1] : 1;
  const double first_tick = std::ceil(static_cast<double>(begin) / step) * step;
  // Ticks by index and at most kMaxTicks: far from zero (cycle 1e17) adding a small step to a
  // double can leave it unchanged, and the loop would never end.
  for (int i = 0; i < kMaxTicks; ++i) {
    const double tick = first_tick + i * step;
    if (!(tick <= static_cast<double>(end))) break;
    const double x = std::floor(to_x(static_cast<uint64_t>(tick))) + 0.5;
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" shape-rendering=\"crispEdges\"/>\n", px(x),
        kTop, px(kTop + plot_height), svg::kGridColor);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n", px(x),
                       px(kTop + plot_height + 16), svg::kTextColor, svg::short_number(tick));
  }

  double y = kTop + kLaneGap;
  for (const auto& track : timeline.tracks) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{}\">{}</text>\n", kLeft - 8,
                       px(y + kLaneHeight - 4), svg::kTextColor, svg::escape(track.module));
    const std::vector<Run> runs = lane_runs(track, begin, end, to_x, plot_width);
    for (const auto& run : runs) {
      const std::string tooltip =
          run.slices == 1 && !run.tooltip.empty()
              ? run.tooltip
              : fmt::format("{} slices, cycles {} to {} (zoom in with timeline.json in Perfetto)", run.slices,
                            run.begin, run.end);
      out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>\n",
                         px(run.x0), px(y), px(std::max(run.x1 - run.x0, 0.75)), kLaneHeight, run.color,
                         svg::escape(tooltip));
    }
    y += kLaneHeight + kLaneGap;
  }

  const int columns = std::max(1, static_cast<int>(plot_width));
  for (const auto& counter : timeline.counters) {
    y += kCounterGap / 2;
    const double base = y + kCounterHeight;
    std::vector<std::vector<double>> series;
    double maximum = 0;
    for (std::size_t s = 0; s < counter.series.size(); ++s) {
      series.push_back(column_maxima(counter, s, begin, end, columns));
      for (double v : series.back()) maximum = std::max(maximum, v);
    }
    const std::string module = counter.name.substr(0, counter.name.find(' '));
    const std::string what = counter.name.substr(std::min(counter.name.size(), module.size() + 1));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{}\">{}</text>\n", kLeft - 8,
                       px(y + kCounterHeight / 2 + 4), svg::kTextColor, svg::escape(module));
    out += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" shape-rendering=\"crispEdges\"/>\n", kLeft,
        px(std::floor(base) + 0.5), kLeft + plot_width, svg::kGridColor);
    for (std::size_t s = 0; s < series.size(); ++s) {
      // A step outline: a vertical move where the value changes, a horizontal one to the next change.
      std::string path = fmt::format("M{},{}", px(kLeft), px(base));
      double level = base;
      for (int column = 0; column < columns; ++column) {
        const double value = maximum > 0 ? series[s][static_cast<std::size_t>(column)] / maximum : 0;
        const double top = base - value * (kCounterHeight - 2);
        if (top == level) continue;
        path += fmt::format(" H{} V{}", px(kLeft + column), px(top));
        level = top;
      }
      path += fmt::format(" H{} V{} Z", px(kLeft + columns), px(base));
      const std::string color = counter_series_color(counter, s);
      const bool filled = series.size() == 1;
      out += fmt::format(
          "<path d=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"1\"><title>{}{}: up to {} {}</title></path>\n", path,
          filled ? kCounterFill : "none", color, svg::escape(counter.name),
          series.size() > 1 ? " " + svg::escape(counter.series[s]) : "", svg::short_number(maximum),
          svg::escape(counter.unit));
    }
    // The y scale, right of the plot: the top of the track is the maximum, its base zero.
    out += fmt::format(
        "<text x=\"{0}\" y=\"{1}\" fill=\"{3}\" font-size=\"10\">{4}</text><text x=\"{0}\" "
        "y=\"{2}\" fill=\"{3}\" font-size=\"10\">0</text>\n",
        px(kLeft + plot_width + 4), px(base - kCounterHeight + 10), px(base), svg::kTextColor,
        svg::escape(svg::short_number(maximum) + " " + counter.unit));
    // A white halo keeps the label readable over the plot.
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" fill=\"#3b424d\" font-size=\"11\" stroke=\"#ffffff\" stroke-width=\"3\" "
        "paint-order=\"stroke\">{} ({}), max {}{}</text>\n",
        px(kLeft + 4), px(y + 10), svg::escape(what), svg::escape(counter.unit), svg::short_number(maximum),
        counter.series.size() > 1 ? "; " + svg::escape(series_names(counter)) : "");
    y += kCounterHeight + kCounterGap / 2;
  }

  // Layer boundaries: where each layer's first slice of a computing unit starts.
  std::map<int, uint64_t> layer_starts;
  for (const auto& track : timeline.tracks) {
    // The computing units: the DMA loads a layer's weights long before the layer runs.
    if (trace::is_memory_module(track.module) || track.module == "dma") continue;
    for (const auto& slice : track.slices) {
      if (slice.layer < 0 || slice.begin < begin || slice.begin >= end || slice.category == "waiting") continue;
      auto it = layer_starts.find(slice.layer);
      if (it == layer_starts.end() || slice.begin < it->second) layer_starts[slice.layer] = slice.begin;
    }
  }
  // Names of layers that start close together go on rows stacked upwards, so that they never
  // overlap (about 6 px per character at 10 px); a name that would cross the plot's right edge
  // ends at its line instead.
  constexpr double kCharWidth = 6, kLabelRows = 3, kLabelRowHeight = 11;
  std::vector<double> row_ends(static_cast<std::size_t>(kLabelRows), -1e9);
  for (const auto& [layer, start] : layer_starts) {
    const double x = std::floor(to_x(start)) + 0.5;
    const std::string name = static_cast<std::size_t>(layer) < timeline.layers.size()
                                 ? timeline.layers[static_cast<std::size_t>(layer)]
                                 : "layer " + std::to_string(layer);
    out += fmt::format(
        "<path d=\"M{0},{1} V{2}\" stroke=\"#59606b\" stroke-dasharray=\"3,3\" fill=\"none\" "
        "shape-rendering=\"crispEdges\"/>\n",
        px(x), px(kTop), px(kTop + plot_height));
    const double label_width = kCharWidth * static_cast<double>(name.size());
    const bool flush_right = x + 2 + label_width > kLeft + plot_width;
    const double label_begin = flush_right ? x - 2 - label_width : x + 2;
    std::size_t row = 0;
    while (row + 1 < row_ends.size() && row_ends[row] > label_begin) ++row;
    row_ends[row] = label_begin + label_width + 4;
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" fill=\"#3b424d\" font-size=\"10\" stroke=\"#ffffff\" stroke-width=\"3\" "
        "paint-order=\"stroke\"{}>{}</text>\n",
        px(flush_right ? x - 2 : x + 2), px(kTop + plot_height - 4 - kLabelRowHeight * static_cast<double>(row)),
        flush_right ? " text-anchor=\"end\"" : "", svg::escape(name));
  }

  out += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\" "
      "shape-rendering=\"crispEdges\"/>\n",
      px(std::floor(kLeft) + 0.5), px(std::floor(kTop) + 0.5), px(std::round(plot_width)), px(std::round(plot_height)),
      svg::kFrameColor);
  const double ns = static_cast<double>(timeline.cycle_ps) / 1000.0;
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">cycles (1 cycle = {:g} ns at {:g} MHz)</text>\n",
      px(kLeft + plot_width / 2), height - 6, svg::kTextColor, ns, timeline.clock_mhz);
  out += "</svg>\n";
  return out;
}

}  // namespace accelsim::report
