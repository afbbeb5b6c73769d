// accelsim: the command-line entry point. Parses options, loads and checks the config, runs
// the simulation, writes the reports, and maps every failure to an exit code.
#include <systemc>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "modules/common/simulation_error.h"
#include "sim/cli/options.h"
#include "sim/cli/progress_bar.h"
#include "sim/config/configuration_error.h"
#include "sim/golden/reference_model.h"
#include "sim/mapper/mapper.h"
#include "sim/npy/npy_array.h"
#include "sim/report/atomic_file.h"
#include "sim/report/run_report.h"
#include "sim/run/simulation.h"
#include "sim/run/workload.h"
#include "sim/version.h"

namespace {

using namespace accelsim;

enum ExitCode { kBitExact = 0, kMismatch = 1, kBadInput = 2, kSimulationFailed = 3 };

int fail(ExitCode code, const std::string& message) {
  std::fputs(fmt::format("accelsim: error: {}\n", message).c_str(), stderr);
  return code;
}

void print_params(const run::Workload& workload) {
  for (const auto& doc : workload.params) {
    std::string line = fmt::format("{:<52} {:<16}", doc.path, doc.type);
    if (!doc.unit.empty()) line += fmt::format(" [{}]", doc.unit);
    if (!doc.default_value.empty()) line += fmt::format(" (default {})", doc.default_value);
    if (!doc.description.empty()) line += "  " + doc.description;
    std::puts(line.c_str());
  }
}

void write_outputs(const cli::Options& options, const run::Workload& workload, const run::RunResult& result) {
  report::write_file_atomically(options.out / "stats.json", report::stats_json(workload, result).dump(2) + "\n");
  report::write_file_atomically(options.out / "layers.csv", report::layers_csv(workload, result));
  const int64_t classes = workload.network.layers.back().output.elements();
  const std::vector<int32_t>& logits = result.logits;
  const auto temporary = options.out / ".logits.npy.tmp";
  npy::write_npy(temporary, npy::Dtype::Int32, {static_cast<int64_t>(logits.size()) / classes, classes}, logits.data());
  std::filesystem::rename(temporary, options.out / "logits.npy");
}

int run_cli(int argc, char** argv) {
  cli::Options options;
  try {
    options = cli::Options::parse(argc, argv);
  } catch (const cli::UsageError& e) {
    return fail(kBadInput, e.what());
  }
  if (options.help) {
    std::fputs(cli::Options::usage().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::puts(fmt::format("accelsim {} (SystemC {})", kVersion, sc_core::sc_version()).c_str());
    return 0;
  }

  std::unique_ptr<run::Workload> workload;
  try {
    workload = run::load_workload(options.config, options.overrides);
  } catch (const config::ConfigurationError& e) {
    return fail(kBadInput, e.what());
  }
  if (options.list_params) {
    print_params(*workload);
    return 0;
  }
  if (options.images > workload->dataset.count)
    return fail(kBadInput, fmt::format("--images {}: {} holds only {} images", options.images, workload->network.input.images.string(),
                                       workload->dataset.count));
  try {
    report::prepare_output_directory(options.out);
  } catch (const report::OutputError& e) {
    return fail(kBadInput, fmt::format("--out {}", e.what()));
  }

  run::RunOptions run_options;
  for (const auto& text : options.bit_flips) {
    run::BitFlip flip;
    char layer[128] = {};
    long long index = 0, image = 0;
    int bit = 0;
    const int fields = std::sscanf(text.c_str(), "%127[^:]:%lld:%d:%lld", layer, &index, &bit, &image);
    if (fields < 3) return fail(kBadInput, fmt::format("--flip-bit '{}': expected LAYER:INDEX:BIT[:IMAGE]", text));
    flip.layer = layer;
    flip.index = index;
    flip.bit = bit;
    flip.image = fields == 4 ? image : 0;
    run_options.bit_flips.push_back(flip);
  }

  run::RunResult result;
  const auto started = std::chrono::steady_clock::now();
  try {
    cli::ProgressBar progress("images", !options.quiet && options.images > 1);
    result = run::simulate(
        *workload, options.images, [&](int64_t done, int64_t total) { progress.update(done, total); }, run_options);
  } catch (const std::invalid_argument& e) {
    return fail(kBadInput, fmt::format("--flip-bit: {}", e.what()));
  } catch (const mapper::MappingError& e) {
    return fail(kBadInput, fmt::format("{}: cannot map the network onto the accelerator: {}", options.config.string(), e.what()));
  } catch (const golden::AccumulatorOverflow& e) {
    return fail(kBadInput, fmt::format("{}: {}", options.config.string(), e.what()));
  } catch (const modules::DatapathOverflow& e) {
    return fail(kBadInput, fmt::format("{}: {}", options.config.string(), e.what()));
  } catch (const std::exception& e) {
    return fail(kSimulationFailed, e.what());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  try {
    write_outputs(options, *workload, result);
    report::write_file_atomically(options.out / "host.json",
                                  fmt::format("{{\n  \"wall_seconds\": {:.6f},\n  \"images_per_host_second\": {:.3f}\n}}\n", seconds,
                                              static_cast<double>(options.images) / seconds));
  } catch (const std::exception& e) {
    return fail(kBadInput, e.what());
  }
  if (!options.quiet) std::fputs(report::console_summary(*workload, result).c_str(), stdout);
  if (!result.bit_exact()) {
    const auto& m = *result.first_mismatch;
    return fail(kMismatch, fmt::format("output differs from the golden model: image {}, layer {}, index {}: expected {}, actual {} ({} elements differ)",
                                       m.image, m.layer, m.index, m.expected, m.actual, result.mismatches));
  }
  return kBitExact;
}

}  // namespace

int sc_main(int argc, char** argv) { return run_cli(argc, argv); }

int main(int argc, char** argv) {
  // SystemC prints a banner on first use unless told not to.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
