// Points per second of `accelsim sweep` on the 200-point LeNet sweep (one image per point), and
// the same 200 accelsim processes run by a bare fork/exec loop at the same parallelism: the
// ceiling the sweep machinery (spec checks, process pool, result files, Pareto, plot) could
// reach. The machine is shared and noisy, so the two alternate round by round and the medians
// (with min and max) are reported. Target: at least 50 points/s at -j 2 on 2 cores.
//   sweep_points_per_second_bench [ROUNDS=5] [JOBS=2]
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "bench/child_process.h"
#include "bench/count_argument.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Figures {
  double median, min, max;
};

Figures summarize(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return {values[values.size() / 2], values.front(), values.back()};
}

void check(int status, const std::string& what) {
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fmt::print(stderr, "bench: {} failed (status {})\n", what, status);
    std::exit(1);
  }
}

// Runs the commands `jobs` at a time; returns the wall seconds.
double run_all(const std::vector<std::vector<std::string>>& commands, int jobs) {
  const auto started = Clock::now();
  std::size_t next = 0, running = 0;
  while (next < commands.size() || running > 0) {
    while (running < static_cast<std::size_t>(jobs) && next < commands.size()) {
      accelsim::bench::spawn_child(commands[next++]);
      ++running;
    }
    int status = 0;
    wait(&status);
    check(status, "accelsim");
    --running;
  }
  return std::chrono::duration<double>(Clock::now() - started).count();
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = ACCELSIM_SOURCE_DIR;
  const std::string binary = ACCELSIM_BINARY;
  const std::string spec = (root / "configs/sweeps/lenet_200_points.yaml").string();
  constexpr const char* kUsage = "sweep_points_per_second_bench [ROUNDS [JOBS]]";
  accelsim::bench::check_argument_count(argc, 2, kUsage);
  const int rounds = accelsim::bench::count_argument(argc, argv, 1, 5, kUsage);
  const int jobs = accelsim::bench::count_argument(argc, argv, 2, 2, kUsage);
  const fs::path scratch = fs::temp_directory_path() / ("accelsim-sweep-bench-" + std::to_string(getpid()));
  const fs::path out = scratch / "sweep";

  // The points' command lines, from the manifest that --emit-commands writes.
  int status = 0;
  waitpid(accelsim::bench::spawn_child({binary, "sweep", "--spec", spec, "--out", out.string(), "--emit-commands",
                                        (scratch / "commands.txt").string(), "--quiet"}),
          &status, 0);
  check(status, "accelsim sweep --emit-commands");
  std::ifstream manifest_in(out / "sweep.json");
  const auto manifest = nlohmann::json::parse(manifest_in);
  const int64_t points = static_cast<int64_t>(manifest["points"].size());
  std::vector<std::vector<std::string>> commands;
  for (const auto& point : manifest["points"]) {
    // One output folder per point, as the sweep has (points/ID/): the same work, and no two
    // processes writing one folder at once, whatever JOBS.
    std::vector<std::string> command = {
        binary,    "--config", point["config"].get<std::string>(),
        "--quiet", "--out",    (scratch / "raw" / point["fingerprint"].get<std::string>()).string()};
    for (const auto& assignment : point["overrides"]) {
      command.push_back("--set");
      command.push_back(assignment.get<std::string>());
    }
    commands.push_back(command);
  }

  std::vector<double> sweep_rate, sweep_run_rate, raw_rate, runner_ms;
  for (int round = 0; round < rounds; ++round) {
    const auto started = Clock::now();
    waitpid(accelsim::bench::spawn_child({binary, "sweep", "--spec", spec, "--out", out.string(), "-j",
                                          std::to_string(jobs), "--fresh", "--quiet"}),
            &status, 0);
    check(status, "accelsim sweep");
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    sweep_rate.push_back(static_cast<double>(points) / seconds);
    std::ifstream host_in(out / "host.json");
    const auto host = nlohmann::json::parse(host_in);
    sweep_run_rate.push_back(host["points_per_second"].get<double>());
    runner_ms.push_back(host["runner_cpu_seconds"].get<double>() * 1e3 / static_cast<double>(points));

    raw_rate.push_back(static_cast<double>(points) / run_all(commands, jobs));
  }
  fs::remove_all(scratch);

  const Figures sweep = summarize(sweep_rate), run = summarize(sweep_run_rate), raw = summarize(raw_rate),
                runner = summarize(runner_ms);
  fmt::print("LeNet sweep of {} points (1 image each) at -j {}, {} rounds: median [min, max] points/s\n", points, jobs,
             rounds);
  fmt::print("  accelsim sweep, whole command        {:6.1f}  [{:.1f}, {:.1f}]   (target >= 50)\n", sweep.median,
             sweep.min, sweep.max);
  fmt::print("  accelsim sweep, points phase only    {:6.1f}  [{:.1f}, {:.1f}]   (host.json: after the spec checks)\n",
             run.median, run.min, run.max);
  fmt::print("  bare fork/exec of the same processes {:6.1f}  [{:.1f}, {:.1f}]\n", raw.median, raw.min, raw.max);
  fmt::print("  sweep / bare                         {:6.3f}\n", sweep.median / raw.median);
  fmt::print(
      "  runner's own CPU per point (ms)      {:6.2f}  [{:.2f}, {:.2f}]   (spec checks, area model, files; children "
      "excluded)\n",
      runner.median, runner.min, runner.max);
  return 0;
}
