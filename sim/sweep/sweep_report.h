#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/sweep/results_table.h"

namespace accelsim::sweep {

// The sweep's report.html, made for deciding: the Pareto plot (`pareto_plot`, the SVG of
// pareto_svg(table)) with its points coloured by a swept column, each objective against the
// most varied numeric column (a line per value of the colour column), and a sortable table of
// every point in human units, linking each point's own report. Fluid from 1000 px to 2560 px.
// `front_layers`: for front points (by index), each layer's name and cycles from the point's
// stats.json, drawn as a per-layer breakdown across the front.
using FrontLayers = std::map<int64_t, std::vector<std::pair<std::string, double>>>;
std::string sweep_report_html(const ResultsTable& table, const std::string& pareto_plot,
                              const FrontLayers& front_layers = {});

// A figure in its unit with an SI prefix: 10722800 pJ -> "10.72 µJ", 43.3878 us -> "43.39 µs",
// 65536 bytes -> "65.54 kB", 0.4321 fraction -> "43.2%", 123456 cycles -> "123.5 k".
std::string human_value(double value, const std::string& unit);

// The column the plots colour points by: the spec's colour_by, or else the one with the fewest
// distinct values (2 to 10), a column with non-numeric values first; -1 when none fits.
int colour_column(const ResultsTable& table);
// A colour per distinct label of `column`, in first-seen order, and the colour of `label`.
std::string colour_of(const ResultsTable& table, int column, const std::string& label);

}  // namespace accelsim::sweep
