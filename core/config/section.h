#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/config/config_tree.h"
#include "core/config/configuration_error.h"
#include "core/config/enum_names.h"
#include "core/config/shown_path.h"

namespace accelsim::config {

// One documented parameter, collected while a config is read: for --list-params and for the
// effective configuration a run records (stats.json, report.html, effective.yaml).
struct ParamDoc {
  std::string path;
  std::string type;
  std::string unit;
  std::string description;
  std::string default_value;  // empty for required parameters, "(none)" for optional ones
  std::string value;          // the value in effect, as YAML text; empty when the key is absent and has no default
  std::string source;         // "file:line:column", "--set key=value" or "default"; empty with no value
  bool required = false;
  bool is_file = false;              // a path, recorded resolved (relative to the working directory)
  std::vector<std::string> choices;  // an enumeration's allowed values
};

class Section;

// A value as the user wrote it, for messages.
std::string node_text(const YamlNode& node);

// Typed parameter with description, unit, range and default, read from a Section:
//   int64_t rows = section.param<int64_t>("rows").desc("PE rows").min(1).max(4096).default_val(8);
template <typename T>
class Param {
 public:
  Param(Section& section, std::string key) : section_(section), key_(std::move(key)) {}

  Param& desc(std::string text) {
    description_ = std::move(text);
    return *this;
  }
  Param& unit(std::string text) {
    unit_ = std::move(text);
    return *this;
  }
  Param& min(double value) {
    min_ = value;
    return *this;
  }
  Param& max(double value) {
    max_ = value;
    return *this;
  }
  Param& choices(std::vector<std::string> values) {
    choices_ = std::move(values);
    return *this;
  }

  T required();
  T default_val(const T& value);
  std::optional<T> optional();

 private:
  std::optional<T> read(const std::string& default_text, bool required);

  Section& section_;
  std::string key_;
  std::string description_;
  std::string unit_;
  std::optional<double> min_;
  std::optional<double> max_;
  std::vector<std::string> choices_;
};

// A YAML map at a dotted path, read key by key. Keys that nobody asked for are reported by
// finish() as unknown, with a "did you mean" suggestion.
class Section {
 public:
  // A root section (no `docs`, no `shown_paths`) starts its own; its sections share them.
  Section(const ConfigTree& tree, YamlNode node, std::string path,
          std::shared_ptr<std::vector<ParamDoc>> docs = std::make_shared<std::vector<ParamDoc>>(),
          std::shared_ptr<ShownPaths> shown_paths = std::make_shared<ShownPaths>());

  template <typename T>
  Param<T> param(const std::string& key) {
    return Param<T>(*this, key);
  }

  // A string key that must be one of the names in `names`, read as its enum value; required
  // unless `fallback` (a value of `names`) gives the default.
  template <typename E>
  E choose(const std::string& key, const std::string& description, const EnumNames<E>& names,
           std::optional<E> fallback = std::nullopt);

  bool has(const std::string& key) const;
  Section section(const std::string& key);  // a required map
  std::optional<Section> optional_section(const std::string& key);
  std::vector<Section> list(const std::string& key);  // a required non-empty list of maps
  // A required file path, resolved against the directory of the file that wrote it.
  std::filesystem::path file(const std::string& key, const std::string& description);
  std::optional<std::filesystem::path> optional_file(const std::string& key, const std::string& description);

  // Throws ConfigurationError located at `key` (or at this section when key is empty).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  // Reports the first key present in the YAML that was never read.
  void finish() const;

  const std::string& path() const { return path_; }
  std::string key_path(const std::string& key) const { return join_key(path_, key); }
  const std::vector<ParamDoc>& docs() const { return *docs_; }
  // Every key read, moved out: for the loader that has finished with this tree of sections.
  std::vector<ParamDoc> take_docs() { return std::move(*docs_); }

  // Used by Param: marks the key as read and returns its node (undefined if absent or null).
  YamlNode take(const std::string& key);
  void document(ParamDoc doc) const { docs_->push_back(std::move(doc)); }
  // Where the value `node` at `key_path` (this section's key_path(key)) was written:
  // "file:line:column" or "--set key=value".
  std::string source_of(const std::string& key_path, const YamlNode& node) const;
  // A required `key` is missing: if a key present here and never read looks like a misspelling
  // of it, fails at that key with "did you mean"; otherwise returns.
  void fail_if_misspelt(const std::string& key) const;

