// accelsim --topology: SCALE-Sim topologies and configs run end to end, SCALE-Sim's reports
// beside stats.json, and every bad input ending with exit code 2 and a message that names it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace accelsim::testing {
namespace {

// SCALE-Sim's regression layer (alexnet_part), written as SCALE-Sim's files are: header, spaces,
// trailing commas.
constexpr const char* kAlexnetPart =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
    "Conv1,  224, 224,    11, 11,    3,      96,     4,\n";

// SCALE-Sim's example config (configs/scale.cfg) on 32x32 with 64 kB SRAMs, in `dataflow`.
std::string scalesim_cfg(const std::string& dataflow) {
  return "[general]\nrun_name = scale_example_run_32x32_" + dataflow +
         "\n\n[architecture_presets]\nArrayHeight:    32\nArrayWidth:     32\nIfmapSramSzkB:   64 \n"
         "FilterSramSzkB:  64 \nOfmapSramSzkB:   64 \nIfmapOffset:    0\nFilterOffset:   10000000\n"
         "OfmapOffset:    20000000\nBandwidth : 10\nDataflow : " +
         dataflow + "\nMemoryBanks:   1\n\n[run_presets]\nInterfaceBandwidth: CALC \n";
}

// Total Cycles, Overall Util, Mapping Efficiency and Compute Util printed by real SCALE-Sim v2
// runs of this layer on 32x32 (CALC, Python 3.11): WS 112283 = 12*3 folds * (64+32+3025-2) - 1,
// OS 121124 = 95*3 * (32+32+363-2) - 1, IS 216599 = 12*95 * (64+32+96-2) - 1, never a stall.
TEST(TopologyCli, AlexnetPartGivesScaleSimsComputeReportInEveryDataflow) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"ws", "0, 112283, 0, 91.68309650614964, 94.53125, 90.78000992063485,\n"},
      {"os", "0, 121124, 0, 84.99102675770285, 99.50657894736842, 84.99032507739905,\n"},
      {"is", "0, 216599, 0, 47.527703844431414, 94.06481291118422, 40.86073321028807,\n"}};
  for (const auto& [dataflow, line] : expected) {
    TempDir dir;
    const auto topology = dir.write("alexnet_part.csv", kAlexnetPart);
    const auto cfg = dir.write("scale.cfg", scalesim_cfg(dataflow));
    const auto result = run_accelsim(
        {"--topology", topology.string(), "--scalesim-config", cfg.string(), "--out", (dir.path() / "out").string()});
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(read_file(dir.path() / "out/COMPUTE_REPORT.csv"),
              "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n" + line)
        << dataflow;
    const auto stats = read_json(dir.path() / "out/stats.json");
    ASSERT_EQ(stats["layers"].size(), 1u);
    EXPECT_EQ(stats["hardware"]["pe_array"]["dataflow"], dataflow);
    EXPECT_EQ(stats["hardware"]["pe_array"]["timing"], "scalesim");
    EXPECT_EQ(stats["layers"][0]["ofmap"], nlohmann::json::array({55, 55}));  // ceil((224-11+4)/4)
    EXPECT_EQ(stats["layers"][0]["accelsim"]["macs"], 3025 * 363 * 96);
    // report.html puts accelsim's own array model (an extra run with timing: fast, since the
    // config asked for scalesim) beside SCALE-Sim's equation, with the reason.
    const auto& own = stats["layers"][0]["own_timing"];
    EXPECT_EQ(own["timing"], "fast");
    const auto fast = read_json(dir.path() / "out/layers/00_Conv1/fast/stats.json");
    EXPECT_EQ(fast["hardware"]["pe_array"]["timing"], "fast");
    EXPECT_EQ(own["compute_cycles"], fast["layers"][0]["compute_cycles"]);
    const std::string why = stats["layers"][0]["difference"].get<std::string>();
    EXPECT_TRUE(contains(why, own["compute_cycles"].get<int64_t>() < 112283 ? "(accelsim faster)" : "(accelsim"))
        << why;
    const std::string html = read_file(dir.path() / "out/report.html");
    EXPECT_TRUE(contains(html, "<td>Conv1</td>")) << html;
    EXPECT_TRUE(contains(html, "<td class=\"n\">" + std::to_string(own["compute_cycles"].get<int64_t>()) + "</td>"));
    EXPECT_TRUE(contains(html, why.substr(0, 20))) << html;
    // Keys SCALE-Sim's config has and accelsim has no use for are named.
    EXPECT_TRUE(contains(result.output, "IfmapOffset, FilterOffset, OfmapOffset: no counterpart")) << result.output;
    EXPECT_TRUE(contains(result.output, "MemoryBanks")) << result.output;
  }
}

