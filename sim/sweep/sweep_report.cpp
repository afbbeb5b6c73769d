#include "sim/sweep/sweep_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/report/html_report.h"
#include "sim/report/svg_chart.h"

namespace accelsim::sweep {

namespace {

std::string metric_text(const nlohmann::json& value) {
  if (value.is_number_float()) return fmt::format("{:.6g}", value.get<double>());
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string points_table(const ResultsTable& table) {
  using report::svg::escape;
  std::string html =
      "<div style=\"overflow-x:auto\">\n<p>Every design point, in point order; Pareto points (over " +
      escape(fmt::format("{}", fmt::join(table.pareto, ", "))) +
      ") in bold. Each point's own report is in <code>points/ID/report.html</code>.</p>\n<table>\n<tr><th>#</th>";
  for (const auto& column : table.columns) html += "<th>" + escape(column) + "</th>";
  for (const auto& metric : table.metrics) html += "<th>" + escape(metric) + "</th>";
  html += "<th>bit-exact</th><th>Pareto</th><th>status</th></tr>\n";
  for (const auto& row : table.rows) {
    html += row.pareto ? "<tr style=\"font-weight:bold\">" : "<tr>";
    html += fmt::format("<td>{}</td>", row.index);
    for (const auto& setting : row.settings) html += "<td>" + escape(setting.label) + "</td>";
    for (const auto& metric : table.metrics) {
      std::string text;
      if (row.result && row.result->metrics.contains(metric)) text = metric_text(row.result->metrics.at(metric));
      html += "<td>" + escape(text) + "</td>";
    }
    const std::string exact = row.result && row.result->bit_exact ? (*row.result->bit_exact ? "yes" : "NO") : "";
    const std::string status =
        row.result ? (row.result->status == PointStatus::Ok ? "ok" : row.result->error) : "not run";
    html += "<td>" + exact + "</td><td>" + (row.pareto ? "yes" : "") + "</td><td>" + escape(status) + "</td></tr>\n";
  }
  return html + "</table>\n</div>\n";
}

}  // namespace

std::string sweep_report_html(const ResultsTable& table, const std::string& pareto_plot) {
  report::ReportInputs inputs;
  inputs.title = "accelsim sweep: " + table.name;
  inputs.subtitle = fmt::format("{} points: {} ok, {} failed, {} not run", table.rows.size(), table.ok(),
                                table.failed(), table.not_run());
  inputs.sections.push_back({"pareto", "Pareto front", pareto_plot});
  inputs.sections.push_back({"points", "Design points", points_table(table)});
  return report::render_report(inputs);
}

}  // namespace accelsim::sweep
