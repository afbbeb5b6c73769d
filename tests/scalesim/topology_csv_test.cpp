// SCALE-Sim's topology CSVs, read as SCALE-Sim v2 reads them (scalesim/topology_utils.py), and
// one test per malformed case: each names the file, line, column and the column's name.
#include "core/scalesim/topology_csv.h"

#include <gtest/gtest.h>

#include <cctype>

#include "core/config/configuration_error.h"
#include "core/scalesim/python_text.h"

namespace accelsim::scalesim {
namespace {

using config::ConfigurationError;

// Written the way SCALE-Sim's own files are (these lines are ours, not copied): spaces padding
// the columns, a trailing comma (or comma and space) on every row, CRLF line ends, a blank line.
constexpr const char* kConvFile =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\r\n"
    "Stem     ,227   ,227   ,11  ,11  ,3    ,64   ,4  ,\r\n"
    "\r\n"
    "Mid, 31, 31, 5, 5, 64, 128, 1, \r\n"
    "DW_DP_1, 58, 58, 3, 3, 32, 1, 2, 1,\r\n";

TEST(TopologyCsv, ReadsTheConvFormatAsScaleSimDoes) {
  const Topology topology = parse_topology(kConvFile, "net.csv");
  EXPECT_EQ(topology.format, TopologyFormat::Conv);
  ASSERT_EQ(topology.layers.size(), 3u);
  const TopologyLayer& stem = topology.layers[0];
  EXPECT_EQ(stem.name, "Stem");
  EXPECT_EQ(stem.line, 2);
  EXPECT_EQ(stem.ifmap_height, 227);
  EXPECT_EQ(stem.filter_width, 11);
  EXPECT_EQ(stem.channels, 3);
  EXPECT_EQ(stem.num_filters, 64);
  EXPECT_EQ(stem.stride_height, 4);
  EXPECT_EQ(stem.stride_width, 4);  // one stride column serves both dimensions
  EXPECT_FALSE(stem.depthwise_by_name);
  // (227 - 11 + 4) / 4 = 55 exactly; the ceil and the floor rule agree here.
  EXPECT_EQ(stem.ofmap_height(), 55);
  EXPECT_EQ(topology.layers[1].line, 4);  // the blank line 3 is skipped but counted
  EXPECT_EQ(topology.layers[1].num_filters, 128);
  const TopologyLayer& dw = topology.layers[2];
  EXPECT_TRUE(dw.depthwise_by_name);  // "DP" in the name: SCALE-Sim splits it per channel
  EXPECT_EQ(dw.stride_height, 2);
  EXPECT_EQ(dw.stride_width, 1);  // a ninth field is the width's stride
  // ceil((58 - 3 + 2) / 2) = ceil(28.5) = 29 (floor((58 - 3) / 2) + 1 would be 28); width: 58 - 3 + 1 = 56.
  EXPECT_EQ(dw.ofmap_height(), 29);
  EXPECT_EQ(dw.ofmap_width(), 56);
  EXPECT_TRUE(topology.warnings.empty());
}

TEST(TopologyCsv, ScaleSimsOwnRegressionLayerHasA55By55Output) {
  // 224 - 11 = 213 is not a multiple of 4: SCALE-Sim's ceil((213 + 4) / 4) = ceil(54.25) = 55
  // (floor gives 54); its 112283 cycles on 32x32 WS need the 55.
  const Topology topology = parse_topology(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
      "Conv1, 224, 224, 11, 11, 3, 96, 4,\n",
      "part.csv");
  ASSERT_EQ(topology.layers.size(), 1u);
  EXPECT_EQ(topology.layers[0].ofmap_height(), 55);
  EXPECT_EQ(topology.layers[0].ofmap_width(), 55);
}

TEST(TopologyCsv, ReadsTheGemmFormatAsScaleSimConvertsIt) {
  // SCALE-Sim turns M, N, K into [name, M, K, 1, K, 1, N, 1, 1]: an M x K input of one channel,
  // a 1 x K filter, N filters, stride 1, so E = M x 1 output pixels and the window is K.
  const Topology topology = parse_topology(
      "Layer, M, N, K,\n"
      "# accelsim takes comment lines; SCALE-Sim has none\n"
      "QKV, 128, 2304, 768,\n",
      "gemm.csv");
  EXPECT_EQ(topology.format, TopologyFormat::Gemm);
  ASSERT_EQ(topology.layers.size(), 1u);
  const TopologyLayer& layer = topology.layers[0];
  EXPECT_EQ(layer.line, 3);
  EXPECT_EQ(layer.ifmap_height, 128);
  EXPECT_EQ(layer.ifmap_width, 768);
  EXPECT_EQ(layer.filter_height, 1);
  EXPECT_EQ(layer.filter_width, 768);
  EXPECT_EQ(layer.channels, 1);
  EXPECT_EQ(layer.num_filters, 2304);
  EXPECT_EQ(layer.ofmap_height() * layer.ofmap_width(), 128);
}

TEST(TopologyCsv, EmptyColumnsAfterStridesAreIgnoredAndFilledOnesWarned) {
  // SCALE-Sim's own Resnet50.csv has a row of commas and empty columns after Strides (its parser
  // crashes on both).
  const Topology topology = parse_topology(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,,,Eh,\n"
      ",,,,,,,,,,,\n"
      "A,56,56,1,1,64,64,1,,,,\n"
      "B,224,224,7,7,3,64,2,,,110,\n",
      "r50.csv");
  ASSERT_EQ(topology.layers.size(), 2u);
  EXPECT_EQ(topology.layers[1].stride_width, 2);  // the empty ninth field is no stride
  ASSERT_EQ(topology.warnings.size(), 2u);
  EXPECT_EQ(topology.warnings[0], "r50.csv:2: a row of empty fields, skipped");
  EXPECT_NE(topology.warnings[1].find("r50.csv:4:24"), std::string::npos) << topology.warnings[1];
  EXPECT_NE(topology.warnings[1].find("\"110\""), std::string::npos) << topology.warnings[1];
}

TEST(TopologyCsv, ALastFieldWithoutTrailingCommaIsKept) {
  // SCALE-Sim would drop the 4 (its last field always goes) and crash later for want of a stride.
  const Topology topology = parse_topology("h,a,b,c,d,e,f,g,\nL, 9, 9, 3, 3, 1, 2, 4\n", "t.csv");
  ASSERT_EQ(topology.layers.size(), 1u);
  EXPECT_EQ(topology.layers[0].stride_height, 4);
}

// A malformed file: the message names the file:line:column and the column, and says what was expected.
struct Malformed {
  const char* name;
  const char* text;
  const char* where;
  const char* says;
};

class TopologyCsvErrors : public ::testing::TestWithParam<Malformed> {};

constexpr const char* kHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

TEST_P(TopologyCsvErrors, NameTheFileLineColumnAndWhatWasExpected) {
  const Malformed& c = GetParam();
  try {
    parse_topology(c.text, "bad.csv");
    FAIL() << "accepted: " << c.text;
  } catch (const ConfigurationError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(c.where, 0), 0u) << what;
    EXPECT_NE(what.find(c.says), std::string::npos) << what;
  }
}

const std::string kMissing = std::string(kHeader) + "C1, 224, 224, 11, 11, 3, 96,\n";
const std::string kFloat = std::string(kHeader) + "C1, 224, 224, 11, 11, 3, 96, 4.0,\n";
const std::string kZeroStride = std::string(kHeader) + "C1, 224, 224, 11, 11, 3, 96, 0,\n";
const std::string kBigFilter = std::string(kHeader) + "C1, 5, 5, 7, 7, 3, 96, 1,\n";
const std::string kNegative = std::string(kHeader) + "C1, 224, 224, 3, 3, -3, 96, 1,\n";
const std::string kHuge = std::string(kHeader) + "C1, 224, 224, 3, 3, 99999999999999999999999, 96, 1,\n";
const std::string kEmptyField = std::string(kHeader) + "C1, 224, , 3, 3, 3, 96, 1,\n";
const std::string kGemmNonInteger = "Layer, M, N, K,\nG, 128, x, 64,\n";
const std::string kGemmMissing = "Layer, M, N, K,\nG, 128, 64,\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, TopologyCsvErrors,
    ::testing::Values(Malformed{"missing column", kMissing.c_str(), "bad.csv:2:29: Strides: ", "missing"},
                      Malformed{"non-integer", kFloat.c_str(),
                                "bad.csv:2:30: Strides: ", "expected an integer, found \"4.0\""},
                      Malformed{"zero stride", kZeroStride.c_str(), "bad.csv:2:30: Strides: ", "from 1 to"},
                      Malformed{"filter larger than input", kBigFilter.c_str(),
                                "bad.csv:2:11: Filter Height: ", "7 is larger than the IFMAP Height 5"},
                      Malformed{"negative channels", kNegative.c_str(), "bad.csv:2:21: Channels: ", "found -3"},
                      Malformed{"beyond int64", kHuge.c_str(), "bad.csv:2:21: Channels: ", "from 1 to"},
                      Malformed{"empty field", kEmptyField.c_str(), "bad.csv:2:10: IFMAP Width: ", "an empty field"},
                      Malformed{"gemm non-integer", kGemmNonInteger.c_str(), "bad.csv:2:9: N: ", "expected an integer"},
                      Malformed{"gemm missing K", kGemmMissing.c_str(), "bad.csv:2:12: K: ", "missing"},
                      Malformed{"no header", "C1, 224, 224, 11, 11, 3, 96, 4,\n",
                                "bad.csv:1:5: header: ", "the first line must be the header"},
                      Malformed{"only a header", kHeader, "bad.csv", "no layers"},
                      Malformed{"empty", "\n  \n", "bad.csv: ", "an empty topology"}),
    [](const ::testing::TestParamInfo<Malformed>& param_info) {
      std::string name = param_info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(PythonText, IntAcceptsWhatPythonsIntAccepts) {
  EXPECT_EQ(parse_python_int(" 42 "), 42);
  EXPECT_EQ(parse_python_int("+7"), 7);
  EXPECT_EQ(parse_python_int("-7"), -7);
  EXPECT_EQ(parse_python_int("007"), 7);
  EXPECT_EQ(parse_python_int("1_000"), 1000);
  EXPECT_EQ(parse_python_int("\t9\r"), 9);
  EXPECT_FALSE(parse_python_int("1__0"));
  EXPECT_FALSE(parse_python_int("_1"));
  EXPECT_FALSE(parse_python_int("1_"));
  EXPECT_FALSE(parse_python_int("4.0"));
  EXPECT_FALSE(parse_python_int("1e3"));
  EXPECT_FALSE(parse_python_int("0x10"));
  EXPECT_FALSE(parse_python_int(""));
  EXPECT_FALSE(parse_python_int("-"));
  EXPECT_EQ(parse_python_int("99999999999999999999"), std::numeric_limits<int64_t>::max());
}

TEST(PythonText, FloatsPrintAsPythonsStrPrintsThem) {
  // Values from SCALE-Sim's reports (the notes' regression run) and Python 3.11's str() of each.
  EXPECT_EQ(python_float_text(91.68309650614964), "91.68309650614964");
  EXPECT_EQ(python_float_text(94.53125), "94.53125");
  EXPECT_EQ(python_float_text(33.0), "33.0");
  EXPECT_EQ(python_float_text(-3243.0), "-3243.0");
  EXPECT_EQ(python_float_text(0.31035864734643714), "0.31035864734643714");
  EXPECT_EQ(python_float_text(0.0), "0.0");
  EXPECT_EQ(python_float_text(0.1), "0.1");
  EXPECT_EQ(python_float_text(0.0001), "0.0001");  // point = -3: still fixed
  EXPECT_EQ(python_float_text(0.00005), "5e-05");  // point = -4: scientific
  EXPECT_EQ(python_float_text(1.5e-05), "1.5e-05");
  EXPECT_EQ(python_float_text(1e15), "1000000000000000.0");  // point = 16: fixed
  EXPECT_EQ(python_float_text(1e16), "1e+16");               // point = 17: scientific
  EXPECT_EQ(python_float_text(1.25e17), "1.25e+17");
  EXPECT_EQ(python_float_text(-2.5e-300), "-2.5e-300");
}

}  // namespace
}  // namespace accelsim::scalesim
