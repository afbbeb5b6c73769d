#include "sim/cli/topology_command.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>

#include "core/config/config_tree.h"
#include "core/config/configuration_error.h"
#include "core/io/atomic_file.h"
#include "core/log/log.h"
#include "core/scalesim/layer_config.h"
#include "core/scalesim/scalesim_equations.h"
#include "core/scalesim/scalesim_reports.h"
#include "core/scalesim/user_bandwidth.h"
#include "sim/cli/available_cores.h"
#include "sim/report/timing_difference.h"
#include "sim/report/topology_report.h"
#include "sim/version.h"

namespace accelsim::cli {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kBadInput = 2, kSimulationFailed = 3;

// "03_Conv2" from the layer's position and name, with anything unsafe in a path made "_".
std::string folder_name(std::size_t index, const std::string& name) {
  std::string safe;
  for (const char c : name) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return fmt::format("{:02}_{}", index, safe);
}

scalesim::Dataflow dataflow_named(const std::string& name) {
  if (name == "os") return scalesim::Dataflow::OutputStationary;
  if (name == "is") return scalesim::Dataflow::InputStationary;
  return scalesim::Dataflow::WeightStationary;
}

constexpr int kNotRun = -1;

// Runs each argument list in a child process of its own (its console summary discarded, its
// messages kept), up to `jobs` at once: the rows of a topology are independent runs. Returns
// each run's exit code, in order: kSimulationFailed when it died, kNotRun when it was not
// started because an earlier one had failed (runs start in order, so every run before the
// first failure has run).
std::vector<int> run_in_children(const RunCommand& run_layer, const std::vector<std::vector<std::string>>& runs,
                                 int jobs) {
  std::vector<int> codes(runs.size(), kNotRun);
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  bool failed = false;
  std::fflush(nullptr);
  while (true) {
    while (!failed && next < runs.size() && running.size() < static_cast<std::size_t>(jobs)) {
      const pid_t pid = fork();
      if (pid < 0) {
        codes[next++] = kSimulationFailed;
        failed = true;
      } else if (pid == 0) {
        const int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) dup2(null_fd, STDOUT_FILENO);
        const int code = run_layer(runs[next]);
        std::fflush(nullptr);
        _exit(code);
      } else {
        running.emplace(pid, next++);
      }
    }
    if (running.empty()) return codes;
    int status = 0;
    const pid_t done = waitpid(-1, &status, 0);
    if (done < 0) {
      if (errno == EINTR) continue;
      for (const auto& [pid, index] : running) codes[index] = kSimulationFailed;  // lost track of them
      return codes;
    }
    const auto finished = running.find(done);
    if (finished == running.end()) continue;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : kSimulationFailed;
    codes[finished->second] = code;
    failed = failed || code != 0;
    running.erase(finished);
  }
}

json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return json::parse(in);
}

int64_t integer(const json& group, const char* key) { return group.at(key).get<int64_t>(); }

hardware::PeArrayConfig pe_array_of(const json& pe) {
  hardware::PeArrayConfig config;
  config.rows = integer(pe, "rows");
  config.cols = integer(pe, "cols");
  const std::string dataflow = pe.at("dataflow").get<std::string>();
  config.dataflow = dataflow == "os"   ? hardware::Dataflow::OutputStationary
                    : dataflow == "is" ? hardware::Dataflow::InputStationary
                                       : hardware::Dataflow::WeightStationary;
  return config;
}

// accelsim's own array model for the layer (its run, or the extra `fast` run made beside a
// `scalesim` one), and why it differs from SCALE-Sim's equation.
json own_timing(const std::string& timing, const json& conv, const json& run, const std::string& folder) {
  return {{"timing", timing},
          {"folder", folder},
          {"compute_cycles", integer(conv, "compute_cycles")},
          {"pe_stall_cycles", integer(conv, "pe_stall_cycles")},
          {"requant_busy_cycles", integer(conv, "requant_busy_cycles")},
          {"cycles", integer(run, "cycles")}};
}

std::string difference(const json& pe, const json& conv, const scalesim::ScaleSimLayerFigures& f, int64_t own) {
  if (own == f.total_cycles) return "equal";
  const json& mapping = conv.at("mapping");
  const report::TileCounts tiles{integer(mapping, "m_tiles"), integer(mapping, "k_tiles"), integer(mapping, "n_tiles")};
  return report::timing_difference(pe_array_of(pe), f.ofmap_pixels, f.window, f.filters, tiles, own, f.total_cycles);
}

