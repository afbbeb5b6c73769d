#pragma once

#include <optional>
#include <vector>

#include "sim/sweep/metrics.h"

namespace accelsim::sweep {

// A candidate for the front: its objective values, or nullopt for a point that is out (failed,
// or lacking a value); such points are never on the front and never dominate.
using ObjectiveValues = std::optional<std::vector<double>>;

// Marks the points no other point dominates: another point dominates p when it is at least as
// good in every objective and strictly better in one (better = lower for Goal::Minimize,
// higher for Goal::Maximize). Points with equal values do not dominate each other, so all of
// them stay on the front. O(n^2 * objectives), fine for the thousands of points of a sweep.
//
// With a `tolerance` t > 0, differences of less than t (relative) are not trade-offs: the front
// points are taken in order of the first objective (best first, then the others), and one is
// dropped when a point kept before it is no worse than it by more than t * |its value| on every
// objective. t = 0.01 keeps a point only if it is more than 1% better than every kept point on
// some objective.
std::vector<bool> pareto_front(const std::vector<ObjectiveValues>& points, const std::vector<Goal>& goals,
                               double tolerance = 0);

}  // namespace accelsim::sweep