// The WS run's SRAM columns are SCALE-Sim's (its golden DETAILED_ACCESS_REPORT: 33.0, 112176.0,
// 3294225, 1.0, 109197.0, 34848, 63.0, 112283.0, 3484800; BANDWIDTH: 29.338590881967885,
// 0.31035864734643714, 31.035864734643713); the DRAM columns are accelsim's own run.
TEST(TopologyCli, SramColumnsAreScaleSimsAndDramColumnsAccelsimsRun) {
  TempDir dir;
  const auto topology = dir.write("alexnet_part.csv", kAlexnetPart);
  const auto cfg = dir.write("scale.cfg", scalesim_cfg("ws"));
  const auto result = run_accelsim(
      {"--topology", topology.string(), "--scalesim-config", cfg.string(), "--out", (dir.path() / "out").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::string detailed = read_file(dir.path() / "out/DETAILED_ACCESS_REPORT.csv");
  EXPECT_TRUE(contains(detailed, "\n0, 33.0, 112176.0, 3294225, 1.0, 109197.0, 34848, 63.0, 112283.0, 3484800, 0.0, "))
      << detailed;
  const std::string bandwidth = read_file(dir.path() / "out/BANDWIDTH_REPORT.csv");
  EXPECT_TRUE(contains(bandwidth, "\n0, 29.338590881967885, 0.31035864734643714, 31.035864734643713, ")) << bandwidth;
  // accelsim reads the 224*224*3 input and the 363*96 weights from DRAM once each, and writes
  // the 96*55*55 int8 outputs once.
  const auto run = read_json(dir.path() / "out/stats.json")["layers"][0]["run"];
  const std::string cycles = std::to_string(run["cycles"].get<int64_t>() - 1) + ".0";
  EXPECT_TRUE(
      contains(detailed, ", 0.0, " + cycles + ", 150528, 0.0, " + cycles + ", 34848, 0.0, " + cycles + ", 290400,\n"))
      << detailed;
}

// A GEMM topology (M, N, K) and a depthwise row ("DP" in the name: one layer per channel).
TEST(TopologyCli, GemmRowsAndDepthwiseSplitRunEveryLayer) {
  TempDir dir;
  // G10x6x5: M=10, N=5, K=6 on 4x4 WS: 2 row folds * 2 col folds * (8+4+10-2) - 1 = 79 (a real
  // SCALE-Sim run gave 79).
  const auto gemm = dir.write("gemm.csv", "Layer, M, N, K,\nG10x6x5, 10, 5, 6,\n");
  const auto cfg = dir.write("small.cfg",
                             "[architecture_presets]\nArrayHeight: 4\nArrayWidth: 4\nIfmapSramSzkB: 1\n"
                             "FilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: ws\n");
  auto result = run_accelsim(
      {"--topology", gemm.string(), "--scalesim-config", cfg.string(), "--out", (dir.path() / "gemm").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(read_file(dir.path() / "gemm/COMPUTE_REPORT.csv"), "\n0, 79, 0, ")) << result.output;

  // 8x8x3 input, 3x3 filter, stride 1, split into 3 one-channel layers: each 6x6 out, K = 9,
  // N = 1 on 4x4 WS: 3 row folds * 1 col fold * (8+4+36-2) - 1 = 137.
  const auto dp = dir.write("dp.csv",
                            "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
                            "Strides,\nConvDP1, 8, 8, 3, 3, 3, 1, 1,\n");
  result = run_accelsim(
      {"--topology", dp.string(), "--scalesim-config", cfg.string(), "--out", (dir.path() / "dp").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto stats = read_json(dir.path() / "dp/stats.json");
  ASSERT_EQ(stats["layers"].size(), 3u);
  EXPECT_EQ(stats["layers"][2]["name"], "ConvDP1Channel_2");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(stats["layers"][i]["scalesim"]["total_cycles"], 137);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(stats["layers"][i]["accelsim"]["compute_cycles"], 137);

  // Without --scalesim-config the base hardware's own timing (edge-small: fast) is the run's,
  // and no extra run is made; SCALE-Sim's equation is still beside it.
  result = run_accelsim({"--topology", dp.string(), "--set", "hardware.activation_sram.capacity_bytes=65536", "--out",
                         (dir.path() / "base").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto base = read_json(dir.path() / "base/stats.json");
  EXPECT_EQ(base["layers"][0]["own_timing"]["timing"], "fast");
  EXPECT_EQ(base["layers"][0]["own_timing"]["compute_cycles"], base["layers"][0]["accelsim"]["compute_cycles"]);
  // 8x8 edge-small, WS: 2 row folds (K = 9) * 1 * (16+8+36-2) - 1 = 115.
  EXPECT_EQ(base["layers"][0]["scalesim"]["total_cycles"], 115);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "base/layers/00_ConvDP1Channel_0/fast"));
}

// InterfaceBandwidth USER: SCALE-Sim's stalls in the report. LeNet's conv1 on 8x8 WS with 1 kB
// SRAMs and Bandwidth 4: a real SCALE-Sim v2 run printed Total Cycles 5689, Stall Cycles 2466
// (stall-free 4 folds * 806 - 1 = 3223; tests/scalesim/user_bandwidth_test.cpp derives a smaller
// case by hand). Overall Util = 784*25*6 * 100 / (5689 * 64) = 32.29917384426086, also SCALE-Sim's.
// OS and IS are not modelled: exit 2 naming the .cfg.
TEST(TopologyCli, UserInterfaceBandwidthGivesScaleSimsStalls) {
  TempDir dir;
  const auto topology = dir.write("lenet.csv",
                                  "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
                                  "Num Filter, Strides,\nLeNetC1, 32, 32, 5, 5, 1, 6, 1,\n");
  const auto cfg = dir.write("user.cfg",
                             "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 1\n"
                             "FilterSramSzkB: 1\nOfmapSramSzkB: 1\nBandwidth: 4\nDataflow: ws\n\n"
                             "[run_presets]\nInterfaceBandwidth: USER\n");
  auto result = run_accelsim(
      {"--topology", topology.string(), "--scalesim-config", cfg.string(), "--out", (dir.path() / "ws").string()});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(read_file(dir.path() / "ws/COMPUTE_REPORT.csv"), "\n0, 5689, 2466, 32.29917384426086, "))
      << read_file(dir.path() / "ws/COMPUTE_REPORT.csv");
  const auto stats = read_json(dir.path() / "ws/stats.json");
  EXPECT_EQ(stats["layers"][0]["scalesim"]["stall_cycles"], 2466);
  EXPECT_EQ(stats["layers"][0]["scalesim"]["interface_bandwidth"], "USER");

  result = run_accelsim({"--topology", topology.string(), "--scalesim-config", cfg.string(), "--set",
                         "hardware.pe_array.dataflow=os", "--out", (dir.path() / "os").string()});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "user.cfg: InterfaceBandwidth: USER")) << result.output;
}

TEST(TopologyCli, BadInputEndsWithExitTwoNamingTheFile) {
  TempDir dir;
  const std::string out = (dir.path() / "out").string();
  // A missing topology file.
  auto result = run_accelsim({"--topology", (dir.path() / "none.csv").string(), "--out", out});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "none.csv")) << result.output;
  // A non-integer field: line 2, the Channels column.
  const auto bad =
      dir.write("bad.csv",
                "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
                "Strides,\nConv1, 8, 8, 3, 3, x, 4, 1,\n");
  result = run_accelsim({"--topology", bad.string(), "--out", out});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "bad.csv:2")) << result.output;
  EXPECT_TRUE(contains(result.output, "Channels")) << result.output;
  // An unknown dataflow in the .cfg.
  const auto good = dir.write("good.csv",
                              "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
                              "Filter, Strides,\nConv1, 8, 8, 3, 3, 1, 4, 1,\n");
  const auto cfg = dir.write("bad.cfg",
                             "[architecture_presets]\nArrayHeight: 4\nArrayWidth: 4\nIfmapSramSzkB: 1\n"
                             "FilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: WS\n");
  result = run_accelsim({"--topology", good.string(), "--scalesim-config", cfg.string(), "--out", out});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "bad.cfg:7")) << result.output;
  // A layer that does not fit the hardware even in streamed row bands: edge-small's 16 KiB
  // activation SRAM (no --scalesim-config, so the base hardware is used as it is) and an input
  // 2,048 wide with 8 channels: the smallest band, one output row from one input channel, reads
  // 1 x 3 rows x 2,048 = 6,144 bytes and writes 8 x 2,046 = 16,368 (-> 16,384), single-buffered
  // 22,528 bytes.
  const auto big =
      dir.write("big.csv",
                "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
                "Strides,\nBig, 16, 2048, 3, 3, 8, 8, 1,\n");
  result = run_accelsim({"--topology", big.string(), "--out", out});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "big.csv:2: layer Big")) << result.output;
  EXPECT_TRUE(contains(result.output, "activation_sram.capacity_bytes must be at least 22528")) << result.output;
  // --scalesim-config alone.
  result = run_accelsim({"--scalesim-config", cfg.string(), "--out", out});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "--scalesim-config needs --topology")) << result.output;
}

// The rows run side by side (one child per core): a failing row is still reported as the first
// failing row of the file, whatever finished first, and exit code 2 (its input cannot run).
TEST(TopologyCli, TheFirstFailingRowIsTheOneReported) {
  TempDir dir;
  // Big does not fit edge-small's activation SRAM (as in the test above); Small does.
  const auto csv = dir.write("rows.csv",
                             "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num "
                             "Filter, Strides,\nSmall1, 8, 8, 3, 3, 1, 4, 1,\nBig2, 16, 2048, 3, 3, 8, 8, 1,\n"
                             "Small3, 8, 8, 3, 3, 1, 4, 1,\nBig4, 16, 2048, 3, 3, 8, 8, 1,\n");
  const auto result = run_accelsim({"--topology", csv.string(), "--out", (dir.path() / "out").string()});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(contains(result.output, "rows.csv:3: layer Big2: its run failed with exit code 2")) << result.output;
  EXPECT_FALSE(contains(result.output, "layer Big4: its run failed")) << result.output;
}

}  // namespace
}  // namespace accelsim::testing
