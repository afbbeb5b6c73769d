#include "core/config/config_tree.h"

#include "core/config/section.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace accelsim::config {

namespace fs = std::filesystem;

std::string join_key(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string join_index(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

namespace {

SourceLocation location_of(const std::string& file, const YAML::Mark& mark) {
  SourceLocation where{file, 0, 0};
  if (!mark.is_null()) {
    where.line = mark.line + 1;
    where.column = mark.column + 1;
  }
  return where;
}

// YAML forbids tabs for indentation, and yaml-cpp's messages then never say so ("end of map not
// found"). A syntax error at or after a tab outside a comment is reported at the tab.
ConfigurationError syntax_error(const std::string& file, const std::string& text, const YAML::ParserException& e) {
  int line = 1, column = 1;
  bool comment = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!e.mark.is_null() && line > e.mark.line + 1) break;
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
          "YAML syntax error: a tab character; YAML indents with spaces only (yaml-cpp: " + e.msg + ")");
    ++column;
  }
  return ConfigurationError(location_of(file, e.mark), "", "YAML syntax error: " + e.msg);
}

YAML::Node parse_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw ConfigurationError({file.string()}, "", "file not found");
  if (fs::is_directory(file, ec)) throw ConfigurationError({file.string()}, "", "is a directory, expected a YAML file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigurationError({file.string()}, "", "cannot be read");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw syntax_error(file.string(), text, e);
  }
}

// yaml-cpp keeps both copies of a repeated key; a config with one is ambiguous.
void reject_duplicate_keys(const YAML::Node& node, const std::string& file, const std::string& path) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar())
        throw ConfigurationError(location_of(file, entry.first.Mark()), path, "map keys must be plain strings");
      const std::string key = entry.first.Scalar();
      if (!seen.insert(key).second)
        throw ConfigurationError(location_of(file, entry.first.Mark()), join_key(path, key), "duplicate key");
      reject_duplicate_keys(entry.second, file, join_key(path, key));
    }
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) reject_duplicate_keys(node[i], file, join_index(path, i));
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

YAML::Node ConfigTree::load_with_includes(const fs::path& file, std::vector<fs::path>& include_stack) {
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
  YAML::Node document;
  try {
    document = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw syntax_error(as_file.string(), text, e);
  }
  std::vector<fs::path> include_stack;
  tree.root_ = tree.expand(document, as_file, include_stack);
  return tree;
}

YAML::Node ConfigTree::expand(YAML::Node document, const fs::path& file, std::vector<fs::path>& include_stack) {
  std::error_code ec;
  include_stack.push_back(fs::weakly_canonical(file, ec));
  const std::string file_name = file.string();
  if (document.IsNull()) throw ConfigurationError({file_name}, "", "empty file, expected a YAML map");
  if (!document.IsMap())
    throw ConfigurationError(location_of(file_name, document.Mark()), "", "expected a YAML map at the top level");
  reject_duplicate_keys(document, file_name, "");

  YAML::Node result(YAML::NodeType::Map);
  if (const YAML::Node includes = document["include"]) {
    std::vector<YAML::Node> entries;
    if (includes.IsScalar()) {
      entries.push_back(includes);
    } else if (includes.IsSequence()) {
      for (const auto& entry : includes) entries.push_back(entry);
    } else {
      throw ConfigurationError(location_of(file_name, includes.Mark()), "include",
                               "expected a file path or a list of them");
    }
    for (const auto& entry : entries) {
      if (!entry.IsScalar())
        throw ConfigurationError(location_of(file_name, entry.Mark()), "include", "expected a file path");
      fs::path included = file.parent_path() / entry.Scalar();
      if (!fs::exists(included, ec))
        throw ConfigurationError(location_of(file_name, entry.Mark()), "include",
                                 "included file '" + included.string() + "' not found");
      result = merge(result, load_with_includes(included, include_stack), "");
    }
  }
  YAML::Node own(YAML::NodeType::Map);
  for (const auto& entry : document)
    if (entry.first.Scalar() != "include") own.force_insert(entry.first, entry.second);
  record_origins(own, "", Origin{file_name, true});
  result = merge(result, own, "");

  include_stack.pop_back();
  return result;
}

