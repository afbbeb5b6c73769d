#include <algorithm>
#include <vector>

#include "modules/pe_array/array_timing.h"
#include "modules/pe_array/dataflow.h"

namespace accelsim::modules {

namespace {

using hardware::Dataflow;
using hardware::PeArrayConfig;

// The folds of a tile, in execution order: row folds inside column folds. Each is the number
// of array rows and columns it occupies.
struct Fold {
  int64_t rows;
  int64_t cols;
};

std::vector<Fold> folds_of(const FoldSpace& space, int64_t R, int64_t C) {
  std::vector<Fold> folds;
  for (int64_t c0 = 0; c0 < space.spatial_cols; c0 += C)
    for (int64_t r0 = 0; r0 < space.spatial_rows; r0 += R)
      folds.push_back({std::min(R, space.spatial_rows - r0), std::min(C, space.spatial_cols - c0)});
  return folds;
}

class FastTiming : public ArrayTiming {
 public:
  explicit FastTiming(const PeArrayConfig& config) : config_(config) {}

  uint64_t tile_cycles(int64_t m, int64_t k, int64_t n) const override {
    const FoldSpace space = fold_space(config_.dataflow, m, k, n);
    const std::vector<Fold> folds = folds_of(space, config_.rows, config_.cols);
    return config_.dataflow == Dataflow::OutputStationary ? output_stationary(folds, space.temporal)
                                                          : operand_stationary(folds, space.temporal);
  }

 private:
  // WS and IS: a fold first shifts its stationary operands down into `rows` rows (one row per
  // cycle), then streams T vectors in from the left, skewed by one cycle per row; a result
  // leaves the bottom of column c after passing all R rows: the last one T + R + cols - 2
  // cycles after streaming starts. With shadow registers the next fold's operands load while
  // the current fold streams, and its stream follows directly once loaded.
  uint64_t operand_stationary(const std::vector<Fold>& folds, int64_t T) const {
    const int64_t R = config_.rows;
    int64_t start = folds.front().rows;  // first load
    int64_t finish = 0;
    for (std::size_t f = 0; f < folds.size(); ++f) {
      const int64_t end = start + T + R + folds[f].cols - 2;
      finish = std::max(finish, end);
      if (f + 1 == folds.size()) break;
      const int64_t next_load = folds[f + 1].rows;
      start = config_.double_buffered_operands ? start + std::max(T, next_load) : end + next_load;
    }
    return static_cast<uint64_t>(finish);
  }

  // OS: operands enter from the left (rows) and the top (columns), skewed; PE (r, c) has its
  // last product T + r + c - 1 cycles in, so the fold computes in T + rows + cols - 2 cycles
  // and then shifts its results out of the bottom, one row per cycle (rows cycles). Shadow
  // output registers let the next fold compute while the current one drains.
  uint64_t output_stationary(const std::vector<Fold>& folds, int64_t T) const {
    int64_t start = 0;
    int64_t finish = 0;
    for (std::size_t f = 0; f < folds.size(); ++f) {
      const int64_t computed = start + T + folds[f].rows + folds[f].cols - 2;
      const int64_t drained = computed + folds[f].rows;
      finish = std::max(finish, drained);
      if (f + 1 == folds.size()) break;
      start = config_.double_buffered_operands ? start + std::max(T, folds[f].rows) : drained;
    }
    return static_cast<uint64_t>(finish);
  }

  PeArrayConfig config_;
};

}  // namespace

std::unique_ptr<ArrayTiming> make_fast_timing(const PeArrayConfig& config) { return std::make_unique<FastTiming>(config); }

std::unique_ptr<ArrayTiming> make_array_timing(const PeArrayConfig& config) {
  switch (config.timing) {
    case hardware::TimingMode::Fast:
    case hardware::TimingMode::Detailed:
    case hardware::TimingMode::ScaleSim:
      break;
  }
  return make_fast_timing(config);
}

}  // namespace accelsim::modules
