#pragma once

#include <string>

#include "sim/sweep/results_table.h"

namespace accelsim::sweep {

// report.html of a sweep: the HTML report (sim/report/html_report.h) with the Pareto plot
// (`pareto_plot`, the SVG of pareto_svg(table)) and a table of every point, the Pareto points
// marked. Self-contained and deterministic.
std::string sweep_report_html(const ResultsTable& table, const std::string& pareto_plot);

}  // namespace accelsim::sweep
