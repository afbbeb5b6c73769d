#pragma once

#include <cstddef>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace accelsim::config {

// Where a node starts in its text, zero-based (as libyaml counts); line < 0: nowhere (built in code).
struct YamlMark {
  int line = -1;
  int column = -1;
  bool is_null() const { return line < 0; }
};

// A YAML node: a map, a sequence, a plain value (scalar), null (`~`, `null`, or nothing written) or
// undefined (what looking up an absent key gives). A handle: copies share the node, as aliases
// (`*name`) share their anchor's, so that assign() is seen through all of them.
class YamlNode {
 public:
  enum class Kind { Undefined, Null, Scalar, Sequence, Map };
  using Entry = std::pair<YamlNode, YamlNode>;  // key, value

  YamlNode() = default;
  static YamlNode null(YamlMark mark = {});
  static YamlNode scalar(std::string text, YamlMark mark = {});
  static YamlNode sequence(YamlMark mark = {});
  static YamlNode map(YamlMark mark = {});

  Kind kind() const { return data_ ? data_->kind : Kind::Undefined; }
  bool is_defined() const { return kind() != Kind::Undefined; }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_scalar() const { return kind() == Kind::Scalar; }
  bool is_sequence() const { return kind() == Kind::Sequence; }
  bool is_map() const { return kind() == Kind::Map; }
  explicit operator bool() const { return is_defined(); }

  // The text of a scalar; empty for any other node.
  const std::string& text() const;
  YamlMark mark() const { return data_ ? data_->mark : YamlMark{}; }
  // Entries of a map, items of a sequence, else 0.
  std::size_t size() const;

  // The value at `key` of a map (compared with scalar keys); undefined when absent or not a map.
  YamlNode operator[](const std::string& key) const;
  YamlNode operator[](const char* key) const { return (*this)[std::string(key)]; }
  // The item at `index` of a sequence; undefined when out of range or not a sequence.
  YamlNode operator[](std::size_t index) const;
  YamlNode operator[](int index) const { return (*this)[static_cast<std::size_t>(index)]; }
  // The key node of `key` in a map (where it was written); undefined when absent.
  YamlNode key_node(const std::string& key) const;

  const std::vector<YamlNode>& items() const;
  const std::vector<Entry>& entries() const;

  // Building. Appends, whatever the map already holds (the loader reports duplicate keys itself).
  void push_back(YamlNode item);
  void append(YamlNode key, YamlNode value);
  // Replaces the value at `key`, keeping its place; appends a new key at the end. Turns a null or
  // undefined-content node into a map first.
  void set(const std::string& key, YamlNode value);
  // The map at `key`, made (empty) when absent.
  YamlNode child_map(const std::string& key);
  // Replaces this node's content with `other`'s in place: every handle to it (aliases too) sees it.
  void assign(const YamlNode& other);
  // An independent deep copy.
  YamlNode clone() const;
  // Written in flow style ([1, 2]) by block_yaml().
  void set_flow(bool flow);
  bool flow() const { return data_ && data_->flow; }

  // The scalar read as T (std::string, an integer or a floating-point type), as yaml-cpp's as<T>
  // read it: the whole text by operator>>, trailing whitespace allowed; .inf/.nan forms for
  // floating point. Throws std::invalid_argument when it does not convert.
  template <typename T>
  T as() const;

 private:
  struct Data {
    Kind kind = Kind::Null;
    YamlMark mark;
    bool flow = false;
    std::string text;
    std::vector<YamlNode> items;
    std::vector<Entry> entries;
  };
  explicit YamlNode(Kind kind, YamlMark mark);
  void ensure_map();

  std::shared_ptr<Data> data_;
};

// libyaml's rejection of a text: its problem, and where.
class YamlSyntaxError : public std::runtime_error {
 public:
  YamlSyntaxError(const std::string& problem, YamlMark mark) : std::runtime_error(problem), mark_(mark) {}
  YamlMark mark() const { return mark_; }

 private:
  YamlMark mark_;
};

// The first document of `text` (a stream with none gives a null node; later documents are not
// read, as yaml-cpp's YAML::Load did not). Throws YamlSyntaxError.
YamlNode parse_yaml(const std::string& text);

// A scalar as YAML writes it: plain where that reads back as the same text, else quoted.
std::string yaml_scalar_text(const std::string& text, bool in_flow);
// A node in flow style: "[5, 5]", "{a: 1, b: [2, 3]}"; a scalar as yaml_scalar_text, null "~".
std::string flow_yaml(const YamlNode& node);
// A map or sequence in block style (nodes marked set_flow() in flow style), one key per line, no
// trailing newline.
std::string block_yaml(const YamlNode& node);

// yaml-cpp's conversion, for as<T>.
bool read_yaml_number(const std::string& text, double& value);

template <typename T>
T YamlNode::as() const {
  if (!is_scalar()) throw std::invalid_argument("not a plain value");
  if constexpr (std::is_same_v<T, std::string>) {
    return text();
  } else if constexpr (std::is_floating_point_v<T>) {
    double value = 0;
    if (!read_yaml_number(text(), value)) throw std::invalid_argument("not a number: " + text());
    return static_cast<T>(value);
  } else {
    static_assert(std::is_integral_v<T>, "as<T>: a string, an integer or a floating-point type");
    std::stringstream stream(text());
    stream.unsetf(std::ios::dec);
    T value{};
    if (!((stream >> std::noskipws >> value) && (stream >> std::ws).eof()))
      throw std::invalid_argument("not an integer: " + text());
    return value;
  }
}

}  // namespace accelsim::config
