#include "sim/sweep/pareto.h"

#include <algorithm>
#include <cmath>
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

std::vector<bool> pareto_front(const std::vector<ObjectiveValues>& points, const std::vector<Goal>& goals,
                               double tolerance) {
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
  if (tolerance <= 0) return front;

  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < points.size(); ++i)
    if (front[i]) order.push_back(i);
  auto better = [&](std::size_t a, std::size_t b) {  // a before b: best first, objective by objective
    for (std::size_t k = 0; k < goals.size(); ++k) {
      const double va = (*points[a])[k], vb = (*points[b])[k];
      if (va != vb) return goals[k] == Goal::Minimize ? va < vb : va > vb;
    }
    return a < b;
  };
  std::sort(order.begin(), order.end(), better);
  std::vector<std::size_t> kept;
  for (std::size_t i : order) {
    const std::vector<double>& p = *points[i];
    bool covered = false;
    for (std::size_t j : kept) {
      const std::vector<double>& q = *points[j];
      bool within = true;
      for (std::size_t k = 0; k < goals.size() && within; ++k) {
        const double gain = goals[k] == Goal::Minimize ? p[k] - q[k] : q[k] - p[k];  // > 0: q better
        within = gain >= -tolerance * std::fabs(p[k]);
      }
      covered = covered || within;
    }
    if (covered)
      front[i] = false;
    else
      kept.push_back(i);
  }
  return front;
}

}  // namespace accelsim::sweep
