// Pareto marking: dominance in every direction, ties, points that are out, and the column a
// sweep writes.
#include <gtest/gtest.h>

#include "sim/sweep/pareto.h"
#include "sim/sweep/pareto_plot.h"
#include "sim/sweep/results_table.h"
#include "sim/sweep/sweep_report.h"

namespace accelsim::testing {
namespace {

using sweep::Goal;
using sweep::ObjectiveValues;
using sweep::pareto_front;

std::vector<bool> front_of(const std::vector<std::vector<double>>& points, const std::vector<Goal>& goals) {
  std::vector<ObjectiveValues> values(points.begin(), points.end());
  return pareto_front(values, goals);
}

TEST(SweepPareto, KeepsExactlyTheNonDominatedPoints) {
  // cycles, energy: (1,9) (3,3) (9,1) trade off; (4,4) is dominated by (3,3); (9,9) by all.
  const auto front = front_of({{1, 9}, {3, 3}, {4, 4}, {9, 1}, {9, 9}}, {Goal::Minimize, Goal::Minimize});
  EXPECT_EQ(front, (std::vector<bool>{true, true, false, true, false}));
}

TEST(SweepPareto, EqualInOneObjectiveAndWorseInAnotherIsDominated) {
  const auto front = front_of({{2, 5}, {2, 6}, {1, 7}}, {Goal::Minimize, Goal::Minimize});
  EXPECT_EQ(front, (std::vector<bool>{true, false, true}));
}

TEST(SweepPareto, IdenticalPointsStayOnTheFrontTogether) {
  const auto front = front_of({{2, 2}, {2, 2}, {3, 3}}, {Goal::Minimize, Goal::Minimize});
  EXPECT_EQ(front, (std::vector<bool>{true, true, false}));
}

TEST(SweepPareto, MaximizedObjectivesCountHigherAsBetter) {
  // accuracy (max), area (min): (0.99, 2) and (0.98, 1) trade off; (0.97, 1.5) is dominated by (0.98, 1).
  const auto front = front_of({{0.99, 2}, {0.98, 1}, {0.97, 1.5}}, {Goal::Maximize, Goal::Minimize});
  EXPECT_EQ(front, (std::vector<bool>{true, true, false}));
  // The same numbers with both minimized: (0.97, 1.5) now trades off against (0.98, 1).
  EXPECT_EQ(front_of({{0.99, 2}, {0.98, 1}, {0.97, 1.5}}, {Goal::Minimize, Goal::Minimize}),
            (std::vector<bool>{false, true, true}));
}

TEST(SweepPareto, ThreeObjectives) {
  // (5,5,1) is best in the third objective only, so it stays; (6,6,2) is dominated by (5,5,1).
  const auto front = front_of({{1, 9, 9}, {9, 1, 9}, {5, 5, 1}, {6, 6, 2}, {2, 9, 9}},
                              {Goal::Minimize, Goal::Minimize, Goal::Minimize});
  EXPECT_EQ(front, (std::vector<bool>{true, true, true, false, false}));
}

TEST(SweepPareto, PointsThatAreOutNeitherJoinNorDominate) {
  std::vector<ObjectiveValues> values = {std::vector<double>{5, 5}, std::nullopt, std::vector<double>{6, 6}};
  EXPECT_EQ(pareto_front(values, {Goal::Minimize, Goal::Minimize}), (std::vector<bool>{true, false, false}));
  // A failed point with better numbers (as if it had any) cannot push an ok point off the front.
  values = {std::vector<double>{6, 6}, std::nullopt};
  EXPECT_EQ(pareto_front(values, {Goal::Minimize, Goal::Minimize}), (std::vector<bool>{true, false}));
  EXPECT_EQ(pareto_front(values, {}), (std::vector<bool>{false, false}));
}

TEST(SweepPareto, ResultsMarkOnlyOkPointsAndUseEachMetricsGoal) {
  sweep::SweepPlan plan;
  plan.name = "t";
  plan.columns = {"x"};
  plan.metrics = {"cycles", "accuracy"};
  plan.pareto = {"cycles", "accuracy"};
  std::map<int64_t, sweep::PointResult> results;
  const std::vector<std::pair<double, double>> values = {{100, 0.9}, {200, 0.95}, {150, 0.85}, {50, 0.99}};
  for (int64_t i = 0; i < 5; ++i) {
    sweep::PointJob job;
    job.index = i;
    job.fingerprint = "f" + std::to_string(i);
    job.settings = {{"x", std::to_string(i), std::to_string(i)}};
    plan.jobs.push_back(job);
    if (i == 4) continue;  // not run
    sweep::PointResult r;
    r.index = i;
    r.fingerprint = job.fingerprint;
    r.status = i == 3 ? sweep::PointStatus::Mismatch : sweep::PointStatus::Ok;  // the best numbers, but not bit-exact
    r.metrics = {{"cycles", values[i].first}, {"accuracy", values[i].second}};
    results[i] = r;
  }
  const auto table = sweep::build_results(plan, results);
  std::vector<bool> marked;
  for (const auto& row : table.rows) marked.push_back(row.pareto);
  EXPECT_EQ(marked, (std::vector<bool>{true, true, false, false, false}));
  EXPECT_EQ(table.ok(), 3);
  EXPECT_EQ(table.failed(), 1);
  EXPECT_EQ(table.not_run(), 1);

  // report.html: the Pareto plot and every point, the two Pareto points in bold, no script but
  // the table's own sorting, inline.
  const std::string html = sweep::sweep_report_html(table, sweep::pareto_svg(table));
  EXPECT_NE(html.find("5 points: 3 ok, 1 mismatch, 1 not run"), std::string::npos);
  EXPECT_NE(html.find("Pareto front"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  std::size_t bold = 0;
  for (std::size_t at = html.find("<tr class=\"front\">"); at != std::string::npos;
       at = html.find("<tr class=\"front\">", at + 1))
    ++bold;
  EXPECT_EQ(bold, 2u);
  EXPECT_NE(html.find("not run"), std::string::npos);
  EXPECT_EQ(html.find("<script"), html.rfind("<script")) << "one script";
  EXPECT_EQ(html.find("<script src"), std::string::npos) << "nothing loaded from elsewhere";
}

}  // namespace
}  // namespace accelsim::testing
