#pragma once

#include <string>
#include <utility>
#include <vector>

namespace accelsim::config {

// An enum's values with the names configs and reports spell them, in the order error messages
// list them. One table per enum serves both directions: reading a config key
// (Section::choose) and writing a value (name_in).
template <typename E>
using EnumNames = std::vector<std::pair<std::string, E>>;

template <typename E>
const char* name_in(const EnumNames<E>& names, E value) {
  for (const auto& [name, candidate] : names)
    if (candidate == value) return name.c_str();
  return "?";
}

}  // namespace accelsim::config
