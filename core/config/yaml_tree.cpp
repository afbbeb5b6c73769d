#include "core/config/yaml_tree.h"

#include <yaml.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

namespace accelsim::config {

YamlNode::YamlNode(Kind kind, YamlMark mark) : data_(std::make_shared<Data>()) {
  data_->kind = kind;
  data_->mark = mark;
}

YamlNode YamlNode::null(YamlMark mark) { return YamlNode(Kind::Null, mark); }

YamlNode YamlNode::scalar(std::string text, YamlMark mark) {
  YamlNode node(Kind::Scalar, mark);
  node.data_->text = std::move(text);
  return node;
}

YamlNode YamlNode::sequence(YamlMark mark) { return YamlNode(Kind::Sequence, mark); }
YamlNode YamlNode::map(YamlMark mark) { return YamlNode(Kind::Map, mark); }

const std::string& YamlNode::text() const {
  static const std::string empty;
  return is_scalar() ? data_->text : empty;
}

std::size_t YamlNode::size() const {
  if (is_map()) return data_->entries.size();
  if (is_sequence()) return data_->items.size();
  return 0;
}

YamlNode YamlNode::operator[](const std::string& key) const {
  if (!is_map()) return YamlNode();
  for (const auto& entry : data_->entries)
    if (entry.first.is_scalar() && entry.first.data_->text == key) return entry.second;
  return YamlNode();
}

YamlNode YamlNode::operator[](std::size_t index) const {
  if (!is_sequence() || index >= data_->items.size()) return YamlNode();
  return data_->items[index];
}

YamlNode YamlNode::key_node(const std::string& key) const {
  if (!is_map()) return YamlNode();
  for (const auto& entry : data_->entries)
    if (entry.first.is_scalar() && entry.first.data_->text == key) return entry.first;
  return YamlNode();
}

const std::vector<YamlNode>& YamlNode::items() const {
  static const std::vector<YamlNode> none;
  return is_sequence() ? data_->items : none;
}

const std::vector<YamlNode::Entry>& YamlNode::entries() const {
  static const std::vector<Entry> none;
  return is_map() ? data_->entries : none;
}

void YamlNode::push_back(YamlNode item) {
  if (!data_) data_ = std::make_shared<Data>();
  if (data_->kind != Kind::Sequence) {
    data_->kind = Kind::Sequence;
    data_->entries.clear();
    data_->text.clear();
  }
  data_->items.push_back(std::move(item));
}

void YamlNode::ensure_map() {
  if (!data_) data_ = std::make_shared<Data>();
  if (data_->kind != Kind::Map) {
    data_->kind = Kind::Map;
    data_->items.clear();
    data_->text.clear();
  }
}

void YamlNode::append(YamlNode key, YamlNode value) {
  ensure_map();
  data_->entries.emplace_back(std::move(key), std::move(value));
}

void YamlNode::set(const std::string& key, YamlNode value) {
  ensure_map();
  for (auto& entry : data_->entries)
    if (entry.first.is_scalar() && entry.first.data_->text == key) {
      entry.second = std::move(value);
      return;
    }
  data_->entries.emplace_back(scalar(key), std::move(value));
}

YamlNode YamlNode::child_map(const std::string& key) {
  YamlNode child = (*this)[key];
  if (child.is_map()) return child;
  child = map();
  set(key, child);
  return child;
}

void YamlNode::assign(const YamlNode& other) {
  if (!data_) {
    data_ = other.data_;
    return;
  }
  if (!other.data_) {
    *data_ = Data{};
    data_->kind = Kind::Undefined;
    return;
  }
  if (data_ == other.data_) return;
  *data_ = *other.data_;
}

YamlNode YamlNode::clone() const {
  if (!data_) return YamlNode();
  YamlNode copy(data_->kind, data_->mark);
  copy.data_->flow = data_->flow;
  copy.data_->text = data_->text;
  for (const auto& item : data_->items) copy.data_->items.push_back(item.clone());
  for (const auto& entry : data_->entries) copy.data_->entries.emplace_back(entry.first.clone(), entry.second.clone());
  return copy;
}

void YamlNode::set_flow(bool flow) {
  if (!data_) data_ = std::make_shared<Data>();
  data_->flow = flow;
}

namespace {

// [+-]? digits [. digits] [(e|E) [+-]? digits], at least one mantissa digit: text the stream below
// reads whole, by strtod, as std::from_chars reads it (both correctly rounded).
bool plain_decimal(const std::string& text) {
  std::size_t i = 0, n = text.size(), digits = 0;
  const auto is_digit = [&](std::size_t at) { return at < n && text[at] >= '0' && text[at] <= '9'; };
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  for (; is_digit(i); ++i) ++digits;
  if (i < n && text[i] == '.')
    for (++i; is_digit(i); ++i) ++digits;
  if (digits == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (!is_digit(i)) return false;
    while (is_digit(i)) ++i;
  }
  return i == n;
}

}  // namespace

bool read_yaml_number(const std::string& text, double& value) {
  // The common case without a std::stringstream (thousands of instructions each); anything else,
  // and any text from_chars does not read whole to a finite value (overflow, underflow), as before.
  if (plain_decimal(text)) {
    const char* first = text.data() + (text[0] == '+' ? 1 : 0);
    const char* last = text.data() + text.size();
    double parsed = 0;
    const std::from_chars_result read = std::from_chars(first, last, parsed);
    if (read.ec == std::errc() && read.ptr == last && std::isfinite(parsed)) {
      value = parsed;
      return true;
    }
  }
  std::stringstream stream(text);
  stream.unsetf(std::ios::dec);
  if ((stream >> std::noskipws >> value) && (stream >> std::ws).eof()) return true;
  if (text == ".inf" || text == ".Inf" || text == ".INF" || text == "+.inf" || text == "+.Inf" || text == "+.INF") {
    value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-.inf" || text == "-.Inf" || text == "-.INF") {
    value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  return false;
}

namespace {

YamlMark mark_of(const yaml_mark_t& mark) {
  return YamlMark{static_cast<int>(mark.line), static_cast<int>(mark.column)};
}

// A reader error (bad UTF-8, a control character) has only a byte offset.
YamlMark mark_at_offset(const std::string& text, std::size_t offset) {
  YamlMark mark{0, 0};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++mark.line;
      mark.column = 0;
    } else {
      ++mark.column;
    }
  }
  return mark;
}

YamlSyntaxError error_of(const yaml_parser_t& parser, const std::string& text) {
  const std::string problem = parser.problem ? parser.problem : "cannot be parsed";
  switch (parser.error) {
    case YAML_MEMORY_ERROR:
      return YamlSyntaxError("out of memory", {});
    case YAML_READER_ERROR:
      return YamlSyntaxError(problem, mark_at_offset(text, parser.problem_offset));
    default:
      break;
  }
  std::string message = problem;
  if (parser.context) {
    message += std::string(" (") + parser.context + " at line " + std::to_string(parser.context_mark.line + 1) +
               ", column " + std::to_string(parser.context_mark.column + 1) + ")";
  }
  return YamlSyntaxError(message, mark_of(parser.problem_mark));
}

// What yaml-cpp read as null: a plain, untagged `~`, `null`, `Null`, `NULL` or nothing.
bool is_null_scalar(const yaml_event_t& event) {
  if (event.data.scalar.style != YAML_PLAIN_SCALAR_STYLE || event.data.scalar.tag) return false;
  const char* value = reinterpret_cast<const char*>(event.data.scalar.value);
  switch (event.data.scalar.length) {
    case 0:
      return true;
    case 1:
      return value[0] == '~';
    case 4:
      return std::strcmp(value, "null") == 0 || std::strcmp(value, "Null") == 0 || std::strcmp(value, "NULL") == 0;
    default:
      return false;
  }
}

// Builds the tree from libyaml's events: each node goes into the innermost open collection.
class TreeBuilder {
 public:
  explicit TreeBuilder(const std::string& text) : text_(text) {
    if (!yaml_parser_initialize(&parser_)) throw YamlSyntaxError("out of memory", {});
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~TreeBuilder() { yaml_parser_delete(&parser_); }
  TreeBuilder(const TreeBuilder&) = delete;
  TreeBuilder& operator=(const TreeBuilder&) = delete;

  YamlNode build() {
    for (;;) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser_, &event)) throw error_of(parser_, text_);
      // Freed however handle() leaves (its errors throw).
      const std::unique_ptr<yaml_event_t, void (*)(yaml_event_t*)> owned(&event, yaml_event_delete);
      if (handle(event)) return root_ ? root_ : YamlNode::null();
    }
  }

 private:
  struct Open {
    YamlNode node;
    YamlNode key;  // a map's key waiting for its value
    std::string anchor;
    std::size_t weight = 1;  // nodes in it, counting each alias as its anchor's whole node
  };
  struct Anchored {
    YamlNode node;
    std::size_t weight;
  };

  // The loader walks the tree recursively and through aliases as often as they appear: deep
  // nesting and aliases of aliases ("a billion laughs") are refused before they exhaust it.
  static constexpr std::size_t kMaxDepth = 1000;
  static constexpr std::size_t kMaxWeight = 1000000;

  // Returns true at the end of the first document.
  bool handle(const yaml_event_t& event) {
    const YamlMark mark = mark_of(event.start_mark);
    switch (event.type) {
      case YAML_STREAM_END_EVENT:
      case YAML_DOCUMENT_END_EVENT:
        return true;
      case YAML_SCALAR_EVENT: {
        YamlNode node = is_null_scalar(event)
                            ? YamlNode::null(mark)
                            : YamlNode::scalar(std::string(reinterpret_cast<const char*>(event.data.scalar.value),
                                                           event.data.scalar.length),
                                               mark);
        if (event.data.scalar.anchor) anchors_[reinterpret_cast<const char*>(event.data.scalar.anchor)] = {node, 1};
        add(node, 1, mark);
        break;
      }
      case YAML_ALIAS_EVENT: {
        const std::string name = reinterpret_cast<const char*>(event.data.alias.anchor);
        const auto found = anchors_.find(name);
        if (found == anchors_.end())
          throw YamlSyntaxError("the alias *" + name + " names no anchor (&" + name + ") complete before it", mark);
        add(found->second.node, found->second.weight, mark);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool is_map = event.type == YAML_MAPPING_START_EVENT;
        const yaml_char_t* anchor = is_map ? event.data.mapping_start.anchor : event.data.sequence_start.anchor;
        YamlNode node = is_map ? YamlNode::map(mark) : YamlNode::sequence(mark);
        // Kept for block_yaml(), which writes a collection written [a, b] the same way.
        node.set_flow(is_map ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                             : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
        if (open_.size() >= kMaxDepth)
          throw YamlSyntaxError("nested deeper than " + std::to_string(kMaxDepth) + " levels", mark);
        open_.push_back({node, YamlNode(), anchor ? reinterpret_cast<const char*>(anchor) : "", 1});
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        // Anchored once complete: an alias inside its own anchor's node would make a cycle.
        Open closed = std::move(open_.back());
        open_.pop_back();
        if (!closed.anchor.empty()) anchors_[closed.anchor] = {closed.node, closed.weight};
        add(closed.node, closed.weight, mark_of(event.start_mark));
        break;
      }
      default:
        break;
    }
    return false;
  }

  void add(const YamlNode& node, std::size_t weight, YamlMark mark) {
    if (open_.empty()) {
      root_ = node;
      return;
    }
    Open& top = open_.back();
    top.weight += weight;
    if (top.weight > kMaxWeight)
      throw YamlSyntaxError("the aliases here expand to more than " + std::to_string(kMaxWeight) + " nodes", mark);
    if (top.node.is_sequence()) {
      top.node.push_back(node);
    } else if (!top.key) {
      top.key = node;
    } else {
      top.node.append(top.key, node);
      top.key = YamlNode();
    }
  }

  const std::string& text_;
  yaml_parser_t parser_;
  std::vector<Open> open_;
  std::map<std::string, Anchored> anchors_;
  YamlNode root_;
};

