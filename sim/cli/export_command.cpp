#include "sim/cli/export_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "core/config/configuration_error.h"
#include "core/io/atomic_file.h"
#include "core/log/log.h"
#include "core/scalesim/scalesim_export.h"
#include "sim/cli/command_line.h"
#include "sim/run/workload.h"

namespace accelsim::cli {

namespace po = boost::program_options;

namespace {

constexpr int kBadInput = 2;

int fail(const std::string& message) {
  log::write(log::Level::Error, message);
  return kBadInput;
}

}  // namespace

int run_export_scalesim_command(int argc, char** argv) {
  std::string config, out = "scalesim";
  std::vector<std::string> overrides;
  bool help = false;
  po::options_description options("Options");
  options.add_options()("config,c", po::value<std::string>(&config), "config file: network and hardware YAML")(
      "set,s", po::value<std::vector<std::string>>(&overrides)->composing(), "override a config key (repeatable)")(
      "out,o", po::value<std::string>(&out)->default_value("scalesim"), "folder for NETWORK.csv and NETWORK.cfg")(
      "help,h", po::bool_switch(&help), "show this help");
  try {
    parse_command_line(argc, argv, options, "accelsim export-scalesim --help");
    if (!help && config.empty()) throw UsageError("--config FILE is required (see accelsim export-scalesim --help)");
  } catch (const UsageError& e) {
    return fail(e.what());
  }
  if (help) {
    std::ostringstream text;
    text << "Usage: accelsim export-scalesim --config FILE [--set key=value ...] [--out DIR]\n\n"
            "Writes the network as a SCALE-Sim v2 topology CSV and the hardware as a SCALE-Sim .cfg\n"
            "(DIR/NETWORK.csv, DIR/NETWORK.cfg); layers SCALE-Sim has no counterpart for are listed.\n\n"
         << options;
    std::fputs(text.str().c_str(), stdout);
    return 0;
  }
  run::LoadedConfig loaded;
  try {
    loaded = run::load_config(config, overrides);
  } catch (const config::ConfigurationError& e) {
    return fail(e.what());
  }
  std::vector<std::string> skipped, notes;
  const std::string topology = scalesim::export_topology_csv(loaded.network, skipped, notes);
  const std::string cfg = scalesim::export_scalesim_config(loaded.hardware, loaded.network.name, notes);
  const std::filesystem::path csv_file = std::filesystem::path(out) / (loaded.network.name + ".csv");
  const std::filesystem::path cfg_file = std::filesystem::path(out) / (loaded.network.name + ".cfg");
  try {
    report::prepare_output_directory(out);
    report::write_file_atomically(csv_file, topology);
    report::write_file_atomically(cfg_file, cfg);
  } catch (const report::OutputError& e) {
    return fail(fmt::format("--out {}", e.what()));
  }
  std::string skipped_text;
  for (const auto& layer : skipped) skipped_text += (skipped_text.empty() ? "" : ", ") + layer;
  for (const auto& note : notes) log::warn("{}", note);
  std::fputs(fmt::format("wrote {} and {}\nskipped     {}\n", csv_file.string(), cfg_file.string(),
                         skipped.empty() ? std::string("nothing") : skipped_text + " (no SCALE-Sim counterpart)")
                 .c_str(),
             stdout);
  return 0;
}

}  // namespace accelsim::cli
