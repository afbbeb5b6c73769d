// Host speed of accelsim on real networks against PyTorch, measured side by side in one run:
// torchvision's quantizable ResNet-18 and MobileNetV2, batch 1, one 224x224 image, one thread.
// As in lenet_throughput, the measurements alternate round by round, the medians are printed as
// milliseconds per image and as a ratio to PyTorch's qnnpack (the yardstick; higher is faster),
// the ratios are of CPU time and wall time is printed beside it.
//   model                     tools/export_torch.py --model NAME --size 224 --images 1: seeded random
//                             weights, quantized by PyTorch (qnnpack), exported to ONNX with one
//                             seeded float input and PyTorch's output on it
//   pytorch qnnpack           tools/torch_model_speed.py: the same model built the same way (its
//                             output must equal the export's reference), timed on the same input;
//                             one process for the whole benchmark, asked once per round
//   golden model alone        the golden model in this process on the imported network
//                             (`accelsim import NET.onnx --images X.npy` writes it as a config)
//   accelsim --model          the whole SystemC simulation of NET.onnx with the per-layer
//                             bit-exact check (the whole process: the ONNX import included)
//   timing-only run           the same with --set network.values=none (the same cycles and bytes;
//                             no values computed, nothing checked, no golden model)
//   --baseline OTHER/accelsim another build (main's, say; its accelsim_onnx_importer.so beside it)
//                             timed in the same rounds: before/after ratios on a noisy machine
// In the first round, each accelsim's logits.npy must equal PyTorch's output (the export's reference)
// exactly. Goals (issue 15, ResNet-18): the checked simulation >= 0.25x PyTorch's images/s, the
// golden model >= 0.5x.
#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bench/child_process.h"
#include "bench/count_argument.h"
#include "bench/throughput_timing.h"
#include "core/npy/npy_array.h"
#include "golden/int8_gemm.h"
#include "golden/reference_model.h"
#include "sim/run/workload.h"

