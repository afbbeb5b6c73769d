#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config/configuration_error.h"
#include "core/config/yaml_tree.h"

namespace accelsim::config {

// The YAML tree a run is configured by: one file, the files it pulls in with `include:`
// (deep-merged, the including file winning) and `--set key=value` overrides on top. It remembers
// which file every key came from so that errors can name it, with line and column.
class ConfigTree {
 public:
  // Throws ConfigurationError for unreadable files, YAML syntax errors (libyaml's, located),
  // include cycles and duplicate keys.
  static ConfigTree load(const std::filesystem::path& file);
  // The same from text in memory, as if read from `as_file` (for its messages and for the
  // paths it names); includes are still read from disk.
  static ConfigTree parse(const std::string& text, const std::filesystem::path& as_file);

  // "dotted.path=value". The path must exist; list elements are addressed as `layers[2]`,
  // `layers.2` or by their `name` field, `layers[conv1]`. The value is parsed as YAML.
  void apply_override(const std::string& assignment);

  const YamlNode& root() const { return root_; }

  // Where the value at `key_path` (canonical form, `a.b[2].c`) was written.
  SourceLocation locate(const std::string& key_path, const YamlNode& node) const;
  // Directory against which a relative path written at `key_path` resolves.
  std::filesystem::path directory_of(const std::string& key_path) const;

 private:
  struct Origin {
    std::string file;
    bool has_marks = true;  // false for --set values: their marks point into the override text
  };

  // Records `origin` (an index into origin_files_) for `path` and every key path below it; `path`
  // is a buffer, extended and restored on the way down.
  void record_origins(const YamlNode& node, std::string& path, std::size_t origin);
  const Origin* find_origin(const std::string& key_path) const;
  YamlNode load_with_includes(const std::filesystem::path& file, std::vector<std::filesystem::path>& include_stack);
  YamlNode expand(YamlNode document, const std::filesystem::path& file,
                  std::vector<std::filesystem::path>& include_stack);
  YamlNode merge(const YamlNode& base, const YamlNode& overlay, const std::string& path);

  YamlNode root_;
  std::filesystem::path main_file_;
  std::vector<Origin> origin_files_;
  std::unordered_map<std::string, std::size_t> origins_;  // key path -> index in origin_files_
};

// "a.b" + "c" -> "a.b.c"; "a" + 2 -> "a[2]".
std::string join_key(const std::string& parent, const std::string& key);
std::string join_index(const std::string& parent, std::size_t index);

}  // namespace accelsim::config
