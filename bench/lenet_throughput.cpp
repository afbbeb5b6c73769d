// Host speed of accelsim on LeNet against PyTorch, measured side by side in one run. The
// machine is shared and noisy: the measurements alternate round by round and the medians are
// reported, each as microseconds per image and as a ratio to PyTorch's qnnpack (the yardstick;
// higher is faster). Ratios are of CPU time (the thread's, or the whole process's: all its
// threads), which other processes on a shared machine disturb far less than wall time; wall time
// is printed beside it. The network is PyTorch's own quantized LeNet (configs/lenet_torch.yaml);
// every figure is for the 2,000 held-out digits as one batch, one thread.
//   pytorch qnnpack / onednn  tools/torch_lenet_speed.py under /usr/bin/python3 (Debian's torch
//                             has no fbgemm; its onednn engine is not exact on CPUs without VNNI)
//   plain loops               the golden model with its plain int64 multiply-accumulate loops
//   golden model              the golden model as accelsim runs it (exact int16 GEMM, AVX2)
//   accelsim --images 2000    the whole SystemC simulation with the per-layer bit-exact check
//                             (the whole process: model loading included)
//   timing-only run           the same simulation with network.values: none (the same cycles
//                             and bytes; no values computed, nothing checked, no golden model)
//   one process               wall time of one `accelsim --config configs/lenet.yaml` process
// Goals (issue 15): golden model >= 0.5x PyTorch; the checked simulation >= 0.5x.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench/count_argument.h"
#include "bench/throughput_timing.h"
#include "golden/int8_gemm.h"
#include "golden/reference_model.h"
#include "sim/run/workload.h"

namespace {

using Clock = std::chrono::steady_clock;
using accelsim::bench::median;
using accelsim::bench::run_process;
using accelsim::bench::thread_cpu_seconds;
using accelsim::bench::Times;
using accelsim::golden::ReferenceModel;

// PyTorch's CPU and wall microseconds per image by engine, from tools/torch_lenet_speed.py.
std::map<std::string, std::pair<double, double>> pytorch_speed(const std::filesystem::path& root) {
  const std::string command = "/usr/bin/python3 '" + (root / "tools/torch_lenet_speed.py").string() + "' --repeats 3";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    fmt::print(stderr, "bench: cannot run {}\n", command);
    std::exit(1);
  }
  std::string text;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
  if (pclose(pipe) != 0) {
    fmt::print(stderr, "bench: {} failed\n", command);
    std::exit(1);
  }
  std::map<std::string, std::pair<double, double>> speed;
  std::istringstream lines(text);
  std::string engine;
  double cpu = 0, wall = 0;
  while (lines >> engine >> cpu >> wall) speed[engine] = {cpu, wall};
  return speed;
}

