// Generates the "SCALE-Sim topologies on 32x32" section of docs/validation.md: for each shipped
// topology (configs/topologies/*.yaml without their _random twins, and SCALE-Sim's regression
// layer configs/scalesim/regression_layer.csv) the total PE-array cycles on a 32x32 array in WS,
// OS and IS under `timing: scalesim` (SCALE-Sim v2's equations) beside accelsim's own array
// model (`timing: fast`). Run after a build:
//   build/bench/scalesim_table [OUTPUT]      (default: docs/validation.md in the source tree)
// It replaces only the text between its two markers and keeps the rest of the file.
//
// Each network runs whole (`accelsim --config`), not row by row through `--topology`: one
// process per point instead of one per row and dataflow. As a check, the network is also
// written with `accelsim export-scalesim`, read back with the SCALE-Sim readers and summed
// with SCALE-Sim's closed form (core/scalesim/scalesim_equations.h, independent of the timing
// model in modules/); the tool fails if that sum differs from the scalesim run's.
#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/child_process.h"
#include "bench/doc_section.h"
#include "core/io/atomic_file.h"
#include "core/scalesim/layer_config.h"
#include "core/scalesim/scalesim_equations.h"
#include "core/scalesim/topology_csv.h"

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kBegin = "<!-- scalesim_table begin -->";
constexpr const char* kEnd = "<!-- scalesim_table end -->";
constexpr int kArray = 32;

// SCALE-Sim's regression config's memories (configs/scalesim/array_32x32_ws.cfg: 64 kB each) for
// the weight SRAM and the accumulator, as `--scalesim-config` maps them; the activation SRAM
// large enough for a 224x224 network's feature maps (accelsim keeps them on chip; SCALE-Sim's
// ifmap SRAM streams, and its cycles do not depend on the size).
const std::vector<std::string> kHardware = {
    "hardware.pe_array.rows=32", "hardware.pe_array.cols=32", "hardware.weight_sram.capacity_bytes=65536",
    "hardware.accumulator.capacity_bytes=65536", "hardware.activation_sram.capacity_bytes=67108864"};

json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return json::parse(in);
}

std::vector<std::string> command(std::vector<std::string> head, const std::vector<std::string>& sets) {
  for (const auto& set : sets) {
    head.push_back("--set");
    head.push_back(set);
  }
  return head;
}

// Sum of the layers' PE-array cycles (`compute_cycles`) of one whole-network run.
int64_t network_cycles(const fs::path& config, const std::string& dataflow, const std::string& timing,
                       const fs::path& out) {
  std::vector<std::string> sets = kHardware;
  sets.push_back("hardware.pe_array.dataflow=" + dataflow);
  sets.push_back("hardware.pe_array.timing=" + timing);
  const auto result = accelsim::bench::run_child(
      command({ACCELSIM_BINARY, "--config", config.string(), "--quiet", "--out", out.string()}, sets));
  if (result.exit_code != 0)
    throw std::runtime_error(
        fmt::format("accelsim failed ({}) for {} {} {}", result.exit_code, config.string(), dataflow, timing));
  const json stats = read_json(out / "stats.json");  // kept: a range-for over a temporary's member dangles
  int64_t cycles = 0;
  for (const json& layer : stats["layers"]) cycles += layer["compute_cycles"].get<int64_t>();
  return cycles;
}

// SCALE-Sim's closed form summed over a topology file's rows (DP rows split per channel).
int64_t closed_form_cycles(const fs::path& csv, accelsim::scalesim::Dataflow dataflow, int64_t* rows) {
  using namespace accelsim::scalesim;
  const std::vector<TopologyLayer> layers = expand_depthwise(read_topology(csv).layers);
  int64_t cycles = 0;
  for (const TopologyLayer& layer : layers)
    cycles += scalesim_layer_figures(layer, kArray, kArray, dataflow).total_cycles;
  *rows = static_cast<int64_t>(layers.size());
  return cycles;
}

accelsim::scalesim::Dataflow dataflow_named(const std::string& name) {
  using accelsim::scalesim::Dataflow;
  return name == "ws"   ? Dataflow::WeightStationary
         : name == "os" ? Dataflow::OutputStationary
                        : Dataflow::InputStationary;
}

struct Row {
  std::string name, source;
  int64_t rows = 0;
  std::vector<int64_t> scalesim, own;  // per dataflow
};

}  // namespace

