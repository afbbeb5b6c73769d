#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace accelsim::report {

// `value.dump(2)`, byte for byte, written with less work: stats.json is the largest document a
// run writes, and nlohmann's serializer decodes every byte of every key as UTF-8 on the way out.
// Here a string is copied in runs between the characters JSON escapes; one holding a byte
// outside ASCII goes through nlohmann's own escaping (which checks it is UTF-8 and throws
// nlohmann::json::type_error when it is not, as dump does). Numbers are written as dump writes
// them (its float conversion; NaN and infinities as null). Binary and discarded values, which no
// report holds, are a std::logic_error.
std::string json_text(const nlohmann::json& value);

}  // namespace accelsim::report
