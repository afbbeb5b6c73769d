// accelsim networks written as SCALE-Sim topologies and configs, read back with the SCALE-Sim
// readers: the same layers, the same output sizes and products, the same hardware.
#include "core/scalesim/scalesim_export.h"

#include <gtest/gtest.h>

#include "core/scalesim/layer_config.h"
#include "core/scalesim/scalesim_config.h"
#include "core/scalesim/scalesim_equations.h"
#include "core/scalesim/topology_csv.h"
#include "modules/pe_array/timing/array_timing.h"
#include "sim/run/workload.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::scalesim {
namespace {

using testing::source_dir;

// AlexNet's first layers (timing only), padded and strided as in AlexNet, with pooling and a
// flatten between.
std::string small_alexnet() {
  return "include:\n  - " + (source_dir() / "configs/hardware/edge_small.yaml").string() +
         "\nnetwork:\n  name: alexnet_head\n  activation_dtype: int8\n  values: none\n  input:\n"
         "    shape: [3, 224, 224]\n  layers:\n"
         "    - {name: features_0, type: conv2d, out_channels: 64, kernel: [11, 11], stride: 4, padding: 2}\n"
         "    - {name: features_2, type: maxpool, kernel: [3, 3], stride: 2}\n"
         "    - {name: features_3, type: conv2d, out_channels: 192, kernel: [5, 5], padding: 2}\n"
         "    - {name: features_5, type: maxpool, kernel: [3, 3], stride: 2}\n"
         "    - {name: features_6, type: conv2d, out_channels: 384, kernel: [3, 5], stride: [2, 1], padding: [1, 0]}\n"
         "    - {name: flatten, type: flatten}\n"
         "    - {name: classifier_1, type: linear, out_features: 100}\n"
         "    - {name: classifier_4, type: linear, out_features: 10}\n";
}

// The network above round trips:
// every conv2d and linear comes back as a row with accelsim's output size under SCALE-Sim's
// ceil rule and the same M x K x N product, and SCALE-Sim's cycles for the row equal accelsim's
// scalesim timing model for the layer.
TEST(ScaleSimExport, AlexnetRoundTripsThroughTheReaders) {
  testing::TempDir dir;
  const run::LoadedConfig loaded = run::load_config(dir.write("alexnet_head.yaml", small_alexnet()), {});
  std::vector<std::string> skipped, notes;
  const std::string csv = export_topology_csv(loaded.network, skipped, notes);
  const Topology topology = parse_topology(csv, "alexnet.csv");
  EXPECT_TRUE(topology.warnings.empty());
  EXPECT_TRUE(notes.empty());

  std::size_t row = 0;
  for (const model::Layer& layer : loaded.network.layers) {
    if (!layer.has_weights()) continue;
    ASSERT_LT(row, topology.layers.size());
    const TopologyLayer& read = topology.layers[row++];
    EXPECT_EQ(read.name, layer.name);
    EXPECT_EQ(read.ofmap_height(), layer.output.height) << layer.name;
    EXPECT_EQ(read.ofmap_width(), layer.output.width) << layer.name;
    EXPECT_EQ(read.num_filters, layer.output.channels) << layer.name;
    const auto figures = scalesim_layer_figures(read, 16, 16, Dataflow::WeightStationary);
    EXPECT_EQ(figures.ofmap_pixels, layer.gemm_m()) << layer.name;
    EXPECT_EQ(figures.window, layer.gemm_k()) << layer.name;
    EXPECT_EQ(figures.macs, layer.macs()) << layer.name;
    for (const auto dataflow : {hardware::Dataflow::WeightStationary, hardware::Dataflow::OutputStationary,
                                hardware::Dataflow::InputStationary}) {
      hardware::PeArrayConfig pe;
      pe.rows = 16, pe.cols = 16, pe.dataflow = dataflow;
      const Dataflow same = dataflow == hardware::Dataflow::WeightStationary   ? Dataflow::WeightStationary
                            : dataflow == hardware::Dataflow::OutputStationary ? Dataflow::OutputStationary
                                                                               : Dataflow::InputStationary;
      EXPECT_EQ(
          scalesim_layer_figures(read, 16, 16, same).total_cycles,
          static_cast<int64_t>(modules::scalesim_layer_cycles(pe, layer.gemm_m(), layer.gemm_k(), layer.gemm_n())))
          << layer.name;
    }
  }
  EXPECT_EQ(row, topology.layers.size());
  // features_0: 224 + 2*2 padding, 11x11, stride 4 -> 55 outputs, whose windows reach
  // (55-1)*4 + 11 = 227 rows of the 228 padded ones (SCALE-Sim would give 56 for 228).
  EXPECT_EQ(topology.layers[0].ifmap_height, 227);
  // features_6: 13x13 input, padding [1, 0], kernel 3x5, stride [2, 1] -> 7x9 outputs; strides
  // written as two columns, which SCALE-Sim reads as H and W strides.
  EXPECT_EQ(topology.layers[2].stride_height, 2);
  EXPECT_EQ(topology.layers[2].stride_width, 1);
  EXPECT_EQ(topology.layers[2].ofmap_height(), 7);
  EXPECT_EQ(topology.layers[2].ofmap_width(), 9);
  // 5 weighted layers (3 conv2d, 2 linear); 2 maxpool and 1 flatten skipped by name.
  EXPECT_EQ(topology.layers.size(), 5u);
  EXPECT_EQ(skipped.size(), 3u);
  EXPECT_EQ(skipped.front(), "features_2 (maxpool)");
}

TEST(ScaleSimExport, HardwareRoundTripsThroughTheConfigReader) {
  hardware::HardwareConfig hw;
  hw.pe_array.rows = 32, hw.pe_array.cols = 16, hw.pe_array.dataflow = hardware::Dataflow::OutputStationary;
  hw.activation_sram.capacity_bytes = 128 * 1024;
  hw.weight_sram.capacity_bytes = 64 * 1024 + 100;  // not whole kB: rounded down, noted
  hw.accumulator.capacity_bytes = 16 * 1024;
  hw.dram.bandwidth_bytes_per_cycle = 12;
  std::vector<std::string> notes;
  const ScaleSimConfig read = parse_scalesim_config(export_scalesim_config(hw, "trial", notes), "trial.cfg");
  EXPECT_EQ(read.run_name, "trial");
  EXPECT_EQ(read.array_height, 32);
  EXPECT_EQ(read.array_width, 16);
  EXPECT_EQ(read.dataflow, Dataflow::OutputStationary);
  EXPECT_EQ(read.ifmap_sram_kb, 128);
  EXPECT_EQ(read.filter_sram_kb, 64);
  EXPECT_EQ(read.ofmap_sram_kb, 16);
  EXPECT_EQ(read.interface_bandwidth, InterfaceBandwidth::Calc);
  ASSERT_EQ(read.bandwidth.size(), 1u);
  EXPECT_EQ(read.bandwidth[0], 12);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("FilterSramSzkB = 64 kB"), std::string::npos) << notes[0];
}

