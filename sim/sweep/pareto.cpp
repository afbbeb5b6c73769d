#include "sim/sweep/pareto.h"

#include <stdexcept>

namespace accelsim::sweep {

namespace {

// a dominates b
bool dominates(const std::vector<double>& a, const std::vector<double>& b, const std::vector<Goal>& goals) {
  bool strictly_better = false;
  for (std::size_t i = 0; i < goals.size(); ++i) {
    const double gain = goals[i] == Goal::Minimize ? b[i] - a[i] : a[i] - b[i];
    if (gain < 0) return false;
    if (gain > 0) strictly_better = true;
  }
  return strictly_better;
}

}  // namespace

std::vector<bool> pareto_front(const std::vector<ObjectiveValues>& points, const std::vector<Goal>& goals) {
  std::vector<bool> front(points.size(), false);
  if (goals.empty()) return front;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!points[i]) continue;
    if (points[i]->size() != goals.size())
      throw std::invalid_argument("pareto_front: a point has the wrong number of objectives");
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j)
      dominated = j != i && points[j] && dominates(*points[j], *points[i], goals);
    front[i] = !dominated;
  }
  return front;
}

}  // namespace accelsim::sweep
