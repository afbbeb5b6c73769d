#include "core/config/config_tree.h"

#include "core/config/section.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>
#include <unordered_set>

namespace accelsim::config {

namespace fs = std::filesystem;

std::string join_key(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string join_index(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

namespace {

SourceLocation location_of(const std::string& file, const YamlMark& mark) {
  SourceLocation where{file, 0, 0};
  if (!mark.is_null()) {
    where.line = mark.line + 1;
    where.column = mark.column + 1;
  }
  return where;
}

// YAML forbids tabs for indentation, and libyaml's message then does not say so ("found character
// that cannot start any token"). A syntax error at or after a tab outside a comment is reported at
// the tab.
ConfigurationError syntax_error(const std::string& file, const std::string& text, const YamlSyntaxError& e) {
  int line = 1, column = 1;
  bool comment = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!e.mark().is_null() && line > e.mark().line + 1) break;
    if (c == '\n') {
      ++line;
      column = 1;
      comment = false;
      continue;
    }
    if (c == '#') comment = true;
    if (c == '\t' && !comment)
      return ConfigurationError(
          SourceLocation{file, line, column}, "",
          "YAML syntax error: a tab character; YAML indents with spaces only (libyaml: " + std::string(e.what()) + ")");
    ++column;
  }
  return ConfigurationError(location_of(file, e.mark()), "", std::string("YAML syntax error: ") + e.what());
}

YamlNode parse_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw ConfigurationError({file.string()}, "", "file not found");
  if (fs::is_directory(file, ec)) throw ConfigurationError({file.string()}, "", "is a directory, expected a YAML file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigurationError({file.string()}, "", "cannot be read");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  try {
    return parse_yaml(text);
  } catch (const YamlSyntaxError& e) {
    throw syntax_error(file.string(), text, e);
  }
}

// `path` + ".key" (or "key" at the top), undone by the returned length.
std::size_t extend_with_key(std::string& path, const std::string& key) {
  const std::size_t length = path.size();
  if (!path.empty()) path += '.';
  path += key;
  return length;
}

std::size_t extend_with_index(std::string& path, std::size_t index) {
  const std::size_t length = path.size();
  path += '[';
  path += std::to_string(index);
  path += ']';
  return length;
}

// The tree keeps both copies of a repeated key (as libyaml reports both); a config with one is
// ambiguous. `path` is a buffer, extended and restored on the way down.
void reject_duplicate_keys(const YamlNode& node, const std::string& file, std::string& path) {
  if (node.is_map()) {
    const auto& entries = node.entries();
    std::unordered_set<std::string_view> seen;  // only for large maps: a scan is cheaper below 16 keys
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const YamlNode& key_node = entries[i].first;
      if (!key_node.is_scalar())
        throw ConfigurationError(location_of(file, key_node.mark()), path, "map keys must be plain strings");
      const std::string& key = key_node.text();
      bool repeated = false;
      if (entries.size() < 16) {
        for (std::size_t j = 0; j < i && !repeated; ++j) repeated = entries[j].first.text() == key;
      } else {
        repeated = !seen.insert(key).second;
      }
      if (repeated) throw ConfigurationError(location_of(file, key_node.mark()), join_key(path, key), "duplicate key");
      const std::size_t length = extend_with_key(path, key);
      reject_duplicate_keys(entries[i].second, file, path);
      path.resize(length);
    }
  } else if (node.is_sequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::size_t length = extend_with_index(path, i);
      reject_duplicate_keys(node[i], file, path);
      path.resize(length);
    }
  }
}

// Splits "a.b[2].c" / "a.b.2.c" / "a.b[conv1].c" into segments.
std::vector<std::string> split_key_path(const std::string& path, const std::string& assignment) {
  std::vector<std::string> segments;
  std::string current;
  auto flush = [&] {
    if (current.empty()) throw ConfigurationError({"--set " + assignment}, path, "malformed key path (empty segment)");
    segments.push_back(current);
    current.clear();
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      if (i > 0 && path[i - 1] == ']') continue;
      flush();
    } else if (c == '[') {
      if (!current.empty()) flush();
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos)
        throw ConfigurationError({"--set " + assignment}, path, "malformed key path (missing ']')");
      current = path.substr(i + 1, close - i - 1);
      flush();
      i = close;
    } else {
      current += c;
    }
  }
  if (!current.empty() || path.empty() || path.back() == '.') flush();
  return segments;
}

