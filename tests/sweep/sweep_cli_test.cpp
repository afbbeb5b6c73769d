// The `accelsim sweep` command line: usage errors, bad specs and their exit code, --dry-run.
#include <gtest/gtest.h>

#include "tests/support/run_command.h"
#include "tests/sweep/sweep_test_support.h"

namespace accelsim::testing {
namespace {

TEST(SweepCli, ABadSpecIsExitCode2WithFileKeyLineAndColumn) {
  TempDir dir;
  const auto spec = write_spec(dir, "axes:\n  - key: hardware.pe_array.rows\n    values: [8, eight]\n");
  const auto result = run_accelsim({"sweep", "--spec", spec.string(), "--out", (dir.path() / "out").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_TRUE(contains(result.output, "accelsim sweep: error: " + spec.string() +
                                          ":4:17: axes[0].values[1]: hardware.pe_array.rows=eight is rejected by " +
                                          lenet_config() + ": expected an integer, got 'eight'"))
      << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out")) << "nothing is written for a bad spec";
}

TEST(SweepCli, UsageErrorsAreExitCode2) {
  TempDir dir;
  const auto spec = write_spec(dir, "axes:\n  - key: hardware.pe_array.rows\n    values: [4]\n");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"sweep"}, "give one of --spec FILE, --merge DIR or --run-point JSON"},
      {{"sweep", "--spec", spec.string(), "--merge", "x"}, "give one of --spec FILE, --merge DIR or --run-point JSON"},
      {{"sweep", "--spec", spec.string(), "-j", "0"}, "--jobs must be at least 1, got 0"},
      {{"sweep", "--spec", spec.string(), "--images", "0"}, "--images must be at least 1, got 0"},
      {{"sweep", "--spec", spec.string(), "--bogus"}, "unrecognised option '--bogus'"},
      {{"sweep", "--merge", "x", "--dry-run"}, "--emit-commands and --dry-run need --spec FILE"},
      {{"sweep", "--run-point", "{not json"}, "--run-point: not a point job"},
      {{"sweep", "--run-point", "{}"}, "--run-point: not a point job"},
      {{"sweep", "--spec", (dir.path() / "absent.yaml").string()}, "absent.yaml: file not found"},
  };
  for (const auto& [arguments, message] : cases) {
    const auto result = run_accelsim(arguments);
    EXPECT_EQ(result.exit_code, 2) << arguments.back() << "\n" << result.output;
    EXPECT_TRUE(contains(result.output, message)) << "expected '" << message << "' in\n" << result.output;
  }
}

TEST(SweepCli, HelpAndDryRun) {
  auto result = run_accelsim({"sweep", "--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(contains(result.output, "Usage: accelsim sweep --spec FILE")) << result.output;
  EXPECT_TRUE(contains(result.output, "128 + N stopped by signal N (130 Ctrl-C, 143 SIGTERM;")) << result.output;

  TempDir dir;
  const auto spec = write_spec(
      dir,
      "axes:\n  - name: array\n    keys: [hardware.pe_array.rows, hardware.pe_array.cols]\n    values: [4, 8]\n"
      "  - key: hardware.pe_array.dataflow\n    values: [ws, is]\n");
  result = run_accelsim({"sweep", "--spec", spec.string(), "--dry-run"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "     3  array=8  hardware.pe_array.dataflow=is\n4 points\n")) << result.output;
}

// A --simulator that cannot run would fail every point: it is bad input, found before anything
// is written, for a run and for --run-point.
TEST(SweepCli, ASimulatorThatCannotRunIsExitCode2AndNothingIsWritten) {
  TempDir dir;
  const auto spec = write_spec(dir, "axes:\n  - key: hardware.pe_array.rows\n    values: [4]\n");
  const auto not_executable = dir.write("not-executable.sh", "#!/bin/sh\nexit 0\n");
  const auto out = dir.path() / "out";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/nonexistent/accelsim", "--simulator /nonexistent/accelsim: /nonexistent/accelsim does not exist"},
      {dir.path().string(), "is not an executable file"},
      {not_executable.string(),
       "--simulator " + not_executable.string() + ": " + not_executable.string() + " is not an executable file"},
      // Not looked up on PATH: a name is a file in the current folder.
      {"sh", "sh does not exist (a path, relative to the current folder; PATH is not searched)"},
  };
  for (const auto& [simulator, message] : cases) {
    const auto result =
        run_accelsim({"sweep", "--spec", spec.string(), "--out", out.string(), "--simulator", simulator});
    EXPECT_EQ(result.exit_code, 2) << simulator << "\n" << result.output;
    EXPECT_TRUE(contains(result.output, message)) << "expected '" << message << "' in\n" << result.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << simulator << ": the output folder was created";
    const auto point = run_accelsim({"sweep", "--run-point", "{}", "--simulator", simulator});
    EXPECT_EQ(point.exit_code, 2) << simulator << "\n" << point.output;
    EXPECT_TRUE(contains(point.output, message)) << point.output;
  }
}

// --simulator NAME is ./NAME: a path relative to the current folder, as everywhere else.
TEST(SweepCli, ASimulatorWithoutASlashIsAPathInTheCurrentFolder) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto spec = write_spec(dir, "axes:\n  - key: hardware.requant_unit.lanes\n    values: [1]\n");
  const auto result =
      run_shell("cd '" + fake.path().parent_path().string() + "' && exec '" + std::string(ACCELSIM_BINARY) +
                "' sweep --spec '" + spec.string() + "' --out out --simulator " + fake.path().filename().string());
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(fake.runs().size(), 1u) << result.output;
  EXPECT_EQ(read_csv(dir.path() / "out" / "results.csv").at(0).at("status"), "ok");
}

// The Slurm script is written beside the commands as STEM.sbatch: commands named so would be
// overwritten by it.
TEST(SweepCli, CommandsThatTheSlurmScriptWouldOverwriteAreExitCode2) {
  TempDir dir;
  const auto spec = write_spec(dir, "axes:\n  - key: hardware.pe_array.rows\n    values: [4]\n");
  const auto commands = dir.path() / "jobs.sbatch";
  const auto out = dir.path() / "out";
  const auto result =
      run_accelsim({"sweep", "--spec", spec.string(), "--out", out.string(), "--emit-commands", commands.string()});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_TRUE(
      contains(result.output, "--emit-commands " + commands.string() +
                                  ": the Slurm script is written beside the commands as jobs.sbatch, the same file"))
      << result.output;
  EXPECT_FALSE(std::filesystem::exists(commands));
  EXPECT_FALSE(std::filesystem::exists(out)) << "nothing is written";

  const auto manifest = run_accelsim(
      {"sweep", "--spec", spec.string(), "--out", out.string(), "--emit-commands", (out / "sweep.json").string()});
  EXPECT_EQ(manifest.exit_code, 2) << manifest.output;
  EXPECT_TRUE(contains(manifest.output, "would overwrite the sweep's manifest")) << manifest.output;

  const auto fine = run_accelsim(
      {"sweep", "--spec", spec.string(), "--out", out.string(), "--emit-commands", (dir.path() / "jobs").string()});
  EXPECT_EQ(fine.exit_code, 0) << fine.output;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "jobs"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "jobs.sbatch"));
  EXPECT_NE(read_file(dir.path() / "jobs"), read_file(dir.path() / "jobs.sbatch"));
}

TEST(SweepCli, ThePlainSimulatorCommandLineIsUnchanged) {
  TempDir dir;
  const auto result = run_accelsim({"--config", lenet_config(), "--out", dir.path().string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "stats.json"));
}

}  // namespace
}  // namespace accelsim::testing
