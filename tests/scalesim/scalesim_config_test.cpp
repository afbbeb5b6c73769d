// SCALE-Sim's .cfg, read as Python's configparser reads it for SCALE-Sim v2
// (scalesim/scale_config.py), and one test per malformed case.
#include "core/scalesim/scalesim_config.h"

#include <gtest/gtest.h>

#include <cctype>

#include "core/config/configuration_error.h"

namespace accelsim::scalesim {
namespace {

using config::ConfigurationError;

// Our own file in SCALE-Sim's layout: `key: value` and `key : value` and `key = value`, padded
// values with trailing blanks, a comment, keys in SCALE-Sim's capitalisation.
constexpr const char* kConfig =
    "# a 16x16 output-stationary run\n"
    "[general]\n"
    "run_name = trial_16x16\n"
    "\n"
    "[architecture_presets]\n"
    "ArrayHeight:    16\n"
    "ArrayWidth:     16\n"
    "IfmapSramSzkB:   32 \n"
    "FilterSramSzkB:  48 \n"
    "OfmapSramSzkB:   16 \n"
    "IfmapOffset:    0\n"
    "FilterOffset:   5000000\n"
    "OfmapOffset:    9000000\n"
    "Bandwidth : 8\n"
    "Dataflow : os\n"
    "MemoryBanks:   2\n"
    "\n"
    "[run_presets]\n"
    "; configparser's other comment mark\n"
    "InterfaceBandwidth: USER\n";

TEST(ScaleSimConfig, ReadsEveryKeyScaleSimV2Reads) {
  const ScaleSimConfig config = parse_scalesim_config(kConfig, "trial.cfg");
  EXPECT_EQ(config.run_name, "trial_16x16");
  EXPECT_EQ(config.array_height, 16);
  EXPECT_EQ(config.array_width, 16);
  EXPECT_EQ(config.ifmap_sram_kb, 32);
  EXPECT_EQ(config.filter_sram_kb, 48);
  EXPECT_EQ(config.ofmap_sram_kb, 16);
  EXPECT_EQ(config.ifmap_offset, 0);
  EXPECT_EQ(config.filter_offset, 5000000);
  EXPECT_EQ(config.ofmap_offset, 9000000);
  EXPECT_EQ(config.bandwidth, std::vector<int64_t>{8});
  EXPECT_EQ(config.dataflow, Dataflow::OutputStationary);
  EXPECT_EQ(config.interface_bandwidth, InterfaceBandwidth::User);
  EXPECT_EQ(config.memory_banks, 2);
  ASSERT_EQ(config.warnings.size(), 1u);  // MemoryBanks: read by nobody
  EXPECT_NE(config.warnings[0].find("MemoryBanks"), std::string::npos);
}

TEST(ScaleSimConfig, KeysAreCaseInsensitiveAndOffsetsDefaultToScaleSims) {
  const ScaleSimConfig config = parse_scalesim_config(
      "[architecture_presets]\narrayheight=8\nARRAYWIDTH=4\nifmapsramszkb=1\nfiltersramszkb=2\nofmapsramszkb=3\n"
      "dataflow=is\nBandwidth: 10, 20\n",
      "lower.cfg");
  EXPECT_EQ(config.array_height, 8);
  EXPECT_EQ(config.array_width, 4);
  EXPECT_EQ(config.dataflow, Dataflow::InputStationary);
  EXPECT_EQ(config.filter_offset, 10000000);  // SCALE-Sim's constructor defaults
  EXPECT_EQ(config.ofmap_offset, 20000000);
  EXPECT_EQ(config.interface_bandwidth, InterfaceBandwidth::Calc);
  EXPECT_EQ(config.bandwidth, (std::vector<int64_t>{10, 20}));
  ASSERT_EQ(config.warnings.size(), 1u);  // Bandwidth under CALC
  EXPECT_NE(config.warnings[0].find("only with InterfaceBandwidth USER"), std::string::npos);
}

TEST(ScaleSimConfig, KeysSCaleSimDoesNotReadAreWarnedWithTheirLine) {
  const ScaleSimConfig config = parse_scalesim_config(
      "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\nIfmapSramSzkB: 1\nFilterSramSzkB: 1\n"
      "OfmapSramSzkB: 1\nDataflow: ws\nReadRequestBuffer: 32\n[network_presets]\nTopologyCsvLoc: \"nets/a.csv\"\n",
      "v3.cfg");
  ASSERT_EQ(config.warnings.size(), 1u);
  EXPECT_EQ(config.warnings[0].rfind("v3.cfg:8:1: architecture_presets.ReadRequestBuffer", 0), 0u)
      << config.warnings[0];
  EXPECT_EQ(config.topology_csv, "nets/a.csv");
}

struct Malformed {
  const char* name;
  std::string text;
  const char* where;
  const char* says;
};

class ScaleSimConfigErrors : public ::testing::TestWithParam<Malformed> {};

TEST_P(ScaleSimConfigErrors, NameTheFileLineColumnKeyAndWhatWasExpected) {
  const Malformed& c = GetParam();
  try {
    parse_scalesim_config(c.text, "bad.cfg");
    FAIL() << "accepted: " << c.text;
  } catch (const ConfigurationError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(c.where, 0), 0u) << what;
    EXPECT_NE(what.find(c.says), std::string::npos) << what;
  }
}

const std::string kArray = "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\n";
const std::string kSrams = "IfmapSramSzkB: 64\nFilterSramSzkB: 64\nOfmapSramSzkB: 64\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, ScaleSimConfigErrors,
    ::testing::Values(
        Malformed{"unknown dataflow", kArray + kSrams + "Dataflow: rs\n",
                  "bad.cfg:7:11: architecture_presets.Dataflow: ", "expected ws, os or is, found \"rs\""},
        Malformed{"upper-case dataflow", kArray + kSrams + "Dataflow : WS\n",
                  "bad.cfg:7:12: architecture_presets.Dataflow: ", "silently runs os"},
        Malformed{"inline comment", "[architecture_presets]\nArrayHeight: 32 # rows\n",
                  "bad.cfg:2:14: architecture_presets.ArrayHeight: ", "a comment after a value is part of the value"},
        Malformed{"non-integer", "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8.5\n",
                  "bad.cfg:3:13: architecture_presets.ArrayWidth: ", "expected an integer, found \"8.5\""},
        Malformed{"zero rows", "[architecture_presets]\nArrayHeight: 0\n",
                  "bad.cfg:2:14: architecture_presets.ArrayHeight: ", "from 1 to"},
        Malformed{"missing key", kArray + "Dataflow: ws\n", "bad.cfg: architecture_presets.IfmapSramSzkB: ", "missing"},
        Malformed{"duplicate key", kArray + "arrayheight: 4\n", "bad.cfg:4:1: arrayheight: ", "given twice"},
        Malformed{"key before a section", "ArrayHeight: 8\n", "bad.cfg:1:1: ArrayHeight: ", "before any [section]"},
        Malformed{"no delimiter", kArray + "Dataflow ws\n", "bad.cfg:4:1: ", "expected `key = value`"},
        Malformed{"bad interface mode",
                  "[run_presets]\nInterfaceBandwidth: calc\n" + kArray + kSrams + "Dataflow: ws\n",
                  "bad.cfg:2:21: run_presets.InterfaceBandwidth: ", "expected CALC or USER"},
        Malformed{"USER without Bandwidth",
                  "[run_presets]\nInterfaceBandwidth: USER\n" + kArray + kSrams + "Dataflow: ws\n",
                  "bad.cfg: architecture_presets.Bandwidth: ", "missing"},
        Malformed{"bad bandwidth list", kArray + kSrams + "Dataflow: ws\nBandwidth: 10,,\n",
                  "bad.cfg:8:12: architecture_presets.Bandwidth: ", "expected an integer"},
        Malformed{"unclosed section", "[architecture_presets\n", "bad.cfg:1:1: ", "expected a section header"}),
    [](const ::testing::TestParamInfo<Malformed>& param_info) {
      std::string name = param_info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace accelsim::scalesim