YAML::Node ConfigTree::merge(const YAML::Node& base, const YAML::Node& overlay, const std::string& path) {
  if (!base.IsMap() || !overlay.IsMap()) return overlay;
  // force_insert keeps the original key nodes, and with them their line and column.
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& entry : base) {
    const std::string key = entry.first.Scalar();
    const YAML::Node replacement = overlay[key];
    if (replacement)
      out.force_insert(overlay_key(overlay, key), merge(entry.second, replacement, join_key(path, key)));
    else
      out.force_insert(entry.first, entry.second);
  }
  for (const auto& entry : overlay)
    if (!base[entry.first.Scalar()]) out.force_insert(entry.first, entry.second);
  return out;
}

YAML::Node ConfigTree::overlay_key(const YAML::Node& overlay, const std::string& key) {
  for (const auto& entry : overlay)
    if (entry.first.Scalar() == key) return entry.first;
  return YAML::Node(key);
}

void ConfigTree::record_origins(const YAML::Node& node, const std::string& path, const Origin& origin) {
  if (!path.empty()) origins_[path] = origin;
  if (node.IsMap()) {
    for (const auto& entry : node) record_origins(entry.second, join_key(path, entry.first.Scalar()), origin);
  } else if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) record_origins(node[i], join_index(path, i), origin);
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

  YAML::Node value;
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::Exception& e) {
    throw ConfigurationError({where}, key_path, "value is not valid YAML: " + e.msg);
  }

  // Walk to the parent of the last segment, building the canonical path as we go.
  std::vector<YAML::Node> chain{root_};
  std::string canonical;
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const YAML::Node current = chain.back();
    const std::string& segment = segments[s];
    YAML::Node next;
    std::string next_path;
    if (current.IsMap()) {
      const YAML::Node child = current[segment];
      if (!child) {
        std::string known;
        std::vector<std::string> keys;
        for (const auto& entry : current) {
          known += (known.empty() ? "" : ", ") + entry.first.Scalar();
          keys.push_back(entry.first.Scalar());
        }
        std::string message = "no such key in the config (";
        if (auto hint = closest_match(segment, keys)) message += "did you mean '" + *hint + "'? ";
        throw ConfigurationError({where}, join_key(canonical, segment), message + "keys here: " + known + ")");
      }
      next = child;
      next_path = join_key(canonical, segment);
    } else if (current.IsSequence()) {
      std::size_t index = 0;
      bool found = parse_index(segment, index) && index < current.size();
      if (!found) {
        for (std::size_t i = 0; i < current.size(); ++i) {
          if (!current[i].IsMap()) continue;  // only maps have a name
          const YAML::Node name = current[i]["name"];
          if (name && name.IsScalar() && name.Scalar() == segment) {
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
      next = value;
      record_origins(value, next_path, Origin{where, false});
      return;
    }
    chain.push_back(next);
    canonical = next_path;
  }
}

const ConfigTree::Origin* ConfigTree::find_origin(const std::string& key_path) const {
  std::string path = key_path;
  while (!path.empty()) {
    const auto it = origins_.find(path);
    if (it != origins_.end()) return &it->second;
    const std::size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  return nullptr;
}

SourceLocation ConfigTree::locate(const std::string& key_path, const YAML::Node& node) const {
  const Origin* origin = find_origin(key_path);
  if (!origin) return SourceLocation{main_file_.string()};
  if (!origin->has_marks || !node.IsDefined()) return SourceLocation{origin->file};
  return location_of(origin->file, node.Mark());
}

fs::path ConfigTree::directory_of(const std::string& key_path) const {
  const Origin* origin = find_origin(key_path);
  if (!origin) return main_file_.parent_path();
  if (!origin->has_marks) return fs::current_path();
  return fs::path(origin->file).parent_path();
}

}  // namespace accelsim::config
