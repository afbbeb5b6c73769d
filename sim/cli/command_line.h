#pragma once

#include <boost/program_options.hpp>

#include <stdexcept>
#include <string>

namespace accelsim::cli {

// A malformed command line; exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `argv` against `options` (which store into their targets); a Boost.Program_options
// error becomes a UsageError that points the user at `help_command`.
inline boost::program_options::variables_map parse_command_line(
    int argc, const char* const* argv, const boost::program_options::options_description& options,
    const std::string& help_command) {
  namespace po = boost::program_options;
  po::variables_map values;
  try {
    const po::parsed_options parsed = po::command_line_parser(argc, argv).options(options).run();
    // Boost drops words that belong to no option; a stray word is a mistake (`--config X sweep`).
    for (const auto& option : parsed.options)
      if (option.position_key >= 0 || option.string_key.empty()) {
        const std::string word = option.original_tokens.empty() ? std::string("?") : option.original_tokens.front();
        throw UsageError("unexpected argument '" + word + "'" +
                         (word == "sweep" ? std::string(" (a sweep is `accelsim sweep --spec FILE`: sweep comes first)")
                                          : std::string()) +
                         " (see " + help_command + ")");
      }
    po::store(parsed, values);
    po::notify(values);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (see " + help_command + ")");
  }
  return values;
}

}  // namespace accelsim::cli
