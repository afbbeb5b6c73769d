#include "sim/report/effective_config.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "core/config/configuration_error.h"
#include "core/config/yaml_tree.h"
#include "sim/report/json_text.h"

namespace accelsim::report {

using nlohmann::json;

namespace {

bool is_override(const config::ParamDoc& doc) { return doc.source.rfind("--set ", 0) == 0; }

// A decimal number as a YAML plain scalar: [sign] digits [. digits] [e [sign] digits].
bool is_plain_number(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > from;
  };
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

// The items of "[1, 2, 3]", the flow list config::flow_yaml writes for a list value, when every item is
// a plain number: read without a YAML parser (those small parses were a tenth of stats.json's
// cost). Anything else (quoted or nested items, a scalar): nullopt, and YAML reads it.
std::optional<std::vector<std::string>> plain_number_items(const std::string& text) {
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return std::nullopt;
  std::vector<std::string> items;
  const std::string_view inside = std::string_view(text).substr(1, text.size() - 2);
  if (inside.empty()) return items;
  std::size_t start = 0;
  while (start <= inside.size()) {
    std::size_t end = inside.find(',', start);
    if (end == std::string_view::npos) end = inside.size();
    std::string_view item = inside.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!is_plain_number(item)) return std::nullopt;
    items.emplace_back(item);
    start = end + 1;
  }
  return items;
}

json typed_value(const config::ParamDoc& doc) {
  try {
    if (doc.type == "integer") return std::stoll(doc.value);
    if (doc.type == "number") return std::stod(doc.value);
    if (doc.type == "boolean") return doc.value == "true";
    if (doc.type == "list of integers" || doc.type == "list of numbers") {
      if (const auto items = plain_number_items(doc.value)) {
        json list = json::array();
        for (const std::string& item : *items)
          list.push_back(doc.type == "list of integers" ? json(std::stoll(item)) : json(std::stod(item)));
        return list;
      }
    }
    if (doc.type == "list of integers") {
      const config::YamlNode node = config::parse_yaml(doc.value);
      json list = json::array();
      if (node.is_scalar()) list.push_back(std::stoll(node.text()));
      for (const auto& item : node.items())
        if (item.is_scalar()) list.push_back(std::stoll(item.text()));
      return list;
    }
    if (doc.type == "list of numbers" || doc.type == "list of strings") {
      const config::YamlNode node = config::parse_yaml(doc.value);
      json list = json::array();
      for (const auto& item : node.items())
        if (item.is_scalar())
          list.push_back(doc.type == "list of numbers" ? json(std::stod(item.text())) : json(item.text()));
      return list;
    }
  } catch (const std::exception&) {
    // Read and checked already; a text that does not convert is kept as it was written.
  }
  return doc.value;
}

// A YAML tree in reading order, built from dotted paths ("network.layers[0].requant.clamp"); its
// keys are views into those paths (the params outlive it).
struct Tree {
  std::vector<std::pair<std::string_view, std::unique_ptr<Tree>>> keys;  // a map
  std::vector<std::unique_ptr<Tree>> items;                              // a list of maps
  const config::ParamDoc* leaf = nullptr;

  Tree& child(std::string_view key) {
    // Keys arrive grouped (a section's keys follow each other): the last one is the likeliest.
    for (auto entry = keys.rbegin(); entry != keys.rend(); ++entry)
      if (entry->first == key) return *entry->second;
    keys.emplace_back(key, std::make_unique<Tree>());
    return *keys.back().second;
  }
  Tree& item(std::size_t index) {
    while (items.size() <= index) items.push_back(std::make_unique<Tree>());
    return *items[index];
  }
};

void insert(Tree& root, const config::ParamDoc& doc) {
  Tree* node = &root;
  const std::string_view path = doc.path;
  std::size_t segment = 0;  // where the current key starts
  for (std::size_t i = 0; i <= path.size(); ++i) {
    const char c = i < path.size() ? path[i] : '.';
    if (c != '.' && c != '[') continue;
    if (i > segment) node = &node->child(path.substr(segment, i - segment));
    if (c == '[') {
      const std::size_t close = path.find(']', i);
      node = &node->item(std::stoul(std::string(path.substr(i + 1, close - i - 1))));
      i = close;
    }
    segment = i + 1;
  }
  node->leaf = &doc;
}

// A leaf's value as YAML, appended to `out`. `working_folder` is the run's working folder (asked
// for once, not once per file path).
void append_scalar(std::string& out, const config::ParamDoc& doc, const std::filesystem::path& working_folder) {
  if (doc.is_file) {
    // std::filesystem::absolute(file) without its getcwd per call; an empty path, or no working
    // folder, still goes through it (and fails as it did).
    const std::filesystem::path file = doc.value;
    const std::filesystem::path resolved = file.is_relative() && !file.empty() && !working_folder.empty()
                                               ? working_folder / file
                                               : std::filesystem::absolute(file);
    append_json_string(out, resolved.lexically_normal().string());
  } else if (doc.type == "string") {
    append_json_string(out, doc.value);  // JSON strings (as dump() writes them) are YAML double-quoted scalars
  } else {
    out += doc.value;
  }
}

void emit(const Tree& tree, std::size_t indent, bool first_line_dashed, const std::filesystem::path& working_folder,
          std::string& out) {
  bool first = true;
  for (const auto& [key, child] : tree.keys) {
    if (first && first_line_dashed) {
      out.append(indent - 2, ' ');
      out += "- ";
    } else {
      out.append(indent, ' ');
    }
    first = false;
    out += key;
    if (child->leaf) {
      out += ": ";
      append_scalar(out, *child->leaf, working_folder);
      out += "  # ";
      out += child->leaf->source;
      out += '\n';
    } else if (!child->items.empty()) {
      out += ":\n";
      for (const auto& item : child->items) emit(*item, indent + 4, true, working_folder, out);
    } else {
      out += ":\n";
      emit(*child, indent + 2, false, working_folder, out);
    }
  }
}

}  // namespace

