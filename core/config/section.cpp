#include "core/config/section.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <sstream>

namespace accelsim::config {

std::string node_text(const YamlNode& node) {
  if (node.is_scalar()) return "'" + node.text() + "'";
  if (node.is_sequence()) return "a list";
  if (node.is_map()) return "a map";
  return "nothing";
}

Section::Section(const ConfigTree& tree, YamlNode node, std::string path, std::shared_ptr<std::vector<ParamDoc>> docs,
                 std::shared_ptr<ShownPaths> shown_paths)
    : tree_(tree), node_(node), path_(std::move(path)), docs_(std::move(docs)), shown_paths_(std::move(shown_paths)) {
  if (!node_.is_map()) {
    const std::string got = node_.is_null() ? std::string("nothing") : node_text(node_);
    throw ConfigurationError(tree_.locate(path_, node_), path_, "expected a map of keys, got " + got);
  }
}

std::string yaml_text(const YamlNode& node) {
  if (!node.is_defined() || node.is_null()) return "";
  if (node.is_scalar()) return node.text();
  return flow_yaml(node);
}

std::string Section::source_of(const std::string& key_path, const YamlNode& node) const {
  return tree_.locate(key_path, node).to_string();
}

void Section::fail_if_misspelt(const std::string& key) const {
  std::vector<std::string> unread;
  for (const auto& entry : node_.entries())
    if (entry.first.is_scalar() && !read_keys_.count(entry.first.text())) unread.push_back(entry.first.text());
  const auto written = closest_match(key, unread);
  if (!written) return;
  for (const auto& entry : node_.entries())
    if (entry.first.text() == *written)
      throw ConfigurationError(tree_.locate(key_path(*written), entry.first), key_path(*written),
                               "unknown key (did you mean '" + key + "'? '" + key + "' is required here)");
}

bool Section::has(const std::string& key) const { return static_cast<bool>(node_[key]); }

YamlNode Section::take(const std::string& key) {
  read_keys_.insert(key);
  const YamlNode child = node_[key];
  if (!child) return YamlNode();
  // A key written without a value (`rows:` or `--set rows=`) is a slip, not a request for the
  // default: taking the default silently would report numbers for hardware nobody described.
  if (child.is_null()) {
    // An empty value has no text to point at; point at the key instead.
    const YamlNode key_node = node_.key_node(key);
    throw ConfigurationError(tree_.locate(key_path(key), key_node), key_path(key),
                             "expected a value, got nothing (remove the key to take its default)");
  }
  return child;
}

Section Section::section(const std::string& key) {
  const YamlNode child = take(key);
  if (!child) fail(key, "missing required section");
  return Section(tree_, child, key_path(key), docs_, shown_paths_);
}

std::optional<Section> Section::optional_section(const std::string& key) {
  const YamlNode child = take(key);
  if (!child) return std::nullopt;
  return Section(tree_, child, key_path(key), docs_, shown_paths_);
}

std::vector<Section> Section::list(const std::string& key) {
  const YamlNode child = take(key);
  if (!child) fail(key, "missing required list");
  if (!child.is_sequence() || child.size() == 0) fail(key, "expected a non-empty list, got " + node_text(child));
  std::vector<Section> sections;
  for (std::size_t i = 0; i < child.size(); ++i)
    sections.emplace_back(tree_, child[i], join_index(key_path(key), i), docs_, shown_paths_);
  return sections;
}

std::filesystem::path Section::file(const std::string& key, const std::string& description) {
  auto path = optional_file(key, description);
  docs_->back().required = true;
  if (!path) {
    fail_if_misspelt(key);
    fail(key, "missing required file path (" + description + ")");
  }
  return *path;
}

std::optional<std::filesystem::path> Section::optional_file(const std::string& key, const std::string& description) {
  auto text = param<std::string>(key).desc(description).optional();
  if (!text) return std::nullopt;
  if (text->empty()) fail(key, "expected a file path, got an empty string");
  std::filesystem::path path(*text);
  if (path.is_relative()) path = tree_.directory_of(key_path(key)) / path;
  path = path.lexically_normal();
  // Recorded resolved, so that the effective configuration names the file wherever it is read.
  ParamDoc& doc = docs_->back();
  doc.is_file = true;
  doc.value = shown_paths_->shown(path);  // std::filesystem::proximate's, the folders resolved once
  return path;
}

void Section::fail(const std::string& key, const std::string& message) const {
  if (key.empty()) throw ConfigurationError(tree_.locate(path_, node_), path_, message);
  const YamlNode child = node_[key];
  const YamlNode& at = child ? child : node_;
  throw ConfigurationError(tree_.locate(child ? key_path(key) : path_, at), key_path(key), message);
}

void Section::finish() const {
  std::vector<std::string> known(read_keys_.begin(), read_keys_.end());
  for (const auto& entry : node_.entries()) {
    const std::string& key = entry.first.text();
    if (read_keys_.count(key)) continue;
    std::string message = "unknown key";
    if (auto hint = closest_match(key, known))
      message += " (did you mean '" + *hint + "'?)";
    else if (!known.empty()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      message += " (known keys here: " + list + ")";
    }
    throw ConfigurationError(tree_.locate(key_path(key), entry.first), key_path(key), message);
  }
}

std::optional<std::string> closest_match(const std::string& word_as_written,
                                         const std::vector<std::string>& candidates) {
  auto lower = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  const std::string word = lower(word_as_written);
  auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t above = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = above;
      }
    }
    return row[b.size()];
  };
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = distance(word, lower(candidate));
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

