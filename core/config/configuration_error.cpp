#include "core/config/configuration_error.h"

namespace accelsim::config {

std::string SourceLocation::to_string() const {
  std::string text = file.empty() ? std::string("<config>") : file;
  if (line > 0) {
    text += ":" + std::to_string(line);
    if (column > 0) text += ":" + std::to_string(column);
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
