// Host speed of accelsim on LeNet, measured side by side in one run (the machine is shared and
// noisy, so the measurements alternate and the medians are reported):
//   golden   host microseconds per image of the golden reference alone (in this process)
//   batch    host microseconds per image of `accelsim --images 1000`: the SystemC simulation
//            with the per-layer bit-exact check (read from its host.json)
//   process  wall milliseconds of one whole `accelsim --config configs/lenet.yaml` process
// Targets: batch throughput at least a third of the golden model's; a process under 20 ms.
#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/child_process.h"
#include "bench/count_argument.h"
#include "golden/reference_model.h"
#include "sim/run/workload.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Runs a command; returns its wall time in seconds, or stops the benchmark if it failed.
double run_process(const std::vector<std::string>& command) {
  const accelsim::bench::ChildResult result = accelsim::bench::run_child(command);
  if (result.exit_code != 0) {
    fmt::print(stderr, "bench: {} failed (exit {})\n", command[0], result.exit_code);
    std::exit(1);
  }
  return result.seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path root = ACCELSIM_SOURCE_DIR;
  const std::string binary = ACCELSIM_BINARY;
  const std::string config = (root / "configs/lenet.yaml").string();
  constexpr const char* kUsage = "lenet_throughput_bench [ROUNDS]";
  accelsim::bench::check_argument_count(argc, 1, kUsage);
  const int rounds = accelsim::bench::count_argument(argc, argv, 1, 5, kUsage);
  constexpr int kImages = 1000;
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("accelsim-bench-" + std::to_string(getpid()));

  const auto workload = accelsim::run::load_workload(config, {});
  const accelsim::golden::ReferenceModel golden(workload->network);
  std::vector<std::vector<int32_t>> inputs;
  for (int i = 0; i < kImages; ++i)
    inputs.push_back(accelsim::model::input_activations(workload->network.input, workload->dataset, i));

  std::vector<double> golden_us, batch_us, process_ms;
  int64_t checksum = 0;
  for (int round = 0; round < rounds; ++round) {
    const auto start = Clock::now();
    for (const auto& input : inputs) checksum += accelsim::golden::ReferenceModel::argmax(golden.run(input).back());
    golden_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() / kImages);

    run_process({binary, "--config", config, "--images", std::to_string(kImages), "--quiet", "--out", out.string()});
    std::ifstream host(out / "host.json");
    batch_us.push_back(nlohmann::json::parse(host)["wall_seconds"].get<double>() * 1e6 / kImages);

    for (int i = 0; i < 5; ++i)
      process_ms.push_back(run_process({binary, "--config", config, "--quiet", "--out", out.string()}) * 1e3);
  }
  std::filesystem::remove_all(out);

  const double g = median(golden_us), b = median(batch_us), p = median(process_ms);
  fmt::print("LeNet host speed, medians of {} rounds (checksum {})\n", rounds, checksum);
  fmt::print("  golden reference alone     {:9.1f} us/image  ({:.0f} images/s)\n", g, 1e6 / g);
  fmt::print("  accelsim, 1000-image batch {:9.1f} us/image  ({:.0f} images/s), bit-exact check included\n", b,
             1e6 / b);
  fmt::print("  batch / golden throughput  {:9.3f}          (target >= 0.333)\n", g / b);
  fmt::print("  one whole accelsim process {:9.1f} ms        (target < 20 ms)\n", p);
  return 0;
}
