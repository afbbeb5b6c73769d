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
    po::store(po::command_line_parser(argc, argv).options(options).run(), values);
    po::notify(values);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (see " + help_command + ")");
  }
  return values;
}

}  // namespace accelsim::cli
