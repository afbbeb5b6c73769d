// The detailed per-cycle array against the fast tile equations, on a grid of arrays, dataflows
// and tile shapes (values and cycles), and both against hand-derived cases.
#include "modules/pe_array/timing/systolic_array.h"

#include <gtest/gtest.h>

#include <random>

#include "modules/pe_array/timing/fold_schedule.h"

namespace accelsim::modules {
namespace {

using hardware::Dataflow;

hardware::PeArrayConfig array(int64_t rows, int64_t cols, Dataflow dataflow, bool shadow) {
  hardware::PeArrayConfig config;
  config.rows = rows;
  config.cols = cols;
  config.dataflow = dataflow;
  config.double_buffered_operands = shadow;
  return config;
}

struct Operands {
  std::vector<int16_t> a, w;
  std::vector<int64_t> expected;  // m x n
};

Operands random_operands(int64_t m, int64_t k, int64_t n, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> value(-255, 255);
  Operands o;
  for (int64_t i = 0; i < m * k; ++i) o.a.push_back(static_cast<int16_t>(value(generator)));
  for (int64_t i = 0; i < n * k; ++i) o.w.push_back(static_cast<int16_t>(value(generator)));
  o.expected.assign(static_cast<std::size_t>(m * n), 0);
  for (int64_t mi = 0; mi < m; ++mi)
    for (int64_t ni = 0; ni < n; ++ni)
      for (int64_t ki = 0; ki < k; ++ki) o.expected[mi * n + ni] += int64_t{o.a[mi * k + ki]} * o.w[ni * k + ki];
  return o;
}

// Runs the detailed model; checks its values; returns its cycles.
uint64_t detailed_cycles(const hardware::PeArrayConfig& config, int64_t m, int64_t k, int64_t n, unsigned seed = 7) {
  const Operands o = random_operands(m, k, n, seed);
  std::vector<int64_t> partial(static_cast<std::size_t>(m * n), -1);
  SystolicArray systolic(config);
  const uint64_t cycles = systolic.run(o.a.data(), o.w.data(), m, k, n, partial.data());
  EXPECT_EQ(partial, o.expected) << "values differ for " << m << "x" << k << "x" << n;
  return cycles;
}

struct Shape {
  int64_t m, k, n;
};

TEST(SystolicArray, MatchesTheFastEquationsOnAGridOfArraysDataflowsAndShapes) {
  const std::vector<Shape> shapes = {{1, 1, 1},   {3, 5, 7},  {10, 4, 4}, {7, 9, 3},  {16, 16, 16}, {5, 17, 2},
                                     {20, 3, 11}, {1, 25, 6}, {2, 40, 9}, {12, 8, 1}, {1, 1, 13},   {9, 2, 30}};
  const std::vector<int64_t> sizes = {2, 3, 4, 5, 8};
  int cases = 0;
  for (int64_t rows : sizes)
    for (int64_t cols : sizes)
      for (Dataflow dataflow : {Dataflow::WeightStationary, Dataflow::OutputStationary, Dataflow::InputStationary})
        for (bool shadow : {true, false})
          for (const Shape& s : shapes) {
            const auto config = array(rows, cols, dataflow, shadow);
            const uint64_t fast = fast_tile_cycles(config, s.m, s.k, s.n);
            const uint64_t detailed = detailed_cycles(config, s.m, s.k, s.n, static_cast<unsigned>(cases));
            ASSERT_EQ(detailed, fast) << rows << "x" << cols << " " << hardware::name_of(dataflow)
                                      << (shadow ? " shadow" : " no shadow") << " tile " << s.m << "x" << s.k << "x"
                                      << s.n;
            ++cases;
          }
  EXPECT_EQ(cases, 5 * 5 * 3 * 2 * 12);
}

TEST(SystolicArray, WeightStationaryOneFold) {
  // 4x4, M=10 K=4 N=4: one fold. Rows written in cycles 0-3, streaming from cycle 1 (row r
  // needs its weights from 1 + r); the last vector (t = 9) leaves the bottom of column 3 at
  // the end of cycle 1 + 9 + 3 + 3 = 16: 17 cycles.
  const auto config = array(4, 4, Dataflow::WeightStationary, true);
  EXPECT_EQ(detailed_cycles(config, 10, 4, 4), 17u);
  EXPECT_EQ(fast_tile_cycles(config, 10, 4, 4), 17u);
}

TEST(SystolicArray, WeightStationaryTwoRowFoldsWithAndWithoutShadowRegisters) {
  // 2x2, M=3 K=4 N=2: two folds of 2 rows x 2 columns, T = 3.
  // Shadow: s0 = 1. Row 0 is free for fold 1 once fold 0's first vector has passed both of
  // its columns (cycle 1 + 1 = 2): rows written in cycles 2, 3; s1 = max(1 + 3, 2 + 1) = 4.
  // Last result: end of cycle 4 + 2 + 1 + 1 = 8: 9 cycles.
  EXPECT_EQ(detailed_cycles(array(2, 2, Dataflow::WeightStationary, true), 3, 4, 2), 9u);
  // No shadow: row 0 free once fold 0's last vector (t = 2) has passed column 1: cycle
  // 1 + 2 + 1 = 4; s1 = 5; last result at the end of cycle 5 + 2 + 1 + 1 = 9: 10 cycles.
  EXPECT_EQ(detailed_cycles(array(2, 2, Dataflow::WeightStationary, false), 3, 4, 2), 10u);
}

TEST(SystolicArray, OutputStationaryTwoColumnFolds) {
  // 2x2, M=2 K=3 N=4: two folds of 2 rows x 2 columns, T = K = 3.
  // Fold 0 from cycle 0: PE (0, 1) completes at the end of cycle 0 + 2 + 0 + 1 = 3, so the
  // row bus reads row 0 in cycle 4 and row 1 in cycle 5.
  // Shadow: fold 1 may start at max(0 + 3, 4 - 3 + 1) = 3; its row 0 completes at the end of
  // cycle 3 + 2 + 1 = 6, read in 7, row 1 in 8: 9 cycles.
  EXPECT_EQ(detailed_cycles(array(2, 2, Dataflow::OutputStationary, true), 2, 3, 4), 9u);
  // No shadow: fold 1 starts when row 0 is read, cycle 4; row 0 read in 4 + 3 + 1 = 8,
  // row 1 in 9: 10 cycles.
  EXPECT_EQ(detailed_cycles(array(2, 2, Dataflow::OutputStationary, false), 2, 3, 4), 10u);
}

TEST(SystolicArray, InputStationaryPartialColumnFold) {
  // 2x2, M=3 K=2 N=5: inputs stationary (K on rows, M on columns), T = N = 5; folds of
  // 2 columns then 1. s0 = 1; fold 1's rows written from max(0 + 2, 1 + 2 - 1) = 2, so
  // s1 = max(1 + 5, 3) = 6; its last result leaves column 0 at the end of cycle
  // 6 + 4 + 1 + 0 = 11: 12 cycles.
  EXPECT_EQ(detailed_cycles(array(2, 2, Dataflow::InputStationary, true), 3, 2, 5), 12u);
}

}  // namespace
}  // namespace accelsim::modules
