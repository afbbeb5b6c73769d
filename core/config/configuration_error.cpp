#include "core/config/configuration_error.h"

#include <fmt/format.h>

namespace accelsim::config {

std::string SourceLocation::to_string() const {
  // In one string, the numbers written in place: every key a config sets is recorded with its source.
  std::string text;
  text.reserve(file.size() + 24);
  text += file.empty() ? "<config>" : file;
  auto append_number = [&](int number) {
    const fmt::format_int digits(number);
    text += ':';
    text.append(digits.data(), digits.size());
  };
  if (line > 0) {
    append_number(line);
    if (column > 0) append_number(column);
  }
  return text;
}

namespace {
std::string compose(const SourceLocation& where, const std::string& key, const std::string& message) {
  std::string text = where.to_string() + ": ";
  if (!key.empty()) text += key + ": ";
  return text + message;
}
}  // namespace

ConfigurationError::ConfigurationError(SourceLocation where, std::string key, const std::string& message)
    : std::runtime_error(compose(where, key, message)),
      where_(std::move(where)),
      key_(std::move(key)),
      message_(message) {}

}  // namespace accelsim::config
