// accelsim: the command-line entry point. Parses options, loads and checks the config, runs
// the simulation, writes the reports, and maps every failure to an exit code.
#include <systemc>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>

#include "core/config/configuration_error.h"
#include "core/io/atomic_file.h"
#include "core/log/log.h"
#include "core/npy/npy_array.h"
#include "core/npy/tensor_source.h"
#include "mapper/mapper.h"
#include "sim/cli/export_command.h"
#include "sim/cli/onnx_importer.h"
#include "sim/cli/options.h"
#include "sim/cli/progress_bar.h"
#include "sim/cli/sweep_command.h"
#include "sim/cli/topology_command.h"
#include "sim/report/effective_config.h"
#include "sim/report/html_report.h"
#include "sim/report/run_report.h"
#include "sim/run/simulation.h"
#include "sim/run/workload.h"
#include "sim/trace/trace_outputs.h"
#include "sim/version.h"

namespace {

using namespace accelsim;

enum ExitCode { kBitExact = 0, kMismatch = 1, kBadInput = 2, kSimulationFailed = 3 };

int fail(ExitCode code, const std::string& message) {
  log::write(log::Level::Error, message);
  return code;
}

// "network.layers[2].requant.divisor" -> "network.layers[conv3].requant.divisor".
std::string path_by_name(const std::string& path, const run::Workload& workload) {
  const std::string prefix = "network.layers[";
  if (path.rfind(prefix, 0) != 0) return path;
  const std::size_t close = path.find(']', prefix.size());
  if (close == std::string::npos) return path;
  const std::size_t index = std::stoul(path.substr(prefix.size(), close - prefix.size()));
  if (index >= workload.network.layers.size()) return path;
  return prefix + workload.network.layers[index].name + path.substr(close);
}

// --list-params: every key the config read, with its value in effect and where it came from,
// in aligned columns or as JSON.
void print_params(const run::Workload& workload, const std::string& format, const std::string& shown_config) {
  std::vector<config::ParamDoc> params;
  for (const auto& doc : workload.params) {
    bool seen = false;
    for (auto& kept : params)
      if (kept.path == doc.path) kept = doc, seen = true;
    if (!seen) params.push_back(doc);
  }
  auto default_text = [](const config::ParamDoc& doc) {
    if (doc.required) return std::string("required");
    if (doc.default_value == "(none)") return std::string("optional");
    return doc.default_value;
  };
  auto allowed_text = [](const config::ParamDoc& doc) {
    std::string text;
    for (const auto& choice : doc.choices) text += (text.empty() ? "" : "|") + choice;
    return text;
  };
  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& doc : params) {
      nlohmann::json entry = {
          {"key", path_by_name(doc.path, workload)},
          {"type", doc.type},
          {"unit", doc.unit},
          {"required", doc.required},
          {"default",
           doc.required || doc.default_value == "(none)" ? nlohmann::json(nullptr) : nlohmann::json(doc.default_value)},
          {"value", doc.source.empty() ? nlohmann::json(nullptr) : nlohmann::json(doc.value)},
          {"source", doc.source},
          {"description", doc.description}};
      if (!doc.choices.empty()) entry["allowed"] = doc.choices;
      out.push_back(entry);
    }
    std::puts(out.dump(2).c_str());
    return;
  }
  struct Row {
    std::string key, type, fallback, value, source, text;
  };
  std::vector<Row> rows{{"key", "type", "default", "value", "from", "unit, allowed values, description"}};
  for (const auto& doc : params) {
    std::string text;
    if (!doc.unit.empty()) text += "[" + doc.unit + "] ";
    if (!doc.choices.empty()) text += "{" + allowed_text(doc) + "} ";
    text += doc.description;
    std::string value = doc.source.empty() ? "-" : doc.value;
    if (value.size() > 40) value = "..." + value.substr(value.size() - 37);
    rows.push_back({path_by_name(doc.path, workload), doc.type, default_text(doc), value,
                    doc.source.empty() ? "-" : doc.source, text});
  }
  std::size_t widths[5] = {};
  for (const auto& row : rows) {
    const std::string* cells[5] = {&row.key, &row.type, &row.fallback, &row.value, &row.source};
    for (int c = 0; c < 5; ++c) widths[c] = std::max(widths[c], cells[c]->size());
  }
  std::puts(fmt::format("# keys of {}; values as this run would use them", shown_config).c_str());
  for (const auto& row : rows)
    std::puts(fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {}", row.key, widths[0], row.type, widths[1],
                          row.fallback, widths[2], row.value, widths[3], row.source, widths[4], row.text)
                  .c_str());
}

