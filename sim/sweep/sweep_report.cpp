#include "sim/sweep/sweep_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "sim/report/html_report.h"
#include "sim/report/svg_chart.h"
#include "sim/report/timeline_chart.h"
#include "sim/sweep/metrics.h"

namespace accelsim::sweep {

namespace {

using report::svg::escape;

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1",
                                    "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac"};

std::string si(double value, const std::string& unit) {
  struct Prefix {
    double scale;
    const char* name;
  };
  static const Prefix prefixes[] = {{1e12, "T"}, {1e9, "G"},  {1e6, "M"},  {1e3, "k"},  {1, ""},
                                    {1e-3, "m"}, {1e-6, "µ"}, {1e-9, "n"}, {1e-12, "p"}};
  const double magnitude = std::fabs(value);
  if (magnitude == 0) return "0 " + unit;
  for (const auto& p : prefixes)
    if (magnitude >= p.scale * 0.9995 || p.scale == 1e-12) {
      const double scaled = value / p.scale;
      const int decimals = std::fabs(scaled) >= 100 ? 1 : 2;
      return fmt::format("{:.{}f} {}{}", scaled, decimals, p.name, unit);
    }
  return fmt::format("{} {}", value, unit);
}

bool is_number(const std::string& text, double& value) {
  try {
    std::size_t used = 0;
    value = std::stod(text, &used);
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

// A column name that may break after its underscores and dots, so that headers wrap, not the page.
std::string breakable(const std::string& name) {
  std::string out;
  for (char c : name) {
    out += escape(std::string(1, c));
    if (c == '_' || c == '.') out += "<wbr>";
  }
  return out;
}

std::vector<std::string> distinct_labels(const ResultsTable& table, std::size_t column) {
  std::vector<std::string> labels;
  for (const auto& row : table.rows)
    if (column < row.settings.size() &&
        std::find(labels.begin(), labels.end(), row.settings[column].label) == labels.end())
      labels.push_back(row.settings[column].label);
  return labels;
}

bool numeric_column(const ResultsTable& table, std::size_t column) {
  double ignored = 0;
  for (const auto& label : distinct_labels(table, column))
    if (!is_number(label, ignored)) return false;
  return true;
}

std::string unit_of(const std::string& metric) {
  const auto info = find_metric(metric);
  return info ? info->unit : "";
}

std::optional<double> metric_of(const ResultRow& row, const std::string& metric) {
  if (!row.result || row.result->status != PointStatus::Ok) return std::nullopt;
  const auto it = row.result->metrics.find(metric);
  if (it == row.result->metrics.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// Each objective against the most varied numeric column, a line per value of the colour
// column, the other columns at their best for that objective.
std::string metric_plots(const ResultsTable& table) {
  const int colour = colour_column(table);
  int x_column = -1;
  std::size_t most = 1;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    if (static_cast<int>(c) == colour || !numeric_column(table, c)) continue;
    const std::size_t n = distinct_labels(table, c).size();
    if (n > most) {
      most = n;
      x_column = static_cast<int>(c);
    }
  }
  if (x_column < 0) return "";
  std::vector<std::string> objectives = table.pareto.empty() ? table.metrics : table.pareto;
  if (objectives.size() > 3) objectives.resize(3);
  const auto x = static_cast<std::size_t>(x_column);
  std::string others;
  for (std::size_t c = 0; c < table.columns.size(); ++c)
    if (static_cast<int>(c) != colour && c != x) others += (others.empty() ? "" : ", ") + table.columns[c];
  std::string html = "<p class=\"note\">Each objective against " + escape(table.columns[x]) +
                     (colour >= 0 ? ", a line per " + escape(table.columns[static_cast<std::size_t>(colour)]) : "") +
                     (others.empty() ? std::string(".") : "; each point the best over " + escape(others) + ".") +
                     "</p>\n";
  if (colour >= 0) {
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& label : distinct_labels(table, static_cast<std::size_t>(colour)))
      entries.emplace_back(label, colour_of(table, colour, label));
    html += report::svg::legend(entries);
  }
  html += "<div class=\"plots\">\n";
  bool any = false;
  for (const auto& metric : objectives) {
    const auto info = find_metric(metric);
    const bool maximize = info && info->goal == Goal::Maximize;
    report::svg::ScatterChart chart;
    chart.aria_label = metric + " against " + table.columns[x];
    chart.width = 560;
    chart.height = 340;
    const std::vector<std::string> series =
        colour >= 0 ? distinct_labels(table, static_cast<std::size_t>(colour)) : std::vector<std::string>{""};
    for (const auto& label : series) {
      std::map<double, double> best;  // x -> best value
      for (const auto& row : table.rows) {
        if (colour >= 0 && row.settings[static_cast<std::size_t>(colour)].label != label) continue;
        const auto value = metric_of(row, metric);
        double xv = 0;
        if (!value || !is_number(row.settings[x].label, xv)) continue;
        auto it = best.find(xv);
        if (it == best.end())
          best[xv] = *value;
        else
          it->second = maximize ? std::max(it->second, *value) : std::min(it->second, *value);
      }
      if (best.empty()) continue;
      report::svg::Line line;
      line.color = colour >= 0 ? colour_of(table, colour, label) : kPalette[0];
      line.tooltip = label;
      for (const auto& [xv, yv] : best) {
        line.points.emplace_back(xv, yv);
        chart.points.push_back(
            {xv, yv, line.color, "",
             fmt::format("{} = {}, {}{}: {}", table.columns[x], xv, label.empty() ? "" : label + ", ", metric,
                         human_value(yv, unit_of(metric)))});
      }
      chart.lines.push_back(std::move(line));
      any = true;
    }
    double lo = std::numeric_limits<double>::max(), hi = 0;
    for (const auto& l : chart.lines)
      for (const auto& [xv, yv] : l.points) {
        (void)yv;
        lo = std::min(lo, xv);
        hi = std::max(hi, xv);
      }
    chart.log_x = lo > 0 && hi / lo >= 8;
    chart.extent.emplace_back(lo, 0.0);  // from zero: a metric that hardly varies looks flat, as it is
    chart.x_label = table.columns[x];
    chart.y_label = metric;
    html += "<figure><figcaption>" + escape(metric) +
            (unit_of(metric).empty() ? "" : " [" + escape(unit_of(metric)) + "]") +
            (maximize ? " (higher is better)" : " (lower is better)") + "</figcaption>" +
            report::svg::scatter_chart(chart) + "</figure>\n";
  }
  return any ? html + "</div>\n" : "";
}

// Clicking a header sorts by it (numbers by their value, again to reverse).
constexpr const char* kSortScript = R"(<script>
document.querySelectorAll('table.sortable th').forEach(function (th, column) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var up = th.getAttribute('data-order') !== 'up';
    table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-order'); });
    th.setAttribute('data-order', up ? 'up' : 'down');
    function key(row) {
      var cell = row.cells[column], v = cell.getAttribute('data-v');
      return v === null ? cell.textContent : (v === '' ? NaN : parseFloat(v));
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      if (typeof x === 'number' && isNaN(x)) return 1;
      if (typeof y === 'number' && isNaN(y)) return -1;
      var c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y), undefined, {numeric: true});
      return up ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
</script>
)";

std::string points_table(const ResultsTable& table) {
  const int colour = colour_column(table);
  std::string html = "<p class=\"note\">Every design point; click a column to sort. Pareto points (over " +
                     escape(fmt::format("{}", fmt::join(table.pareto, ", "))) +
                     fmt::format(", tolerance {:g}%", table.pareto_tolerance * 100) +
                     ") in bold. The id links to the point's own report.</p>\n"
                     "<div class=\"scroll\"><table class=\"sortable points\">\n<thead><tr><th>#</th><th>id</th>";
  for (const auto& column : table.columns) html += "<th>" + breakable(column) + "</th>";
  for (const auto& metric : table.metrics) {
    const std::string unit = unit_of(metric);
    html += "<th title=\"" + escape(unit) + "\">" + breakable(metric) + "</th>";
  }
  html += "<th>bit-exact</th><th>Pareto</th><th>status</th></tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    html += row.pareto ? "<tr class=\"front\">" : "<tr>";
    html += fmt::format("<td data-v=\"{0}\">{0}</td>", row.index);
    const bool has_report = row.result && row.result->status != PointStatus::Invalid;
    // The first 8 hex digits tell the points apart; the whole id is the link's tooltip.
    const std::string short_id = escape(row.id.substr(0, 8));
    html += has_report ? fmt::format("<td><a href=\"points/{0}/report.html\" title=\"{0}\">{1}</a></td>",
                                     escape(row.id), short_id)
                       : "<td title=\"" + escape(row.id) + "\">" + short_id + "</td>";
    for (std::size_t c = 0; c < row.settings.size(); ++c) {
      const std::string& label = row.settings[c].label;
      double v = 0;
      const std::string sort = is_number(label, v) ? fmt::format(" data-v=\"{}\"", v) : "";
      const std::string swatch =
          static_cast<int>(c) == colour
              ? "<i class=\"swatch\" style=\"background:" + colour_of(table, colour, label) + "\"></i>"
              : "";
      html += "<td" + sort + ">" + swatch + escape(label) + "</td>";
    }
    for (const auto& metric : table.metrics) {
      std::string text, sort;
      if (row.result && row.result->metrics.contains(metric)) {
        const auto& value = row.result->metrics.at(metric);
        if (value.is_number()) {
          text = human_value(value.get<double>(), unit_of(metric));
          sort = fmt::format("{}", value.get<double>());
        } else if (value.is_string()) {
          text = value.get<std::string>();
        }
      }
      html += "<td data-v=\"" + sort + "\" title=\"" + escape(sort) + "\">" + escape(text) + "</td>";
    }
    const std::string exact = row.result && row.result->bit_exact ? (*row.result->bit_exact ? "yes" : "NO") : "";
    const std::string status = row.result ? name_of(row.result->status) : "not run";
    const std::string error = row.result ? row.result->error : "";
    html += "<td>" + exact + "</td><td>" + (row.pareto ? "yes" : "") + "</td><td title=\"" + escape(error) + "\">" +
            escape(status) + (error.empty() ? "" : " <small>" + escape(error.substr(0, 80)) + "</small>") +
            "</td></tr>\n";
  }
  return html + "</tbody></table></div>\n" + kSortScript;
}

// Each front point's cycles as a bar of its layers, so that where the front's points differ shows.
std::string front_breakdown(const ResultsTable& table, const FrontLayers& front_layers) {
  report::svg::BarChart chart;
  chart.aria_label = "cycles per layer of each Pareto point";
  chart.value_label = "cycles";
  std::vector<std::pair<std::string, std::string>> legend;
  for (const auto& row : table.rows) {
    const auto it = front_layers.find(row.index);
    if (it == front_layers.end()) continue;
    std::string label = fmt::format("#{}", row.index);
    for (const auto& s : row.settings) label += " " + s.label;
    report::svg::Bar bar;
    double total = 0;
    for (std::size_t l = 0; l < it->second.size(); ++l) {
      const auto& [name, cycles] = it->second[l];
      total += cycles;
      const std::string colour = report::layer_color(static_cast<int>(l));
      bar.segments.push_back({cycles, colour, fmt::format("#{} {}: {} cycles", row.index, name, cycles)});
      if (legend.size() <= l) legend.emplace_back(name, colour);
    }
    bar.label = human_value(total, "cycles") + " cycles";
    chart.groups.push_back({label, {bar}});
  }
  // A legend of every layer of a deep network (ResNet-50: 73) is a wall of look-alike colours: past
  // kMaxLegendLayers the segments' tooltips name the layers instead.
  constexpr std::size_t kMaxLegendLayers = 16;
  if (legend.size() > kMaxLegendLayers)
    return fmt::format(
               "<p class=\"note\">Each Pareto point's cycles, layer by layer (from its stats.json), in network order "
               "from the left. {} layers: hover a segment for its layer and cycles; each point's own report.html "
               "has them per layer.</p>\n",
               legend.size()) +
           report::svg::horizontal_bar_chart(chart);
  return "<p class=\"note\">Each Pareto point's cycles, layer by layer (from its stats.json).</p>\n" +
         report::svg::legend(legend) + report::svg::horizontal_bar_chart(chart);
}

constexpr const char* kSweepStyle = R"(<style>
  main { max-width: none; padding-left: 16px; padding-right: 16px; }
  table.points { font-size: 12px; }
  table.points th, table.points td { padding: 3px 4px; white-space: normal; }
  @media (max-width: 1700px) {
    table.points { font-size: 11px; }
    table.points th, table.points td { padding: 2px 3px; white-space: normal; }
  }
  svg { max-width: 100%; height: auto; }
  table.points th { white-space: normal; cursor: pointer; vertical-align: bottom; }
  table.points th[data-order=up]::after { content: " \25B2"; }
  table.points th[data-order=down]::after { content: " \25BC"; }
  table.points tr.front td { font-weight: 600; }
  table.points small { color: var(--muted); font-weight: normal; }
  i.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; }
  .plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; }
  .plots figure { margin: 0; }
  .plots figcaption { font-weight: 600; margin-bottom: 4px; }
