#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace accelsim::report {

// `value.dump(2)`, byte for byte, written with less work: stats.json is the largest document a
// run writes, and nlohmann's serializer decodes every byte of every key as UTF-8 on the way out.
// Here a string is copied in runs between the characters JSON escapes; one holding a byte
// outside ASCII goes through nlohmann's own escaping (which checks it is UTF-8 and throws
// nlohmann::json::type_error when it is not, as dump does). Numbers are written as dump writes
// them (its float conversion; NaN and infinities as null). Binary and discarded values, which no
// report holds, are a std::logic_error.
std::string json_text(const nlohmann::json& value);

// json_text of `object` with one more member, `key` (not in `object`), in its place among the
// object's sorted keys; `append_value(out, indent)` appends its value's text, `indent` being the
// member's. For a member cheaper written straight from its own data than built as JSON first
// (stats.json's effective_config: a few hundred small objects, most of the document's nodes).
std::string json_text(const nlohmann::json& object, std::string_view key,
                      const std::function<void(std::string&, unsigned)>& append_value);

// The pieces json_text writes with, for such a member: a value (its nested lines indented from
// `indent`), a string with its quotes and escapes, and `indent` spaces.
void append_json_value(std::string& out, const nlohmann::json& value, unsigned indent);
void append_json_string(std::string& out, const std::string& text);
void append_json_indent(std::string& out, unsigned indent);

}  // namespace accelsim::report
