#include "sim/report/json_text.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string_view>

namespace accelsim::report {

namespace {

using nlohmann::json;

void put(std::string& out, std::string_view text) { out.append(text.data(), text.size()); }

void put_indent(std::string& out, unsigned indent) {
  static constexpr std::string_view kSpaces = "                                                                ";
  for (; indent > kSpaces.size(); indent -= static_cast<unsigned>(kSpaces.size())) put(out, kSpaces);
  put(out, kSpaces.substr(0, indent));
}

// What a string's character needs: nothing, an escape, or (a byte outside ASCII) nlohmann.
enum class CharClass : unsigned char { Plain, Escaped, NotAscii };
constexpr std::array<CharClass, 256> kCharClasses = [] {
  std::array<CharClass, 256> classes{};
  for (int c = 0; c < 256; ++c)
    classes[static_cast<std::size_t>(c)] = c >= 0x80                           ? CharClass::NotAscii
                                           : c < 0x20 || c == '"' || c == '\\' ? CharClass::Escaped
                                                                               : CharClass::Plain;
  return classes;
}();

// Where the first block of eight bytes from `from` holding one that is not CharClass::Plain starts
// (or the last, shorter block): the bytes before it are copied as they are. Eight at a time,
// because nearly every byte of a report's strings is plain.
std::size_t skip_plain_blocks(const std::string& text, std::size_t from) {
  constexpr uint64_t kOnes = 0x0101010101010101u, kHighBits = 0x8080808080808080u;
  // Whether a byte of `word` is below `bound` (at most 0x80), or zero: exact, borrows and all.
  auto any_below = [](uint64_t word, uint64_t bound) { return (word - kOnes * bound) & ~word & kHighBits; };
  for (; from + 8 <= text.size(); from += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + from, sizeof word);
    const uint64_t control = any_below(word, 0x20);
    const uint64_t quote = any_below(word ^ (kOnes * '"'), 1);
    const uint64_t backslash = any_below(word ^ (kOnes * '\\'), 1);
    const uint64_t not_ascii = word & kHighBits;
    if (control | quote | backslash | not_ascii) break;
  }
  return from;
}

// A JSON string with dump's escapes: the two-character ones for ", \, \b, \f, \n, \r, \t, and
// \u00xx (lower-case hex) for the other control characters; everything else as it is. A string
// with a byte outside ASCII is checked and written by nlohmann instead, as before.
void put_string(std::string& out, const std::string& text) {
  const std::size_t start = out.size();
  out.push_back('"');
  std::size_t copied = 0;  // text[0, copied) is written
  for (std::size_t i = skip_plain_blocks(text, 0); i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const CharClass kind = kCharClasses[c];
    if (kind == CharClass::Plain) continue;
    if (kind == CharClass::NotAscii) {
      out.resize(start);
      put(out, json(text).dump());
      return;
    }
    put(out, std::string_view(text).substr(copied, i - copied));
    copied = i + 1;
    switch (c) {
      case '"':
        put(out, "\\\"");
        break;
      case '\\':
        put(out, "\\\\");
        break;
      case '\b':
        put(out, "\\b");
        break;
      case '\f':
        put(out, "\\f");
        break;
      case '\n':
        put(out, "\\n");
        break;
      case '\r':
        put(out, "\\r");
        break;
      case '\t':
        put(out, "\\t");
        break;
      default: {  // "\\u{:04x}": a control character, 0x00-0x1f
        static constexpr char kHex[] = "0123456789abcdef";
        const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        put(out, std::string_view(escape, sizeof escape));
      }
    }
  }
  put(out, std::string_view(text).substr(copied));
  out.push_back('"');
}

void put_value(std::string& out, const json& value, unsigned indent) {
  constexpr unsigned kStep = 2;
  switch (value.type()) {
    case json::value_t::object: {
      const auto& object = value.get_ref<const json::object_t&>();
      if (object.empty()) return put(out, "{}");
      put(out, "{\n");
      bool first = true;
      for (const auto& [key, member] : object) {
        if (!first) put(out, ",\n");
        first = false;
        put_indent(out, indent + kStep);
        put_string(out, key);
        put(out, ": ");
        put_value(out, member, indent + kStep);
      }
      out.push_back('\n');
      put_indent(out, indent);
      out.push_back('}');
      return;
    }
    case json::value_t::array: {
      const auto& array = value.get_ref<const json::array_t&>();
      if (array.empty()) return put(out, "[]");
      put(out, "[\n");
      bool first = true;
      for (const json& item : array) {
        if (!first) put(out, ",\n");
        first = false;
        put_indent(out, indent + kStep);
        put_value(out, item, indent + kStep);
      }
      out.push_back('\n');
      put_indent(out, indent);
      out.push_back(']');
      return;
    }
    case json::value_t::string:
      return put_string(out, value.get_ref<const std::string&>());
    case json::value_t::boolean:
      return put(out, value.get<bool>() ? "true" : "false");
    case json::value_t::number_integer: {
      const fmt::format_int digits(value.get<json::number_integer_t>());
      return put(out, std::string_view(digits.data(), digits.size()));
    }
    case json::value_t::number_unsigned: {
      const fmt::format_int digits(value.get<json::number_unsigned_t>());
      return put(out, std::string_view(digits.data(), digits.size()));
    }
    case json::value_t::number_float: {
      const double number = value.get<double>();
      if (!std::isfinite(number)) return put(out, "null");
      char digits[64];
      // The conversion dump itself calls (nlohmann's detail::to_chars: the shortest text that
      // reads back, ".0" on whole numbers), so that the figures come out as before.
      const char* end = nlohmann::detail::to_chars(digits, digits + sizeof digits, number);
      return put(out, std::string_view(digits, static_cast<std::size_t>(end - digits)));
    }
    case json::value_t::null:
      return put(out, "null");
    default:  // binary and discarded values: no report holds them
      throw std::logic_error("json_text: a binary or discarded JSON value");
  }
}

}  // namespace

std::string json_text(const nlohmann::json& value) {
  // Appended straight into the result, grown geometrically; a run's stats.json is about 40 kB.
  std::string out;
  out.reserve(64 * 1024);
  put_value(out, value, 0);
  return out;
}

std::string json_text(const nlohmann::json& object, std::string_view key,
                      const std::function<void(std::string&, unsigned)>& append_value) {
  if (!object.is_object() || object.contains(key))
    throw std::logic_error("json_text: the member written separately must be new to an object");
  constexpr unsigned kStep = 2;
  std::string out;
  out.reserve(64 * 1024);
  out += "{\n";
  // The members in the order of nlohmann's std::map (std::less<std::string>), `key`'s among them.
  const std::string spliced(key);
  bool written = false, first = true;
  auto put_member = [&](const std::string& name) {
    if (!first) put(out, ",\n");
    first = false;
    put_indent(out, kStep);
    put_string(out, name);
    put(out, ": ");
  };
  for (const auto& [name, member] : object.get_ref<const json::object_t&>()) {
    if (!written && spliced < name) {
      put_member(spliced);
      append_value(out, kStep);
      written = true;
    }
    put_member(name);
    put_value(out, member, kStep);
  }
  if (!written) {
    put_member(spliced);
    append_value(out, kStep);
  }
  out += "\n}";
  return out;
}

void append_json_value(std::string& out, const nlohmann::json& value, unsigned indent) {
  put_value(out, value, indent);
}

void append_json_string(std::string& out, const std::string& text) { put_string(out, text); }

void append_json_indent(std::string& out, unsigned indent) { put_indent(out, indent); }

}  // namespace accelsim::report