</style>
)";

}  // namespace

std::string human_value(double value, const std::string& unit) {
  if (unit == "pJ") return si(value * 1e-12, "J");
  if (unit == "us") return si(value * 1e-6, "s");
  if (unit == "bytes") return si(value, "B");
  if (unit == "fraction") return fmt::format("{:.1f}%", value * 100);
  if (unit == "mm^2") return fmt::format("{:.3f} mm²", value);
  if (unit == "images/s") return si(value, "img/s");
  if (unit == "cycles" || unit == "PEs" || unit.empty()) {
    if (std::fabs(value) < 10000) return fmt::format("{:g}", value);
    return si(value, "");
  }
  return si(value, unit);
}

int colour_column(const ResultsTable& table) {
  for (std::size_t c = 0; c < table.columns.size(); ++c)
    if (!table.colour_by.empty() && table.columns[c] == table.colour_by) return static_cast<int>(c);
  int best = -1;
  std::size_t best_count = 0;
  bool best_numeric = true;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const std::size_t n = distinct_labels(table, c).size();
    if (n < 2 || n > std::size(kPalette)) continue;
    const bool numeric = numeric_column(table, c);
    if (best < 0 || (best_numeric && !numeric) || (numeric == best_numeric && n < best_count)) {
      best = static_cast<int>(c);
      best_count = n;
      best_numeric = numeric;
    }
  }
  return best;
}

