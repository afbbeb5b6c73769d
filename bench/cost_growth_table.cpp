// Generates the "Cost growth" section of docs/performance.md (between its cost_growth_table
// markers): host time against MACs, compute tiles and PE-array size for LeNet and every shipped
// topology, timing-only and with values (computed and checked bit-exactly), and the peak resident
// memory of a 2,000-image LeNet batch and of ResNet-50. The figures are host times: nothing checks
// them; regenerate after a build with
//   build/bench/cost_growth_table [OUTPUT.md]   (default: docs/performance.md of the source tree)
// For a part of it (to follow one network while working on it, or to set two binaries side by
// side), `--networks resnet18,...` runs only those (and LeNet, whose runs are the floor), without
// the memory runs, and `--accelsim BINARY` times another accelsim binary.
#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/child_process.h"
#include "bench/doc_section.h"
#include "core/io/atomic_file.h"

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kBegin = "<!-- cost_growth_table begin -->";
constexpr const char* kEnd = "<!-- cost_growth_table end -->";

const std::vector<int> kArrays = {4, 16, 64, 256};

// A network as the table runs it: its timing-only config at full size, and its twin with values on
// a reduced input where the full size would take minutes on the small arrays.
struct Network {
  std::string name;
  std::string timing_config;  // relative to the source tree
  std::vector<std::string> timing_sets;
  std::string full_input;  // as the table shows it
  std::string values_config;
  std::string values_input;  // --set network.input.shape=..., or empty for the config's own
  std::string values_note;
};

const std::vector<Network> kNetworks = {
    {"lenet", "configs/lenet.yaml", {"network.values=none"}, "1x32x32", "configs/lenet.yaml", "", "1x32x32"},
    {"resnet18",
     "configs/topologies/resnet18.yaml",
     {},
     "3x224x224",
     "configs/topologies/resnet18_random.yaml",
     "[3,64,64]",
     "3x64x64"},
    {"resnet50",
     "configs/topologies/resnet50.yaml",
     {},
     "3x224x224",
     "configs/topologies/resnet50_random.yaml",
     "[3,64,64]",
     "3x64x64"},
    {"mobilenet_v2",
     "configs/topologies/mobilenet_v2.yaml",
     {},
     "3x224x224",
     "configs/topologies/mobilenet_v2_random.yaml",
     "[3,64,64]",
     "3x64x64"},
    {"vgg16",
     "configs/topologies/vgg16.yaml",
     {},
     "3x224x224",
     "configs/topologies/vgg16_random.yaml",
     "[3,64,64]",
     "3x64x64"},
    {"alexnet",
     "configs/topologies/alexnet.yaml",
     {},
     "3x224x224",
     "configs/topologies/alexnet_random.yaml",
     "[3,64,64]",
     "3x64x64"},
    {"bert_base_gemms",
     "configs/topologies/bert_base_gemms.yaml",
     {},
     "768x128x1",
     "configs/topologies/bert_base_gemms_random.yaml",
     "[768,32,1]",
     "768x32x1"},
};

// Edge-small's SRAMs hold one fold of a 4x4 or 16x16 array; the larger arrays need larger ones
// (a 256x64 weight fold alone is 16 KiB), and the 64x64 inputs' feature maps stream through a
// 256 KiB activation SRAM as in topology_cost.
std::vector<std::string> hardware_sets(int array) {
  std::vector<std::string> sets = {"hardware.pe_array.rows=" + std::to_string(array),
                                   "hardware.pe_array.cols=" + std::to_string(array),
                                   "hardware.activation_sram.capacity_bytes=262144"};
  if (array >= 64) {
    sets.push_back("hardware.weight_sram.capacity_bytes=" + std::to_string(array * 4096));
    sets.push_back("hardware.accumulator.capacity_bytes=" + std::to_string(array * 1024));
  }
  return sets;
}

struct Run {
  accelsim::bench::ChildResult host;
  double macs = 0, tiles = 0, cycles = 0;
  double transactions = 0;  // host.json: TLM transactions (b_transport calls) of the whole run
};

double number(const json& group, const char* key) {
  return group.contains(key) && group[key].is_number() ? group[key].get<double>() : 0.0;
}

std::string accelsim_binary = ACCELSIM_BINARY;  // --accelsim

