#include "sim/sweep/results_table.h"

#include <fmt/format.h>

#include <fstream>

#include "core/io/atomic_file.h"
#include "sim/sweep/pareto.h"
#include "sim/sweep/pareto_plot.h"
#include "sim/sweep/sweep_report.h"

namespace accelsim::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number_text(const json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  // Ten significant digits: a figure, not the float noise of the sum behind it (43.387800000000006).
  if (value.is_number_float()) return fmt::format("{:.10g}", value.get<double>());
  return value.dump();
}

}  // namespace

int64_t ResultsTable::ok() const {
  int64_t count = 0;
  for (const auto& row : rows) count += row.result && row.result->status == PointStatus::Ok;
  return count;
}

int64_t ResultsTable::failed() const {
  int64_t count = 0;
  for (const auto& row : rows) count += row.result && row.result->status != PointStatus::Ok;
  return count;
}

int64_t ResultsTable::not_run() const {
  int64_t count = 0;
  for (const auto& row : rows) count += !row.result;
  return count;
}

std::string ResultsTable::status_summary() const {
  std::map<std::string, int64_t> counts;
  std::vector<std::string> order;
  for (PointStatus status : {PointStatus::Ok, PointStatus::Mismatch, PointStatus::Invalid, PointStatus::Failed,
                             PointStatus::Crashed, PointStatus::Timeout})
    order.emplace_back(name_of(status));
  for (const auto& row : rows) ++counts[row.result ? name_of(row.result->status) : "not run"];
  order.emplace_back("not run");
  std::string text = std::to_string(ok()) + " ok";
  for (const auto& word : order)
    if (word != "ok" && counts[word] > 0) text += ", " + std::to_string(counts[word]) + " " + word;
  return text;
}

ResultsTable build_results(const SweepPlan& plan, const std::map<int64_t, PointResult>& results) {
  ResultsTable table{plan.name, plan.columns, plan.metrics, plan.pareto, {}, plan.pareto_tolerance, plan.colour_by};
  std::vector<Goal> goals;
  for (const auto& objective : plan.pareto)
    goals.push_back(find_metric(objective) ? find_metric(objective)->goal : Goal::Minimize);
  std::vector<ObjectiveValues> objectives;
  for (const auto& job : plan.jobs) {
    ResultRow row{job.index, job.fingerprint, job.settings, std::nullopt, false};
    const auto found = results.find(job.index);
    if (found != results.end() && found->second.fingerprint == job.fingerprint) row.result = found->second;
    ObjectiveValues values;
    if (row.result && row.result->status == PointStatus::Ok) {
      std::vector<double> v;
      for (const auto& objective : plan.pareto) {
        const auto it = row.result->metrics.find(objective);
        if (it == row.result->metrics.end() || !it->is_number()) break;
        v.push_back(it->get<double>());
      }
      if (v.size() == plan.pareto.size()) values = v;
    }
    objectives.push_back(values);
    table.rows.push_back(std::move(row));
  }
  const std::vector<bool> front = pareto_front(objectives, goals, plan.pareto_tolerance);
  for (std::size_t i = 0; i < table.rows.size(); ++i) table.rows[i].pareto = front[i];
  return table;
}

std::string results_csv(const ResultsTable& table) {
  // kFixedCsvColumns in file order: index and id lead, the others trail.
  std::vector<std::string> header(kFixedCsvColumns.begin(), kFixedCsvColumns.begin() + 2);
  for (const auto& column : table.columns) header.push_back(column);
  for (const auto& metric : table.metrics) header.push_back(metric);
  header.insert(header.end(), kFixedCsvColumns.begin() + 2, kFixedCsvColumns.end());
  std::string text;
  for (std::size_t i = 0; i < header.size(); ++i) text += (i ? "," : "") + csv_field(header[i]);
  text += "\n";
  for (const auto& row : table.rows) {
    std::vector<std::string> fields = {std::to_string(row.index), row.id};
    for (const auto& setting : row.settings) fields.push_back(setting.label);
    for (const auto& metric : table.metrics) {
      const json* value = nullptr;
      if (row.result) {
        const auto it = row.result->metrics.find(metric);
        if (it != row.result->metrics.end()) value = &*it;
      }
      fields.push_back(value ? number_text(*value) : "");
    }
    fields.push_back(row.result && row.result->bit_exact ? (*row.result->bit_exact ? "true" : "false") : "");
    fields.push_back(row.pareto ? "true" : "false");
    fields.push_back(row.result ? name_of(row.result->status) : "not_run");
    fields.push_back(row.result ? row.result->error : "");
    for (std::size_t i = 0; i < fields.size(); ++i) text += (i ? "," : "") + csv_field(fields[i]);
    text += "\n";
  }
  return text;
}

std::string results_json(const ResultsTable& table) {
  json points = json::array();
  for (const auto& row : table.rows) {
    json settings = json::array();
    for (const auto& s : row.settings)
      settings.push_back({{"column", s.column}, {"value", s.value}, {"label", s.label}});
    json metrics = json::object();
    for (const auto& metric : table.metrics) {
      json value = nullptr;
      if (row.result)
        if (const auto it = row.result->metrics.find(metric); it != row.result->metrics.end()) value = *it;
      metrics[metric] = value;
    }
    points.push_back({{"index", row.index},
                      {"id", row.id},
                      {"settings", settings},
                      {"metrics", metrics},
                      {"bit_exact", row.result && row.result->bit_exact ? json(*row.result->bit_exact) : json(nullptr)},
                      {"pareto", row.pareto},
                      {"status", row.result ? name_of(row.result->status) : "not_run"},
                      {"error", row.result ? row.result->error : ""}});
  }
  const json document = {
      {"sweep", table.name},
      {"columns", table.columns},
      {"metrics", table.metrics},
      {"pareto_objectives", table.pareto},
      {"summary",
       {{"points", table.rows.size()}, {"ok", table.ok()}, {"failed", table.failed()}, {"not_run", table.not_run()}}},
      {"points", points}};
  return document.dump(2) + "\n";
}

void write_results(const ResultsTable& table, const fs::path& out) {
  report::write_file_atomically(out / "results.csv", results_csv(table));
  report::write_file_atomically(out / "results.json", results_json(table));
  const std::string plot = pareto_svg(table);  // drawn once: a file of its own and in the report
  report::write_file_atomically(out / "pareto.svg", plot);
  FrontLayers front_layers;
  for (const auto& row : table.rows) {
    if (!row.pareto) continue;
    std::ifstream in(point_output_dir(out, row.id) / "stats.json");
    if (!in) continue;  // merged from elsewhere without the point folders: no breakdown
    try {
      const nlohmann::json stats = nlohmann::json::parse(in);
      auto& layers = front_layers[row.index];
      for (const auto& layer : stats.at("layers"))
        layers.emplace_back(layer.at("name").get<std::string>(), layer.at("cycles").get<double>());
    } catch (const std::exception&) {
      front_layers.erase(row.index);
    }
  }
  report::write_file_atomically(out / "report.html", sweep_report_html(table, plot, front_layers));
}

std::map<int64_t, PointResult> read_recorded_results(const SweepPlan& plan) {
  std::map<int64_t, PointResult> results;
  for (const auto& job : plan.jobs) {
    auto result = read_point_result(job.result_file);
    if (!result || result->fingerprint != job.fingerprint) continue;
    result->index = job.index;  // the spec may have gained or lost points since it was recorded
    result->settings = job.settings;
    results.emplace(job.index, std::move(*result));
  }
  return results;
}

}  // namespace accelsim::sweep
