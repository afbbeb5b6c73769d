// Scale-out: the emitted commands, run by a shell, by GNU parallel and by the emitted Slurm
// script, then `accelsim sweep --merge`, give the same results.csv as a local run.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "sim/sweep/command_emitter.h"
#include "sim/sweep/sweep_plan.h"
#include "tests/support/run_command.h"
#include "tests/support/run_program.h"
#include "tests/sweep/sweep_test_support.h"

namespace accelsim::testing {
namespace {

namespace fs = std::filesystem;

// Three points, one of which does not map (a 64x64 array with an 8 KiB weight SRAM).
const char* const kSpec = R"(name: scale_out
axes:
  - name: array
    keys: [hardware.pe_array.rows, hardware.pe_array.cols]
    values: [4, 64]
  - name: weight_sram
    key: hardware.weight_sram.capacity_bytes
    values: [8192, 32768]
)";

class SweepScaleOut : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_ = write_spec(dir_, kSpec);
    const auto local =
        run_accelsim({"sweep", "--spec", spec_.string(), "--out", (dir_.path() / "local").string(), "-j", "2"});
    ASSERT_EQ(local.exit_code, 1) << local.output;  // the unmappable point
    local_results_ = read_file(dir_.path() / "local" / "results.csv");
  }

  // Emits the commands for a fresh folder; returns their file.
  fs::path emit(const std::string& name) {
    out_ = dir_.path() / name;
    const fs::path commands = dir_.path() / (name + "-commands.txt");
    const auto emitted =
        run_accelsim({"sweep", "--spec", spec_.string(), "--out", out_.string(), "--emit-commands", commands.string()});
    EXPECT_EQ(emitted.exit_code, 0) << emitted.output;
    EXPECT_TRUE(contains(emitted.output, "wrote 4 commands to")) << emitted.output;
    return commands;
  }

  CommandResult merge() { return run_accelsim({"sweep", "--merge", out_.string()}); }

  TempDir dir_;
  fs::path spec_;
  fs::path out_;
  std::string local_results_;
};

TEST_F(SweepScaleOut, EmitsOneSelfContainedCommandPerPoint) {
  const auto commands = emit("emitted");
  std::istringstream lines(read_file(commands));
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    EXPECT_EQ(line.rfind("'" + std::string(ACCELSIM_BINARY) + "' sweep --run-point '", 0), 0u) << line;
    EXPECT_TRUE(contains(line, "\"index\":" + std::to_string(count - 1))) << line;
  }
  EXPECT_EQ(count, 4);
  EXPECT_TRUE(fs::exists(out_ / "sweep.json"));
  // Nothing has run: merging now gives four points without a result.
  const auto merged = merge();
  EXPECT_EQ(merged.exit_code, 1) << merged.output;
  EXPECT_TRUE(contains(merged.output, "4 points: 0 ok, 4 not run")) << merged.output;
  for (const auto& row : read_csv(out_ / "results.csv")) EXPECT_EQ(row.at("status"), "not_run");
}

TEST_F(SweepScaleOut, CommandsRunByAShellThenMergedMatchALocalRun) {
  const auto commands = emit("by_shell");
  const auto ran = run_shell("/bin/sh " + commands.string());
  EXPECT_EQ(ran.exit_code, 0) << ran.output;  // the last point's status; every line ran
  EXPECT_TRUE(contains(ran.output, "point 3: ok")) << ran.output;
  EXPECT_TRUE(contains(ran.output, "point 0: ok")) << ran.output;
  EXPECT_TRUE(contains(ran.output, "point 2: invalid")) << ran.output;
  const auto merged = merge();
  EXPECT_EQ(merged.exit_code, 1) << merged.output;
  EXPECT_TRUE(contains(merged.output, "4 points: 3 ok, 1 invalid")) << merged.output;
  EXPECT_EQ(read_file(out_ / "results.csv"), local_results_);

  // A command whose point is recorded does not run it again.
  std::ifstream in(commands);
  std::string first;
  std::getline(in, first);
  const auto again = run_shell(first);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "point 0: ok (recorded earlier)")) << again.output;
}

TEST_F(SweepScaleOut, CommandsRunByGnuParallelThenMergedMatchALocalRun) {
  if (!find_program("parallel"))
    GTEST_SKIP() << "GNU parallel is not installed (scripts/setup.sh installs the Debian package 'parallel')";
  const auto commands = emit("by_parallel");
  const auto ran = run_shell("parallel --will-cite --jobs 2 --joblog " + (dir_.path() / "joblog").string() + " < " +
                             commands.string());
  EXPECT_EQ(ran.exit_code, 1) << ran.output;  // GNU parallel exits with the number of failed jobs
  const auto merged = merge();
  EXPECT_EQ(merged.exit_code, 1) << merged.output;
  EXPECT_EQ(read_file(out_ / "results.csv"), local_results_);
}

TEST_F(SweepScaleOut, TheSlurmArrayScriptRunsEveryPointThenMergedMatchesALocalRun) {
  const auto commands = emit("by_slurm");
  const fs::path script = commands.parent_path() / (commands.stem().string() + ".sbatch");
  const std::string text = read_file(script);
  EXPECT_TRUE(contains(text, "#SBATCH --array=0-3\n")) << text;
  EXPECT_TRUE(contains(text, "#SBATCH --output=" + out_.string() + "/slurm/%A_%a.out")) << text;
  EXPECT_TRUE(fs::is_directory(out_ / "slurm"));
  // Slurm runs the script once per array task with SLURM_ARRAY_TASK_ID set; so does this loop.
  for (int task = 0; task < 4; ++task)
    run_shell("SLURM_ARRAY_TASK_ID=" + std::to_string(task) + " bash " + script.string());
  const auto merged = merge();
  EXPECT_EQ(merged.exit_code, 1) << merged.output;
  EXPECT_EQ(read_file(out_ / "results.csv"), local_results_);
  EXPECT_NE(run_shell("bash " + script.string()).exit_code, 0) << "without a task id the script must refuse";
}

