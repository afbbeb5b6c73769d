#pragma once

#include <stdexcept>
#include <string>

namespace accelsim::config {

// Where a config value came from: a file with a 1-based line and column when YAML knows them,
// or a pseudo-file such as "--set a.b=c" for command-line overrides.
struct SourceLocation {
  std::string file;
  int line = 0;    // 0 = unknown
  int column = 0;  // 0 = unknown

  std::string to_string() const;
};

// Any bad input: the message names the file, the key's dotted path and what was expected.
// The CLI turns it into exit code 2.
class ConfigurationError : public std::runtime_error {
 public:
  ConfigurationError(SourceLocation where, std::string key, const std::string& message);

  const SourceLocation& where() const { return where_; }
  const std::string& key() const { return key_; }
  const std::string& message() const { return message_; }  // what() without location and key

 private:
  SourceLocation where_;
  std::string key_;
  std::string message_;
};

}  // namespace accelsim::config