int main(int argc, char** argv) try {
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
    std::fprintf(stderr, "usage: scalesim_table [OUTPUT.md]   (default: docs/validation.md of the source tree)\n");
    return argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") ? 0 : 2;
  }
  const fs::path source = ACCELSIM_SOURCE_DIR;
  const fs::path output = argc > 1 ? fs::path(argv[1]) : source / "docs/validation.md";
  const fs::path scratch = fs::temp_directory_path() / ("accelsim-scalesim-table-" + std::to_string(getpid()));
  const std::vector<std::string> dataflows = {"ws", "os", "is"};
  const std::vector<std::string> networks = {"alexnet",  "vgg16",        "resnet18",
                                             "resnet50", "mobilenet_v2", "bert_base_gemms"};
  std::vector<Row> table;
  int mismatches = 0;

  for (const auto& network : networks) {
    const fs::path config = source / "configs/topologies" / (network + ".yaml");
    const fs::path exported = scratch / network / "export";
    const auto exported_run = accelsim::bench::run_child(
        {ACCELSIM_BINARY, "export-scalesim", "--config", config.string(), "--out", exported.string()});
    if (exported_run.exit_code != 0) throw std::runtime_error("export-scalesim failed for " + network);
    Row row{network, "configs/topologies/" + network + ".yaml", 0, {}, {}};
    for (const auto& dataflow : dataflows) {
      const int64_t scalesim = network_cycles(config, dataflow, "scalesim", scratch / network / (dataflow + "_s"));
      const int64_t own = network_cycles(config, dataflow, "fast", scratch / network / (dataflow + "_f"));
      const int64_t check = closed_form_cycles(exported / (network + ".csv"), dataflow_named(dataflow), &row.rows);
      if (check != scalesim) {
        ++mismatches;
        std::fprintf(stderr, "%s %s: exported topology gives %lld cycles, the scalesim run %lld\n", network.c_str(),
                     dataflow.c_str(), static_cast<long long>(check), static_cast<long long>(scalesim));
      }
      row.scalesim.push_back(scalesim);
      row.own.push_back(own);
      fmt::print("{} {}: scalesim {} fast {}\n", network, dataflow, scalesim, own);
    }
    table.push_back(row);
  }

  // SCALE-Sim's regression layer through `--topology` with its config, the way a SCALE-Sim user
  // runs it; its stats.json totals hold both figures (own_timing: the same layer under `fast`).
  {
    const fs::path csv = source / "configs/scalesim/regression_layer.csv";
    const fs::path cfg = source / "configs/scalesim/array_32x32_ws.cfg";
    Row row{"regression_layer (alexnet_part)", "configs/scalesim/regression_layer.csv", 0, {}, {}};
    for (const auto& dataflow : dataflows) {
      const fs::path out = scratch / "regression" / dataflow;
      const auto result =
          accelsim::bench::run_child(command({ACCELSIM_BINARY, "--topology", csv.string(), "--scalesim-config",
                                              cfg.string(), "--quiet", "--out", out.string()},
                                             {"hardware.pe_array.dataflow=" + dataflow}));
      if (result.exit_code != 0) throw std::runtime_error("accelsim --topology failed for the regression layer");
      const json stats = read_json(out / "stats.json");
      int64_t scalesim = 0, own = 0;
      for (const json& layer : stats["layers"]) {
        scalesim += layer["scalesim"]["total_cycles"].get<int64_t>();
        own += layer["own_timing"]["compute_cycles"].get<int64_t>();
      }
      const int64_t check = closed_form_cycles(csv, dataflow_named(dataflow), &row.rows);
      if (check != scalesim) ++mismatches;
      row.scalesim.push_back(scalesim);
      row.own.push_back(own);
      fmt::print("regression {}: scalesim {} fast {}\n", dataflow, scalesim, own);
    }
    table.push_back(row);
  }
  fs::remove_all(scratch);

  std::string md = std::string(kBegin) +
                   "\n## SCALE-Sim topologies on 32x32\n\n"
                   "Generated by `build/bench/scalesim_table` (bench/scalesim_table.cpp); do not edit by hand. Each "
                   "cell is the sum\nover the network's layers of the PE array's cycles (`compute_cycles`) on a "
                   "32x32 array: `scalesim` =\n`timing: scalesim` (SCALE-Sim v2's equations, CALC interface), "
                   "`fast` = accelsim's own array model on\nthe same hardware (64 kB weight SRAM and accumulator as "
                   "SCALE-Sim's example config maps them, a\n64 MiB activation SRAM so that 224x224 feature maps stay "
                   "on chip). The networks run whole with\n`accelsim --config`; each `scalesim` figure also equals "
                   "SCALE-Sim's closed form summed over the rows\nthat `accelsim export-scalesim` writes for the "
                   "network (checked by the tool; `rows` counts them,\ndepthwise layers split per channel as SCALE-Sim "
                   "splits DP rows). The regression layer runs\nthrough `accelsim --topology` with "
                   "configs/scalesim/array_32x32_ws.cfg. Pooling, additions and\nrequantization have no SCALE-Sim "
                   "row and are not in these sums.\n\n"
                   "| topology | rows | WS scalesim | WS fast | OS scalesim | OS fast | IS scalesim | IS fast |\n"
                   "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const Row& row : table) {
    md += fmt::format("| {} | {} |", row.name, row.rows);
    for (std::size_t d = 0; d < dataflows.size(); ++d) md += fmt::format(" {} | {} |", row.scalesim[d], row.own[d]);
    md += "\n";
  }
  md += std::string("\n") + kEnd;

  accelsim::bench::write_doc_section(output, kBegin, kEnd, md);
  fmt::print("wrote {} ({} closed-form mismatches)\n", output.string(), mismatches);
  return mismatches == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "scalesim_table: %s\n", e.what());
  return 1;
}
