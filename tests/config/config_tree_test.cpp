#include "core/config/config_tree.h"

#include <gtest/gtest.h>

#include "core/config/section.h"
#include "tests/support/temp_dir.h"

namespace accelsim::config {
namespace {

using testing::TempDir;

// Runs `action` and returns the ConfigurationError's message, or fails the test.
template <typename Action>
std::string error_of(Action action) {
  try {
    action();
  } catch (const ConfigurationError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigurationError";
  return "";
}

TEST(ConfigTree, IncludedKeysAreMergedAndTheIncludingFileWins) {
  TempDir dir;
  dir.write("hw/base.yaml", "hardware:\n  rows: 8\n  cols: 8\n");
  const auto main = dir.write("main.yaml", "include: [hw/base.yaml]\nhardware:\n  cols: 16\n");
  const ConfigTree tree = ConfigTree::load(main);
  EXPECT_EQ(tree.root()["hardware"]["rows"].as<int>(), 8);
  EXPECT_EQ(tree.root()["hardware"]["cols"].as<int>(), 16);
  EXPECT_FALSE(tree.root()["include"]);
}

TEST(ConfigTree, LocatesEachKeyInTheFileThatWroteIt) {
  TempDir dir;
  dir.write("hw/base.yaml", "hardware:\n  rows: 8\n  cols: 8\n");
  const auto main = dir.write("main.yaml", "include: hw/base.yaml\nhardware:\n  cols: 16\n");
  const ConfigTree tree = ConfigTree::load(main);
  const auto rows = tree.locate("hardware.rows", tree.root()["hardware"]["rows"]);
  EXPECT_EQ(rows.file, (dir.path() / "hw/base.yaml").string());
  EXPECT_EQ(rows.line, 2);
  EXPECT_EQ(rows.column, 9);
  const auto cols = tree.locate("hardware.cols", tree.root()["hardware"]["cols"]);
  EXPECT_EQ(cols.file, main.string());
  EXPECT_EQ(cols.line, 3);
}

TEST(ConfigTree, IncludeCycleIsAnError) {
  TempDir dir;
  dir.write("a.yaml", "include: b.yaml\nx: 1\n");
  dir.write("b.yaml", "include: a.yaml\ny: 1\n");
  const std::string message = error_of([&] { ConfigTree::load(dir.path() / "a.yaml"); });
  EXPECT_NE(message.find("include cycle"), std::string::npos) << message;
}

TEST(ConfigTree, MissingIncludeNamesTheIncludingFileAndLine) {
  TempDir dir;
  const auto main = dir.write("main.yaml", "x: 1\ninclude:\n  - nowhere.yaml\n");
  const std::string message = error_of([&] { ConfigTree::load(main); });
  EXPECT_NE(message.find(main.string() + ":3:5"), std::string::npos) << message;
  EXPECT_NE(message.find("nowhere.yaml' not found"), std::string::npos) << message;
}

TEST(ConfigTree, SyntaxErrorGivesFileLineAndColumn) {
  TempDir dir;
  const auto main = dir.write("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n");
  const std::string message = error_of([&] { ConfigTree::load(main); });
  EXPECT_NE(message.find(main.string() + ":"), std::string::npos) << message;
  EXPECT_NE(message.find("YAML syntax error"), std::string::npos) << message;
}

TEST(ConfigTree, DuplicateKeyIsAnError) {
  TempDir dir;
  const auto main = dir.write("dup.yaml", "a:\n  b: 1\n  b: 2\n");
  const std::string message = error_of([&] { ConfigTree::load(main); });
  EXPECT_NE(message.find(":3:3: a.b: duplicate key"), std::string::npos) << message;
}

TEST(ConfigTree, MissingAndEmptyFilesAreErrors) {
  TempDir dir;
  EXPECT_NE(error_of([&] { ConfigTree::load(dir.path() / "absent.yaml"); }).find("file not found"), std::string::npos);
  const auto empty = dir.write("empty.yaml", "");
  EXPECT_NE(error_of([&] { ConfigTree::load(empty); }).find("empty file"), std::string::npos);
  const auto list = dir.write("list.yaml", "- 1\n- 2\n");
  EXPECT_NE(error_of([&] { ConfigTree::load(list); }).find("expected a YAML map"), std::string::npos);
}

TEST(ConfigTree, OverrideReplacesAnExistingValue) {
  TempDir dir;
  const auto main = dir.write("main.yaml", "hardware:\n  pe_array:\n    rows: 8\n");
  ConfigTree tree = ConfigTree::load(main);
  tree.apply_override("hardware.pe_array.rows=16");
  EXPECT_EQ(tree.root()["hardware"]["pe_array"]["rows"].as<int>(), 16);
  const auto where = tree.locate("hardware.pe_array.rows", tree.root()["hardware"]["pe_array"]["rows"]);
  EXPECT_EQ(where.file, "--set hardware.pe_array.rows=16");
  EXPECT_EQ(where.line, 0);
}

TEST(ConfigTree, OverrideAddressesListElementsByIndexOrName) {
  TempDir dir;
  const auto main = dir.write("main.yaml", "layers:\n  - name: conv1\n    d: 1\n  - name: fc7\n    d: 2\n");
  ConfigTree tree = ConfigTree::load(main);
  tree.apply_override("layers[1].d=20");
  tree.apply_override("layers.conv1.d=10");
  tree.apply_override("layers[fc7].name=logits");
  EXPECT_EQ(tree.root()["layers"][0]["d"].as<int>(), 10);
  EXPECT_EQ(tree.root()["layers"][1]["d"].as<int>(), 20);
  EXPECT_EQ(tree.root()["layers"][1]["name"].as<std::string>(), "logits");
}

TEST(ConfigTree, OverrideOfAMissingPathIsAnError) {
  TempDir dir;
  const auto main = dir.write("main.yaml", "hardware:\n  pe_array:\n    rows: 8\n");
  ConfigTree tree = ConfigTree::load(main);
  std::string message = error_of([&] { tree.apply_override("hardware.pe_array.rwos=16"); });
  EXPECT_NE(message.find("hardware.pe_array.rwos: no such key"), std::string::npos) << message;
  message = error_of([&] { tree.apply_override("hardware.pe_array.rows.x=1"); });
  EXPECT_NE(message.find("is a plain value"), std::string::npos) << message;
  message = error_of([&] { tree.apply_override("hardware.pe_array.rows"); });
  EXPECT_NE(message.find("expected key=value"), std::string::npos) << message;
  message = error_of([&] { tree.apply_override("hardware..rows=1"); });
  EXPECT_NE(message.find("malformed key path"), std::string::npos) << message;
}

TEST(Section, UnknownKeySuggestsTheClosestKnownOne) {
  TempDir dir;
  const auto main = dir.write("main.yaml", "pe_array:\n  rows: 8\n  colls: 8\n");
  const ConfigTree tree = ConfigTree::load(main);
  Section section(tree, tree.root()["pe_array"], "pe_array");
  EXPECT_EQ(section.param<int64_t>("rows").required(), 8);
  EXPECT_EQ(section.param<int64_t>("cols").default_val(4), 4);
  const std::string message = error_of([&] { section.finish(); });
  EXPECT_NE(message.find(main.string() + ":3:3: pe_array.colls: unknown key (did you mean 'cols'?)"), std::string::npos)
      << message;
}

TEST(Section, WrongTypeAndRangeErrorsNameKeyAndPosition) {
  TempDir dir;
  const auto main = dir.write("main.yaml", "s:\n  n: eight\n  m: -3\n  f: .nan\n  b: maybe\n  c: wx\n");
  const ConfigTree tree = ConfigTree::load(main);
  Section section(tree, tree.root()["s"], "s");
  std::string message = error_of([&] { section.param<int64_t>("n").required(); });
  EXPECT_NE(message.find(":2:6: s.n: expected an integer, got 'eight'"), std::string::npos) << message;
  message = error_of([&] { section.param<int64_t>("m").min(1).required(); });
  EXPECT_NE(message.find(":3:6: s.m: expected integer >= 1, got '-3'"), std::string::npos) << message;
  message = error_of([&] { section.param<double>("f").required(); });
  EXPECT_NE(message.find("s.f: expected a finite number"), std::string::npos) << message;
  message = error_of([&] { section.param<bool>("b").required(); });
  EXPECT_NE(message.find("s.b: expected true or false"), std::string::npos) << message;
  message = error_of([&] { section.param<std::string>("c").choices({"ws", "os", "is"}).required(); });
  EXPECT_NE(message.find("expected one of ws, os, is, got 'wx' (did you mean 'ws'?)"), std::string::npos) << message;
  message = error_of([&] { section.param<int64_t>("absent").desc("a thing").required(); });
  EXPECT_NE(message.find("s.absent: missing required key (integer: a thing)"), std::string::npos) << message;
}

TEST(Section, HugeIntegersAreRejectedNotWrapped) {
  TempDir dir;
  const auto main = dir.write("main.yaml", "s:\n  n: 123456789012345678901234\n  h: 0x10\n");
  const ConfigTree tree = ConfigTree::load(main);
  Section section(tree, tree.root()["s"], "s");
  EXPECT_NE(error_of([&] { section.param<int64_t>("n").required(); }).find("out of range"), std::string::npos);
  EXPECT_NE(error_of([&] { section.param<int64_t>("h").required(); }).find("expected an integer"), std::string::npos);
}

TEST(Section, RelativeFilePathsResolveAgainstTheWritingFile) {
  TempDir dir;
  dir.write("sub/inc.yaml", "net:\n  weights: data/w.npy\n");
  const auto main = dir.write("main.yaml", "include: sub/inc.yaml\n");
  const ConfigTree tree = ConfigTree::load(main);
  Section section(tree, tree.root()["net"], "net");
  EXPECT_EQ(section.file("weights", "weights"), (dir.path() / "sub/data/w.npy").lexically_normal());
}

}  // namespace
}  // namespace accelsim::config