namespace detail {

std::string format_range(std::optional<double> min, std::optional<double> max) {
  auto text = [](double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  };
  if (min && max) return "in [" + text(*min) + ", " + text(*max) + "]";
  if (min) return ">= " + text(*min);
  if (max) return "<= " + text(*max);
  return "";
}

bool out_of_range(double value, std::optional<double> min, std::optional<double> max) {
  return (min && value < *min) || (max && value > *max);
}

int64_t Converter<int64_t>::convert(const Section& s, const std::string& key, const YamlNode& node) {
  if (!node.is_scalar()) s.fail(key, std::string("expected an integer, got ") + node_text(node));
  const std::string& text = node.text();
  // Strict decimal: yaml-cpp would also take "0x10" and silently wrap huge values.
  std::size_t start = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  bool digits = text.size() > start;
  for (std::size_t i = start; i < text.size(); ++i) digits = digits && text[i] >= '0' && text[i] <= '9';
  if (!digits) s.fail(key, "expected an integer, got " + node_text(node));
  if (text.size() - start > 18) s.fail(key, "integer " + text + " is out of range");
  return std::stoll(text);
}

double Converter<double>::convert(const Section& s, const std::string& key, const YamlNode& node) {
  if (!node.is_scalar()) s.fail(key, std::string("expected a number, got ") + node_text(node));
  double value = 0;
  if (!read_yaml_number(node.text(), value)) s.fail(key, "expected a number, got " + node_text(node));
  if (!std::isfinite(value)) s.fail(key, "expected a finite number, got " + node_text(node));
  return value;
}

std::string Converter<double>::text(double v) {
  return fmt::format("{}", v);  // the shortest text that reads back as the same double
}

bool Converter<bool>::convert(const Section& s, const std::string& key, const YamlNode& node) {
  if (node.is_scalar()) {
    const std::string& text = node.text();
    if (text == "true") return true;
    if (text == "false") return false;
  }
  s.fail(key, "expected true or false, got " + node_text(node));
}

std::string Converter<std::string>::convert(const Section& s, const std::string& key, const YamlNode& node) {
  if (!node.is_scalar()) s.fail(key, "expected a string, got " + node_text(node));
  return node.text();
}

std::vector<int64_t> Converter<std::vector<int64_t>>::convert(const Section& s, const std::string& key,
                                                              const YamlNode& node) {
  std::vector<int64_t> values;
  if (node.is_scalar()) {
    values.push_back(Converter<int64_t>::convert(s, key, node));
    return values;
  }
  if (!node.is_sequence()) s.fail(key, "expected an integer or a list of integers, got " + node_text(node));
  for (const auto& item : node.items()) {
    if (!item.is_scalar()) s.fail(key, "expected a list of integers, got a nested " + node_text(item));
    values.push_back(Converter<int64_t>::convert(s, key, item));
  }
  return values;
}

std::string Converter<std::vector<int64_t>>::text(const std::vector<int64_t>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "]";
}

std::vector<double> Converter<std::vector<double>>::convert(const Section& s, const std::string& key,
                                                            const YamlNode& node) {
  std::vector<double> values;
  if (!node.is_sequence()) s.fail(key, "expected a list of numbers, got " + node_text(node));
  for (const auto& item : node.items()) {
    if (!item.is_scalar()) s.fail(key, "expected a list of numbers, got a nested " + node_text(item));
    values.push_back(Converter<double>::convert(s, key, item));
  }
  return values;
}

std::string Converter<std::vector<double>>::text(const std::vector<double>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + Converter<double>::text(v[i]);
  return out + "]";
}

std::vector<std::string> Converter<std::vector<std::string>>::convert(const Section& s, const std::string& key,
                                                                      const YamlNode& node) {
  std::vector<std::string> values;
  if (!node.is_sequence()) s.fail(key, "expected a list of names, got " + node_text(node));
  for (const auto& item : node.items()) {
    if (!item.is_scalar()) s.fail(key, "expected a list of names, got a nested " + node_text(item));
    values.push_back(item.text());
  }
  return values;
}

std::string Converter<std::vector<std::string>>::text(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

}  // namespace detail
}  // namespace accelsim::config
