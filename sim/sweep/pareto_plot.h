#pragma once

#include <string>

namespace accelsim::sweep {

struct ResultsTable;

// A self-contained SVG of the Pareto front: one scatter panel per pair of objectives, the ok
// points in grey and the front in red, each point with a tooltip of its settings. An axis
// whose values span more than a factor of 30 is drawn in log scale.
std::string pareto_svg(const ResultsTable& table);

}  // namespace accelsim::sweep