std::string colour_of(const ResultsTable& table, int column, const std::string& label) {
  if (column < 0) return kPalette[0];
  const auto labels = distinct_labels(table, static_cast<std::size_t>(column));
  const auto it = std::find(labels.begin(), labels.end(), label);
  const std::size_t index = it == labels.end() ? 0 : static_cast<std::size_t>(it - labels.begin());
  return kPalette[index % std::size(kPalette)];
}

std::string sweep_report_html(const ResultsTable& table, const std::string& pareto_plot,
                              const FrontLayers& front_layers) {
  report::ReportInputs inputs;
  inputs.title = "accelsim sweep: " + table.name;
  inputs.subtitle = fmt::format("{} points: {}", table.rows.size(), table.status_summary());
  inputs.sections.push_back({"pareto", "Pareto front", std::string(kSweepStyle) + pareto_plot});
  const std::string plots = metric_plots(table);
  if (!plots.empty()) inputs.sections.push_back({"trends", "Objectives against a swept parameter", plots});
  if (!front_layers.empty())
    inputs.sections.push_back(
        {"front-layers", "Cycles per layer across the front", front_breakdown(table, front_layers)});
  inputs.sections.push_back({"points", "Design points", points_table(table)});
  return report::render_report(inputs);
}

}  // namespace accelsim::sweep