// The config --list-params describes when no --config is given: the shipped LeNet on the
// shipped hardware (configs/hardware/edge_small.yaml), from the working directory or the source
// tree this binary was built from.
std::filesystem::path shipped_config() {
  const std::filesystem::path relative = "configs/lenet.yaml";
  std::error_code ec;
  if (std::filesystem::exists(relative, ec)) return relative;
  return std::filesystem::path(ACCELSIM_SOURCE_DIR) / relative;
}

// Writes every output file; returns the traces and the report written, for the closing note.
// Everything is rendered before the first file is written, so that a rendering problem
// leaves the folder as it was; each file then goes in whole (temporary file, rename).
std::vector<trace::WrittenFile> write_outputs(const cli::Options& options, const run::Workload& workload,
                                              run::RunResult& result) {
  // Which entry of each key is in effect, worked out once for stats.json, report.html and effective.yaml.
  const std::vector<const config::ParamDoc*> effective = report::effective_params(workload.params);
  const std::vector<report::EffectiveEntry> effective_config = report::effective_entries(effective);
  const nlohmann::json stats = report::stats_json(workload, result, effective);
  const std::string stats_text = report::stats_text(stats, effective_config);
  const std::string layers_text = report::layers_csv(workload, result);
  const trace::Timeline* timeline = result.trace ? result.trace->timeline.get() : nullptr;
  report::ReportInputs report_inputs = report::run_report_inputs(workload, stats, timeline);
  report_inputs.effective_config = &effective_config;
  const std::string html = report::render_report(report_inputs);

  const std::string effective_yaml = report::effective_yaml(effective, workload.config_file.string());
  report::write_file_atomically(options.out / "stats.json", stats_text);
  report::write_file_atomically(options.out / "effective.yaml", effective_yaml);
  report::write_file_atomically(options.out / "layers.csv", layers_text);
  const int64_t classes = workload.network.layers.back().output.elements();
  const std::vector<int32_t>& logits = result.logits;
  std::error_code ignored_error;
  if (result.checked)  // a timing-only run computed no logits
    report::write_file_atomically(
        options.out / "logits.npy",
        npy::encode_npy(npy::Dtype::Int32, {static_cast<int64_t>(logits.size()) / classes, classes}, logits.data()));
  else  // nor leaves a previous run's behind as if it were its own
    std::filesystem::remove(options.out / "logits.npy", ignored_error);
  std::vector<trace::WrittenFile> written =
      trace::write_trace_outputs(result.trace.get(), options.out, options.trace.warn_bytes);
  report::write_file_atomically(options.out / "report.html", html);
  written.push_back({options.out / "report.html", html.size()});
  return written;
}

// How the mapper cut each layer (info: streamed weights; debug: every layer).
void log_mapping(const run::Workload& workload, const run::RunResult& result) {
  for (std::size_t l = 0; l < workload.network.layers.size(); ++l) {
    const auto& layer = workload.network.layers[l];
    const auto& mapping = result.program.layers[l];
    if (mapping.streamed)
      log::info(
          "{}: feature maps stream through DRAM in {} band(s) of {} output row(s), {} channel(s) per buffer, {}: "
          "{} bytes loaded and stored per image, {} of them halo rows fetched again",
          layer.name, mapping.bands, mapping.band_size, mapping.channel_group,
          mapping.double_buffered_bands ? "double-buffered" : "single-buffered",
          mapping.activation_dram_bytes_per_image, mapping.halo_refetch_bytes_per_image);
    if (!layer.has_weights()) {
      log::debug("{}: {} instructions per image", layer.name, mapping.instructions_per_image);
      continue;
    }
    const std::string tiles =
        fmt::format("tiles m={} k={} n={} ({} x {} x {}), {} instructions per image", mapping.tile_m, mapping.tile_k,
                    mapping.tile_n, mapping.m_tiles, mapping.k_tiles, mapping.n_tiles, mapping.instructions_per_image);
    if (mapping.resident)
      log::debug("{}: weights resident, {}", layer.name, tiles);
    else
      log::info("{}: weights do not stay in the weight SRAM: {} bytes fetched from DRAM for every image; {}",
                layer.name, mapping.weight_dram_bytes_per_image, tiles);
  }
}

std::string files_note(const std::vector<trace::WrittenFile>& written) {
  std::string report, traces;
  for (const auto& file : written) {
    const std::string entry =
        fmt::format("{} ({:.1f} kB)", file.path.string(), static_cast<double>(file.bytes) / 1000.0);
    std::string& line = file.path.filename() == "report.html" ? report : traces;
    line += (line.empty() ? "" : ", ") + entry;
  }
  return fmt::format("report      {}\n", report) + (traces.empty() ? "" : fmt::format("traces      {}\n", traces));
}

