// The golden model's time per image on any network config (an imported ONNX model's
// network.yaml, e.g. `accelsim import resnet18.onnx --out DIR --images images.npy`), beside
// PyTorch's qnnpack on the same torchvision model, one image, one thread, measured alternately
// round by round (the machine is shared: medians of CPU time, the measuring thread's; wall time
// beside it). The golden model runs the config's first image (each run is the whole network);
// PyTorch runs tools/torch_model_speed.py (the model export_torch.py --model builds: the same
// layers, seeded random weights).
//   golden_model_time CONFIG [ROUNDS] [TORCH_MODEL SIZE]
// Goal (issue 15): golden model >= 0.5x PyTorch qnnpack.
#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "bench/count_argument.h"
#include "golden/reference_model.h"
#include "sim/run/workload.h"

namespace {

using Clock = std::chrono::steady_clock;
using accelsim::golden::ReferenceModel;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// PyTorch qnnpack's CPU and wall microseconds per image from tools/torch_model_speed.py.
std::pair<double, double> pytorch_speed(const std::filesystem::path& root, const std::string& model,
                                        const std::string& size) {
  const std::string command = "/usr/bin/python3 '" + (root / "tools/torch_model_speed.py").string() + "' --model '" +
                              model + "' --size '" + size + "' --repeats 3";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    fmt::print(stderr, "bench: cannot run {}\n", command);
    std::exit(1);
  }
  std::string text;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) text += buffer;
  std::istringstream line(text);
  std::string engine;
  double cpu = 0, wall = 0;
  if (pclose(pipe) != 0 || !(line >> engine >> cpu >> wall) || engine != "qnnpack") {
    fmt::print(stderr, "bench: {} failed or printed no qnnpack line\n", command);
    std::exit(1);
  }
  return {cpu, wall};
}

}  // namespace

int main(int argc, char** argv) {
  constexpr const char* kUsage = "golden_model_time CONFIG [ROUNDS] [TORCH_MODEL SIZE]";
  if (argc < 2 || argc == 4 || std::string(argv[1]) == "--help") {
    std::fprintf(stderr, "usage: %s\n", kUsage);
    return 2;
  }
  accelsim::bench::check_argument_count(argc, 4, kUsage);
  const int rounds = accelsim::bench::count_argument(argc, argv, 2, 5, kUsage);
  const bool torch = argc == 5;
  const std::filesystem::path root = ACCELSIM_SOURCE_DIR;

  const auto setup_start = Clock::now();
  const double setup_cpu = thread_cpu_seconds();
  const auto workload = accelsim::run::load_workload(argv[1], {}, 1);
  const double load_cpu = thread_cpu_seconds();
  const ReferenceModel golden(workload->network);
  const double build_cpu = thread_cpu_seconds();
  const std::vector<int32_t> input = workload->input(0);
  const double setup_wall = std::chrono::duration<double>(Clock::now() - setup_start).count();

  std::vector<double> golden_cpu, golden_wall, torch_cpu, torch_wall;
  int64_t checksum = 0;
  for (int round = 0; round < rounds; ++round) {
    if (torch) {
      const auto [cpu, wall] = pytorch_speed(root, argv[3], argv[4]);
      torch_cpu.push_back(cpu);
      torch_wall.push_back(wall);
    }
    const auto start = Clock::now();
    const double start_cpu = thread_cpu_seconds();
    checksum += ReferenceModel::argmax(golden.run(input).back());
    golden_cpu.push_back((thread_cpu_seconds() - start_cpu) * 1e6);
    golden_wall.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }

  fmt::print("{}: one image, one thread; medians of {} interleaved rounds; argmax checksum {}\n", argv[1], rounds,
             checksum);
  fmt::print(
      "setup (not per image): config and weights loaded {:.1f} ms CPU, golden model built (weights packed, "
      "requantization tables) {:.1f} ms CPU; {:.1f} ms wall in all\n",
      (load_cpu - setup_cpu) * 1e3, (build_cpu - load_cpu) * 1e3, setup_wall * 1e3);
  fmt::print("  {:<36} {:>12} {:>9} {:>13}\n", "", "CPU ms/image", "x PyTorch", "wall ms/image");
  const double yardstick = torch ? median(torch_cpu) : 0;
  auto row = [&](const char* label, const std::vector<double>& cpu, const std::vector<double>& wall) {
    const double c = median(cpu) / 1e3;
    fmt::print("  {:<36} {:>12.1f} {:>9} {:>13.1f}\n", label, c,
               torch ? fmt::format("{:.2f}", yardstick / 1e3 / c) : std::string("n/a"), median(wall) / 1e3);
  };
  if (torch) row("PyTorch qnnpack (yardstick)", torch_cpu, torch_wall);
  row("golden model", golden_cpu, golden_wall);
  return 0;
}