bool parse_index(const std::string& text, std::size_t& index) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  index = std::stoul(text);
  return true;
}

}  // namespace

ConfigTree ConfigTree::load(const fs::path& file) {
  ConfigTree tree;
  tree.main_file_ = file;
  std::vector<fs::path> include_stack;
  tree.root_ = tree.load_with_includes(file, include_stack);
  return tree;
}

YamlNode ConfigTree::load_with_includes(const fs::path& file, std::vector<fs::path>& include_stack) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(file, ec);
  if (std::find(include_stack.begin(), include_stack.end(), canonical) != include_stack.end()) {
    std::string chain;
    for (const auto& f : include_stack) chain += f.string() + " -> ";
    throw ConfigurationError({include_stack.back().string()}, "include",
                             "include cycle: " + chain + canonical.string());
  }
  return expand(parse_file(file), file, include_stack);
}

ConfigTree ConfigTree::parse(const std::string& text, const fs::path& as_file) {
  ConfigTree tree;
  tree.main_file_ = as_file;
  YamlNode document;
  try {
    document = parse_yaml(text);
  } catch (const YamlSyntaxError& e) {
    throw syntax_error(as_file.string(), text, e);
  }
  std::vector<fs::path> include_stack;
  tree.root_ = tree.expand(document, as_file, include_stack);
  return tree;
}

YamlNode ConfigTree::expand(YamlNode document, const fs::path& file, std::vector<fs::path>& include_stack) {
  std::error_code ec;
  include_stack.push_back(fs::weakly_canonical(file, ec));
  const std::string file_name = file.string();
  if (document.is_null()) throw ConfigurationError({file_name}, "", "empty file, expected a YAML map");
  if (!document.is_map())
    throw ConfigurationError(location_of(file_name, document.mark()), "", "expected a YAML map at the top level");
  std::string path;
  reject_duplicate_keys(document, file_name, path);

  YamlNode result = YamlNode::map();
  if (const YamlNode includes = document["include"]) {
    std::vector<YamlNode> entries;
    if (includes.is_scalar()) {
      entries.push_back(includes);
    } else if (includes.is_sequence()) {
      entries = includes.items();
    } else {
      throw ConfigurationError(location_of(file_name, includes.mark()), "include",
                               "expected a file path or a list of them");
    }
    for (const auto& entry : entries) {
      if (!entry.is_scalar())
        throw ConfigurationError(location_of(file_name, entry.mark()), "include", "expected a file path");
      fs::path included = file.parent_path() / entry.text();
      if (!fs::exists(included, ec))
        throw ConfigurationError(location_of(file_name, entry.mark()), "include",
                                 "included file '" + included.string() + "' not found");
      result = merge(result, load_with_includes(included, include_stack), "");
    }
  }
  YamlNode own = YamlNode::map();
  for (const auto& [key, value] : document.entries())
    if (key.text() != "include") own.append(key, value);
  origin_files_.push_back(Origin{file_name, true});
  record_origins(own, path, origin_files_.size() - 1);
  result = merge(result, own, "");

  include_stack.pop_back();
  return result;
}

YamlNode ConfigTree::merge(const YamlNode& base, const YamlNode& overlay, const std::string& path) {
  if (!base.is_map() || !overlay.is_map()) return overlay;
  // The original key nodes are kept, and with them their line and column.
  YamlNode out = YamlNode::map();
  for (const auto& [key_node, value] : base.entries()) {
    const std::string& key = key_node.text();
    const YamlNode replacement = overlay[key];
    if (replacement)
      out.append(overlay.key_node(key), merge(value, replacement, join_key(path, key)));
    else
      out.append(key_node, value);
  }
  for (const auto& [key_node, value] : overlay.entries())
    if (!base[key_node.text()]) out.append(key_node, value);
  return out;
}

