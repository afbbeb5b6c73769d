// SCALE-Sim's three report files, byte for byte, for one tiny layer on a 4x4 WS array whose
// every figure is derived by hand below.
#include "core/scalesim/scalesim_reports.h"

#include <gtest/gtest.h>

#include "core/scalesim/scalesim_equations.h"

namespace accelsim::scalesim {
namespace {

// 6x6x1 input, 3x3 filters, 2 of them, stride 2, on 4x4 WS:
//   ofmap ceil((6-3+2)/2) = 3 per side, E = 9, K = 9, N = 2; row folds ceil(9/4) = 3, column
//   folds 1; lines per fold 2*4+4+9-2 = 19; Total Cycles 3*19-1 = 56.
//   Overall Util = 9*9*2*100 / (56*16) = 16200/896 = 18.080357142857142.
//   Mapping Efficiency: used PEs per fold 4*2, 4*2, 1*2 -> (0.5+0.5+0.125)/3*100 = 37.5.
//   Compute Util: per fold used*9/(16*(8+8+9-3 = 22)) = 72/352, 72/352, 18/352, mean*100
//     = 15.340909090909092.
//   SRAM IFMAP Reads E*K*1 = 81, Filter Reads K*N = 18, OFMAP Writes E*N*3 = 54.
//   SRAM IFMAP start: fold 0, line R = 4 (after the weight load), read 1 cycle later: 5.
//   SRAM IFMAP stop: last fold starts at 2*19 = 38 and holds k = 8 (filter row 2, col 2): the
//     pixels whose window origin is 4 in either dimension read past the 6x6 edge (-1), so the
//     last valid one is pixel 4 (origin 2,2): line 38 + 4 + 4 + 0, read at 47.
//   SRAM Filter: flipped weight load, fold 0 full: line 0 -> 1; last fold's slice row 0 sits at
//     line 38 + 3 -> 42.
//   SRAM OFMAP writes: from line 2R-1 = 7; last at 38 + 7 + (9-1) + (2-1) = 54.
//   DRAM columns (accelsim's own figures in a real run) are given here: ifmap 0..99, 36 reads
//   -> 0.36/cycle; filter 10..59, 18 -> 0.36; ofmap 10..120, 18 -> 18/111 = 0.16216216216216217.
TEST(ScaleSimReports, TinyLayerByteForByte) {
  TopologyLayer layer;
  layer.ifmap_height = 6, layer.ifmap_width = 6, layer.filter_height = 3, layer.filter_width = 3;
  layer.channels = 1, layer.num_filters = 2, layer.stride_height = 2, layer.stride_width = 2;
  const ScaleSimLayerFigures f = scalesim_layer_figures(layer, 4, 4, Dataflow::WeightStationary);
  ReportRow row;
  row.total_cycles = f.total_cycles;
  row.overall_util = scalesim_overall_util(f.macs, f.total_cycles, 4, 4);
  row.mapping_efficiency = f.mapping_efficiency;
  row.compute_util = f.compute_util;
  row.sram_ifmap = {f.sram_ifmap_start, f.sram_ifmap_stop, f.sram_ifmap_reads};
  row.sram_filter = {f.sram_filter_start, f.sram_filter_stop, f.sram_filter_reads};
  row.sram_ofmap = {f.sram_ofmap_start, f.sram_ofmap_stop, f.sram_ofmap_writes};
  row.dram_ifmap = {0, 99, 36};
  row.dram_filter = {10, 59, 18};
  row.dram_ofmap = {10, 120, 18};
  ReportRow second = row;  // a second layer, to see the numbering
  second.stall_cycles = 3;

  EXPECT_EQ(compute_report({row, second}),
            "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n"
            "0, 56, 0, 18.080357142857142, 37.5, 15.340909090909092,\n"
            "1, 56, 3, 18.080357142857142, 37.5, 15.340909090909092,\n");
  // SRAM BW = accesses / 56: 81/56, 18/56, 54/56.
  EXPECT_EQ(bandwidth_report({row}),
            "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, "
            "Avg OFMAP DRAM BW,\n"
            "0, 1.4464285714285714, 0.32142857142857145, 0.9642857142857143, 0.36, 0.36, 0.16216216216216217,\n");
  EXPECT_EQ(
      detailed_access_report({row}),
      "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter Start Cycle, SRAM "
      "Filter Stop Cycle, SRAM Filter Reads, SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, "
      "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, DRAM Filter Start Cycle, DRAM Filter Stop "
      "Cycle, DRAM Filter Reads, DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n"
      "0, 5.0, 47.0, 81, 1.0, 42.0, 18, 7.0, 54.0, 54, 0.0, 99.0, 36, 10.0, 59.0, 18, 10.0, 120.0, 18,\n");
}

}  // namespace
}  // namespace accelsim::scalesim