// The console's table: per layer SCALE-Sim's equation, this run's PE array, accelsim's own
// array model and the whole run.
std::string layer_table(const std::vector<json>& layers) {
  const std::string own = "accelsim " + layers.front().at("own_timing").at("timing").get<std::string>();
  std::string out =
      fmt::format("{:<20} {:>14} {:>14} {:>16} {:>12}\n", "layer", "SCALE-Sim eq.", "this run's PE", own, "whole run");
  for (const auto& l : layers)
    out += fmt::format("{:<20} {:>14} {:>14} {:>16} {:>12}\n", l.at("name").get<std::string>(),
                       integer(l.at("scalesim"), "total_cycles"), integer(l.at("accelsim"), "compute_cycles"),
                       integer(l.at("own_timing"), "compute_cycles"), integer(l.at("run"), "cycles"));
  return out;
}

}  // namespace

int run_topology_command(const Options& options, const RunCommand& run_layer) {
  const fs::path base =
      options.config.empty() ? fs::path(ACCELSIM_SOURCE_DIR) / "configs/hardware/edge_small.yaml" : options.config;
  scalesim::Topology topology;
  std::optional<scalesim::ScaleSimConfig> scalesim_config;
  config::YamlNode hardware;
  std::vector<std::string> warnings;
  int64_t scalesim_activation_bytes = 0;
  try {
    topology = scalesim::read_topology(options.topology);
    if (!options.scalesim_config.empty()) scalesim_config = scalesim::read_scalesim_config(options.scalesim_config);
    const config::ConfigTree tree = config::ConfigTree::load(base);
    if (!tree.root()["hardware"].is_map())
      throw config::ConfigurationError({base.string()}, "hardware",
                                       "expected a hardware: map (with --topology the network comes from the CSV)");
    hardware = tree.root()["hardware"].clone();
  } catch (const config::ConfigurationError& e) {
    log::write(log::Level::Error, e.what());
    return kBadInput;
  }
  warnings = topology.warnings;
  if (scalesim_config)
    scalesim_activation_bytes = scalesim::apply_scalesim_config(*scalesim_config, hardware, warnings);
  for (const auto& warning : warnings) log::warn("{}", warning);
  const std::vector<scalesim::TopologyLayer> layers = scalesim::expand_depthwise(topology.layers);
  if (layers.empty()) {
    log::write(log::Level::Error, topology.file + ": no layers (the first line is the header)");
    return kBadInput;
  }
  try {
    report::prepare_output_directory(options.out / "layers");
  } catch (const report::OutputError& e) {
    log::write(log::Level::Error, fmt::format("--out {}", e.what()));
    return kBadInput;
  }

  // Each row's config and command line first, then the rows' runs side by side.
  struct LayerRun {
    std::string where, folder;
    fs::path out;
    json stats;
    std::optional<std::size_t> fast_run;  // under timing: scalesim, its extra run with timing: fast
  };
  std::vector<LayerRun> layer_runs;
  std::vector<std::vector<std::string>> commands;  // each row's run, in order
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const scalesim::TopologyLayer& layer = layers[i];
    const std::string where = fmt::format("{}:{}: layer {}", topology.file, layer.line, layer.name);
    config::YamlNode layer_hardware = hardware.clone();
    if (scalesim_config) {
      // accelsim keeps the layer's whole input and output in the activation SRAM, SCALE-Sim
      // streams its input through the ifmap SRAM: where that is too small, the activation SRAM
      // is made as large as this layer needs, and the user told.
      const config::YamlNode buffered = layer_hardware["activation_sram"]["double_buffered"];
      const bool double_buffered = !buffered.is_scalar() || buffered.text() != "false";
      const int64_t needed = scalesim::activation_sram_needed(layer, double_buffered);
      int64_t bytes = scalesim_activation_bytes;
      if (needed > bytes) {
        log::warn(
            "{}: IfmapSramSzkB = {} bytes cannot hold the whole input and output accelsim keeps on chip; "
            "activation_sram.capacity_bytes = {} for this layer",
            where, scalesim_activation_bytes, needed);
        bytes = needed;
      }
      layer_hardware.child_map("activation_sram")
          .set("capacity_bytes", config::YamlNode::scalar(std::to_string(bytes)));
    }
    const std::string folder = folder_name(i, layer.name);
    const fs::path layer_out = options.out / "layers" / folder;
    const fs::path layer_config = layer_out / "config.yaml";
    try {
      report::prepare_output_directory(layer_out);
      report::write_file_atomically(layer_config, scalesim::layer_config_yaml(layer, layer_hardware, where));
    } catch (const report::OutputError& e) {
      log::write(log::Level::Error, e.what());
      return kBadInput;
    }
    std::vector<std::string> arguments = {
        "accelsim",        "--config",          layer_config.string(),
        "--out",           layer_out.string(),  "--log-level",
        options.log_level, "--watchdog-cycles", std::to_string(options.watchdog_cycles)};
    if (options.quiet) arguments.push_back("--quiet");
    for (const auto& assignment : options.overrides) arguments.insert(arguments.end(), {"--set", assignment});
    layer_runs.push_back({where, folder, layer_out, {}, std::nullopt});
    commands.push_back(std::move(arguments));
  }

  const int jobs = available_cores();
  const std::vector<int> codes = run_in_children(run_layer, commands, jobs);
  std::vector<std::vector<std::string>> fast_commands;
  for (std::size_t i = 0; i < layer_runs.size(); ++i) {
    LayerRun& run = layer_runs[i];
    if (codes[i] != 0) {
      log::write(log::Level::Error, fmt::format("{}: its run failed with exit code {} (its config: {})", run.where,
                                                codes[i], (run.out / "config.yaml").string()));
      return codes[i] == kBadInput ? kBadInput : kSimulationFailed;
    }
    try {
      run.stats = read_json(run.out / "stats.json");
    } catch (const std::exception& e) {
      log::write(log::Level::Error, fmt::format("{}: reading its stats.json: {}", run.where, e.what()));
      return kSimulationFailed;
    }
    if (run.stats.at("hardware").at("pe_array").at("timing").get<std::string>() == "scalesim") {
      // accelsim's own array model too, for report.html's side by side
      std::vector<std::string> fast = commands[i];
      fast[4] = (run.out / "fast").string();
      fast.insert(fast.end(), {"--set", "hardware.pe_array.timing=fast"});
      run.fast_run = fast_commands.size();
      fast_commands.push_back(std::move(fast));
    }
  }
  const std::vector<int> fast_codes = run_in_children(run_layer, fast_commands, jobs);

  std::vector<json> layer_entries;
  std::vector<scalesim::ReportRow> rows;
  int64_t scalesim_cycles = 0, compute_cycles = 0, run_cycles = 0, own_cycles = 0, macs = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const scalesim::TopologyLayer& layer = layers[i];
    const std::string& where = layer_runs[i].where;
    const std::string& folder = layer_runs[i].folder;
    const fs::path& layer_out = layer_runs[i].out;
    const json& stats = layer_runs[i].stats;
    const json& pe = stats.at("hardware").at("pe_array");
    const int64_t R = pe.at("rows").get<int64_t>(), C = pe.at("cols").get<int64_t>();
    const bool scalesim_timing = layer_runs[i].fast_run.has_value();
    const scalesim::ScaleSimLayerFigures f =
        scalesim::scalesim_layer_figures(layer, R, C, dataflow_named(pe.at("dataflow").get<std::string>()));
    // InterfaceBandwidth USER: SCALE-Sim's stalls while its SRAMs refill at Bandwidth words per
    // cycle, from a walk of its buffers (the equation above is the stall-free CALC figure).
    std::optional<scalesim::UserBandwidthFigures> user;
    if (scalesim_timing && scalesim_config &&
        scalesim_config->interface_bandwidth == scalesim::InterfaceBandwidth::User) {
      scalesim::ScaleSimConfig effective = *scalesim_config;
      effective.array_height = R, effective.array_width = C;
      effective.dataflow = dataflow_named(pe.at("dataflow").get<std::string>());
      if (!scalesim::user_bandwidth_supported(effective.dataflow)) {
        log::write(log::Level::Error,
                   fmt::format("{}: InterfaceBandwidth: USER: SCALE-Sim's stalls are reproduced for the ws dataflow "
                               "only, this run is {} (use CALC, or --set hardware.pe_array.timing=fast for accelsim's "
                               "own DRAM model at Bandwidth bytes per cycle)",
                               scalesim_config->file, scalesim::name_of(effective.dataflow)));
        return kBadInput;
      }
      user = scalesim::user_bandwidth_figures(layer, effective);
    }
    const int64_t scalesim_total = user ? user->total_cycles : f.total_cycles;
    const json& conv = stats.at("layers").at(0);
    const json& run = stats.at("total");
    json own;
    if (scalesim_timing) {
      const fs::path fast_out = layer_out / "fast";
      const int fast_code = fast_codes[*layer_runs[i].fast_run];
      json fast_stats;
      try {
        if (fast_code != 0) throw std::runtime_error(fmt::format("exit code {}", fast_code));
        fast_stats = read_json(fast_out / "stats.json");
      } catch (const std::exception& e) {
        log::write(log::Level::Error, fmt::format("{}: its run with timing: fast failed: {}", where, e.what()));
        return kSimulationFailed;
      }
      own = own_timing("fast", fast_stats.at("layers").at(0), fast_stats.at("total"), "layers/" + folder + "/fast");
      own["difference_mapping"] = fast_stats.at("layers").at(0).at("mapping");
    } else {
      own = own_timing(pe.at("timing").get<std::string>(), conv, run, "layers/" + folder);
      own["difference_mapping"] = conv.at("mapping");
    }

    scalesim::ReportRow row;
    // SCALE-Sim's Total Cycles are its array's demand lines, stalls included: accelsim's PE
    // array cycles for the layer. Under timing: scalesim these are SCALE-Sim's equation, which
    // never stalls in CALC mode; accelsim's waits for operands are in stats.json.
    // Under USER, SCALE-Sim's stalls and its Total Cycles (the last line's ofmap cycle).
    row.stall_cycles = user ? user->stall_cycles : scalesim_timing ? 0 : integer(conv, "pe_stall_cycles");
    row.total_cycles = user ? user->total_cycles : integer(conv, "compute_cycles") + row.stall_cycles;
    row.overall_util = scalesim::scalesim_overall_util(f.macs, row.total_cycles, R, C);
    row.mapping_efficiency = f.mapping_efficiency;
    row.compute_util = f.compute_util;
    row.sram_ifmap = {f.sram_ifmap_start, f.sram_ifmap_stop, f.sram_ifmap_reads};
    row.sram_filter = {f.sram_filter_start, f.sram_filter_stop, f.sram_filter_reads};
    row.sram_ofmap = {f.sram_ofmap_start, f.sram_ofmap_stop, f.sram_ofmap_writes};
    // accelsim's own DRAM traffic over its whole one-layer run (bytes = int8 words).
    const int64_t last_cycle = integer(run, "cycles") - 1;
    row.dram_ifmap = {0, last_cycle, integer(run, "dram_input_read_bytes")};
    row.dram_filter = {0, last_cycle, integer(run, "dram_weight_read_bytes")};
    row.dram_ofmap = {0, last_cycle, integer(run, "dram_write_bytes")};
    rows.push_back(row);

    scalesim_cycles += scalesim_total;
    compute_cycles += integer(conv, "compute_cycles");
    run_cycles += integer(run, "cycles");
    own_cycles += integer(own, "cycles");
    json mapping_holder = {{"mapping", own.at("difference_mapping")}};
    own.erase("difference_mapping");
    const std::string why = difference(pe, mapping_holder, f, integer(own, "compute_cycles"));
    macs += integer(conv, "macs");
    layer_entries.push_back({{"id", i},
                             {"name", layer.name},
                             {"line", layer.line},
                             {"folder", "layers/" + folder},
                             {"topology_row",
                              {{"ifmap_height", layer.ifmap_height},
                               {"ifmap_width", layer.ifmap_width},
                               {"filter_height", layer.filter_height},
                               {"filter_width", layer.filter_width},
                               {"channels", layer.channels},
                               {"num_filter", layer.num_filters},
                               {"strides", {layer.stride_height, layer.stride_width}}}},
                             {"ofmap", {layer.ofmap_height(), layer.ofmap_width()}},
                             {"padding",
                              {scalesim::scalesim_padding(layer.ifmap_height, layer.filter_height, layer.stride_height),
                               scalesim::scalesim_padding(layer.ifmap_width, layer.filter_width, layer.stride_width)}},
                             {"accelsim", conv},
                             {"run", run},
                             {"own_timing", own},
                             {"difference", why},
                             {"scalesim",
                              {{"total_cycles", scalesim_total},
                               {"stall_cycles", user ? user->stall_cycles : 0},
                               {"interface_bandwidth", user ? "USER" : "CALC"},
                               {"macs", f.macs},
                               {"row_folds", f.row_folds},
                               {"col_folds", f.col_folds},
                               {"overall_util", scalesim::scalesim_overall_util(f.macs, scalesim_total, R, C)},
                               {"mapping_efficiency", f.mapping_efficiency},
                               {"compute_util", f.compute_util},
                               {"sram_ifmap_reads", f.sram_ifmap_reads},
                               {"sram_filter_reads", f.sram_filter_reads},
                               {"sram_ofmap_writes", f.sram_ofmap_writes}}}});
  }

  json stats = {
      {"tool", {{"name", "accelsim"}, {"version", kVersion}}},
      {"topology", topology.file},
      {"topology_format", scalesim::name_of(topology.format)},
      {"scalesim_config", scalesim_config ? json(scalesim_config->file) : json(nullptr)},
      {"hardware_config", base.string()},
      {"hardware", read_json(options.out / "layers" / folder_name(0, layers[0].name) / "stats.json").at("hardware")},
      {"values", "none"},
      {"layers", layer_entries},
      {"total",
       {{"macs", macs},
        {"compute_cycles", compute_cycles},
        {"cycles", run_cycles},
        {"own_timing_cycles", own_cycles},
        {"scalesim_total_cycles", scalesim_cycles}}},
      {"units",
       {{"layers[].accelsim", "the layer's figures in its own one-layer run (units as in that run's stats.json)"},
        {"layers[].run", "the whole one-layer run: loading the input, the layer, storing its output"},
        {"layers[].scalesim",
         "SCALE-Sim v2's equations for the row (CALC mode), or under InterfaceBandwidth USER its buffers' stalls "
         "added (ws only; docs/scalesim.md)"},
        {"layers[].own_timing",
         "accelsim's own array model for the layer: this run's, or under timing: scalesim an extra run with "
         "timing: fast (in its folder)"},
        {"layers[].difference", "why own_timing.compute_cycles and scalesim.total_cycles differ"},
        {"total.own_timing_cycles", "cycles: sum of the own_timing runs' cycles"},
        {"total.compute_cycles", "cycles: sum of the layers' PE-array compute cycles"},
        {"total.cycles", "cycles: sum of the layers' whole runs (SCALE-Sim runs layers one after another too)"},
        {"total.scalesim_total_cycles", "cycles: sum of SCALE-Sim's Total Cycles"}}}};
  const std::string stats_text = stats.dump(2) + "\n";
  std::string html;
  try {
    html = report::render_topology_report(stats);
  } catch (const std::exception& e) {
    log::write(log::Level::Error, std::string("rendering report.html: ") + e.what());
    return kSimulationFailed;
  }
  const std::string compute = scalesim::compute_report(rows), bandwidth = scalesim::bandwidth_report(rows),
                    detailed = scalesim::detailed_access_report(rows);
  try {
    report::write_file_atomically(options.out / "stats.json", stats_text);
    report::write_file_atomically(options.out / "COMPUTE_REPORT.csv", compute);
    report::write_file_atomically(options.out / "BANDWIDTH_REPORT.csv", bandwidth);
    report::write_file_atomically(options.out / "DETAILED_ACCESS_REPORT.csv", detailed);
    report::write_file_atomically(options.out / "report.html", html);
  } catch (const report::OutputError& e) {
    log::write(log::Level::Error, e.what());
    return kBadInput;
  }
  if (!options.quiet)
    std::fputs(fmt::format("accelsim {}: {} ({} layers), each run on its own, timing only\n\n{}\ntotal: SCALE-Sim "
                           "equations {} cycles, accelsim PE array {} cycles, whole runs {} cycles\nreports     {}\n",
                           kVersion, topology.file, layers.size(), layer_table(layer_entries), scalesim_cycles,
                           compute_cycles, run_cycles,
                           (options.out / "COMPUTE_REPORT.csv").string() +
                               ", BANDWIDTH_REPORT.csv, "
                               "DETAILED_ACCESS_REPORT.csv, stats.json, report.html")
                   .c_str(),
               stdout);
  return 0;
}

}  // namespace accelsim::cli
