#include "core/config/yaml_tree.h"

#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

#include <cmath>

#include "core/config/config_tree.h"

namespace accelsim::config {
namespace {

// The error parse_yaml throws for `text`, or fails the test.
YamlSyntaxError syntax_error_of(const std::string& text) {
  try {
    parse_yaml(text);
  } catch (const YamlSyntaxError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a YamlSyntaxError for: " << text;
  return YamlSyntaxError("", {});
}

TEST(YamlTree, NodesKeepTheirLineAndColumn) {
  // Zero-based: `rows` is on line 2 (index 1) after two spaces; its value 3 characters later.
  const YamlNode root = parse_yaml("hardware:\n  rows: 8\n  shape: [1, 28]\n");
  ASSERT_TRUE(root.is_map());
  const YamlNode rows = root["hardware"]["rows"];
  ASSERT_TRUE(rows.is_scalar());
  EXPECT_EQ(rows.text(), "8");
  EXPECT_EQ(rows.mark().line, 1);
  EXPECT_EQ(rows.mark().column, 8);
  EXPECT_EQ(root["hardware"].key_node("rows").mark().column, 2);
  const YamlNode shape = root["hardware"]["shape"];
  ASSERT_TRUE(shape.is_sequence());
  ASSERT_EQ(shape.size(), 2u);
  EXPECT_EQ(shape[1].text(), "28");
  EXPECT_EQ(shape[1].mark().line, 2);
  EXPECT_EQ(shape[1].mark().column, 13);  // "  shape: [1, " is 13 characters
  EXPECT_FALSE(root["absent"]);
  EXPECT_FALSE(shape[2]);
  EXPECT_FALSE(rows["key of a scalar"]);
}

TEST(YamlTree, NullIsAPlainUntaggedTildeNullOrNothing) {
  const YamlNode root = parse_yaml("a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: 'null'\ng: !!str null\nh: nULL\ni: \"\"\n");
  for (const char* key : {"a", "b", "c", "d", "e"}) {
    EXPECT_TRUE(root[key].is_null()) << key;
    EXPECT_TRUE(root[key]) << key << ": null is present, unlike an absent key";
  }
  EXPECT_EQ(root["f"].text(), "null");
  EXPECT_EQ(root["g"].text(), "null");
  EXPECT_EQ(root["h"].text(), "nULL");
  EXPECT_TRUE(root["i"].is_scalar());
  EXPECT_EQ(root["i"].text(), "");
}

TEST(YamlTree, AnEmptyStreamIsNullAndOnlyTheFirstDocumentIsRead) {
  EXPECT_TRUE(parse_yaml("").is_null());
  EXPECT_TRUE(parse_yaml("# just a comment\n").is_null());
  EXPECT_TRUE(parse_yaml("---\n").is_null());
  const YamlNode first = parse_yaml("a: 1\n---\nb: [unclosed\n");
  EXPECT_EQ(first["a"].text(), "1");
  EXPECT_FALSE(first["b"]);
}

TEST(YamlTree, AnAliasSharesItsAnchorsNode) {
  const YamlNode root = parse_yaml("a: &shared {p: 1}\nb: *shared\n");
  EXPECT_EQ(root["b"]["p"].text(), "1");
  root["a"]["p"].assign(YamlNode::scalar("2"));
  EXPECT_EQ(root["b"]["p"].text(), "2") << "assign() is seen through the alias";
  // `<<` is an ordinary key, as yaml-cpp read it: no merge.
  const YamlNode merged = parse_yaml("base: &b {p: 1}\nd:\n  <<: *b\n  q: 3\n");
  EXPECT_TRUE(merged["d"]["<<"].is_map());
  EXPECT_FALSE(merged["d"]["p"]);
}

TEST(YamlTree, BadTextIsRejectedWithItsLineAndColumn) {
  const YamlSyntaxError unknown = syntax_error_of("a: 1\nb: *nowhere\n");
  EXPECT_EQ(unknown.mark().line, 1);
  EXPECT_EQ(unknown.mark().column, 3);
  EXPECT_NE(std::string(unknown.what()).find("*nowhere"), std::string::npos) << unknown.what();
  // An alias inside its own anchor's node would make the tree a cycle.
  EXPECT_EQ(syntax_error_of("a: &x [1, *x]\n").mark().column, 10);
  const YamlSyntaxError tab = syntax_error_of("a:\n\tb: 1\n");
  EXPECT_EQ(tab.mark().line, 1);
  EXPECT_EQ(tab.mark().column, 0);
  // A reader error has only a byte offset: 0xff is the 4th byte of line 2.
  const YamlSyntaxError utf8 = syntax_error_of("a: 1\nb: \xff\n");
  EXPECT_EQ(utf8.mark().line, 1);
  EXPECT_EQ(utf8.mark().column, 3);
  const YamlSyntaxError unclosed = syntax_error_of("network:\n  name: [unclosed\nhardware: {}\n");
  EXPECT_EQ(unclosed.mark().line, 2);
  EXPECT_EQ(unclosed.mark().column, 8);
}

TEST(YamlTree, DeepNestingAndAliasesOfAliasesAreRefusedBeforeTheLoaderWalksThem) {
  EXPECT_NO_THROW(parse_yaml(std::string(999, '[') + std::string(999, ']')));
  const YamlSyntaxError deep = syntax_error_of(std::string(1001, '[') + std::string(1001, ']'));
  EXPECT_EQ(deep.mark().column, 1000) << "the 1001st '[' opens level 1001";
  // Level k holds 10 aliases of level k-1: 1 + 10 * weight(k-1) nodes, 11 at level 1 (ten
  // scalars), 111 at 2, ..., 1,111,111 at 6: over the limit of a million, 111,111 at 5 is not.
  std::string text = "l1: &l1 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 2; level <= 6; ++level) {
    const std::string below = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [" + below;
    for (int i = 1; i < 10; ++i) text += ", " + below;
    text += "]\n";
    if (level == 5) {
      EXPECT_NO_THROW(parse_yaml(text));
    }
  }
  const YamlSyntaxError laughs = syntax_error_of(text);
  EXPECT_EQ(laughs.mark().line, 5);
  EXPECT_NE(std::string(laughs.what()).find("more than 1000000 nodes"), std::string::npos) << laughs.what();
}

TEST(YamlTree, NumbersReadAsYamlCppReadThem) {
  double value = 0;
  ASSERT_TRUE(read_yaml_number("1.5e3", value));
  EXPECT_EQ(value, 1500.0);
  ASSERT_TRUE(read_yaml_number("-.5", value));
  EXPECT_EQ(value, -0.5);
  ASSERT_TRUE(read_yaml_number("+3", value));
  EXPECT_EQ(value, 3.0);
  ASSERT_TRUE(read_yaml_number("-.inf", value));
  EXPECT_TRUE(std::isinf(value) && value < 0);
  ASSERT_TRUE(read_yaml_number(".NaN", value));
  EXPECT_TRUE(std::isnan(value));
  for (const char* text : {"", "eight", "0x10", "1e999", "1,5", " 1", "inf", "nan"})
    EXPECT_FALSE(read_yaml_number(text, value)) << text;
  EXPECT_EQ(parse_yaml("[16]")[0].as<int>(), 16);
  EXPECT_THROW(parse_yaml("[x]")[0].as<int>(), std::invalid_argument);
}

// Plain decimals skip the std::stringstream: every text below reads as the stream reads it (yaml-cpp's
// as<double>: noskipws, then only whitespace left), to the same bits, or is refused as it refuses it.
TEST(YamlTree, NumbersReadWithoutTheStreamAsTheStreamReadsThem) {
  const auto streamed = [](const std::string& text, double& value) {
    std::stringstream stream(text);
    stream.unsetf(std::ios::dec);
    return (stream >> std::noskipws >> value) && (stream >> std::ws).eof();
  };
  for (const char* text : {"0",
                           "-0",
                           "+0",
                           "1",
                           "+3",
                           "-7",
                           "42",
                           "0.1",
                           "0.3",
                           "1.",
                           "-1.",
                           ".5",
                           "-.5",
                           "+.5",
                           "1.5e3",
                           "1.5E-3",
                           "2e+2",
                           "1e308",
                           "1.7976931348623157e308",
                           "1.7976931348623159e308",
                           "4.9e-324",
                           "2.2250738585072014e-308",
                           "1e-320",
                           "0.0024161175824701786",
                           "0.018929423764348030",
                           "123456789012345678901234567890",
                           "007",
                           "1e0400",
                           "1e-999",
                           "1.0e",
                           "1e+",
                           "e5",
                           ".",
                           "-",
                           "+",
                           "1..2",
                           "1e5.5",
                           "--1",
                           "+-1",
                           "1 ",
                           "0x1p3"}) {
    double fast = -1, stream = -1;
    const bool read = read_yaml_number(text, fast);
    const bool expected = streamed(text, stream);
    EXPECT_EQ(read, expected) << text;
    if (read && expected) {
      EXPECT_EQ(std::memcmp(&fast, &stream, sizeof fast), 0) << text << ": " << fast << " vs " << stream;
    }
  }
}

TEST(YamlTree, ScalarsAreQuotedOnlyWhereThePlainTextWouldReadBackOtherwise) {
  EXPECT_EQ(yaml_scalar_text("conv1", true), "conv1");
  EXPECT_EQ(yaml_scalar_text("../data/x.npy", true), "../data/x.npy");
  EXPECT_EQ(yaml_scalar_text("-a", true), "-a");
  EXPECT_EQ(yaml_scalar_text("x,y", false), "x,y");
  EXPECT_EQ(yaml_scalar_text("x,y", true), "\"x,y\"");  // a comma ends a flow item
  EXPECT_EQ(yaml_scalar_text("a: b", false), "\"a: b\"");
  EXPECT_EQ(yaml_scalar_text("a #b", false), "\"a #b\"");
  EXPECT_EQ(yaml_scalar_text("- a", false), "\"- a\"");
  EXPECT_EQ(yaml_scalar_text("null", false), "\"null\"");
  EXPECT_EQ(yaml_scalar_text("", false), "\"\"");
  EXPECT_EQ(yaml_scalar_text(" a", false), "\" a\"");
  EXPECT_EQ(yaml_scalar_text("a\"b\\c\nd\te", false), "\"a\\\"b\\\\c\\nd\\te\"");
  EXPECT_EQ(yaml_scalar_text("\x01", false), "\"\\x01\"");
}

TEST(YamlTree, FlowAndBlockTextReadBackAsTheSameTree) {
  const std::string text =
      "hardware:\n  rows: 8\n  shape: [1, 28, 28]\nlayers:\n  - name: conv\n    kernel: [5, 5]\n  - name: "
      "\"a: b\"\n    inputs:\n      - x\n      - y\nempty: []\nnothing: ~";
  const YamlNode root = parse_yaml(text);
  EXPECT_EQ(block_yaml(root), text);
  EXPECT_EQ(flow_yaml(root),
            "{hardware: {rows: 8, shape: [1, 28, 28]}, layers: [{name: conv, kernel: [5, 5]}, {name: \"a: b\", inputs: "
            "[x, y]}], empty: [], nothing: ~}");
  EXPECT_EQ(flow_yaml(parse_yaml(flow_yaml(root))), flow_yaml(root));
}

TEST(YamlTree, BuildingSetsInPlaceAndClonesAreIndependent) {
  YamlNode root = parse_yaml("pe_array: {rows: 8}\n");
  YamlNode copy = root.clone();
  copy.child_map("pe_array").set("rows", YamlNode::scalar("16"));
  copy.child_map("dram").set("bandwidth", YamlNode::scalar("4"));
  EXPECT_EQ(root["pe_array"]["rows"].text(), "8");
  EXPECT_FALSE(root["dram"]);
  EXPECT_EQ(flow_yaml(copy), "{pe_array: {rows: 16}, dram: {bandwidth: 4}}");
}

}  // namespace
}  // namespace accelsim::config
