#pragma once

#include <cstdint>

#include "core/scalesim/scalesim_config.h"
#include "core/scalesim/topology_csv.h"

namespace accelsim::scalesim {

// SCALE-Sim v2's figures for one layer in CALC mode, from its fold model in closed form
// (docs/scalesim.md): what its compute classes and its memory walk produce, without walking
// the demand matrices. Independent of accelsim's own timing.
struct ScaleSimLayerFigures {
  int64_t ofmap_pixels = 0;  // E = ofmap_h * ofmap_w with SCALE-Sim's ceil rule
  int64_t window = 0;        // K = Fh * Fw * C
  int64_t filters = 0;       // N
  int64_t macs = 0;          // E * K * N, partial edge windows included
  int64_t row_folds = 0;
  int64_t col_folds = 0;
  int64_t total_cycles = 0;       // folds * lines per fold - 1 (never stalls in CALC mode)
  double mapping_efficiency = 0;  // percent, mean over folds (Python <= 3.11 summation)
  double compute_util = 0;        // percent, mean over folds
  // SRAM accesses counted by SCALE-Sim's compute classes (bugs included: the OS ofmap count).
  int64_t sram_ifmap_reads = 0;
  int64_t sram_filter_reads = 0;
  int64_t sram_ofmap_writes = 0;
  // Service cycle of the first and last demand line holding a valid address (reads one cycle
  // after their line, writes on it).
  int64_t sram_ifmap_start = 0, sram_ifmap_stop = 0;
  int64_t sram_filter_start = 0, sram_filter_stop = 0;
  int64_t sram_ofmap_start = 0, sram_ofmap_stop = 0;
};

// `rows` x `cols` array in `dataflow`, one layer as SCALE-Sim reads it.
ScaleSimLayerFigures scalesim_layer_figures(const TopologyLayer& layer, int64_t rows, int64_t cols, Dataflow dataflow);

// Overall Util % of SCALE-Sim: MACs * 100 / (cycles * rows * cols), Python's true division.
double scalesim_overall_util(int64_t macs, int64_t cycles, int64_t rows, int64_t cols);

}  // namespace accelsim::scalesim
