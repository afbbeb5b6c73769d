#include "core/scalesim/scalesim_equations.h"

#include <algorithm>
#include <functional>

namespace accelsim::scalesim {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Where one dataflow puts the operands (SCALE-Sim's compute/systolic_compute_{ws,os,is}.py):
// the dimensions on the array's rows and columns and the one streamed in time.
struct Placement {
  int64_t spatial_rows, spatial_cols, temporal;
};

Placement place(Dataflow dataflow, int64_t E, int64_t K, int64_t N) {
  switch (dataflow) {
    case Dataflow::OutputStationary:
      return {E, N, K};
    case Dataflow::InputStationary:
      return {K, E, N};
    case Dataflow::WeightStationary:
      break;
  }
  return {K, N, E};
}

}  // namespace

double scalesim_overall_util(int64_t macs, int64_t cycles, int64_t rows, int64_t cols) {
  // Python's int / int is correctly rounded; so is double / double while both are below 2^53.
  return static_cast<double>(macs * 100) / static_cast<double>(cycles * rows * cols);
}

ScaleSimLayerFigures scalesim_layer_figures(const TopologyLayer& layer, int64_t R, int64_t Ca, Dataflow dataflow) {
  ScaleSimLayerFigures f;
  const int64_t ofmap_w = layer.ofmap_width();
  const int64_t E = layer.ofmap_height() * ofmap_w, K = layer.filter_height * layer.filter_width * layer.channels,
                N = layer.num_filters;
  f.ofmap_pixels = E;
  f.window = K;
  f.filters = N;
  f.macs = E * K * N;
  const Placement p = place(dataflow, E, K, N);
  const int64_t rf = ceil_div(p.spatial_rows, R), cf = ceil_div(p.spatial_cols, Ca), folds = rf * cf;
  const int64_t T = p.temporal;
  f.row_folds = rf;
  f.col_folds = cf;
  const bool os = dataflow == Dataflow::OutputStationary;
  // Demand lines per fold (every fold padded to the full array), and the cycles SCALE-Sim's
  // compute utilisation divides by: rows + columns - 1 of one unskewed demand block.
  const int64_t lines = os ? R + Ca + T - 2 : 2 * R + Ca + T - 2;
  const int64_t block_cycles = os ? R + Ca + T - 2 : 2 * R + 2 * Ca + T - 3;
  f.total_cycles = folds * lines - 1;

  // Mean over folds in SCALE-Sim's order (column folds outer, row folds inner), summed left to
  // right as Python <= 3.11's sum() does.
  double mapping_sum = 0, compute_sum = 0;
  for (int64_t c = 0; c < cf; ++c)
    for (int64_t r = 0; r < rf; ++r) {
      const int64_t used = std::min(R, p.spatial_rows - r * R) * std::min(Ca, p.spatial_cols - c * Ca);
      mapping_sum += static_cast<double>(used) / static_cast<double>(R * Ca);
      compute_sum += static_cast<double>(used * T) / static_cast<double>(R * Ca * block_cycles);
    }
  f.mapping_efficiency = (mapping_sum / static_cast<double>(folds)) * 100;
  f.compute_util = (compute_sum / static_cast<double>(folds)) * 100;

  switch (dataflow) {
    case Dataflow::WeightStationary:
      f.sram_ifmap_reads = E * K * cf, f.sram_filter_reads = K * N, f.sram_ofmap_writes = E * N * rf;
      break;
    case Dataflow::OutputStationary:  // os.py:349 adds rows + columns of every padded ofmap block
      f.sram_ifmap_reads = E * K * cf, f.sram_filter_reads = K * N * rf, f.sram_ofmap_writes = E * N + folds * (R + Ca);
      break;
    case Dataflow::InputStationary:
      f.sram_ifmap_reads = E * K, f.sram_filter_reads = K * N * cf, f.sram_ofmap_writes = E * N * rf;
      break;
  }

  // The demand lines. Fold (r, c) starts at line (c * rf + r) * lines; `rows_in(r)` and
  // `cols_in(c)` are the valid rows and columns of the fold, the rest being -1 padding.
  auto rows_in = [&](int64_t r) { return std::min(R, p.spatial_rows - r * R); };
  auto cols_in = [&](int64_t c) { return std::min(Ca, p.spatial_cols - c * Ca); };
  const int64_t first_start = 0, last_start = (folds - 1) * lines;
  const int64_t last_r = rf - 1, last_c = cf - 1;
  // Filter and ofmap addresses are all valid, so their first and last lines follow from the
  // demand layout alone (notes: WS filter flipped, WS/IS ofmap and IS filter skewed, OS ofmap
  // flipped and skewed).
  switch (dataflow) {
    case Dataflow::WeightStationary:
      f.sram_filter_start = first_start + (R - rows_in(0)) + 1;
      f.sram_filter_stop = last_start + (R - 1) + 1;
      f.sram_ofmap_start = first_start + 2 * R - 1;
      f.sram_ofmap_stop = last_start + 2 * R - 1 + (T - 1) + (cols_in(last_c) - 1);
      break;
    case Dataflow::OutputStationary:
      f.sram_filter_start = first_start + 1;
      f.sram_filter_stop = last_start + (T - 1) + (cols_in(last_c) - 1) + 1;
      f.sram_ofmap_start = first_start + (T - 1) + (R - rows_in(0));
      f.sram_ofmap_stop = last_start + (T - 1) + (R - 1) + (cols_in(last_c) - 1);
      break;
    case Dataflow::InputStationary:
      f.sram_filter_start = first_start + R + 1;
      f.sram_filter_stop = last_start + R + (T - 1) + (rows_in(last_r) - 1) + 1;
      f.sram_ofmap_start = first_start + 2 * R - 1;
      f.sram_ofmap_stop = last_start + 2 * R - 1 + (T - 1) + (cols_in(last_c) - 1);
      break;
  }

  // Ifmap addresses of partial edge windows are -1 (operand_matrix.py:151-174): scan the folds
  // from the first (last) one for the earliest (latest) line with a valid address.
  const int64_t H = layer.ifmap_height, W = layer.ifmap_width, Fw_C = layer.filter_width * layer.channels;
  auto valid = [&](int64_t e, int64_t k) {
    const int64_t i_row = (e / ofmap_w) * layer.stride_height, i_col = (e % ofmap_w) * layer.stride_width;
    const int64_t c_row = k / Fw_C, c_col = (k % Fw_C) / layer.channels;
    return i_row + c_row < H && i_col + c_col < W;
  };
  // Calls visit(line offset in the fold) for every valid ifmap address of fold (r, c).
  auto each_ifmap_line = [&](int64_t r, int64_t c, const std::function<void(int64_t)>& visit) {
    switch (dataflow) {
      case Dataflow::WeightStationary:  // k on the rows, every pixel in time, skewed by row
        for (int64_t kl = 0; kl < rows_in(r); ++kl)
          for (int64_t e = 0; e < E; ++e)
            if (valid(e, r * R + kl)) visit(R + e + kl);
        break;
      case Dataflow::OutputStationary:  // pixels on the rows, k in time, skewed by row
        for (int64_t el = 0; el < rows_in(r); ++el)
          for (int64_t k = 0; k < K; ++k)
            if (valid(r * R + el, k)) visit(k + el);
        break;
      case Dataflow::InputStationary:  // k on the rows (flipped), pixels on the columns
        for (int64_t kl = 0; kl < rows_in(r); ++kl)
          for (int64_t el = 0; el < cols_in(c); ++el)
            if (valid(c * Ca + el, r * R + kl)) {
              visit(R - 1 - kl);
              break;
            }
        break;
    }
  };
  for (int64_t fold = 0; fold < folds; ++fold) {
    int64_t first = -1;
    each_ifmap_line(fold % rf, fold / rf, [&](int64_t line) { first = first < 0 ? line : std::min(first, line); });
    if (first >= 0) {
      f.sram_ifmap_start = fold * lines + first + 1;
      break;
    }
  }
  for (int64_t fold = folds - 1; fold >= 0; --fold) {
    int64_t last = -1;
    each_ifmap_line(fold % rf, fold / rf, [&](int64_t line) { last = std::max(last, line); });
    if (last >= 0) {
      f.sram_ifmap_stop = fold * lines + last + 1;
      break;
    }
  }
  return f;
}

}  // namespace accelsim::scalesim