bool is_printable_ascii(char c) { return c >= 0x20 && c <= 0x7e; }

// Plain text that reads back as itself: no indicator at the start, no `: ` or ` #`, no leading
// or trailing space, nothing a reader would take for null; in flow style, none of ,[]{}.
bool can_be_plain(const std::string& text, bool in_flow) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return false;
  const char first = text[0];
  const char second = text.size() > 1 ? text[1] : '\0';
  if (std::strchr("[]{},#&*!|>'\"%@`", first)) return false;
  if ((first == '-' || first == '?' || first == ':') &&
      (second == '\0' || second == ' ' || (in_flow && std::strchr(",[]{}", second))))
    return false;
  if (first == ' ' || text.back() == ' ' || text.back() == ':') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80 && !is_printable_ascii(c)) return false;  // DEL too
    if (c == ':' && i + 1 < text.size() && (text[i + 1] == ' ' || (in_flow && std::strchr(",[]{}", text[i + 1]))))
      return false;
    if (c == '#' && text[i - 1] == ' ') return false;
    if (in_flow && std::strchr(",[]{}?", c)) return false;
  }
  return true;
}

std::string double_quoted(const std::string& text) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (byte < 0x20) {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void write_block(const YamlNode& node, int indent, std::string& out);

std::string block_scalar(const YamlNode& node) {
  return node.is_scalar() ? yaml_scalar_text(node.text(), false) : flow_yaml(node);
}

// After "key:" or "-": a scalar or flow node on the same line, a block collection below.
void write_value(const YamlNode& value, int indent, std::string& out) {
  if ((value.is_map() || value.is_sequence()) && !value.flow() && value.size() > 0) {
    out += '\n';
    write_block(value, indent, out);
  } else {
    out += ' ';
    out += block_scalar(value);
  }
}

void write_block(const YamlNode& node, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  bool first = true;
  if (node.is_map()) {
    for (const auto& [key, value] : node.entries()) {
      if (!first) out += '\n';
      first = false;
      out += pad + block_scalar(key) + ":";
      write_value(value, indent + 2, out);
    }
  } else {
    for (const auto& item : node.items()) {
      if (!first) out += '\n';
      first = false;
      out += pad + "-";
      if (item.is_map() && !item.flow() && item.size() > 0) {
        // The item's first key follows the dash; the others line up under it.
        std::string inner;
        write_block(item, indent + 2, inner);
        out += ' ' + inner.substr(static_cast<std::size_t>(indent + 2));
      } else {
        write_value(item, indent + 2, out);
      }
    }
  }
}

}  // namespace

YamlNode parse_yaml(const std::string& text) { return TreeBuilder(text).build(); }

std::string yaml_scalar_text(const std::string& text, bool in_flow) {
  return can_be_plain(text, in_flow) ? text : double_quoted(text);
}

std::string flow_yaml(const YamlNode& node) {
  switch (node.kind()) {
    case YamlNode::Kind::Undefined:
      return "";
    case YamlNode::Kind::Null:
      return "~";
    case YamlNode::Kind::Scalar:
      return yaml_scalar_text(node.text(), true);
    case YamlNode::Kind::Sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < node.size(); ++i) out += (i ? ", " : "") + flow_yaml(node[i]);
      return out + "]";
    }
    case YamlNode::Kind::Map: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, value] : node.entries()) {
        out += (first ? "" : ", ") + flow_yaml(key) + ": " + flow_yaml(value);
        first = false;
      }
      return out + "}";
    }
  }
  return "";
}

std::string block_yaml(const YamlNode& node) {
  if ((!node.is_map() && !node.is_sequence()) || node.size() == 0 || node.flow()) return flow_yaml(node);
  std::string out;
  write_block(node, 0, out);
  return out;
}

}  // namespace accelsim::config