 private:
  const ConfigTree& tree_;
  YamlNode node_;
  std::string path_;
  std::set<std::string> read_keys_;
  std::shared_ptr<std::vector<ParamDoc>> docs_;
  std::shared_ptr<ShownPaths> shown_paths_;  // how the file paths read are recorded
};

// The closest of `candidates` to `word` by edit distance, ignoring case, if it is close enough
// to be a typo ("OS" finds "os").
std::optional<std::string> closest_match(const std::string& word, const std::vector<std::string>& candidates);

// A node as YAML text: a scalar as written, a list or map in flow style ("[5, 5]").
std::string yaml_text(const YamlNode& node);

// Value conversion with range checks; throws ConfigurationError through Section::fail.
namespace detail {
template <typename T>
struct Converter;
template <>
struct Converter<int64_t> {
  static constexpr const char* type_name = "integer";
  static int64_t convert(const Section& s, const std::string& key, const YamlNode& node);
  static std::string text(int64_t v) { return std::to_string(v); }
};
template <>
struct Converter<double> {
  static constexpr const char* type_name = "number";
  static double convert(const Section& s, const std::string& key, const YamlNode& node);
  static std::string text(double v);
};
template <>
struct Converter<bool> {
  static constexpr const char* type_name = "boolean";
  static bool convert(const Section& s, const std::string& key, const YamlNode& node);
  static std::string text(bool v) { return v ? "true" : "false"; }
};
template <>
struct Converter<std::string> {
  static constexpr const char* type_name = "string";
  static std::string convert(const Section& s, const std::string& key, const YamlNode& node);
  static std::string text(const std::string& v) { return v; }
};
template <>
struct Converter<std::vector<int64_t>> {
  static constexpr const char* type_name = "list of integers";
  static std::vector<int64_t> convert(const Section& s, const std::string& key, const YamlNode& node);
  static std::string text(const std::vector<int64_t>& v);
};
template <>
struct Converter<std::vector<double>> {
  static constexpr const char* type_name = "list of numbers";
  static std::vector<double> convert(const Section& s, const std::string& key, const YamlNode& node);
  static std::string text(const std::vector<double>& v);
};
template <>
struct Converter<std::vector<std::string>> {
  static constexpr const char* type_name = "list of strings";
  static std::vector<std::string> convert(const Section& s, const std::string& key, const YamlNode& node);
  static std::string text(const std::vector<std::string>& v);
};
std::string format_range(std::optional<double> min, std::optional<double> max);
bool out_of_range(double value, std::optional<double> min, std::optional<double> max);
}  // namespace detail

template <typename T>
std::optional<T> Param<T>::read(const std::string& default_text, bool required) {
  using C = detail::Converter<T>;
  ParamDoc doc;
  doc.path = section_.key_path(key_);
  doc.type = C::type_name;
  doc.unit = unit_;
  doc.description = description_;
  doc.default_value = default_text;
  doc.required = required;
  doc.choices = choices_;
  const YamlNode node = section_.take(key_);
  if (!node) {
    if (!required && default_text != "(none)") {
      doc.value = default_text;
      doc.source = "default";
    }
    section_.document(std::move(doc));
    return std::nullopt;
  }
  doc.value = yaml_text(node);
  doc.source = section_.source_of(doc.path, node);
  section_.document(std::move(doc));
  T value = C::convert(section_, key_, node);
  auto check = [&](double v) {
    if (detail::out_of_range(v, min_, max_))
      section_.fail(key_, std::string("expected ") + C::type_name + " " + detail::format_range(min_, max_) + ", got " +
                              node_text(node));
  };
  if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double>) {
    check(static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, std::vector<int64_t>> || std::is_same_v<T, std::vector<double>>) {
    for (auto v : value) check(static_cast<double>(v));
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!choices_.empty() && std::find(choices_.begin(), choices_.end(), value) == choices_.end()) {
      std::string list;
      for (const auto& c : choices_) list += (list.empty() ? "" : ", ") + c;
      std::string message = "expected one of " + list + ", got '" + value + "'";
      if (auto hint = closest_match(value, choices_)) message += " (did you mean '" + *hint + "'?)";
      section_.fail(key_, message);
    }
  }
  return value;
}

template <typename T>
T Param<T>::required() {
  std::optional<T> value = read("", true);
  if (!value) {
    section_.fail_if_misspelt(key_);
    std::string message = std::string("missing required key (") + detail::Converter<T>::type_name;
    if (!description_.empty()) message += ": " + description_;
    section_.fail(key_, message + ")");
  }
  return *value;
}

template <typename T>
T Param<T>::default_val(const T& value) {
  std::optional<T> read_value = read(detail::Converter<T>::text(value), false);
  return read_value ? *read_value : value;
}

template <typename T>
std::optional<T> Param<T>::optional() {
  return read("(none)", false);
}

template <typename E>
E Section::choose(const std::string& key, const std::string& description, const EnumNames<E>& names,
                  std::optional<E> fallback) {
  std::vector<std::string> allowed;
  for (const auto& entry : names) allowed.push_back(entry.first);
  auto text = param<std::string>(key).desc(description).choices(allowed);
  const std::string chosen = fallback ? text.default_val(name_in(names, *fallback)) : text.required();
  for (const auto& [name, value] : names)
    if (name == chosen) return value;
  fail(key, "unknown value '" + chosen + "'");  // not reached: choices() checked it
}

}  // namespace accelsim::config