Run run_accelsim(const std::string& config, const std::vector<std::string>& sets, int images, const fs::path& out) {
  std::vector<std::string> command = {accelsim_binary, "--config",  std::string(ACCELSIM_SOURCE_DIR) + "/" + config,
                                      "--quiet",       "--images",  std::to_string(images),
                                      "--out",         out.string()};
  for (const auto& set : sets) command.insert(command.end(), {"--set", set});
  Run run;
  run.host = accelsim::bench::run_child(command);
  if (run.host.exit_code != 0) {  // 1 would be a mismatch against the golden model: never a figure
    std::string shown;
    for (const auto& part : command) shown += (shown.empty() ? "" : " ") + part;
    throw std::runtime_error(fmt::format("accelsim exited with {}: {}", run.host.exit_code, shown));
  }
  std::ifstream in(out / "stats.json");
  const json stats = json::parse(in);
  const json& total = stats.at("total");
  run.macs = number(total, "macs");
  run.tiles = number(total, "compute_tiles_per_image") * images;
  run.cycles = number(total, "cycles");
  std::ifstream host_in(out / "host.json");
  const json host = json::parse(host_in);
  run.transactions = number(host.at("events").at("total"), "tlm_transactions");
  return run;
}

std::string grouped(double value) {
  std::string digits = fmt::format("{:.0f}", value);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

std::string megabytes(double bytes) { return fmt::format("{:.1f}", bytes / 1e6); }

// max / min of a set of positive figures.
double spread(const std::vector<double>& values) {
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  return *low > 0 ? *high / *low : 0.0;
}

// Least squares of y = intercept + slope * x, and the largest residual relative to its y:
//   slope = sum((x - mean x)(y - mean y)) / sum((x - mean x)^2),  intercept = mean y - slope * mean x.
// With every x equal (no tiles changed) the slope is 0 and the intercept the mean.
struct LineFit {
  double intercept = 0, slope = 0, worst_relative_residual = 0;
};

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mean_x = 0, mean_y = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mean_x += x[i] / n, mean_y += y[i] / n;
  double covariance = 0, variance = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    covariance += (x[i] - mean_x) * (y[i] - mean_y);
    variance += (x[i] - mean_x) * (x[i] - mean_x);
  }
  LineFit fit;
  fit.slope = variance > 0 ? covariance / variance : 0.0;
  fit.intercept = mean_y - fit.slope * mean_x;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (y[i] > 0)
      fit.worst_relative_residual =
          std::max(fit.worst_relative_residual, std::abs(y[i] - fit.intercept - fit.slope * x[i]) / y[i]);
  return fit;
}

// A timing-only run takes well under a second: the least CPU of three of them is the row, so that
// one run disturbed by the machine's other work does not bend the fit below.
constexpr int kTimingOnlyRepeats = 3;

}  // namespace

