// One design point's wall time, process start to exit (issue 15, item 5): the LeNet image of
// configs/lenet.yaml on the shipped 8x8 WS array and on 16x16 OS, beside SCALE-Sim v2 on the
// same array and dataflow when a SCALE-Sim checkout is given. The commands alternate round by
// round (the machine is shared and noisy) and each row reports the median and least wall time,
// the median CPU time (user + system) and, with SCALE-Sim, the median of the per-round ratios.
//   design_point_bench [ROUNDS=21] [--scalesim DIR [--python /usr/bin/python3]] [--baseline ACCELSIM]
// DIR is a SCALE-Sim v2 source tree (the folder holding scalesim/scale.py); it is run on the
// topology and .cfg that `accelsim export-scalesim` writes for the 16x16 OS design point, and
// its per-layer cycles must equal those of `accelsim --topology` on the same two files (else
// the bench fails: the two would not be simulating the same thing). With --baseline, another
// accelsim binary (an earlier build) runs the same start-up and 16x16 OS rows in the same rounds,
// and each of its rows reports this build's wall time over the baseline's, round by round.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/child_process.h"
#include "bench/count_argument.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "design_point_bench [ROUNDS=21] [--scalesim DIR [--python /usr/bin/python3]] [--baseline ACCELSIM]";

struct Row {
  std::string label;
  std::function<std::vector<std::string>(int round)> command;
  std::vector<double> wall_ms, cpu_ms;
  std::size_t compared_with = SIZE_MAX;  // a baseline row: the index of this build's same row
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// The Total Cycles column of a SCALE-Sim COMPUTE_REPORT.csv (both simulators write one).
std::vector<std::string> total_cycles(const fs::path& report) {
  std::ifstream in(report);
  if (!in) throw std::runtime_error("cannot read " + report.string());
  std::vector<std::string> cycles;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, total;
    if (std::getline(fields, id, ',') && std::getline(fields, total, ',')) cycles.push_back(total);
  }
  return cycles;
}

void run_or_fail(const std::vector<std::string>& command, const std::string& what) {
  if (accelsim::bench::run_child(command, accelsim::bench::ChildOutput::discard).exit_code != 0) {
    throw std::runtime_error(what + " failed: " + command.front());
  }
}

}  // namespace

