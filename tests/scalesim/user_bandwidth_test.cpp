// SCALE-Sim v2's USER interface bandwidth: stalls when its double-buffered SRAMs cannot refill
// in time. One case derived by hand; the others are regression values printed by real SCALE-Sim
// v2 (commit 22f88b17, run by hand outside the project with Debian's Python 3.11 and
// `scale.py -c CFG -t TOPO -p OUT [-i gemm]`; COMPUTE_REPORT.csv's Total and Stall Cycles).
#include "core/scalesim/user_bandwidth.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace accelsim::scalesim {
namespace {

ScaleSimConfig user_config(int64_t rows, int64_t cols, int64_t ifmap_kb, int64_t filter_kb, int64_t ofmap_kb,
                           int64_t bandwidth) {
  ScaleSimConfig config;
  config.array_height = rows, config.array_width = cols;
  config.dataflow = Dataflow::WeightStationary;
  config.ifmap_sram_kb = ifmap_kb, config.filter_sram_kb = filter_kb, config.ofmap_sram_kb = ofmap_kb;
  config.interface_bandwidth = InterfaceBandwidth::User;
  config.bandwidth = {bandwidth};
  return config;
}

// A GEMM row M, N, K as SCALE-Sim converts it: M x K input, 1 x K filter, N filters.
TopologyLayer gemm(int64_t m, int64_t n, int64_t k) {
  TopologyLayer layer;
  layer.ifmap_height = m, layer.ifmap_width = k, layer.filter_height = 1, layer.filter_width = k;
  layer.channels = 1, layer.num_filters = n;
  return layer;
}

TopologyLayer lenet_conv1() {  // 32x32x1, 5x5, 6 filters, stride 1: E = 28*28 = 784, K = 25
  TopologyLayer layer;
  layer.ifmap_height = 32, layer.ifmap_width = 32, layer.filter_height = 5, layer.filter_width = 5;
  layer.channels = 1, layer.num_filters = 6;
  return layer;
}

// GEMM M = 141, N = 1, K = 11 on an 11 x 1 WS array, 1 kB SRAMs, Bandwidth 4.
// Only the ifmap stalls: the filter (11 words) and the 141 ofmap words fit their halves.
// Ifmap: 141 x 11 = 1551 distinct words. Sets of ceil(1024 / 100) = 11 words; the prefetch order
// reads the 141 x 11 matrix by anti-diagonals, diagonal d (d >= 11) starting at word 11d - 55,
// so set s = words [11s, 11s + 11); 1551 / 11 = 141 full sets + SCALE-Sim's empty last = 142.
// Active half 512 words = ceil(512 / 11) = 47 sets, the other half 47 sets; a refill takes
// ceil(512 / 4) + 1 = 129 cycles after the previous one, the first fill ending at -1.
// The skewed demand asks for diagonal d on line d + 11, in prefetch order; one fold of
// 2*11 + 1 + 141 - 2 = 162 lines (stall-free: 161 cycles).
// - Word 517 = 11*52 - 55 (set 47) is first asked on line 63, cycle 63: refill 1 ends at
//   -1 + 129 = 128; stall 128 - (63 + 1) = 64. Window: sets [47, 94).
// - Word 1034 = 11*99 - 55 (set 94) on line 110, cycle 110 + 64 = 174: refill 2 ends at
//   128 + 129 = 257; stall 257 - (174 + 1) = 82. Window [94, 141) holds the rest.
// Stall Cycles 64 + 82 = 146, Total Cycles 161 + 146 = 307 (SCALE-Sim printed the same).
TEST(ScaleSimUserBandwidth, HandDerivedIfmapRefillStalls) {
  const UserBandwidthFigures f = user_bandwidth_figures(gemm(141, 1, 11), user_config(11, 1, 1, 1, 1, 4));
  EXPECT_EQ(f.stall_cycles, 146);
  EXPECT_EQ(f.total_cycles, 307);
}

// The same layer with enough bandwidth to refill 47 sets (47 lines of demand) in time:
// ceil(512 / 16) + 1 = 33 cycles per refill, which never ends after its line (both refills end
// at 32 and 65, before lines 63 and 110). No stall: Total Cycles = the closed form, 161.
TEST(ScaleSimUserBandwidth, EnoughBandwidthNeverStalls) {
  const UserBandwidthFigures f = user_bandwidth_figures(gemm(141, 1, 11), user_config(11, 1, 1, 1, 1, 16));
  EXPECT_EQ(f.stall_cycles, 0);
  EXPECT_EQ(f.total_cycles, 161);
}

// Real SCALE-Sim v2 runs: LeNet's conv1 (topology row `LeNetC1, 32, 32, 5, 5, 1, 6, 1,`) on an
// 8x8 WS array, `InterfaceBandwidth: USER`; stall-free total 4 folds * 806 - 1 = 3223.
TEST(ScaleSimUserBandwidth, LenetConv1MatchesScaleSimRuns) {
  struct Case {
    int64_t ifmap_kb, filter_kb, ofmap_kb, bandwidth, total, stall;
  };
  const Case cases[] = {
      {64, 64, 64, 1, 3223, 0},    // everything fits the active halves: no refill, no stall
      {1, 1, 1, 10, 3223, 0},      //
      {1, 1, 1, 4, 5689, 2466},    //
      {1, 1, 1, 2, 11193, 7970},   //
      {1, 1, 1, 1, 22201, 18978},  //
      {2, 1, 1, 4, 5709, 2486},    // a larger ifmap SRAM: fewer, longer refills
      {1, 1, 2, 3, 7371, 4148},    //
  };
  for (const Case& c : cases) {
    const UserBandwidthFigures f =
        user_bandwidth_figures(lenet_conv1(), user_config(8, 8, c.ifmap_kb, c.filter_kb, c.ofmap_kb, c.bandwidth));
    EXPECT_EQ(f.total_cycles, c.total) << c.ifmap_kb << "/" << c.filter_kb << "/" << c.ofmap_kb << " kB, bw "
                                       << c.bandwidth;
    EXPECT_EQ(f.stall_cycles, c.stall) << c.ifmap_kb << "/" << c.filter_kb << "/" << c.ofmap_kb << " kB, bw "
                                       << c.bandwidth;
  }
}

// Real SCALE-Sim v2 runs (`-i gemm`, row `G1, 200, 40, 300,`): M = 200, N = 40, K = 300 on 8x8
// WS, 1 kB SRAMs; stall-free 38 row folds * 5 col folds * (16+8+200-2) - 1 = 42179 cycles.
TEST(ScaleSimUserBandwidth, GemmMatchesScaleSimRuns) {
  const UserBandwidthFigures bw2 = user_bandwidth_figures(gemm(200, 40, 300), user_config(8, 8, 1, 1, 1, 2));
  EXPECT_EQ(bw2.total_cycles, 656424);
  EXPECT_EQ(bw2.stall_cycles, 614245);
  const UserBandwidthFigures bw5 = user_bandwidth_figures(gemm(200, 40, 300), user_config(8, 8, 1, 1, 1, 5));
  EXPECT_EQ(bw5.total_cycles, 265638);
  EXPECT_EQ(bw5.stall_cycles, 223459);
}

// SCALE-Sim's regression layer (alexnet_part: 224x224x3, 11x11, 96 filters, stride 4) on 32x32
// WS with 64 kB SRAMs and `Bandwidth : 10` under USER (SCALE-Sim's example config with CALC
// changed to USER): a real SCALE-Sim v2 run printed 439610 Total, 327327 Stall Cycles
// (stall-free: 112283).
TEST(ScaleSimUserBandwidth, RegressionLayerMatchesScaleSimRun) {
  TopologyLayer layer;
  layer.ifmap_height = 224, layer.ifmap_width = 224, layer.filter_height = 11, layer.filter_width = 11;
  layer.channels = 3, layer.num_filters = 96, layer.stride_height = 4, layer.stride_width = 4;
  const UserBandwidthFigures f = user_bandwidth_figures(layer, user_config(32, 32, 64, 64, 64, 10));
  EXPECT_EQ(f.total_cycles, 439610);
  EXPECT_EQ(f.stall_cycles, 327327);
}

TEST(ScaleSimUserBandwidth, OnlyWeightStationaryIsModelled) {
  ScaleSimConfig config = user_config(8, 8, 1, 1, 1, 4);
  config.dataflow = Dataflow::OutputStationary;
  EXPECT_FALSE(user_bandwidth_supported(Dataflow::OutputStationary));
  EXPECT_FALSE(user_bandwidth_supported(Dataflow::InputStationary));
  EXPECT_THROW(user_bandwidth_figures(lenet_conv1(), config), std::invalid_argument);
  config = user_config(8, 8, 1, 1, 1, 0);
  EXPECT_THROW(user_bandwidth_figures(lenet_conv1(), config), std::invalid_argument);
}

}  // namespace
}  // namespace accelsim::scalesim