int main(int argc, char** argv) try {
  const char* usage =
      "usage: cost_growth_table [--networks NAME,...] [--accelsim BINARY] [OUTPUT.md]   (default: "
      "docs/performance.md of the source tree)\n";
  std::vector<std::string> only;  // --networks: these and LeNet, no memory runs
  fs::path output = fs::path(ACCELSIM_SOURCE_DIR) / "docs/performance.md";
  bool output_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(usage, stdout);
      return 0;
    }
    if ((arg == "--networks" || arg == "--accelsim") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--accelsim") {
        accelsim_binary = value;
        continue;
      }
      for (std::size_t begin = 0; begin <= value.size();) {
        const std::size_t end = std::min(value.find(',', begin), value.size());
        const std::string name = value.substr(begin, end - begin);
        if (std::none_of(kNetworks.begin(), kNetworks.end(), [&](const Network& n) { return n.name == name; })) {
          std::fprintf(stderr, "cost_growth_table: --networks: no network '%s'\n", name.c_str());
          return 2;
        }
        only.push_back(name);
        begin = end + 1;
      }
      continue;
    }
    if (arg[0] == '-' || output_given) {
      std::fputs(usage, stderr);
      return 2;
    }
    output = arg;
    output_given = true;
  }
  auto wanted = [&only](const Network& network) {
    return only.empty() || &network == &kNetworks.front() ||
           std::find(only.begin(), only.end(), network.name) != only.end();
  };
  const fs::path scratch = fs::temp_directory_path() / ("accelsim-cost-growth-" + std::to_string(getpid()));

  std::string md =
      std::string(kBegin) +
      "\n## Cost growth\n\n"
      "Generated by `build/bench/cost_growth_table` (bench/cost_growth_table.cpp); do not edit by hand "
      "(the figures are\nhost times of one machine: no test checks them; run it again after a build to "
      "regenerate this section).\n"
      "Each row is one accelsim process, one image, from start to exit: `CPU s` is its user + system "
      "time (all threads),\n`wall s` its wall time, `peak RSS` getrusage's `ru_maxrss` of the child, `TLM "
      "transactions` host.json's count\n(one `b_transport` through a unit's socket each); a timing-only row is "
      "the least CPU of three such runs. "
      "`timing-only` runs the network's\n`values: none` config (LeNet with `--set network.values=none`); "
      "`values` its twin with values (LeNet's digits,\nthe topologies' `_random.yaml`: seeded random "
      "weights and inputs), computed and checked bit-exactly against the\ngolden model (a mismatch "
      "stops the benchmark). Timing-only runs are full size; the runs with values are on reduced inputs\n"
      "(`--set network.input.shape=...`: 64x64 images, 32 tokens) so that a 4x4 array takes seconds, "
      "not minutes. "
      "Every run has\n`--set hardware.activation_sram.capacity_bytes=262144` (feature maps stream "
      "through it, as in topology_cost),\nand on the 64x64 and 256x256 arrays `--set "
      "hardware.weight_sram.capacity_bytes=4096*N --set hardware.accumulator.capacity_bytes=1024*N`\n"
      "(N the array size; edge-small's 32 KiB and 8 KiB cannot hold one fold of those arrays).\n\n";
  md +=
      "| network (input) | array | run | MACs | compute tiles | TLM transactions | CPU s | wall s | us/tile | ps/MAC "
      "| ns/transaction | peak RSS MB |\n";
  md += "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";

  // Every run first, then the table: the per-unit figures are of the CPU time above the floor of
  // a process (the least CPU of LeNet's timing-only runs: the loader, the config, the outputs).
  struct Row {
    const Network* network;
    int array;
    bool values;
    Run run;
  };
  std::vector<Row> rows;
  int runs = 0;
  for (const auto& network : kNetworks) {
    if (!wanted(network)) continue;
    for (const bool values : {false, true}) {
      const std::string mode = values ? "values" : "timing-only";
      for (int array : kArrays) {
        std::vector<std::string> sets = hardware_sets(array);
        if (!values) sets.insert(sets.end(), network.timing_sets.begin(), network.timing_sets.end());
        if (values && !network.values_input.empty()) sets.push_back("network.input.shape=" + network.values_input);
        const fs::path out = scratch / fmt::format("{}_{}_{}", network.name, mode, array);
        Run best = run_accelsim(values ? network.values_config : network.timing_config, sets, 1, out);
        for (int repeat = 1; !values && repeat < kTimingOnlyRepeats; ++repeat) {
          Run again = run_accelsim(network.timing_config, sets, 1, out);
          if (again.host.cpu_seconds < best.host.cpu_seconds) best = again;
        }
        rows.push_back({&network, array, values, best});
        std::fprintf(stderr, "%s %s %dx%d: %.2f s CPU\n", network.name.c_str(), mode.c_str(), array, array,
                     rows.back().run.host.cpu_seconds);
        ++runs;
      }
    }
  }
  double floor = 0;
  for (const auto& row : rows)
    if (row.network == &kNetworks.front() && !row.values)
      floor = floor == 0 ? row.run.host.cpu_seconds : std::min(floor, row.run.host.cpu_seconds);

  // Per network and mode, the figures across the arrays, for the summaries.
  std::map<std::string, std::vector<double>> per_tile, per_mac, per_transaction, tiles, cpu;
  for (const auto& row : rows) {
    const Run& run = row.run;
    const double above = std::max(run.host.cpu_seconds - floor, 0.0);
    auto per = [&](double count, double unit) { return count > 0 ? unit * above / count : 0.0; };
    const std::string key = row.network->name + (row.values ? " values" : " timing-only");
    per_tile[key].push_back(per(run.tiles, 1e6));
    per_mac[key].push_back(per(run.macs, 1e12));
    per_transaction[key].push_back(per(run.transactions, 1e9));
    tiles[key].push_back(run.tiles);
    cpu[key].push_back(run.host.cpu_seconds);
    md += fmt::format("| {} ({}) | {}x{} | {} | {} | {} | {} | {:.3f} | {:.3f} | {:.1f} | {:.0f} | {:.0f} | {} |\n",
                      row.network->name, row.values ? row.network->values_note : row.network->full_input, row.array,
                      row.array, row.values ? "values" : "timing-only", grouped(run.macs), grouped(run.tiles),
                      grouped(run.transactions), run.host.cpu_seconds, run.host.seconds, per(run.tiles, 1e6),
                      per(run.macs, 1e12), per(run.transactions, 1e9), megabytes(run.host.peak_rss_bytes));
  }
  md += fmt::format(
      "\nThe floor subtracted before dividing (`us/tile`, `ps/MAC`, `ns/transaction`): {:.3f} s, the least CPU time "
      "of\nLeNet's timing-only runs (a process's loader, config and output files: see \"One design point's fixed "
      "cost\").\n",
      floor);

  md +=
      "\nAcross the four arrays (the MACs stay, the tiles and transactions change), the spread (largest / "
      "smallest) of\neach network's CPU time above the floor per tile, per MAC and per TLM transaction: the "
      "flattest is what host\ntime follows.\n\n";
  md +=
      "| network | timing-only: per tile | per MAC | per transaction | values: per tile | per MAC | per transaction "
      "|\n";
  md += "|---|---:|---:|---:|---:|---:|---:|\n";
  for (std::size_t n = 1; n < kNetworks.size(); ++n) {  // LeNet's runs are the floor itself
    if (!wanted(kNetworks[n])) continue;
    const std::string timing = kNetworks[n].name + " timing-only", values = kNetworks[n].name + " values";
    md += fmt::format("| {} | {:.1f}x | {:.1f}x | {:.1f}x | {:.1f}x | {:.1f}x | {:.1f}x |\n", kNetworks[n].name,
                      spread(per_tile[timing]), spread(per_mac[timing]), spread(per_transaction[timing]),
                      spread(per_tile[values]), spread(per_mac[values]), spread(per_transaction[values]));
  }

  md +=
      "\nThe same runs as a line: each network's CPU time fitted as `constant + cost per tile x tiles` over its four "
      "arrays\n(least squares; `worst residual`: the farthest row from the line, in % of that row's CPU time). The "
      "PEs grow\n4,096x from 4x4 to 256x256 and the MACs stay; a small residual says host time follows the tiles, "
      "a cost per tile\nnear zero with values says it follows the MACs (the same on every array).\n\n";
  md +=
      "| network | run | tiles 4x4 / 256x256 | CPU 4x4 / 256x256 | constant ms | us per tile | worst residual "
      "|\n|---|---|---:|---:|---:|---:|---:|\n";
  for (const auto& network : kNetworks)
    for (const char* mode : {" timing-only", " values"}) {
      const std::string key = network.name + mode;
      if (tiles[key].empty()) continue;  // not among --networks
      const LineFit fit = fit_line(tiles[key], cpu[key]);
      md += fmt::format("| {} | {} | {:.1f}x | {:.2f}x | {:.1f} | {:.1f} | {:.1f} % |\n", network.name, mode + 1,
                        tiles[key].front() / tiles[key].back(), cpu[key].front() / cpu[key].back(), fit.intercept * 1e3,
                        fit.slope * 1e6, fit.worst_relative_residual * 100);
    }

  // Memory: a 2,000-image LeNet batch (the goal: under 100 MB) and ResNet-50 at full size.
  struct MemoryRun {
    std::string label, config;
    std::vector<std::string> sets;
    int images;
  };
  const std::vector<MemoryRun> memory_runs = {
      {"LeNet, 2,000 images, values (checked)", "configs/lenet.yaml", {}, 2000},
      {"ResNet-50 224x224, timing-only, 32x32",
       "configs/topologies/resnet50.yaml",
       {"hardware.pe_array.rows=32", "hardware.pe_array.cols=32", "hardware.activation_sram.capacity_bytes=262144"},
       1},
      {"ResNet-50 3x64x64, values (checked), 32x32",
       "configs/topologies/resnet50_random.yaml",
       {"hardware.pe_array.rows=32", "hardware.pe_array.cols=32", "hardware.activation_sram.capacity_bytes=262144",
        "network.input.shape=[3,64,64]"},
       1},
  };
  md += "\nPeak resident memory (the goal for the LeNet batch: under 100 MB):\n\n";
  md += "| run | images | CPU s | wall s | peak RSS MB |\n|---|---:|---:|---:|---:|\n";
  for (const auto& memory : only.empty() ? memory_runs : std::vector<MemoryRun>{}) {
    const Run run = run_accelsim(memory.config, memory.sets, memory.images, scratch / "memory");
    md += fmt::format("| {} | {} | {:.3f} | {:.3f} | {} |\n", memory.label, grouped(memory.images),
                      run.host.cpu_seconds, run.host.seconds, megabytes(run.host.peak_rss_bytes));
    std::fprintf(stderr, "%s: %.1f MB\n", memory.label.c_str(), run.host.peak_rss_bytes / 1e6);
    ++runs;
  }
  md += std::string("\n") + kEnd;
  std::filesystem::remove_all(scratch);

  accelsim::bench::write_doc_section(output, kBegin, kEnd, md);
  fmt::print("wrote {} ({} runs)\n", output.string(), runs);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "cost_growth_table: %s\n", e.what());
  return 1;
}
