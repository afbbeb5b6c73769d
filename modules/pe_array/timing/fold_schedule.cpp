#include "modules/pe_array/timing/fold_schedule.h"

#include <algorithm>

namespace accelsim::modules {

using hardware::Dataflow;

std::vector<Fold> folds_of(const FoldSpace& space, int64_t array_rows, int64_t array_cols) {
  std::vector<Fold> folds;
  for (int64_t c0 = 0; c0 < space.spatial_cols; c0 += array_cols)
    for (int64_t r0 = 0; r0 < space.spatial_rows; r0 += array_rows)
      folds.push_back(
          {r0, std::min(array_rows, space.spatial_rows - r0), c0, std::min(array_cols, space.spatial_cols - c0)});
  return folds;
}

namespace {

// WS and IS. Fold j streams from cycle s_j; its stationary rows are written one per cycle from
// cycle L_j. Vector t enters row r at s_j + t + r and its partial sum for column c leaves the
// bottom at the end of cycle s_j + t + (R - 1) + c.
//   L_0 = 0, s_0 = 1                         (row r is written in cycle r, needed from 1 + r)
//   L_j+1 = max(L_j + rows_j,                 the row bus writes one row per cycle
//               s_j + C - 1)        shadow:   row r is free once fold j's first vector has
//                                             passed all C columns of it (cycle s_j + r + C - 1)
//               s_j + T + C - 2)    no shadow: ... once its last vector has
//   s_j+1 = max(s_j + T, L_j+1 + 1)           the left edge is busy T cycles per fold
//   cycles = max_j (s_j + T + R + cols_j - 2)
uint64_t operand_stationary(const std::vector<Fold>& folds, int64_t T, int64_t R, int64_t C, bool shadow) {
  int64_t load = 0, start = 1, finish = 0;
  for (std::size_t j = 0; j < folds.size(); ++j) {
    finish = std::max(finish, start + T + R + folds[j].cols - 2);
    if (j + 1 == folds.size()) break;
    load = std::max(load + folds[j].rows, shadow ? start + C - 1 : start + T + C - 2);
    start = std::max(start + T, load + 1);
  }
  return static_cast<uint64_t>(finish);
}

// OS. Fold j streams from s_j: A[m][k] enters row r and W[k][n] column c at s_j + k + r
// (+ c); PE (r, c) completes at the end of cycle s_j + T - 1 + r + c. A row bus reads one
// finished row per cycle, row 0 of fold j in cycle D_j:
//   D_j = max(s_j + T + cols_j - 1,            row 0 complete in every used column
//             D_j-1 + rows_j-1)                the bus is still reading fold j-1
//   s_0 = 0
//   s_j+1 = max(s_j + T,                       the edges are busy T cycles per fold
//               D_j - T + 1)        shadow:    fold j+1's first results go to shadow registers
//                                              at the end of cycle s_j+1 + T - 1 (+ r + c):
//                                              they must have been read by then
//               D_j)                no shadow: its first products reset the accumulators
//   cycles = D_last + rows_last
uint64_t output_stationary(const std::vector<Fold>& folds, int64_t T, bool shadow) {
  int64_t start = 0, read = 0, bus_free = 0, finish = 0;
  for (std::size_t j = 0; j < folds.size(); ++j) {
    read = std::max(start + T + folds[j].cols - 1, bus_free);
    bus_free = read + folds[j].rows;
    finish = bus_free;
    start = std::max(start + T, shadow ? read - T + 1 : read);
  }
  return static_cast<uint64_t>(finish);
}

}  // namespace

uint64_t fast_tile_cycles(const hardware::PeArrayConfig& config, int64_t m, int64_t k, int64_t n) {
  const FoldSpace space = fold_space(config.dataflow, m, k, n);
  const std::vector<Fold> folds = folds_of(space, config.rows, config.cols);
  if (config.dataflow == Dataflow::OutputStationary)
    return output_stationary(folds, space.temporal, config.double_buffered_operands);
  return operand_stationary(folds, space.temporal, config.rows, config.cols, config.double_buffered_operands);
}

}  // namespace accelsim::modules
