#include "sim/report/timing_difference.h"

#include <fmt/format.h>

#include <vector>

#include "modules/pe_array/dataflow.h"

namespace accelsim::report {

std::string timing_difference(const hardware::PeArrayConfig& config, int64_t m, int64_t k, int64_t n,
                              const TileCounts& tiles, int64_t fast, int64_t scalesim) {
  if (fast == scalesim + 1) return "equal up to SCALE-Sim's 0-based last cycle";
  const auto space = modules::fold_space(config.dataflow, m, k, n);
  const int64_t R = config.rows, C = config.cols;
  const int64_t sr = space.spatial_rows, sc = space.spatial_cols, t = space.temporal;
  const bool os = config.dataflow == hardware::Dataflow::OutputStationary;
  const int64_t folds = ((sr + R - 1) / R) * ((sc + C - 1) / C);
  const int64_t tile_count = tiles.m * tiles.k * tiles.n;
  std::vector<std::string> parts;
  if (!os && folds > 1 && t >= C)
    parts.push_back("consecutive folds overlap (shadow registers), no R-cycle preload per fold");
  if (os && folds > 1) parts.push_back("fold results drain over the row bus while the next fold computes");
  if (!os && folds > 1 && t < C)
    parts.push_back(fmt::format("T = {} < C: each fold waits {} cycles for its row writes", t, C));
  if (sr % R != 0 || sc % C != 0)
    parts.push_back("partial folds drain only their used columns/rows, SCALE-Sim charges the full array");
  if (tile_count > 1)
    parts.push_back(
        fmt::format("{} tiles ({} x {} x {} for the accumulator and weight buffers) each fill and drain "
                    "the array",
                    tile_count, tiles.m, tiles.k, tiles.n));
  if (parts.empty()) parts.push_back("fill and drain counted per tile, not per fold");
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : "; ") + part;
  return text + (fast < scalesim ? " (accelsim faster)" : " (accelsim slower)");
}

}  // namespace accelsim::report