namespace {

using accelsim::bench::median;
using accelsim::bench::run_process;
using accelsim::bench::thread_cpu_seconds;
using accelsim::bench::Times;
using accelsim::golden::ReferenceModel;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";
constexpr const char* kUsage =
    "model_throughput_bench [ROUNDS] [--baseline OTHER/accelsim] [resnet18|mobilenet_v2 ...]";
constexpr int kSize = 224;
// Edge-small's SRAMs cannot hold the deeper layers' weights and activations at once (as in
// tests/import/torch_models_test.cpp and docs/import.md).
const std::vector<std::string> kHardware = {"--set", "hardware.weight_sram.capacity_bytes=1048576", "--set",
                                            "hardware.activation_sram.capacity_bytes=4194304"};

std::string load_average() {
  double loads[3] = {0, 0, 0};
  if (getloadavg(loads, 3) != 3) return "unknown";
  return fmt::format("{:.2f} {:.2f} {:.2f}", loads[0], loads[1], loads[2]);
}

// One network: its files, its golden model, PyTorch's process and the measurements.
struct Network {
  explicit Network(std::string network_name) : name(std::move(network_name)) {}
  std::string name;
  fs::path onnx, images, reference, imported;
  std::unique_ptr<accelsim::run::Workload> workload;
  std::unique_ptr<ReferenceModel> golden;
  std::vector<int32_t> input;
  std::unique_ptr<accelsim::bench::LineCoprocess> pytorch;
  std::map<std::string, Times> ms;
};

// accelsim's logits.npy (int32) must hold exactly PyTorch's stored output integers (uint8).
void check_logits(const Network& network, const fs::path& run_dir) {
  using accelsim::npy::Dtype;
  const auto ours = accelsim::npy::read_npy(run_dir / "logits.npy").values_as<int32_t>(Dtype::Int32, "logits.npy");
  const auto torch = accelsim::npy::read_npy(network.reference).values_as<uint8_t>(Dtype::UInt8, "reference");
  bool equal = ours.size() == torch.size();
  for (std::size_t i = 0; equal && i < ours.size(); ++i) equal = ours[i] == torch[i];
  if (!equal) {
    fmt::print(stderr, "bench: {}: accelsim's logits.npy differs from PyTorch's output {}\n", network.name,
               network.reference.string());
    std::exit(1);
  }
}

void prepare(Network& network, const fs::path& root, const fs::path& binary, const fs::path& dir) {
  network.onnx = dir / (network.name + ".onnx");
  network.images = dir / (network.name + "_input.npy");
  network.reference = dir / (network.name + "_pytorch_output.npy");
  network.imported = dir / (network.name + "_imported");
  fmt::print(stderr, "bench: exporting {} with PyTorch\n", network.name);
  run_process({kPython, (root / "tools/export_torch.py").string(), "--model", network.name, "--size",
               std::to_string(kSize), "--images", "1", "--onnx", network.onnx.string(), "--images-out",
               network.images.string(), "--reference", network.reference.string()});
  run_process({binary.string(), "import", network.onnx.string(), "--out", network.imported.string(), "--images",
               network.images.string()});
  network.workload = accelsim::run::load_workload(network.imported / "network.yaml", {});
  network.golden = std::make_unique<ReferenceModel>(network.workload->network);
  network.input = network.workload->input(0);
  network.pytorch = std::make_unique<accelsim::bench::LineCoprocess>(std::vector<std::string>{
      kPython, (root / "tools/torch_model_speed.py").string(), "--model", network.name, "--size", std::to_string(kSize),
      "--input", network.images.string(), "--reference", network.reference.string()});
}

void time_pytorch(Network& network) {
  const auto answer = network.pytorch->ask("time");
  std::istringstream fields(answer.value_or(""));
  std::string engine;
  double cpu = 0, wall = 0;
  if (!(fields >> engine >> cpu >> wall) || engine != "qnnpack") {
    fmt::print(stderr, "bench: tools/torch_model_speed.py ({}) gave no measurement\n", network.name);
    std::exit(1);
  }
  network.ms["pytorch"].cpu.push_back(cpu);
  network.ms["pytorch"].wall.push_back(wall);
}

void time_golden(Network& network, int64_t& checksum) {
  const auto start = Clock::now();
  const double start_cpu = thread_cpu_seconds();
  checksum += ReferenceModel::argmax(network.golden->run(network.input).back());
  network.ms["golden"].cpu.push_back((thread_cpu_seconds() - start_cpu) * 1e3);
  network.ms["golden"].wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
}

void time_accelsim(Network& network, const std::string& row, const std::vector<std::string>& command) {
  const auto result = run_process(command);
  network.ms[row].cpu.push_back(result.cpu_seconds * 1e3);
  network.ms[row].wall.push_back(result.seconds * 1e3);
}

void print_table(Network& network, int rounds, bool baseline) {
  // Two yardsticks: CPU per image (all threads: what the host pays) and wall time per image (images/s,
  // the goal, where the check runs on a second core).
  const double yardstick = median(network.ms["pytorch"].cpu), wall_yardstick = median(network.ms["pytorch"].wall);
  fmt::print(
      "{} (torchvision quantizable, seeded random weights), batch 1, 3x{}x{}, one thread; medians of {} "
      "interleaved rounds\n",
      network.name, kSize, kSize, rounds);
  fmt::print("  {:<44} {:>12} {:>9} {:>13} {:>9}\n", "", "CPU ms/image", "x PyTorch", "wall ms/image", "x (wall)");
  auto row = [&](const std::string& label, const std::string& key) {
    const double cpu = median(network.ms[key].cpu), wall = median(network.ms[key].wall);
    fmt::print("  {:<44} {:>12.1f} {:>9.2f} {:>13.1f} {:>9.2f}\n", label, cpu, yardstick / cpu, wall,
               wall_yardstick / wall);
  };
  row("PyTorch qnnpack (yardstick)", "pytorch");
  row("golden model alone (imported network)", "golden");
  row("accelsim --model, bit-exact check", "accelsim");
  row("timing-only run (network.values: none)", "timing only");
  if (!baseline) return;
  row("baseline binary: --model, bit-exact check", "baseline accelsim");
  row("baseline binary: timing-only run", "baseline timing only");
  fmt::print("  this binary / baseline, CPU: checked {:.3f}, timing-only {:.3f}\n",
             median(network.ms["accelsim"].cpu) / median(network.ms["baseline accelsim"].cpu),
             median(network.ms["timing only"].cpu) / median(network.ms["baseline timing only"].cpu));
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = ACCELSIM_SOURCE_DIR;
  const fs::path binary = ACCELSIM_BINARY;
  const int rounds = accelsim::bench::count_argument(argc, argv, 1, 5, kUsage);
  std::vector<Network> networks;
  fs::path baseline;  // another accelsim (e.g. main's build) timed in the same rounds, for before/after ratios
  for (int i = 2; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--baseline" && i + 1 < argc) {
      baseline = argv[++i];
      continue;
    }
    if (name != "resnet18" && name != "mobilenet_v2") {
      fmt::print(stderr, "unknown network '{}'\nusage: {}\n", name, kUsage);
      return 2;
    }
    networks.emplace_back(name);
  }
  if (networks.empty())
    for (const char* name : {"resnet18", "mobilenet_v2"}) networks.emplace_back(name);
  signal(SIGPIPE, SIG_IGN);  // a PyTorch helper that died is reported, not fatal to us by signal
  if (accelsim::bench::run_child({kPython, "-c", "import torch, torchvision, onnx"}).exit_code != 0) {
    fmt::print(
        "model_throughput_bench: skipped: {} cannot import torch, torchvision and onnx "
        "(Debian: python3-torch python3-torchvision python3-onnx)\n",
        kPython);
    return 0;
  }
  const fs::path dir = fs::temp_directory_path() / ("accelsim-model-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string load_before = load_average();
  for (auto& network : networks) prepare(network, root, binary, dir);

  const fs::path out = dir / "run";
  int64_t checksum = 0;
  for (int round = 0; round < rounds; ++round) {
    for (auto& network : networks) {
      time_pytorch(network);
      time_golden(network, checksum);
      for (const fs::path& accelsim : {binary, baseline}) {
        if (accelsim.empty()) continue;
        const std::string prefix = accelsim == binary ? "" : "baseline ";
        std::vector<std::string> checked = {
            accelsim.string(), "--model", network.onnx.string(), "--images", network.images.string(),
            "--quiet",         "--out",   out.string()};
        checked.insert(checked.end(), kHardware.begin(), kHardware.end());
        time_accelsim(network, prefix + "accelsim", checked);
        if (round == 0) check_logits(network, out);
        // Without --images: `--model --images FILE.npy` with network.values=none fails (it takes the
        // timing-only dataset's unbounded count for the file's); the import's one image is the same work.
        std::vector<std::string> timing_only = {accelsim.string(), "--model", network.onnx.string(), "--quiet", "--out",
                                                out.string(),      "--set",   "network.values=none"};
        timing_only.insert(timing_only.end(), kHardware.begin(), kHardware.end());
        time_accelsim(network, prefix + "timing only", timing_only);
      }
    }
  }
  const std::string load_after = load_average();
  for (auto& network : networks) network.pytorch.reset();
  fs::remove_all(dir);

  fmt::print("golden GEMM path: {}; checksum {}; load average {} before, {} after\n",
             accelsim::golden::gemm::avx2_available() ? "AVX2 (int16 madd)" : "scalar", checksum, load_before,
             load_after);
  for (auto& network : networks) print_table(network, rounds, !baseline.empty());
  fmt::print(
      "  (accelsim: the whole process, ONNX import included; CPU of all its threads; its logits equal "
      "PyTorch's)\n");
  return 0;
}