// SCALE-Sim has no groups. A depthwise conv (32 channels, groups 32, multiplier 2: 64 filters)
// becomes one DP row, which SCALE-Sim's reader (and accelsim's, expand_depthwise) splits into 32
// one-channel layers of 2 filters each; a grouped conv (64 -> 32 channels, groups 4) becomes 4
// rows of 16 channels and 8 filters. Each group then has accelsim's own per-group product:
// depthwise M = 28*28 (3x3, padding 1, stride 2 on 56x56), K = 3*3*1 = 9, N = 2;
// grouped M = 28*28 (1x1), K = 16, N = 8. The rows' SCALE-Sim cycles add up to what accelsim's
// scalesim timing charges the layer: groups * cycles(M, K, N / groups).
TEST(ScaleSimExport, GroupedConvolutionsBecomeOneRowPerGroup) {
  testing::TempDir dir;
  const std::string config =
      "include:\n  - " + (source_dir() / "configs/hardware/edge_small.yaml").string() +
      "\nnetwork:\n  name: grouped\n  activation_dtype: int8\n  values: none\n  input:\n"
      "    shape: [32, 56, 56]\n  layers:\n"
      "    - {name: dw, type: conv2d, out_channels: 64, kernel: [3, 3], stride: 2, padding: 1, groups: 32}\n"
      "    - {name: gc, type: conv2d, out_channels: 32, kernel: [1, 1], groups: 4}\n"
      "    - {name: flatten, type: flatten}\n";
  const run::LoadedConfig loaded = run::load_config(dir.write("grouped.yaml", config), {});
  std::vector<std::string> skipped, notes;
  const Topology topology = parse_topology(export_topology_csv(loaded.network, skipped, notes), "grouped.csv");
  ASSERT_EQ(topology.layers.size(), 1u + 4u);
  EXPECT_EQ(topology.layers[0].name, "dw_DP");
  EXPECT_TRUE(topology.layers[0].depthwise_by_name);
  EXPECT_EQ(topology.layers[1].name, "gc_group0");
  EXPECT_EQ(topology.layers[4].name, "gc_group3");
  ASSERT_EQ(notes.size(), 2u);  // one warning per grouped layer, naming it
  EXPECT_NE(notes[0].find("layer dw "), std::string::npos) << notes[0];
  EXPECT_NE(notes[1].find("layer gc "), std::string::npos) << notes[1];

  const std::vector<TopologyLayer> rows = expand_depthwise(topology.layers);
  ASSERT_EQ(rows.size(), 32u + 4u);
  EXPECT_EQ(rows[0].name, "dw_DPChannel_0");
  for (const TopologyLayer& row : rows) {
    const bool depthwise = row.name.rfind("dw_DP", 0) == 0;
    const auto figures = scalesim_layer_figures(row, 8, 8, Dataflow::WeightStationary);
    EXPECT_EQ(figures.ofmap_pixels, 28 * 28) << row.name;
    EXPECT_EQ(figures.window, depthwise ? 9 : 16) << row.name;
    EXPECT_EQ(figures.filters, depthwise ? 2 : 8) << row.name;
  }
  for (const auto& [dataflow, same] : {std::pair{hardware::Dataflow::WeightStationary, Dataflow::WeightStationary},
                                       std::pair{hardware::Dataflow::OutputStationary, Dataflow::OutputStationary},
                                       std::pair{hardware::Dataflow::InputStationary, Dataflow::InputStationary}}) {
    hardware::PeArrayConfig pe;
    pe.rows = 8, pe.cols = 8, pe.dataflow = dataflow;
    int64_t dw_rows = 0, gc_rows = 0;
    for (const TopologyLayer& row : rows)
      (row.name.rfind("dw_DP", 0) == 0 ? dw_rows : gc_rows) += scalesim_layer_figures(row, 8, 8, same).total_cycles;
    EXPECT_EQ(dw_rows, 32 * static_cast<int64_t>(modules::scalesim_layer_cycles(pe, 28 * 28, 9, 2)));
    EXPECT_EQ(gc_rows, 4 * static_cast<int64_t>(modules::scalesim_layer_cycles(pe, 28 * 28, 16, 8)));
  }
}