// Emitting rewrites the sweep's manifest: not while a run or a merge holds the folder.
TEST(SweepCommands, EmittingIntoAFolderInUseIsExitCode2AndLeavesItsManifestAlone) {
  TempDir dir;
  const FakeSimulator fake(dir);
  // One point that hangs until the run is interrupted.
  const auto spec = write_spec(dir, "axes:\n  - key: hardware.requant_unit.lanes\n    values: [7]\n");
  const auto out = dir.path() / "out";
  const pid_t run = start_accelsim(
      {"sweep", "--spec", spec.string(), "--out", out.string(), "-j", "1", "--simulator", fake.path().string()},
      dir.path() / "run.log");
  ASSERT_TRUE(eventually([&] { return !fake.runs().empty(); })) << read_file(dir.path() / "run.log");
  const std::string manifest = read_file(out / "sweep.json");
  const auto other = write_spec(dir, "axes:\n  - key: hardware.requant_unit.lanes\n    values: [1, 2]\n", "other.yaml");
  const auto emitted = run_accelsim({"sweep", "--spec", other.string(), "--out", out.string(), "--emit-commands",
                                     (dir.path() / "commands.txt").string()});
  EXPECT_EQ(emitted.exit_code, 2) << emitted.output;
  EXPECT_TRUE(contains(emitted.output, "another accelsim sweep is using this folder")) << emitted.output;
  EXPECT_EQ(read_file(out / "sweep.json"), manifest);
  EXPECT_FALSE(fs::exists(dir.path() / "commands.txt"));
  kill(run, SIGINT);
  EXPECT_EQ(wait_for_exit(run), 130) << read_file(dir.path() / "run.log");
}

TEST(SweepCommands, LargeSweepsGiveEachArrayTaskSeveralPoints) {
  TempDir dir;
  sweep::SweepPlan plan;
  plan.name = "large";
  plan.out = dir.path() / "out";
  for (int64_t i = 0; i < 2500; ++i) {
    sweep::PointJob job;
    job.index = i;
    job.fingerprint = sweep::fingerprint_of(std::to_string(i));
    job.timeout_seconds = 60;
    job.result_file = sweep::point_result_file(plan.out, job.fingerprint);
    job.output_dir = sweep::point_output_dir(plan.out, job.fingerprint);
    plan.jobs.push_back(job);
  }
  const auto emitted = sweep::emit_commands(plan, dir.path() / "commands.txt", "/opt/accelsim/bin/accelsim");
  EXPECT_EQ(emitted.points, 2500);
  EXPECT_EQ(emitted.points_per_task, 3);
  EXPECT_EQ(emitted.array_tasks, 834);
  const std::string script = read_file(emitted.sbatch);
  EXPECT_TRUE(contains(script, "#SBATCH --array=0-833\n")) << script;
  EXPECT_TRUE(contains(script, "per_task=3\n")) << script;
  EXPECT_TRUE(contains(script, "#SBATCH --time=8\n")) << script;  // 3 points x 60 s + 5 min
  // The lines the last task runs: 2500 is 833 * 3 + 1.
  const auto last = run_shell("first=$(( 833 * 3 + 1 )); sed -n \"${first},$(( first + 2 ))p\" " +
                              emitted.commands.string() + " | wc -l");
  EXPECT_EQ(last.output, "1\n");
}

TEST(SweepCommands, ShellQuotingSurvivesQuotesAndSpaces) {
  const std::string tricky = "it's a \"test\" $HOME `x`";
  const auto echoed = run_shell("printf '%s' " + sweep::shell_quote(tricky));
  EXPECT_EQ(echoed.output, tricky);
}

TEST(SweepMerge, IgnoresStaleResultsAndNeedsAManifest) {
  TempDir dir;
  const auto missing = run_accelsim({"sweep", "--merge", (dir.path() / "nothing").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.output, "sweep.json: not found")) << missing.output;

  const auto spec = write_spec(dir, "axes:\n  - key: hardware.pe_array.rows\n    values: [4, 8]\n");
  const auto out = dir.path() / "out";
  ASSERT_EQ(run_accelsim({"sweep", "--spec", spec.string(), "--out", out.string()}).exit_code, 0);
  // A point file whose fingerprint is not the point's (an earlier spec's) is not its result.
  const auto rows = read_csv(out / "results.csv");
  const auto file = out / "points" / (rows[1].at("id") + ".json");
  auto point = nlohmann::json::parse(read_file(file));
  point["fingerprint"] = "0000000000000000";
  std::ofstream(file) << point.dump();
  const auto merged = run_accelsim({"sweep", "--merge", out.string()});
  EXPECT_EQ(merged.exit_code, 1) << merged.output;
  const auto after = read_csv(out / "results.csv");
  EXPECT_EQ(after[0].at("status"), "ok");
  EXPECT_EQ(after[1].at("status"), "not_run");

  std::ofstream(out / "sweep.json") << "{\"format\": \"something else\"}";
  const auto bad = run_accelsim({"sweep", "--merge", out.string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(contains(bad.output, "not an accelsim sweep manifest")) << bad.output;
}

}  // namespace
}  // namespace accelsim::testing
