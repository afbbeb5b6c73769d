#include "sim/cli/options.h"

#include <boost/program_options.hpp>

#include <sstream>

namespace accelsim::cli {

namespace po = boost::program_options;

namespace {
po::options_description describe(Options& o) {
  po::options_description options("Options");
  options.add_options()
      ("config,c", po::value<std::string>(), "config file: network and hardware YAML (required)")
      ("images,n", po::value<int64_t>(&o.images)->default_value(1), "simulate the first N held-out images back to back")
      ("out,o", po::value<std::string>()->default_value("out"), "output folder for stats.json, layers.csv and logits.npy")
      ("set,s", po::value<std::vector<std::string>>(&o.overrides)->composing(),
       "override a config key by dotted path, e.g. --set hardware.pe_array.rows=16 (repeatable)")
      ("flip-bit", po::value<std::vector<std::string>>(&o.bit_flips)->composing(),
       "LAYER:INDEX:BIT[:IMAGE]: flip a bit of a stored output to inject a fault (repeatable)")
      ("log-level", po::value<std::string>(&o.log_level)->default_value("warn"), "error, warn, info or debug")
      ("quiet,q", po::bool_switch(&o.quiet), "print nothing but errors")
      ("list-params", po::bool_switch(&o.list_params), "list every config key with its unit, default and description")
      ("help,h", po::bool_switch(&o.help), "show this help")
      ("version", po::bool_switch(&o.version), "show the version");
  return options;
}
}  // namespace

std::string Options::usage() {
  Options scratch;
  std::ostringstream out;
  out << "Usage: accelsim --config FILE [--images N] [--out DIR] [--set key=value ...]\n"
         "                [--log-level LEVEL] [--quiet] [--list-params] [--help] [--version]\n\n"
         "Simulates a quantized network on the accelerator a YAML config describes, checks every\n"
         "layer's int8 output against the golden model, and reports cycles, traffic and energy.\n\n"
      << describe(scratch)
      << "\nExit codes: 0 bit-exact, 1 an output differs from the golden model, 2 bad input,\n"
         "3 the simulation failed.\n";
  return out.str();
}

Options Options::parse(int argc, const char* const* argv) {
  Options o;
  const po::options_description options = describe(o);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), values);
    po::notify(values);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (see accelsim --help)");
  }
  if (o.help || o.version) return o;
  if (!values.count("config")) throw UsageError("--config FILE is required (see accelsim --help)");
  o.config = values["config"].as<std::string>();
  o.out = values["out"].as<std::string>();
  if (o.out.empty()) throw UsageError("--out needs a folder");
  if (o.images < 1) throw UsageError("--images must be at least 1, got " + std::to_string(o.images));
  const std::vector<std::string> levels = {"error", "warn", "info", "debug"};
  bool known = false;
  for (const auto& level : levels) known = known || level == o.log_level;
  if (!known) throw UsageError("--log-level must be error, warn, info or debug, got '" + o.log_level + "'");
  return o;
}

}  // namespace accelsim::cli
