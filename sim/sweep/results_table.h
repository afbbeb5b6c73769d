#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/sweep/point_job.h"
#include "sim/sweep/sweep_plan.h"

namespace accelsim::sweep {

struct ResultRow {
  int64_t index = 0;
  std::string id;  // the point's fingerprint: its files are OUT/points/ID.json and OUT/points/ID/
  std::vector<ColumnSetting> settings;
  std::optional<PointResult> result;  // nullopt: not run (yet)
  bool pareto = false;
};

// The results of a sweep, one row per point in point order, whatever order they finished in.
struct ResultsTable {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::string> metrics;
  std::vector<std::string> pareto;
  std::vector<ResultRow> rows;
  double pareto_tolerance = 0;
  std::string colour_by;  // empty: chosen by colour_column()

  int64_t ok() const;
  int64_t failed() const;  // recorded with any status but ok
  int64_t not_run() const;
  // "12 ok, 5 invalid, 1 timeout, 2 not run": every status by the word the table shows, so that
  // summaries and the status column say the same.
  std::string status_summary() const;
};

// Rows for every point of the plan, with the results whose fingerprint matches, and the Pareto
// front over the plan's objectives among the ok points.
ResultsTable build_results(const SweepPlan& plan, const std::map<int64_t, PointResult>& results);

// results.csv: index, id, the columns, the metrics, bit_exact, pareto, status, error (RFC 4180).
std::string results_csv(const ResultsTable& table);
std::string results_json(const ResultsTable& table);

// Writes results.csv, results.json, pareto.svg and report.html into `out`, each whole or not at all.
void write_results(const ResultsTable& table, const std::filesystem::path& out);

// Reads every point result of the plan that is in its folder (matching fingerprints only).
std::map<int64_t, PointResult> read_recorded_results(const SweepPlan& plan);

}  // namespace accelsim::sweep
