// SCALE-Sim v2's per-layer compute cycles, worked by hand.
#include <gtest/gtest.h>

#include "modules/pe_array/timing/array_timing.h"

namespace accelsim::modules {
namespace {

hardware::PeArrayConfig array4x4(hardware::Dataflow dataflow) {
  hardware::PeArrayConfig config;
  config.rows = 4;
  config.cols = 4;
  config.dataflow = dataflow;
  return config;
}

TEST(ScaleSimEquations, SmallLayerOnA4x4Array) {
  // GEMM M=10, K=6, N=5 on 4x4.
  // WS: Sr=K=6 -> 2, Sc=N=5 -> 2: 4 folds of 2R + C + T - 2 = 8 + 4 + 10 - 2 = 20: 4*20-1 = 79.
  EXPECT_EQ(scalesim_layer_cycles(array4x4(hardware::Dataflow::WeightStationary), 10, 6, 5), 79u);
  // OS: Sr=M=10 -> 3, Sc=N=5 -> 2: 6 folds of T + R + C - 2 = 6 + 4 + 4 - 2 = 12: 6*12-1 = 71.
  EXPECT_EQ(scalesim_layer_cycles(array4x4(hardware::Dataflow::OutputStationary), 10, 6, 5), 71u);
  // IS: Sr=K=6 -> 2, Sc=M=10 -> 3: 6 folds of 8 + 4 + 5 - 2 = 15: 6*15-1 = 89.
  EXPECT_EQ(scalesim_layer_cycles(array4x4(hardware::Dataflow::InputStationary), 10, 6, 5), 89u);
}

TEST(ScaleSimEquations, PartlyUsedFoldsStillCostTheFullArray) {
  // M=1, K=1, N=1 on 4x4: one fold, WS 2*4 + 4 + 1 - 2 = 11 -> 10; OS 1 + 4 + 4 - 2 = 7 -> 6.
  EXPECT_EQ(scalesim_layer_cycles(array4x4(hardware::Dataflow::WeightStationary), 1, 1, 1), 10u);
  EXPECT_EQ(scalesim_layer_cycles(array4x4(hardware::Dataflow::OutputStationary), 1, 1, 1), 6u);
}

}  // namespace
}  // namespace accelsim::modules
