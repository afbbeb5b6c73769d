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
std::vector<bool> pareto_front(const std::vector<ObjectiveValues>& points, const std::vector<Goal>& goals);

}  // namespace accelsim::sweep
