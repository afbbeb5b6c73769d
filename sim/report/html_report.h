#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/report/effective_config.h"
#include "sim/run/workload.h"
#include "sim/trace/timeline.h"

namespace accelsim::report {

// A section a caller writes itself: `title` is text, `html` goes in as it is (the caller's own
// markup, e.g. an SVG plot; it must load nothing from elsewhere).
struct ReportSection {
  std::string id;  // the anchor in the page's navigation
  std::string title;
  std::string html;
};

// What a report shows. Everything is optional, so that a single run and a sweep can both use
// it: a run passes its stats.json (and its timeline when one was recorded); a sweep passes its
// own sections (its Pareto plot, drawn by sim/sweep/pareto_plot.cpp, and its table of points).
struct ReportInputs {
  std::string title;                      // the page's heading
  std::string subtitle;                   // a line under it
  const nlohmann::json* stats = nullptr;  // a stats.json document (docs/outputs.md)
  // The run's effective configuration, shown in place of stats' "effective_config" (which a
  // run's stats document leaves out: stats_text writes it from these).
  const std::vector<EffectiveEntry>* effective_config = nullptr;
  double dram_bytes_per_cycle = 0;            // the roofline's memory roof; 0: none drawn
  std::string dram_roof_source;               // where that roof comes from, said under the chart
  const trace::Timeline* timeline = nullptr;  // drawn when given
  std::vector<ReportSection> sections;        // appended after the built-in ones, in order
};

// The report: one HTML page holding its styles and charts (SVG drawn here), with no scripts
// and nothing loaded from elsewhere, so that it opens offline and anywhere. Deterministic.
std::string render_report(const ReportInputs& inputs);

// `page` with each `{{name}}` replaced by its value from `values`, filled in one pass over
// `page`: a value is copied as it is and never searched for placeholders, so text that
// contains "{{footer}}" or stray braces comes out unchanged. Every name must occur exactly
// once in `page`, and `page` must hold no other "{{"; otherwise std::logic_error (the
// template and its caller disagree).
std::string fill_placeholders(std::string_view page,
                              const std::vector<std::pair<std::string_view, std::string_view>>& values);

// The inputs for the report of one simulation: its stats.json and, if recorded, its timeline.
ReportInputs run_report_inputs(const run::Workload& workload, const nlohmann::json& stats,
                               const trace::Timeline* timeline);

}  // namespace accelsim::report