int main(int argc, char** argv) try {
  const fs::path root = ACCELSIM_SOURCE_DIR;
  const std::string accelsim = ACCELSIM_BINARY;
  int rounds = 21;
  fs::path scalesim_dir;
  std::string baseline;
  std::string python = "/usr/bin/python3";
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == "--scalesim" && i + 1 < argc) {
      scalesim_dir = argv[++i];
    } else if (argument == "--baseline" && i + 1 < argc) {
      baseline = fs::absolute(argv[++i]).string();
    } else if (argument == "--python" && i + 1 < argc) {
      python = argv[++i];
    } else if (i == 1) {
      rounds = accelsim::bench::count_argument(argc, argv, 1, rounds, kUsage);
    } else {
      fmt::print(stderr, "unexpected argument '{}'\nusage: {}\n", argument, kUsage);
      return 2;
    }
  }

  const fs::path scratch = fs::temp_directory_path() / ("accelsim-design-point-" + std::to_string(getpid()));
  fs::create_directories(scratch);
  const std::string config = (root / "configs/lenet.yaml").string();
  const std::vector<std::string> array16_os = {"--set", "hardware.pe_array.rows=16",
                                               "--set", "hardware.pe_array.cols=16",
                                               "--set", "hardware.pe_array.dataflow=os"};
  auto lenet = [&](const std::string& binary, const std::string& out, bool array16) {
    std::vector<std::string> command = {binary, "--config", config, "--quiet", "--out", out};
    if (array16) command.insert(command.end(), array16_os.begin(), array16_os.end());
    return command;
  };
  auto fixed = [](std::vector<std::string> command) { return [command](int) { return command; }; };
  auto fresh = [&](const std::string& binary, const std::string& name, bool array16) {
    return [&lenet, &scratch, binary, name, array16](int round) {
      return lenet(binary, (scratch / (name + std::to_string(round))).string(), array16);
    };
  };

  // The 16x16 OS design point in SCALE-Sim's terms: its convolutions and linears as a topology,
  // the hardware as a .cfg (pooling has no SCALE-Sim counterpart and is left out there).
  std::vector<std::string> export_command = {accelsim, "export-scalesim", "--config",
                                             config,   "--out",           (scratch / "exported").string()};
  export_command.insert(export_command.end(), array16_os.begin(), array16_os.end());
  run_or_fail(export_command, "accelsim export-scalesim");
  const std::string topology = (scratch / "exported/lenet.csv").string();
  const std::string scalesim_config = (scratch / "exported/lenet.cfg").string();

  std::vector<Row> rows = {
      {"accelsim --version (start-up only)", fixed({accelsim, "--version"}), {}, {}},
      {"LeNet 8x8 WS (lenet.yaml), fresh folder", fresh(accelsim, "fresh8_", false), {}, {}},
      {"LeNet 16x16 OS, fresh folder", fresh(accelsim, "fresh16_", true), {}, {}},
      {"LeNet 16x16 OS, same folder again", fixed(lenet(accelsim, (scratch / "same").string(), true)), {}, {}},
      {"SCALE-Sim's files, accelsim --topology",
       fixed({accelsim, "--topology", topology, "--scalesim-config", scalesim_config, "--quiet", "--out",
              (scratch / "topology").string()}),
       {},
       {}},
  };
  if (!baseline.empty()) {
    rows.push_back({"baseline: --version", fixed({baseline, "--version"}), {}, {}, 0});
    rows.push_back({"baseline: LeNet 16x16 OS, fresh folder", fresh(baseline, "baseline16_", true), {}, {}, 2});
    rows.push_back({"baseline: LeNet 16x16 OS, same folder again",
                    fixed(lenet(baseline, (scratch / "baseline_same").string(), true)),
                    {},
                    {},
                    3});
  }
  const bool with_scalesim = !scalesim_dir.empty();
  if (with_scalesim) {
    const fs::path script = scalesim_dir / "scalesim/scale.py";
    if (!fs::exists(script)) throw std::runtime_error("no SCALE-Sim at " + script.string());
    setenv("PYTHONPATH", scalesim_dir.c_str(), 1);  // scale.py imports its own package
    rows.push_back(
        {"SCALE-Sim v2, same topology and .cfg",
         fixed({python, script.string(), "-t", topology, "-c", scalesim_config, "-p", (scratch / "scalesim").string()}),
         {},
         {}});
  }

  for (int round = 0; round < rounds; ++round) {
    for (auto& row : rows) {
      const auto result = accelsim::bench::run_child(row.command(round), accelsim::bench::ChildOutput::discard);
      if (result.exit_code != 0)
        throw std::runtime_error(row.label + " exited with " + std::to_string(result.exit_code));
      row.wall_ms.push_back(result.seconds * 1e3);
      row.cpu_ms.push_back(result.cpu_seconds * 1e3);
    }
  }

  fmt::print("One design point, process start to exit, {} rounds alternating: wall ms median (least), CPU ms median\n",
             rounds);
  for (const auto& row : rows) {
    fmt::print("  {:<44} {:8.2f} ({:7.2f})   CPU {:8.2f}", row.label, median(row.wall_ms),
               *std::min_element(row.wall_ms.begin(), row.wall_ms.end()), median(row.cpu_ms));
    if (with_scalesim && &row != &rows.back()) {
      std::vector<double> ratios;
      for (int round = 0; round < rounds; ++round) ratios.push_back(rows.back().wall_ms[round] / row.wall_ms[round]);
      fmt::print("   SCALE-Sim / this {:6.1f}x", median(ratios));
    }
    if (row.compared_with != SIZE_MAX) {
      std::vector<double> ratios;
      for (int round = 0; round < rounds; ++round)
        ratios.push_back(rows[row.compared_with].wall_ms[round] / row.wall_ms[round]);
      fmt::print("   this build / baseline {:5.3f}", median(ratios));
    }
    fmt::print("\n");
  }
  fmt::print("  goal: LeNet design point under 10 ms of wall time, at least 50x faster than SCALE-Sim v2\n");
  if (with_scalesim) {
    const auto theirs = total_cycles(scratch / "scalesim/lenet/COMPUTE_REPORT.csv");
    const auto ours = total_cycles(scratch / "topology/COMPUTE_REPORT.csv");
    if (theirs != ours) throw std::runtime_error("SCALE-Sim's and accelsim's COMPUTE_REPORT cycles differ");
    fmt::print("  same cycles per layer in both COMPUTE_REPORT.csv files ({} layers)\n", ours.size());
  }
  fs::remove_all(scratch);
  return 0;
} catch (const std::exception& error) {
  fmt::print(stderr, "design_point_bench: {}\n", error.what());
  return 1;
}