// The ONNX importer module, or null when it cannot be loaded (reported).
const cli::OnnxImporter* loaded_onnx_importer() {
  try {
    return &cli::onnx_importer();
  } catch (const std::runtime_error& e) {
    fail(kBadInput, e.what());
    return nullptr;
  }
}

int run_cli(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "sweep") return cli::run_sweep_command(argc - 1, argv + 1);
  if (argc > 1 && std::string(argv[1]) == "import") {
    const cli::OnnxImporter* importer = loaded_onnx_importer();
    return importer ? importer->run_import_command(argc - 1, argv + 1) : kBadInput;
  }
  if (argc > 1 && std::string(argv[1]) == "export-scalesim")
    return cli::run_export_scalesim_command(argc - 1, argv + 1);
  cli::Options options;
  try {
    options = cli::Options::parse(argc, argv);
  } catch (const cli::UsageError& e) {
    return fail(kBadInput, e.what());
  }
  log::set_level(options.quiet ? log::Level::Error : options.verbosity);
  if (options.help) {
    std::fputs(cli::Options::usage().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::puts(fmt::format("accelsim {} (SystemC {})", kVersion, sc_core::sc_release()).c_str());
    return 0;
  }
  if (!options.topology.empty())  // every row its own run, in a child process running this function
    return cli::run_topology_command(options, [](const std::vector<std::string>& arguments) {
      std::vector<char*> child_argv;
      for (const auto& argument : arguments) child_argv.push_back(const_cast<char*>(argument.c_str()));
      child_argv.push_back(nullptr);
      return run_cli(static_cast<int>(arguments.size()), child_argv.data());
    });

  // --model: the ONNX model becomes a config in OUT/model/ (what `accelsim import` writes), run as any config.
  std::optional<onnx_import::ImportedModel> imported;
  // The tensors the import writes, read by the loading from memory (the layers' from `imported`, which
  // outlives this) rather than back from OUT/model/; every other file from disk.
  npy::TensorsInMemory tensors;
  const cli::OnnxImporter* importer = nullptr;
  if (!options.model.empty()) {
    importer = loaded_onnx_importer();
    if (!importer) return kBadInput;
    try {
      imported.emplace();
      std::vector<onnx_import::WrittenTensor> written;
      options.config = importer->import_model_to(options.model, options.out / "model",
                                                 options.config.empty() ? importer->default_hardware() : options.config,
                                                 options.images_file, options.arithmetic, *imported, &written);
      for (auto& tensor : written) tensors.add(tensor.file, std::move(tensor.array), tensor.data);
      if (!options.quiet) std::puts(importer->arithmetic_note(options.model, *imported).c_str());
    } catch (const onnx_import::ImportError& e) {
      return fail(kBadInput, e.what());
    } catch (const npy::NpyError& e) {
      return fail(kBadInput, e.what());
    } catch (const std::filesystem::filesystem_error& e) {
      return fail(kBadInput, fmt::format("--out {}: {}", options.out.string(), e.what()));
    }
  }

  std::unique_ptr<run::Workload> workload;
  try {
    if (options.config.empty()) options.config = shipped_config();  // --list-params alone
    // Only the images this run simulates are read: all those of an --images FILE.npy, else --images (default 1).
    const int64_t images_to_read =
        options.images_file.empty() ? std::max<int64_t>(options.images, 0) : std::numeric_limits<int64_t>::max();
    workload = run::load_workload(options.config, options.overrides, images_to_read, tensors);
  } catch (const config::ConfigurationError& e) {
    return fail(kBadInput, e.what());
  }
  {
    const auto& network = workload->network;
    const auto& hw = workload->hardware;
    log::info("{}: network {} ({} layers, {} MACs, {} weight bytes), hardware {} ({}x{} {}, {} timing, {} MHz)",
              options.config.string(), network.name, network.layers.size(), network.total_macs(),
              network.total_weights(), hw.name, hw.pe_array.rows, hw.pe_array.cols,
              hardware::name_of(hw.pe_array.dataflow), hw.pe_array.timing, hw.clock_mhz);
  }
  if (options.list_params) {
    print_params(*workload, options.format, options.config.string());
    return 0;
  }
  if (!options.images_file.empty()) {
    // Every image of the input tensor. Without values from files (network.values random or none)
    // nothing of it was read and the dataset is unbounded: the tensor's first dimension says how many.
    int64_t file_images = workload->dataset.count;
    if (workload->network.values != model::ValueSource::File) {
      try {
        npy::read_npy_rows(options.images_file, 0, file_images);
      } catch (const npy::NpyError& e) {
        return fail(kBadInput, e.what());
      }
    }
    options.images = file_images;
  }
  if (!options.images_given && workload->recorded_images) options.images = *workload->recorded_images;
  if (options.images > workload->dataset.count)
    return fail(kBadInput, fmt::format("--images {}: {} holds only {} images", options.images,
                                       workload->network.input.images.string(), workload->dataset.count));
  // The folder is made now, so that a bad --out fails before a long run; if the run then
  // fails, it is removed again when it was ours and is still empty: no output on failure.
  std::error_code ignored;
  const bool out_existed = std::filesystem::exists(options.out, ignored);
  try {
    report::prepare_output_directory(options.out);
  } catch (const report::OutputError& e) {
    return fail(kBadInput, fmt::format("--out {}", e.what()));
  }
  auto fail_run = [&](ExitCode code, const std::string& message) {
    if (!out_existed && std::filesystem::is_empty(options.out, ignored)) std::filesystem::remove(options.out, ignored);
    return fail(code, message);
  };

  run::RunOptions run_options;
  run_options.watchdog_cycles = static_cast<uint64_t>(options.watchdog_cycles);
  run_options.trace = options.trace;
  run_options.trace.vcd_file = options.out / "trace.vcd";
  run_options.trace.dram_requests_file = options.out / "dram_trace.txt";
  run_options.bit_flips = options.bit_flips;

  run::RunResult result;
  const auto started = std::chrono::steady_clock::now();
  try {
    cli::ProgressBar progress("images", !options.quiet && options.images > 1);
    result = run::simulate(
        *workload, options.images, [&](int64_t done, int64_t total) { progress.update(done, total); }, run_options);
  } catch (const std::invalid_argument& e) {
    return fail_run(kBadInput, fmt::format("--flip-bit: {}", e.what()));
  } catch (const mapper::MappingError& e) {
    return fail_run(kBadInput, fmt::format("{}: cannot map the network onto the accelerator: {}",
                                           options.config.string(), e.what()));
  }
  if (result.failure) {
    const run::RunFailure& failure = *result.failure;
    if (failure.bad_input) return fail_run(kBadInput, fmt::format("{}: {}", options.config.string(), failure.message));
    return fail_run(kSimulationFailed, failure.message);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log_mapping(*workload, result);
  log::info("simulated {} image(s): {} cycles in {:.3f} host seconds", options.images, result.stats->total_cycles,
            seconds);

  std::vector<trace::WrittenFile> written;
  try {
    written = write_outputs(options, *workload, result);
    report::write_file_atomically(options.out / "host.json",
                                  report::host_json(seconds, options.images, result.host_events).dump(2) + "\n");
    if (imported && result.checked) {  // the model's output in ONNX's terms (dtype, shape, dequantized)
      const npy::NpyArray output = importer->output_from_logits(*imported, result.logits);
      report::write_file_atomically(options.out / "output.npy",
                                    npy::encode_npy(output.dtype, output.shape, output.bytes.data()));
    }
  } catch (const report::OutputError& e) {
    return fail(kBadInput, e.what());  // the output folder stopped taking files (full, permissions)
  } catch (const std::exception& e) {
    return fail(kSimulationFailed, std::string("writing the outputs: ") + e.what());
  }
  if (!options.quiet) {
    std::string overrides;
    for (const auto& key : report::overridden_keys(workload->params))
      overrides += (overrides.empty() ? "" : ", ") + key;
    std::fputs((report::console_summary(*workload, result) +
                (overrides.empty() ? "" : fmt::format("overrides   {} (--set)\n", overrides)) + files_note(written))
                   .c_str(),
               stdout);
  }
  if (!result.bit_exact()) {
    const auto& m = *result.first_mismatch;
    return fail(kMismatch, fmt::format("output differs from the golden model: image {}, layer {}, index {}: expected "
                                       "{}, actual {} ({} elements differ)",
                                       m.image, m.layer, m.index, m.expected, m.actual, result.mismatches));
  }
  return kBitExact;
}

}  // namespace

int sc_main(int argc, char** argv) { return run_cli(argc, argv); }

int main(int argc, char** argv) {
  // SystemC prints a banner on first use unless told not to, and a note when sc_stop() ends a
  // run (the watchdog's): accelsim reports those itself.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  return sc_core::sc_elab_and_sim(argc, argv);
}