void time_golden(const ReferenceModel& golden, const std::vector<std::vector<int32_t>>& inputs, int64_t& checksum,
                 Times& times) {
  const auto start = Clock::now();
  const double start_cpu = thread_cpu_seconds();
  for (const auto& input : inputs) checksum += ReferenceModel::argmax(golden.run(input).back());
  const double n = static_cast<double>(inputs.size());
  times.cpu.push_back((thread_cpu_seconds() - start_cpu) * 1e6 / n);
  times.wall.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() / n);
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path root = ACCELSIM_SOURCE_DIR;
  const std::string binary = ACCELSIM_BINARY;
  const std::string config = (root / "configs/lenet_torch.yaml").string();
  const std::string seed_config = (root / "configs/lenet.yaml").string();
  constexpr const char* kUsage = "lenet_throughput_bench [ROUNDS]";
  accelsim::bench::check_argument_count(argc, 1, kUsage);
  const int rounds = accelsim::bench::count_argument(argc, argv, 1, 5, kUsage);
  constexpr int kImages = 2000;
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("accelsim-bench-" + std::to_string(getpid()));

  const auto workload = accelsim::run::load_workload(config, {});
  const ReferenceModel fast(workload->network), plain(workload->network, ReferenceModel::MacPath::Plain);
  std::vector<std::vector<int32_t>> inputs;
  for (int i = 0; i < kImages; ++i)
    inputs.push_back(accelsim::model::input_activations(workload->network.input, workload->dataset, i));

  std::map<std::string, Times> us;
  std::vector<double> process_ms, process_cpu_ms;
  int64_t checksum = 0;
  for (int round = 0; round < rounds; ++round) {
    for (const auto& [engine, value] : pytorch_speed(root)) {
      us["pytorch " + engine].cpu.push_back(value.first);
      us["pytorch " + engine].wall.push_back(value.second);
    }
    time_golden(plain, inputs, checksum, us["plain"]);
    time_golden(fast, inputs, checksum, us["golden"]);
    const auto batch = run_process(
        {binary, "--config", config, "--images", std::to_string(kImages), "--quiet", "--out", out.string()});
    us["accelsim"].cpu.push_back(batch.cpu_seconds * 1e6 / kImages);
    us["accelsim"].wall.push_back(batch.seconds * 1e6 / kImages);
    const auto timing_only = run_process({binary, "--config", config, "--images", std::to_string(kImages), "--quiet",
                                          "--out", out.string(), "--set", "network.values=none"});
    us["timing only"].cpu.push_back(timing_only.cpu_seconds * 1e6 / kImages);
    us["timing only"].wall.push_back(timing_only.seconds * 1e6 / kImages);
    for (int i = 0; i < 3; ++i) {
      const auto one = run_process({binary, "--config", seed_config, "--quiet", "--out", out.string()});
      process_ms.push_back(one.seconds * 1e3);
      process_cpu_ms.push_back(one.cpu_seconds * 1e3);
    }
  }
  std::filesystem::remove_all(out);
  if (!us.count("pytorch qnnpack")) {
    fmt::print(stderr, "bench: PyTorch has no qnnpack engine here\n");
    return 1;
  }

  // Two yardsticks: CPU per image (all threads: what the host pays) and wall time per image (images/s,
  // the goal on a 2-core machine, where the check runs on the second core).
  const double yardstick = median(us["pytorch qnnpack"].cpu), wall_yardstick = median(us["pytorch qnnpack"].wall);
  fmt::print("LeNet (configs/lenet_torch.yaml), 2,000-image batch, one thread; medians of {} interleaved rounds\n",
             rounds);
  fmt::print("golden GEMM path: {}; checksum {}\n",
             accelsim::golden::gemm::avx2_available() ? "AVX2 (int16 madd)" : "scalar", checksum);
  fmt::print("  {:<44} {:>12} {:>9} {:>13} {:>9}\n", "", "CPU us/image", "x PyTorch", "wall us/image", "x (wall)");
  auto row = [&](const std::string& label, const std::string& key) {
    if (!us.count(key)) return fmt::print("  {:<44} {:>12} {:>9} {:>13}\n", label, "n/a", "", "");
    const double cpu = median(us[key].cpu), wall = median(us[key].wall);
    fmt::print("  {:<44} {:>12.1f} {:>9.2f} {:>13.1f} {:>9.2f}\n", label, cpu, yardstick / cpu, wall,
               wall_yardstick / wall);
  };
  row("PyTorch qnnpack (yardstick)", "pytorch qnnpack");
  row("PyTorch onednn (inexact without VNNI)", "pytorch onednn");
  row("plain -O3 loops (golden model, int64 MACs)", "plain");
  row("golden model (exact int16 GEMM)", "golden");
  row("accelsim --images 2000, bit-exact check", "accelsim");
  row("timing-only run (network.values: none)", "timing only");
  fmt::print("  (accelsim: the whole process, model loading included; CPU of all its threads)\n");
  fmt::print("one whole accelsim --config configs/lenet.yaml process: {:.1f} ms wall, {:.1f} ms CPU (medians of {})\n",
             median(process_ms), median(process_cpu_ms), process_ms.size());
  return 0;
}
