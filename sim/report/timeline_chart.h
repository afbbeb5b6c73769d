#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sim/report/svg_chart.h"
#include "sim/trace/timeline.h"

namespace accelsim::report {

// The colour of a layer's slices and points, the same in every chart of the report.
const std::string& layer_color(int layer);

// A recorded timeline as SVG: one lane per module (units' slices coloured by layer, waiting in
// grey; memory lanes by read and write), then a step plot per counter. Slices and counter
// steps narrower than a pixel merge, so that the drawing stays small however long the run.
std::string timeline_chart(const trace::Timeline& timeline, int width = svg::kDefaultWidth);
std::vector<std::pair<std::string, std::string>> timeline_legend(const trace::Timeline& timeline);

}  // namespace accelsim::report