void ConfigTree::record_origins(const YamlNode& node, std::string& path, std::size_t origin) {
  if (!path.empty()) origins_[path] = origin;
  if (node.is_map()) {
    for (const auto& [key, value] : node.entries()) {
      const std::size_t length = extend_with_key(path, key.text());
      record_origins(value, path, origin);
      path.resize(length);
    }
  } else if (node.is_sequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::size_t length = extend_with_index(path, i);
      record_origins(node[i], path, origin);
      path.resize(length);
    }
  }
}

void ConfigTree::apply_override(const std::string& assignment) {
  const std::string where = "--set " + assignment;
  const std::size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0)
    throw ConfigurationError({where}, "", "expected key=value, e.g. hardware.pe_array.rows=16");
  const std::string key_path = assignment.substr(0, equals);
  const std::string value_text = assignment.substr(equals + 1);
  const std::vector<std::string> segments = split_key_path(key_path, assignment);

  YamlNode value;
  try {
    value = parse_yaml(value_text);
  } catch (const YamlSyntaxError& e) {
    throw ConfigurationError({where}, key_path, std::string("value is not valid YAML: ") + e.what());
  }

  // Walk to the parent of the last segment, building the canonical path as we go.
  std::vector<YamlNode> chain{root_};
  std::string canonical;
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const YamlNode current = chain.back();
    const std::string& segment = segments[s];
    YamlNode next;
    std::string next_path;
    if (current.is_map()) {
      const YamlNode child = current[segment];
      if (!child) {
        std::string known;
        std::vector<std::string> keys;
        for (const auto& entry : current.entries()) {
          known += (known.empty() ? "" : ", ") + entry.first.text();
          keys.push_back(entry.first.text());
        }
        std::string message = "no such key in the config (";
        if (auto hint = closest_match(segment, keys)) message += "did you mean '" + *hint + "'? ";
        throw ConfigurationError({where}, join_key(canonical, segment), message + "keys here: " + known + ")");
      }
      next = child;
      next_path = join_key(canonical, segment);
    } else if (current.is_sequence()) {
      std::size_t index = 0;
      bool found = parse_index(segment, index) && index < current.size();
      if (!found) {
        for (std::size_t i = 0; i < current.size(); ++i) {
          if (!current[i].is_map()) continue;  // only maps have a name
          const YamlNode name = current[i]["name"];
          if (name && name.is_scalar() && name.text() == segment) {
            index = i;
            found = true;
            break;
          }
        }
      }
      if (!found)
        throw ConfigurationError(
            {where}, canonical + "[" + segment + "]",
            "no such list element (" + std::to_string(current.size()) + " elements; use an index or a name)");
      next = current[index];
      next_path = join_index(canonical, index);
    } else {
      throw ConfigurationError({where}, canonical, "is a plain value; it has no key '" + segment + "'");
    }
    if (s + 1 == segments.size()) {
      // Re-point the existing node at the new value: every alias of it sees the change.
      next.assign(value);
      origin_files_.push_back(Origin{where, false});
      record_origins(value, next_path, origin_files_.size() - 1);
      return;
    }
    chain.push_back(next);
    canonical = next_path;
  }
}

const ConfigTree::Origin* ConfigTree::find_origin(const std::string& key_path) const {
  // Every key written in a file or by --set is recorded: most paths are found as they are, without a copy.
  if (const auto it = origins_.find(key_path); it != origins_.end()) return &origin_files_[it->second];
  // Else the nearest enclosing key that is.
  std::string path = key_path;
  for (std::size_t cut = path.find_last_of(".["); cut != std::string::npos; cut = path.find_last_of(".[")) {
    path.resize(cut);
    if (const auto it = origins_.find(path); it != origins_.end()) return &origin_files_[it->second];
  }
  return nullptr;
}

SourceLocation ConfigTree::locate(const std::string& key_path, const YamlNode& node) const {
  const Origin* origin = find_origin(key_path);
  if (!origin) return SourceLocation{main_file_.string()};
  if (!origin->has_marks || !node.is_defined()) return SourceLocation{origin->file};
  return location_of(origin->file, node.mark());
}

fs::path ConfigTree::directory_of(const std::string& key_path) const {
  const Origin* origin = find_origin(key_path);
  if (!origin) return main_file_.parent_path();
  if (!origin->has_marks) return fs::current_path();
  return fs::path(origin->file).parent_path();
}

}  // namespace accelsim::config
