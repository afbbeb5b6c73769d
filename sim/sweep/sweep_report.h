#pragma once

#include <string>

#include "sim/sweep/results_table.h"

namespace accelsim::sweep {

// report.html of a sweep: the HTML report (sim/report/html_report.h) with the Pareto plot and
// a table of every point, the Pareto points marked. Self-contained and deterministic.
std::string sweep_report_html(const ResultsTable& table);

}  // namespace accelsim::sweep
