#pragma once

#include <cstdint>
#include <vector>

#include "core/hardware/hardware_config.h"
#include "modules/pe_array/dataflow.h"

namespace accelsim::modules {

// One fold: the block of the tile that sits on the array at once.
struct Fold {
  int64_t row_begin;  // first spatial row (of FoldSpace::spatial_rows)
  int64_t rows;       // array rows it occupies
  int64_t col_begin;
  int64_t cols;
};

// The folds of a tile in execution order: row blocks inside column blocks, so that folds that
// add into the same outputs follow each other.
std::vector<Fold> folds_of(const FoldSpace& space, int64_t array_rows, int64_t array_cols);

// The `fast` timing model: cycle-exact tile equations for the array described in
// docs/timing.md (stationary rows written over a row bus, skewed streaming, partial sums out of
// the bottom; for OS, results read out over a row bus). The detailed per-cycle model in
// systolic_array.h simulates the same array register by register, and tests hold the two equal.
uint64_t fast_tile_cycles(const hardware::PeArrayConfig& config, int64_t m, int64_t k, int64_t n);

}  // namespace accelsim::modules
