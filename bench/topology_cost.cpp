// The host cost of simulating each shipped topology (configs/topologies/NAME.yaml, timing-only)
// on one design point: the accelsim process's wall time from start to exit (the best of
// --repeat runs: other load on the machine only adds), its CPU time (of that run), the MACs and the PE array's
// compute tiles (Compute instructions) of one image from stats.json, and the host time per tile
// and per MAC. Issue 12's goal: ResNet-50 at 224x224 on a 32x32 array under 1 s; host time
// should follow the tiles, not the MACs. Run after a build:
//   build/bench/topology_cost [--array N] [--repeat N] [--set KEY=VALUE]...
#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/child_process.h"

namespace {

using nlohmann::json;

const std::vector<std::string> kTopologies = {"resnet18", "resnet50", "mobilenet_v2",
                                              "vgg16",    "alexnet",  "bert_base_gemms"};

struct Options {
  int array = 32;
  int repeat = 3;
  std::vector<std::string> sets;
};

int usage(const std::string& message) {
  std::fprintf(stderr,
               "topology_cost: %s\nusage: topology_cost [--array N] [--repeat N] [--set KEY=VALUE]...   (default: "
               "32x32, best of 3)\n",
               message.c_str());
  return 2;
}

// A whole number >= 1, or 0 for anything else.
int positive(const std::string& text) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  return !text.empty() && *end == '\0' && value >= 1 && value <= 100000 ? static_cast<int>(value) : 0;
}

double number(const json& group, const char* key) {
  return group.contains(key) && group[key].is_number() ? group[key].get<double>() : 0.0;
}

}  // namespace

int main(int argc, char** argv) try {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "-h" || argument == "--help") {
      usage("help");
      return 0;
    }
    if (i + 1 == argc) return usage("'" + argument + "' needs a value or is not an option");
    const std::string value = argv[++i];
    if (argument == "--set") {
      options.sets.push_back(value);
    } else if (argument == "--array") {
      options.array = positive(value);
      if (options.array == 0) return usage("--array needs a whole number >= 1, got '" + value + "'");
    } else if (argument == "--repeat") {
      options.repeat = positive(value);
      if (options.repeat == 0) return usage("--repeat needs a whole number >= 1, got '" + value + "'");
    } else {
      return usage("unexpected argument '" + argument + "'");
    }
  }
  const std::filesystem::path scratch =
      std::filesystem::temp_directory_path() / ("accelsim-topology-cost-" + std::to_string(getpid()));

  fmt::print("accelsim, timing-only (values: none), one image, {0}x{0} array, wall time: best of {1} runs{2}\n",
             options.array, options.repeat, options.sets.empty() ? "" : ", with");
  for (const auto& set : options.sets) fmt::print("  --set {}\n", set);
  // Per tile and per MAC both of wall time (what the goal is stated in) and of CPU time (what a
  // loaded machine does not inflate).
  fmt::print("{:<16} {:>8} {:>8} {:>15} {:>8} {:>10} {:>10} {:>10} {:>10} {:>12}\n", "topology", "wall s", "cpu s",
             "MACs", "tiles", "us/tile", "cpu us/t", "ps/MAC", "cpu ps/M", "cycles");
  for (const auto& topology : kTopologies) {
    const auto out = scratch / topology;
    std::vector<std::string> command = {ACCELSIM_BINARY,
                                        "--config",
                                        std::string(ACCELSIM_SOURCE_DIR) + "/configs/topologies/" + topology + ".yaml",
                                        "--quiet",
                                        "--images",
                                        "1",
                                        "--out",
                                        out.string(),
                                        "--set",
                                        "hardware.pe_array.rows=" + std::to_string(options.array),
                                        "--set",
                                        "hardware.pe_array.cols=" + std::to_string(options.array)};
    for (const auto& set : options.sets) command.insert(command.end(), {"--set", set});
    accelsim::bench::ChildResult best;
    for (int r = 0; r < options.repeat; ++r) {
      const auto result = accelsim::bench::run_child(command);
      if (result.exit_code != 0)
        throw std::runtime_error(fmt::format("accelsim exited with {} on {}", result.exit_code, topology));
      if (r == 0 || result.seconds < best.seconds) best = result;
    }
    std::ifstream in(out / "stats.json");
    const json total = json::parse(in).at("total");
    const double macs = number(total, "macs"), tiles = number(total, "compute_tiles_per_image");
    auto per = [](double seconds, double count, double unit) { return count > 0 ? unit * seconds / count : 0.0; };
    fmt::print("{:<16} {:>8.3f} {:>8.3f} {:>15.0f} {:>8.0f} {:>10.1f} {:>10.1f} {:>10.0f} {:>10.0f} {:>12.0f}\n",
               topology, best.seconds, best.cpu_seconds, macs, tiles, per(best.seconds, tiles, 1e6),
               per(best.cpu_seconds, tiles, 1e6), per(best.seconds, macs, 1e12), per(best.cpu_seconds, macs, 1e12),
               number(total, "cycles"));
    std::fflush(stdout);
  }
  std::filesystem::remove_all(scratch);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "topology_cost: %s\n", e.what());
  return 1;
}
