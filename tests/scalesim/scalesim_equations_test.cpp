// SCALE-Sim v2's per-layer figures in closed form, against the figures real SCALE-Sim v2 runs
// printed (CALC mode; /work/notes/scalesim.md §5.1 and §6, Python 3.11), and a hand-derived case.
#include "core/scalesim/scalesim_equations.h"

#include <gtest/gtest.h>

namespace accelsim::scalesim {
namespace {

TopologyLayer conv(int64_t h, int64_t w, int64_t fh, int64_t fw, int64_t c, int64_t n, int64_t s) {
  TopologyLayer layer;
  layer.name = "layer";
  layer.ifmap_height = h, layer.ifmap_width = w, layer.filter_height = fh, layer.filter_width = fw;
  layer.channels = c, layer.num_filters = n, layer.stride_height = s, layer.stride_width = s;
  return layer;
}

// SCALE-Sim's regression layer (alexnet_part: 224x224x3, 11x11, 96 filters, stride 4) on
// 32x32: ofmap ceil((224-11+4)/4) = 55 per side, E = 3025, K = 363, N = 96.
const TopologyLayer kAlexnetPart = conv(224, 224, 11, 11, 3, 96, 4);

TEST(ScaleSimLayerFigures, AlexnetPartWeightStationaryMatchesScaleSim) {
  const auto f = scalesim_layer_figures(kAlexnetPart, 32, 32, Dataflow::WeightStationary);
  EXPECT_EQ(f.ofmap_pixels, 3025);
  EXPECT_EQ(f.total_cycles, 112283);  // 12*3 folds * (64+32+3025-2) - 1
  EXPECT_EQ(scalesim_overall_util(f.macs, f.total_cycles, 32, 32), 91.68309650614964);
  EXPECT_EQ(f.mapping_efficiency, 94.53125);
  EXPECT_EQ(f.compute_util, 90.78000992063485);
  // DETAILED_ACCESS_REPORT: 33.0, 112176.0, 3294225, 1.0, 109197.0, 34848, 63.0, 112283.0, 3484800
  EXPECT_EQ(f.sram_ifmap_start, 33);
  EXPECT_EQ(f.sram_ifmap_stop, 112176);
  EXPECT_EQ(f.sram_ifmap_reads, 3294225);
  EXPECT_EQ(f.sram_filter_start, 1);
  EXPECT_EQ(f.sram_filter_stop, 109197);
  EXPECT_EQ(f.sram_filter_reads, 34848);
  EXPECT_EQ(f.sram_ofmap_start, 63);
  EXPECT_EQ(f.sram_ofmap_stop, 112283);
  EXPECT_EQ(f.sram_ofmap_writes, 3484800);
}

TEST(ScaleSimLayerFigures, AlexnetPartOutputStationaryMatchesScaleSim) {
  const auto f = scalesim_layer_figures(kAlexnetPart, 32, 32, Dataflow::OutputStationary);
  EXPECT_EQ(f.total_cycles, 121124);  // 95*3 folds * (32+32+363-2) - 1
  EXPECT_EQ(scalesim_overall_util(f.macs, f.total_cycles, 32, 32), 84.99102675770285);
  EXPECT_EQ(f.mapping_efficiency, 99.50657894736842);
  EXPECT_EQ(f.compute_util, 84.99032507739905);
  // 1.0, 120979.0, 3294225, 1.0, 121094.0, 3310560, 362.0, 121124.0, 308640
  EXPECT_EQ(f.sram_ifmap_start, 1);
  EXPECT_EQ(f.sram_ifmap_stop, 120979);
  EXPECT_EQ(f.sram_ifmap_reads, 3294225);
  EXPECT_EQ(f.sram_filter_start, 1);
  EXPECT_EQ(f.sram_filter_stop, 121094);
  EXPECT_EQ(f.sram_filter_reads, 3310560);
  EXPECT_EQ(f.sram_ofmap_start, 362);
  EXPECT_EQ(f.sram_ofmap_stop, 121124);
  EXPECT_EQ(f.sram_ofmap_writes, 308640);  // 3025*96 + 285*(32+32): SCALE-Sim's double count
}

TEST(ScaleSimLayerFigures, AlexnetPartInputStationaryMatchesScaleSim) {
  const auto f = scalesim_layer_figures(kAlexnetPart, 32, 32, Dataflow::InputStationary);
  EXPECT_EQ(f.total_cycles, 216599);  // 12*95 folds * (64+32+96-2) - 1
  EXPECT_EQ(scalesim_overall_util(f.macs, f.total_cycles, 32, 32), 47.527703844431414);
  EXPECT_EQ(f.mapping_efficiency, 94.06481291118422);
  EXPECT_EQ(f.compute_util, 40.86073321028807);
  // 1.0, 215872.0, 1098075, 33.0, 216548.0, 3310560, 63.0, 216584.0, 3484800
  EXPECT_EQ(f.sram_ifmap_start, 1);
  EXPECT_EQ(f.sram_ifmap_stop, 215872);  // the last folds read only partial windows (-1)
  EXPECT_EQ(f.sram_ifmap_reads, 1098075);
  EXPECT_EQ(f.sram_filter_start, 33);
  EXPECT_EQ(f.sram_filter_stop, 216548);
  EXPECT_EQ(f.sram_filter_reads, 3310560);
  EXPECT_EQ(f.sram_ofmap_start, 63);
  EXPECT_EQ(f.sram_ofmap_stop, 216584);
  EXPECT_EQ(f.sram_ofmap_writes, 3484800);
}

// LeNet's first conv (32x32x1, 5x5, 6 filters) on 8x8, real SCALE-Sim runs (notes §6).
TEST(ScaleSimLayerFigures, LenetConv1MatchesScaleSimInEveryDataflow) {
  const TopologyLayer lenet = conv(32, 32, 5, 5, 1, 6, 1);
  const auto ws = scalesim_layer_figures(lenet, 8, 8, Dataflow::WeightStationary);
  EXPECT_EQ(ws.total_cycles, 3223);
  EXPECT_EQ(scalesim_overall_util(ws.macs, ws.total_cycles, 8, 8), 57.01210052745889);
  EXPECT_EQ(ws.mapping_efficiency, 58.59375);
  EXPECT_EQ(ws.compute_util, 56.503690036900366);
  // 9.0, 3210.0, 19600, 1.0, 2426.0, 150, 15.0, 3221.0, 18816
  EXPECT_EQ(ws.sram_ifmap_start, 9);
  EXPECT_EQ(ws.sram_ifmap_stop, 3210);
  EXPECT_EQ(ws.sram_ifmap_reads, 19600);
  EXPECT_EQ(ws.sram_filter_start, 1);
  EXPECT_EQ(ws.sram_filter_stop, 2426);
  EXPECT_EQ(ws.sram_filter_reads, 150);
  EXPECT_EQ(ws.sram_ofmap_start, 15);
  EXPECT_EQ(ws.sram_ofmap_stop, 3221);
  EXPECT_EQ(ws.sram_ofmap_writes, 18816);
  const auto os = scalesim_layer_figures(lenet, 8, 8, Dataflow::OutputStationary);
  EXPECT_EQ(os.total_cycles, 3821);
  EXPECT_EQ(scalesim_overall_util(os.macs, os.total_cycles, 8, 8), 48.089505365087675);
  EXPECT_EQ(os.mapping_efficiency, 75.0);
  EXPECT_EQ(os.compute_util, 48.07692307692313);
  const auto is = scalesim_layer_figures(lenet, 8, 8, Dataflow::InputStationary);
  EXPECT_EQ(is.total_cycles, 10975);
  EXPECT_EQ(scalesim_overall_util(is.macs, is.total_cycles, 8, 8), 16.74259681093394);
  EXPECT_EQ(is.mapping_efficiency, 78.125);
  EXPECT_EQ(is.compute_util, 13.392857142857123);
}

// A GEMM row `G10x6x5, 10, 5, 6,` (M=10, N=5, K=6; SCALE-Sim: 10x6 input, 1x6 filter, 5 filters) on
// 4x4: real SCALE-Sim runs gave WS 79, OS 71, IS 89 cycles (notes §6).
TEST(ScaleSimLayerFigures, GemmRowsMatchScaleSim) {
  const TopologyLayer gemm = conv(10, 6, 1, 6, 1, 5, 1);
  EXPECT_EQ(scalesim_layer_figures(gemm, 4, 4, Dataflow::WeightStationary).total_cycles, 79);
  EXPECT_EQ(scalesim_layer_figures(gemm, 4, 4, Dataflow::OutputStationary).total_cycles, 71);
  EXPECT_EQ(scalesim_layer_figures(gemm, 4, 4, Dataflow::InputStationary).total_cycles, 89);
}

}  // namespace
}  // namespace accelsim::scalesim
