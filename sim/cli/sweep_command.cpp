#include "sim/cli/sweep_command.h"

#include <fmt/format.h>
#include <unistd.h>
#include <boost/program_options.hpp>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>

#include "core/config/configuration_error.h"
#include "core/io/atomic_file.h"
#include "sim/cli/available_cores.h"
#include "sim/cli/command_line.h"
#include "sim/cli/progress_bar.h"
#include "sim/run/workload.h"
#include "sim/sweep/command_emitter.h"
#include "sim/sweep/design_points.h"
#include "sim/sweep/sweep_merge.h"
#include "sim/sweep/sweep_runner.h"
#include "sim/sweep/sweep_spec.h"

namespace accelsim::cli {

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using namespace accelsim::sweep;

enum ExitCode { kAllOk = 0, kPointFailed = 1, kBadInput = 2, kInternal = 3 };

struct SweepOptions {
  std::string spec;
  std::string out;
  std::string emit_commands;
  std::string merge;
  std::string run_point;
  std::string simulator;
  int jobs = 0;
  int64_t images = 0;
  bool retry_failed = false;
  bool fresh = false;
  bool dry_run = false;
  bool quiet = false;
  bool help = false;
};

po::options_description describe(SweepOptions& o) {
  po::options_description options("Options");
  options.add_options()("spec", po::value<std::string>(&o.spec),
                        "sweep spec (YAML): base config, axes or points, metrics")(
      "jobs,j", po::value<int>(&o.jobs), "points simulated at once (default: the number of cores)")(
      "out,o", po::value<std::string>(&o.out), "output folder (default: out/sweeps/NAME)")(
      "images,n", po::value<int64_t>(&o.images), "held-out images per point, instead of the spec's images:")(
      "retry-failed", po::bool_switch(&o.retry_failed), "run again the points recorded with a status other than ok")(
      "fresh", po::bool_switch(&o.fresh), "ignore recorded results and run every point")(
      "dry-run", po::bool_switch(&o.dry_run), "list the points and their settings, run nothing")(
      "emit-commands", po::value<std::string>(&o.emit_commands),
      "write FILE with one command per point (for GNU parallel) and FILE's .sbatch Slurm job array, instead of "
      "running")("merge", po::value<std::string>(&o.merge),
                 "join the per-point results in DIR into results.csv, results.json, pareto.svg")(
      "run-point", po::value<std::string>(&o.run_point), "run one point given as JSON (what --emit-commands writes)")(
      "simulator", po::value<std::string>(&o.simulator),
      "the accelsim binary each point runs (default: this one); a path, relative to the current folder, never looked "
      "up on PATH")("quiet,q", po::bool_switch(&o.quiet), "print nothing but errors")(
      "help,h", po::bool_switch(&o.help), "show this help");
  return options;
}

std::string usage() {
  SweepOptions scratch;
  std::ostringstream out;
  out << "Usage: accelsim sweep --spec FILE [-j N] [--out DIR] [--images N] [--retry-failed] [--fresh] [--quiet]\n"
         "       accelsim sweep --spec FILE --emit-commands FILE [--out DIR] [--images N]\n"
         "       accelsim sweep --spec FILE --dry-run\n"
         "       accelsim sweep --merge DIR\n\n"
         "Runs every design point of a sweep spec as its own accelsim process, records each point's\n"
         "result as it finishes (a rerun resumes), and writes results.csv, results.json and a Pareto\n"
         "plot pareto.svg into the output folder. See docs/sweeps.md.\n\n"
      << describe(scratch)
      << "\nExit codes: 0 every point ok, 1 a point failed (after all have run) or has no result,\n"
         "2 bad input, 3 internal failure, 128 + N stopped by signal N (130 Ctrl-C, 143 SIGTERM;\n"
         "run the same command again to resume).\n";
  return out.str();
}

SweepOptions parse(int argc, char** argv) {
  SweepOptions o;
  const po::options_description options = describe(o);
  const po::variables_map values = parse_command_line(argc, argv, options, "accelsim sweep --help");
  if (o.help) return o;
  const int modes = !o.spec.empty() + !o.merge.empty() + !o.run_point.empty();
  if (modes != 1)
    throw UsageError("give one of --spec FILE, --merge DIR or --run-point JSON (see accelsim sweep --help)");
  if ((!o.emit_commands.empty() || o.dry_run) && o.spec.empty())
    throw UsageError("--emit-commands and --dry-run need --spec FILE");
  if (!o.emit_commands.empty() && o.dry_run) throw UsageError("give --emit-commands or --dry-run, not both");
  if (values.count("jobs") && o.jobs < 1) throw UsageError("--jobs must be at least 1, got " + std::to_string(o.jobs));
  if (values.count("images") && o.images < 1)
    throw UsageError("--images must be at least 1, got " + std::to_string(o.images));
  if (values.count("out") && o.out.empty()) throw UsageError("--out needs a folder");
  if (o.jobs == 0) o.jobs = available_cores();
  if (values.count("simulator") && o.simulator.empty()) throw UsageError("--simulator needs a path");
  return o;
}

// The --simulator path, absolute, checked before anything is written: a program that cannot
// run would otherwise fail every point. A name without '/' is a file in the current folder, as
// any other path, not a program looked up on PATH.
fs::path checked_simulator(const std::string& given) {
  const fs::path path = fs::absolute(given).lexically_normal();
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw UsageError("--simulator " + given + ": " + path.string() +
                     " does not exist (a path, relative to the current folder; PATH is not searched)");
  if (!fs::is_regular_file(path, ec) || access(path.c_str(), X_OK) != 0)
    throw UsageError("--simulator " + given + ": " + path.string() + " is not an executable file");
  return path;
}

int fail(int code, const std::string& message) {
  std::fputs(fmt::format("accelsim sweep: error: {}\n", message).c_str(), stderr);
  return code;
}

fs::path this_binary() { return fs::read_symlink("/proc/self/exe"); }

std::string describe_settings(const std::vector<ColumnSetting>& settings) {
  std::string text;
  for (const auto& s : settings) text += (text.empty() ? "" : ", ") + s.column + "=" + s.label;
  return text;
}

// 128 + N: what a shell reports for a process that signal N ended.
int stopped_by(int signal) { return 128 + signal; }

void print_failures(const ResultsTable& table) {
  constexpr int kShown = 10;
  int shown = 0;
  for (const auto& row : table.rows) {
    if (!row.result || row.result->status == PointStatus::Ok) continue;
    if (shown++ == kShown) {
      std::fputs(fmt::format("  ... and {} more (see results.csv)\n", table.failed() - kShown).c_str(), stderr);
      break;
    }
    std::fputs(fmt::format("  point {} ({}): {}: {}\n", row.index, describe_settings(row.settings),
                           name_of(row.result->status), row.result->error)
                   .c_str(),
               stderr);
  }
}

int run_one_point(const SweepOptions& options, const fs::path& simulator) {
  PointJob job;
  try {
    job = PointJob::from_json(nlohmann::json::parse(options.run_point));
  } catch (const std::exception& e) {
    return fail(kBadInput, fmt::format("--run-point: not a point job ({})", e.what()));
  }
  const PointRun run = run_point(job, simulator);
  if (run.status && !options.quiet)
    std::puts(fmt::format("point {}: {}{}", job.index, name_of(*run.status),
                          run.recorded_earlier ? " (recorded earlier)" : "")
                  .c_str());
  if (!run.status)
    std::fputs(fmt::format("accelsim sweep: point {}: {}; nothing recorded\n", job.index, run.not_recorded).c_str(),
               stderr);
  if (run.stop_signal != 0) return stopped_by(run.stop_signal);
  return run.status == PointStatus::Ok ? kAllOk : kPointFailed;
}

int merge(const SweepOptions& options) {
  const ResultsTable table = merge_sweep(options.merge);
  if (!options.quiet) {
    std::puts(fmt::format("sweep '{}': {} points: {}", table.name, table.rows.size(), table.status_summary()).c_str());
    std::puts(fmt::format("results: {}", (fs::path(options.merge) / "results.csv").string()).c_str());
  }
  print_failures(table);
  return table.ok() == static_cast<int64_t>(table.rows.size()) ? kAllOk : kPointFailed;
}

int list_points(const SweepSpec& spec) {
  for (const auto& point : expand_points(spec)) {
    std::string line = fmt::format("{:6}", point.index);
    for (std::size_t c = 0; c < spec.columns.size(); ++c)
      line += fmt::format("  {}={}", spec.columns[c].name, point.settings[c].label);
    std::puts(line.c_str());
  }
  std::puts(fmt::format("{} points", spec.point_count()).c_str());
  return kAllOk;
}

// Every point's config as the point's run would load it, and its images against its dataset,
// before any point runs: bad input is exit 2 for a sweep as for a single run, not a sweep of
// failed points. (A point that loads but does not map onto its hardware is a design point like
// any other; it runs and is recorded invalid.) Each job keeps its config's hardware facts for
// the area model: loading every config once more after its run was most of the runner's time.
void check_points(SweepPlan& plan) {
  for (auto& job : plan.jobs) {
    const std::string point = fmt::format("point {} ({})", job.index, describe_settings(job.settings));
    std::unique_ptr<run::Workload> workload;
    try {
      workload = run::load_workload(job.config, job.overrides, 0);  // checked whole; no image's pixels read
    } catch (const config::ConfigurationError& e) {
      throw config::ConfigurationError(e.where(), e.key(), point + ": " + e.message());
    }
    if (job.images > workload->dataset.count)
      throw UsageError(fmt::format("{}: {} images asked for, but {} holds only {} (--images or the spec's images:)",
                                   point, job.images, workload->network.input.images.string(),
                                   workload->dataset.count));
    job.hardware_facts = hardware_facts_of(*workload);
  }
}

int run_spec(const SweepOptions& options, const fs::path& simulator) {
  const SweepSpec spec = load_sweep_spec(options.spec);
  if (options.dry_run) return list_points(spec);
  const fs::path out = options.out.empty() ? fs::path("out/sweeps") / spec.name : fs::path(options.out);
  SweepPlan plan = make_plan(spec, out, options.images > 0 ? std::optional<int64_t>(options.images) : std::nullopt);
  check_points(plan);

  if (!options.emit_commands.empty()) {
    const EmittedCommands emitted = emit_commands(plan, options.emit_commands, this_binary());
    if (!options.quiet)
      std::puts(fmt::format(
                    "wrote {} commands to {}\n"
                    "  GNU parallel:  parallel --jobs N < {}      (add --sshloginfile FILE to spread them over hosts)\n"
                    "  Slurm:         sbatch {}      ({} array tasks, {} points each)\n"
                    "then:            accelsim sweep --merge {}",
                    emitted.points, emitted.commands.string(), emitted.commands.string(), emitted.sbatch.string(),
                    emitted.array_tasks, emitted.points_per_task, plan.out.string())
                    .c_str());
    return kAllOk;
  }

  ProgressBar progress("points", !options.quiet);
  RunnerOptions runner;
  runner.jobs = options.jobs;
  runner.simulator = simulator;
  runner.retry_failed = options.retry_failed;
  runner.fresh = options.fresh;
  runner.on_progress = [&](int64_t done, int64_t failed, int64_t total) {
    progress.update(done, total, fmt::format("{} failed", failed));
  };
  const SweepOutcome outcome = run_sweep(plan, runner);
  progress.finish();

  if (!options.quiet) {
    const std::string rate =
        outcome.ran > 0 && outcome.wall_seconds > 0
            ? fmt::format(", {:.1f} points/s", static_cast<double>(outcome.ran) / outcome.wall_seconds)
            : "";
    std::puts(fmt::format("sweep '{}': {} points: {} ({} simulated now at -j {}, {} recorded earlier; {:.2f} s{})",
                          plan.name, outcome.points, outcome.table.status_summary(), outcome.ran, options.jobs,
                          outcome.reused, outcome.wall_seconds, rate)
                  .c_str());
    std::puts(fmt::format("results: {} (and results.json, pareto.svg: {} points on the Pareto front)",
                          (plan.out / "results.csv").string(), outcome.on_front)
                  .c_str());
  }
  if (outcome.failed > 0) print_failures(outcome.table);
  if (!outcome.unrecorded.empty()) {
    std::fputs(fmt::format("accelsim sweep: {} points have no new result; the same command runs them again:\n",
                           outcome.unrecorded.size())
                   .c_str(),
               stderr);
    constexpr std::size_t kShown = 10;
    for (std::size_t i = 0; i < outcome.unrecorded.size() && i < kShown; ++i) {
      const auto& point = outcome.unrecorded[i];
      std::fputs(fmt::format("  point {} ({}): {}\n", point.index,
                             describe_settings(plan.jobs[static_cast<std::size_t>(point.index)].settings), point.reason)
                     .c_str(),
                 stderr);
    }
    if (outcome.unrecorded.size() > kShown)
      std::fputs(fmt::format("  ... and {} more\n", outcome.unrecorded.size() - kShown).c_str(), stderr);
  }
  if (outcome.interrupt_signal != 0) {
    std::fputs(
        fmt::format("accelsim sweep: interrupted: {} points not run; the same command resumes\n", outcome.not_run)
            .c_str(),
        stderr);
    return stopped_by(outcome.interrupt_signal);
  }
  return outcome.ok == outcome.points && outcome.unrecorded.empty() ? kAllOk : kPointFailed;
}

}  // namespace

int run_sweep_command(int argc, char** argv) {
  SweepOptions options;
  try {
    options = parse(argc, argv);
  } catch (const UsageError& e) {
    return fail(kBadInput, e.what());
  }
  if (options.help) {
    std::fputs(usage().c_str(), stdout);
    return kAllOk;
  }
  fs::path simulator;
  try {
    simulator = options.simulator.empty() ? this_binary() : checked_simulator(options.simulator);
  } catch (const UsageError& e) {
    return fail(kBadInput, e.what());
  }
  try {
    if (!options.run_point.empty()) return run_one_point(options, simulator);
    if (!options.merge.empty()) return merge(options);
    return run_spec(options, simulator);
  } catch (const config::ConfigurationError& e) {
    return fail(kBadInput, e.what());
  } catch (const UsageError& e) {
    return fail(kBadInput, e.what());
  } catch (const ManifestError& e) {
    return fail(kBadInput, e.what());
  } catch (const report::OutputError& e) {
    return fail(kBadInput, e.what());
  } catch (const std::exception& e) {
    return fail(kInternal, e.what());
  }
}

}  // namespace accelsim::cli