std::vector<const config::ParamDoc*> effective_params(const std::vector<config::ParamDoc>& params) {
  std::vector<const config::ParamDoc*> out;
  std::unordered_map<std::string_view, std::size_t> seen;  // a path's place in `out`
  seen.reserve(params.size());
  for (const auto& doc : params) {
    if (doc.source.empty()) continue;
    const auto [it, first] = seen.emplace(doc.path, out.size());
    if (first)
      out.push_back(&doc);
    else
      out[it->second] = &doc;
  }
  return out;
}

std::vector<EffectiveEntry> effective_entries(const std::vector<const config::ParamDoc*>& effective) {
  std::vector<EffectiveEntry> entries;
  entries.reserve(effective.size());
  for (const config::ParamDoc* doc : effective) entries.push_back({doc, typed_value(*doc)});
  return entries;
}

void append_effective_config_json(std::string& out, const std::vector<EffectiveEntry>& entries, unsigned indent) {
  // As json_text writes the array of {"file", "key", "source", "value"} objects (members in
  // alphabetical order, "file" only for a path relative to the run's working folder).
  if (entries.empty()) {
    out += "[]";
    return;
  }
  const unsigned entry_indent = indent + 2, member_indent = indent + 4;
  auto put_name = [&](std::string_view name) {
    append_json_indent(out, member_indent);
    out += '"';
    out += name;
    out += "\": ";
  };
  out += "[\n";
  bool first = true;
  for (const EffectiveEntry& entry : entries) {
    if (!first) out += ",\n";
    first = false;
    append_json_indent(out, entry_indent);
    out += "{\n";
    if (entry.doc->is_file) {
      put_name("file");
      out += "true,\n";
    }
    put_name("key");
    append_json_string(out, entry.doc->path);
    out += ",\n";
    put_name("source");
    append_json_string(out, entry.doc->source);
    out += ",\n";
    put_name("value");
    append_json_value(out, entry.value, member_indent);
    out += '\n';
    append_json_indent(out, entry_indent);
    out += '}';
  }
  out += '\n';
  append_json_indent(out, indent);
  out += ']';
}

std::string effective_yaml_from_stats(const json& stats, const std::string& stats_file) {
  auto bad = [&](const std::string& key, const std::string& message) {
    return config::ConfigurationError({stats_file}, key, message);
  };
  if (!stats.is_object() || !stats.contains("effective_config"))
    throw bad("effective_config", "missing: a config is YAML, or a stats.json written by accelsim, which holds it");
  const json& entries = stats["effective_config"];
  if (!entries.is_array() || entries.empty()) throw bad("effective_config", "expected a non-empty list of keys");
  std::vector<config::ParamDoc> params;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const json& entry = entries[i];
    const std::string where = "effective_config[" + std::to_string(i) + "]";
    if (!entry.is_object() || !entry.contains("key") || !entry["key"].is_string() || !entry.contains("value") ||
        !entry.contains("source") || !entry["source"].is_string())
      throw bad(where, "expected {key, value, source}");
    const json& value = entry["value"];
    if (value.is_object() || value.is_null()) throw bad(where + ".value", "expected a number, string, boolean or list");
    config::ParamDoc doc;
    doc.path = entry["key"].get<std::string>();
    doc.source = entry["source"].get<std::string>();
    doc.is_file = entry.value("file", false);
    doc.type = value.is_string() ? "string" : "value";
    doc.value = value.is_string() ? value.get<std::string>() : value.dump();
    params.push_back(doc);
  }
  return effective_yaml(params, stats_file);
}

std::string effective_yaml(const std::vector<config::ParamDoc>& params, const std::string& config_file) {
  return effective_yaml(effective_params(params), config_file);
}

std::string effective_yaml(const std::vector<const config::ParamDoc*>& effective, const std::string& config_file) {
  Tree root;
  for (const config::ParamDoc* doc : effective) insert(root, *doc);
  std::string out = "# The effective configuration of a run of " + config_file +
                    ": every key it read, defaults included,\n"
                    "# each with where its value came from. `accelsim --config effective.yaml` repeats the run.\n";
  std::error_code no_working_folder;  // then an empty path: absolute() reports it per file
  emit(root, 0, false, std::filesystem::current_path(no_working_folder), out);
  return out;
}

std::vector<std::string> overridden_keys(const std::vector<config::ParamDoc>& params) {
  std::vector<std::string> out;
  // Most runs have no --set: then there is nothing to find, and no need to work out which entry
  // of each key is in effect (effective_params: a hash map of every key, a third of this file's cost).
  if (std::none_of(params.begin(), params.end(), is_override)) return out;
  return overridden_keys(effective_params(params));
}

std::vector<std::string> overridden_keys(const std::vector<const config::ParamDoc*>& effective) {
  std::vector<std::string> out;
  for (const config::ParamDoc* doc : effective)
    if (is_override(*doc)) out.push_back(doc->path + "=" + doc->value);
  return out;
}

}  // namespace accelsim::report