// Names SCALE-Sim would misread: "DP" would split the layer per channel, a comma would end it.
TEST(ScaleSimExport, NamesScaleSimWouldMisreadAreChanged) {
  model::Network network;
  model::Layer layer;
  layer.name = "convDP,1";
  layer.type = model::LayerType::Linear;
  layer.input = {10, 1, 1, true};
  layer.output = {4, 1, 1, true};
  network.layers.push_back(layer);
  std::vector<std::string> skipped, notes;
  const Topology topology = parse_topology(export_topology_csv(network, skipped, notes), "n.csv");
  ASSERT_EQ(topology.layers.size(), 1u);
  EXPECT_EQ(topology.layers[0].name, "convDp_1");
  EXPECT_FALSE(topology.layers[0].depthwise_by_name);
  EXPECT_EQ(topology.layers[0].channels, 10);
  ASSERT_EQ(notes.size(), 1u);
}

// The command: LeNet's files land in --out, the pooling layers are reported as skipped, and the
// exported pair runs as a topology (SCALE-Sim's 3223 cycles for conv1 on 8x8 WS, notes §6).
TEST(ScaleSimExport, CommandWritesBothFilesAndTheyRunAsATopology) {
  testing::TempDir dir;
  const auto result = testing::run_accelsim(
      {"export-scalesim", "--config", testing::lenet_config(), "--out", (dir.path() / "x").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(testing::contains(result.output, "skipped     pool2 (maxpool), pool4 (maxpool)")) << result.output;
  const auto run =
      testing::run_accelsim({"--topology", (dir.path() / "x/lenet.csv").string(), "--scalesim-config",
                             (dir.path() / "x/lenet.cfg").string(), "--out", (dir.path() / "run").string()});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_TRUE(testing::contains(testing::read_file(dir.path() / "run/COMPUTE_REPORT.csv"), "\n0, 3223, 0, "));
  const auto bad = testing::run_accelsim({"export-scalesim", "--out", (dir.path() / "y").string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
}

}  // namespace
}  // namespace accelsim::scalesim
