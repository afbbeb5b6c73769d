#pragma once

#include <cstdint>
#include <optional>
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
// Each layer's first slice is marked by a dashed line with the layer's name. `range` (cycles,
// [begin, end)) draws a part of the window only, e.g. one image of a long batch.
std::string timeline_chart(const trace::Timeline& timeline, int width = svg::kDefaultWidth,
                           std::optional<std::pair<uint64_t, uint64_t>> range = std::nullopt);

// The cycles [begin, end) of image `image`'s slices, if the timeline holds any (slices carry
// their image in args.image).
std::optional<std::pair<uint64_t, uint64_t>> image_cycles(const trace::Timeline& timeline, int64_t image);
// How many images the timeline's slices belong to.
int64_t traced_images(const trace::Timeline& timeline);
std::vector<std::pair<std::string, std::string>> timeline_legend(const trace::Timeline& timeline);

}  // namespace accelsim::report
