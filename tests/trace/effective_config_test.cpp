// stats.json's effective_config is written straight from the run's keys: it must be what the
// same entries as a JSON document, written by json_text, were.
#include "sim/report/effective_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/report/json_text.h"

namespace accelsim::report {
namespace {

using nlohmann::json;

config::ParamDoc param(std::string path, std::string type, std::string value, std::string source,
                       bool is_file = false) {
  config::ParamDoc doc;
  doc.path = std::move(path);
  doc.type = std::move(type);
  doc.value = std::move(value);
  doc.source = std::move(source);
  doc.is_file = is_file;
  return doc;
}

std::string written(const std::vector<EffectiveEntry>& entries) {
  return json_text(json{{"a", 1}, {"z", 2}}, "effective_config",
                   [&](std::string& out, unsigned indent) { append_effective_config_json(out, entries, indent); });
}

TEST(EffectiveConfigJson, WritesWhatTheDocumentOfItsEntriesWrites) {
  const std::vector<config::ParamDoc> params = {
      param("hardware.pe_array.rows", "integer", "8", "hw.yaml:3:11"),
      param("network.input.images", "string", "data/images.npy", "net.yaml:7:13", true),
      param("network.layers[0].kernel", "list of integers", "[5, 5]", "net.yaml:20:15"),
      param("network.layers[0].scales", "list of numbers", "[0.5, 1e-3]", "default"),
      param("network.name", "string", "le\"net\"\n", "net.yaml:2:9"),
      param("network.relu", "boolean", "true", "default"),
      param("network.optional", "string", "", ""),  // no value: not in effect
      param("hardware.pe_array.rows", "integer", "16", "--set hardware.pe_array.rows=16"),
  };
  const std::vector<EffectiveEntry> entries = effective_entries(effective_params(params));
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].value, json(16)) << "the --set entry is the one in effect";

  const json expected = {
      {"a", 1},
      {"z", 2},
      {"effective_config",
       {{{"key", "hardware.pe_array.rows"}, {"source", "--set hardware.pe_array.rows=16"}, {"value", 16}},
        {{"file", true}, {"key", "network.input.images"}, {"source", "net.yaml:7:13"}, {"value", "data/images.npy"}},
        {{"key", "network.layers[0].kernel"}, {"source", "net.yaml:20:15"}, {"value", {5, 5}}},
        {{"key", "network.layers[0].scales"}, {"source", "default"}, {"value", {0.5, 1e-3}}},
        {{"key", "network.name"}, {"source", "net.yaml:2:9"}, {"value", "le\"net\"\n"}},
        {{"key", "network.relu"}, {"source", "default"}, {"value", true}}}}};
  EXPECT_EQ(written(entries), expected.dump(2));
  EXPECT_EQ(written({}), json({{"a", 1}, {"effective_config", json::array()}, {"z", 2}}).dump(2));
}

}  // namespace
}  // namespace accelsim::report
