// report::json_text must write exactly what nlohmann's dump(2) writes (stats.json's bytes).
#include "sim/report/json_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace accelsim::report {
namespace {

using nlohmann::json;

TEST(ReportJsonText, WritesTheIndentedLayoutByHand) {
  // Members in key order, two spaces per level, ": " after a key, empty containers inline,
  // whole floats with ".0", a newline escaped as \n.
  const json value = {{"b", json::object()}, {"a", {1, 2.5, 3.0, "x\n", nullptr, true}}, {"c", json::array()}};
  EXPECT_EQ(json_text(value),
            "{\n  \"a\": [\n    1,\n    2.5,\n    3.0,\n    \"x\\n\",\n    null,\n    true\n  ],\n  \"b\": {},\n"
            "  \"c\": []\n}");
}

TEST(ReportJsonText, MatchesDumpOnNestedDocuments) {
  json stats;
  stats["layers"] = json::array();
  for (int l = 0; l < 3; ++l)
    stats["layers"].push_back({{"name", "conv" + std::to_string(l)},
                               {"cycles", 1000 * l - 5},
                               {"utilization", 0.1 * l},
                               {"mapping", {{"tiles", {l, l + 1, l + 2}}, {"resident", l % 2 == 0}}}});
  stats["empty"] = {{"object", json::object()}, {"array", json::array()}, {"nested", {json::array(), json::object()}}};
  stats["top"] = json::array({json::array({json::array({1})})});
  EXPECT_EQ(json_text(stats), stats.dump(2));
  EXPECT_EQ(json_text(json(5)), "5");
  EXPECT_EQ(json_text(json("plain")), "\"plain\"");
}

TEST(ReportJsonText, EscapesStringsAndKeysAsDumpDoes) {
  std::string every_ascii;
  for (int c = 1; c < 0x80; ++c) every_ascii += static_cast<char>(c);
  const json value = {{every_ascii, every_ascii},
                      {"quote\" backslash\\ slash/", "tab\t cr\r ff\f bs\b del\x7f nul-free"},
                      {"utf-8", "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x99\x82"},
                      {std::string("\x01\x1f", 2), ""}};
  EXPECT_EQ(json_text(value), value.dump(2));
}

TEST(ReportJsonText, EscapesACharacterAnywhereInALongString) {
  // Plain runs are skipped eight bytes at a time: each character that is not plain, at every
  // offset in and around those blocks, must still be found.
  std::vector<std::string> specials = {"\"", "\\", "\x7f", "caf\xc3\xa9", "\xe2\x86\x92"};
  for (int c = 1; c < 0x20; ++c) specials.emplace_back(1, static_cast<char>(c));
  for (const std::string& special : specials)
    for (std::size_t before = 0; before < 20; ++before)
      for (std::size_t after : {0, 1, 7, 8, 9}) {
        const std::string text = std::string(before, 'a') + special + std::string(after, '!');
        const json value = {{text, text}};
        ASSERT_EQ(json_text(value), value.dump(2)) << before << " plain bytes before, " << after << " after";
      }
}

TEST(ReportJsonText, RejectsInvalidUtf8AsDumpDoes) {
  const json value = {{"bad", "\xff\xfe"}};
  EXPECT_THROW(value.dump(2), json::type_error);
  EXPECT_THROW(json_text(value), json::type_error);
}

TEST(ReportJsonText, WritesNumbersAsDumpDoes) {
  json numbers = json::array();
  numbers.push_back(std::numeric_limits<int64_t>::min());
  numbers.push_back(std::numeric_limits<int64_t>::max());
  numbers.push_back(std::numeric_limits<uint64_t>::max());
  numbers.push_back(0);
  numbers.push_back(-0.0);
  numbers.push_back(0.0);
  numbers.push_back(std::numeric_limits<double>::denorm_min());
  numbers.push_back(std::numeric_limits<double>::max());
  numbers.push_back(-std::numeric_limits<double>::min());
  for (int e = -320; e <= 308; ++e) numbers.push_back(std::pow(10.0, e));
  for (int e = -30; e <= 30; ++e) numbers.push_back(1.5 * std::pow(10.0, e) / 3.0);
  // Doubles from random bit patterns (every exponent), and ratios like the stats' formulas.
  std::mt19937_64 bits(15);
  for (int i = 0; i < 5000; ++i) {
    const uint64_t pattern = bits();
    double value;
    std::memcpy(&value, &pattern, sizeof value);
    if (std::isfinite(value)) numbers.push_back(value);
    numbers.push_back(static_cast<double>(pattern % 100000) / static_cast<double>(1 + pattern % 977));
  }
  EXPECT_EQ(json_text(numbers), numbers.dump(2));
  // Not a number and the infinities are null, in dump as here.
  EXPECT_EQ(json_text(json::array(
                {std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()})),
            "[\n  null,\n  null,\n  null\n]");
}

TEST(ReportJsonText, PutsAMemberWrittenSeparatelyInItsSortedPlace) {
  const json object = {{"b", {1, 2}}, {"d", {{"x", "y"}}}, {"f", nullptr}};
  const json member = {{"inner", json::array({3, json::object()})}, {"text", "q\"uote"}};
  // First, between two others, and last among the keys.
  for (const std::string key : {"a", "c", "e", "g"}) {
    json expected = object;
    expected[key] = member;
    EXPECT_EQ(
        json_text(object, key, [&](std::string& out, unsigned indent) { append_json_value(out, member, indent); }),
        expected.dump(2))
        << key;
  }
  // A member the object already holds would be written twice: refused.
  EXPECT_THROW(json_text(object, "b", [](std::string&, unsigned) {}), std::logic_error);
  EXPECT_THROW(json_text(json::array(), "a", [](std::string&, unsigned) {}), std::logic_error);
}

TEST(ReportJsonText, RefusesValuesNoReportHolds) { EXPECT_THROW(json_text(json::binary({1, 2})), std::logic_error); }

}  // namespace
}  // namespace accelsim::report
