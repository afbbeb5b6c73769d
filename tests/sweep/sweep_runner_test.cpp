// `accelsim sweep` end to end: results, determinism, resume, failure isolation, timeouts,
// Ctrl-C, a killed runner, and files that are written whole or not at all.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <set>

#include "core/io/atomic_file.h"
#include "sim/sweep/point_job.h"
#include "sim/sweep/results_table.h"
#include "sim/sweep/sweep_plan.h"
#include "sim/sweep/sweep_spec.h"
#include "tests/support/run_command.h"
#include "tests/sweep/sweep_test_support.h"

namespace accelsim::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

CommandResult sweep(const fs::path& spec, const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> arguments = {"sweep", "--spec", spec.string(), "--out", out.string()};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  return run_accelsim(arguments);
}

std::size_t recorded_points(const fs::path& out) { return files_containing(out / "points", ".json").size(); }

const char* const kSmallLeNetSweep = R"(name: small
axes:
  - name: array
    keys: [hardware.pe_array.rows, hardware.pe_array.cols]
    values: [4, 16]
  - name: dataflow
    key: hardware.pe_array.dataflow
    values: [ws, os]
)";

TEST(SweepRunner, RunsLeNetPointsAndWritesOneRowPerPointInPointOrder) {
  TempDir dir;
  const auto spec = write_spec(dir, kSmallLeNetSweep);
  const auto out = dir.path() / "out";
  const auto result = sweep(spec, out, {"-j", "2"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "4 points: 4 ok (")) << result.output;

  const auto rows = read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 4u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"4", "ws"}, {"4", "os"}, {"16", "ws"}, {"16", "os"}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    EXPECT_EQ(row.at("index"), std::to_string(i));
    EXPECT_EQ(row.at("array"), expected[i].first);
    EXPECT_EQ(row.at("dataflow"), expected[i].second);
    EXPECT_EQ(row.at("status"), "ok");
    EXPECT_EQ(row.at("bit_exact"), "true");
    EXPECT_EQ(row.at("error"), "");
    const int64_t side = std::stoll(expected[i].first);
    EXPECT_EQ(row.at("pe_count"), std::to_string(side * side));
    EXPECT_EQ(row.at("sram_capacity_bytes"), std::to_string(32768 + 16384 + 8192));  // edge-small
    // The area model: PEs, SRAM bits, and 8 requantization lanes with a divider each.
    const double area = (side * side * 419.0 + 57344 * 8 * 0.5 + 8 * 4384.0) * 1e-6;
    EXPECT_NEAR(std::stod(row.at("area_mm2")), area, 1e-12);
    for (const char* metric : {"cycles", "latency_us", "utilization", "dram_bytes", "sram_traffic_bytes", "energy_pj"})
      EXPECT_GT(std::stod(row.at(metric)), 0) << metric;
    EXPECT_TRUE(row.at("pareto") == "true" || row.at("pareto") == "false");
  }

  // A point's figures are those of accelsim run by hand with the same settings.
  const auto by_hand = dir.path() / "by_hand";
  const auto single = run_accelsim({"--config", lenet_config(), "--set", "hardware.pe_array.rows=16", "--set",
                                    "hardware.pe_array.cols=16", "--set", "hardware.pe_array.dataflow=os", "--out",
                                    by_hand.string(), "--quiet"});
  ASSERT_EQ(single.exit_code, 0) << single.output;
  const json stats = read_json(by_hand / "stats.json");
  EXPECT_EQ(rows[3].at("cycles"), std::to_string(stats["total"]["cycles"].get<int64_t>()));
  EXPECT_EQ(std::stoll(rows[3].at("dram_bytes")),
            stats["total"]["dram_read_bytes"].get<int64_t>() + stats["total"]["dram_write_bytes"].get<int64_t>());
  EXPECT_DOUBLE_EQ(std::stod(rows[3].at("energy_pj")), stats["total"]["energy_pj"].get<double>());
  // ... and its own stats.json is kept under points/ID/.
  EXPECT_EQ(read_json(out / "points" / rows[3].at("id") / "stats.json")["total"]["cycles"], stats["total"]["cycles"]);

  const json results = read_json(out / "results.json");
  EXPECT_EQ(results["summary"]["points"], 4);
  EXPECT_EQ(results["summary"]["ok"], 4);
  EXPECT_EQ(results["points"][3]["metrics"]["cycles"], stats["total"]["cycles"]);
  EXPECT_EQ(read_file(out / "pareto.svg").rfind("<svg", 0), 0u);
  EXPECT_TRUE(read_json(out / "host.json").contains("points_per_second"));
}

TEST(SweepRunner, TheSameSpecGivesTheSameResultsWhateverTheParallelism) {
  TempDir dir;
  const auto spec = write_spec(dir, kSmallLeNetSweep);
  ASSERT_EQ(sweep(spec, dir.path() / "a", {"-j", "2"}).exit_code, 0);
  ASSERT_EQ(sweep(spec, dir.path() / "b", {"-j", "1"}).exit_code, 0);
  for (const char* file : {"results.csv", "results.json", "pareto.svg"})
    EXPECT_EQ(read_file(dir.path() / "a" / file), read_file(dir.path() / "b" / file)) << file;
}

TEST(SweepRunner, ARerunResumesWithoutRunningFinishedPointsAgain) {
  TempDir dir;
  const auto spec = write_spec(dir, kSmallLeNetSweep);
  const auto out = dir.path() / "out";
  ASSERT_EQ(sweep(spec, out, {"-j", "2"}).exit_code, 0);
  const std::string first_results = read_file(out / "results.csv");
  std::map<fs::path, fs::file_time_type> written;
  for (const auto& file : files_containing(out / "points", ".json")) written[file] = fs::last_write_time(file);
  ASSERT_EQ(written.size(), 4u);

  auto rerun = sweep(spec, out, {"-j", "2"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_TRUE(contains(rerun.output, "0 simulated now at -j 2, 4 recorded earlier")) << rerun.output;
  EXPECT_EQ(read_json(out / "host.json")["points_run"], 0);
  for (const auto& [file, time] : written) EXPECT_EQ(fs::last_write_time(file), time) << file << " was written again";
  EXPECT_EQ(read_file(out / "results.csv"), first_results);

  // A point whose result is gone runs again, and only it.
  const auto rows = read_csv(out / "results.csv");
  fs::remove(out / "points" / (rows[2].at("id") + ".json"));
  rerun = sweep(spec, out, {"-j", "2"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_EQ(read_json(out / "host.json")["points_run"], 1);
  EXPECT_EQ(read_file(out / "results.csv"), first_results);

  // A spec that gains a value keeps the results of the points it had.
  const auto grown = dir.write(
      "spec.yaml",
      "base: " + lenet_config() + "\n" +
          std::string(kSmallLeNetSweep).replace(std::string(kSmallLeNetSweep).find("[ws, os]"), 8, "[ws, os, is]"));
  rerun = sweep(grown, out, {"-j", "2"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_EQ(read_json(out / "host.json")["points_run"], 2);
  EXPECT_EQ(read_csv(out / "results.csv").size(), 6u);

  // --fresh runs everything again.
  rerun = sweep(grown, out, {"-j", "2", "--fresh"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_EQ(read_json(out / "host.json")["points_run"], 6);
}

TEST(SweepRunner, AFailingPointRecordsItsErrorAndNeverStopsTheOthers) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto spec = write_spec(dir, R"(name: failures
axes:
  - name: behaviour
    key: hardware.requant_unit.lanes
    values: [1, 2, 3, 6]
    labels: [ok, exit3, segfault, bad_input]
  - name: rows
    key: hardware.pe_array.rows
    values: [4, 8]
)");
  const auto out = dir.path() / "out";
  const auto result = sweep(spec, out, {"-j", "2", "--simulator", fake.path().string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(contains(result.output, "8 points: 2 ok, 2 invalid, 2 failed, 2 crashed (")) << result.output;
  EXPECT_TRUE(contains(result.output, "point 2 (behaviour=exit3, rows=4): failed: the datapath caught fire"))
      << result.output;

  const auto rows = read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 8u);
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"ok", {"ok", ""}},
      {"exit3", {"failed", "the datapath caught fire"}},
      {"segfault", {"crashed", "killed by signal 11"}},
      {"bad_input", {"invalid", "fake.yaml:3:4: hardware.x: expected a fake value"}},
  };
  for (const auto& row : rows) {
    const auto& [status, error] = expected.at(row.at("behaviour"));
    EXPECT_EQ(row.at("status"), status) << row.at("index");
    EXPECT_TRUE(contains(row.at("error"), error)) << row.at("index") << ": " << row.at("error");
    if (status == "ok") {
      EXPECT_GT(std::stoll(row.at("cycles")), 0);
      EXPECT_EQ(row.at("bit_exact"), "true");
    } else {
      EXPECT_EQ(row.at("cycles"), "") << "a failed point has no figures";
      EXPECT_EQ(row.at("bit_exact"), "");
      EXPECT_EQ(row.at("pareto"), "false");
    }
  }

  // A rerun leaves failures alone; --retry-failed runs exactly them again.
  const std::size_t runs = fake.runs().size();
  EXPECT_EQ(sweep(spec, out, {"-j", "2", "--simulator", fake.path().string()}).exit_code, 1);
  EXPECT_EQ(fake.runs().size(), runs);
  EXPECT_EQ(sweep(spec, out, {"-j", "2", "--simulator", fake.path().string(), "--retry-failed"}).exit_code, 1);
  EXPECT_EQ(fake.runs().size(), runs + 6);
}

// Points run with the default timeout above, so that a loaded machine cannot turn a quick
// failure into a timeout; hanging points get a short one here.
TEST(SweepRunner, APointPastItsTimeoutIsKilledWithItsProcessGroupAndRecordedAsTimeout) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto spec = write_spec(dir, R"(name: hangs
timeout_seconds: 0.5
axes:
  - key: hardware.requant_unit.lanes
    values: [4]
  - key: hardware.pe_array.rows
    values: [4, 8]
)");
  const auto out = dir.path() / "out";
  const auto result = sweep(spec, out, {"-j", "2", "--simulator", fake.path().string()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const auto rows = read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 2u);
  int grandchildren = 0;
  for (const auto& row : rows) {
    EXPECT_EQ(row.at("status"), "timeout") << row.at("index");
    EXPECT_EQ(row.at("error"), "no result within timeout_seconds = 0.5: killed") << row.at("index");
    // The hanging point's grandchild went with its process group. (A machine loaded enough to
    // take 0.5 s to start the fake's shell kills it before the grandchild exists; the process
    // pool's own test checks the group kill without that condition.)
    const fs::path pid_file = out / "points" / row.at("id") / "grandchild.pid";
    if (!fs::exists(pid_file)) continue;
    ++grandchildren;
    std::ifstream in(pid_file);
    pid_t grandchild = 0;
    ASSERT_TRUE(in >> grandchild);
    // It would sleep for 600 s: gone within 10 s means it was killed.
    EXPECT_TRUE(eventually([&] { return process_is_gone(grandchild); }, 10)) << grandchild;
    kill(grandchild, SIGKILL);
  }
  RecordProperty("grandchildren_checked", grandchildren);
}

TEST(SweepRunner, APointThatDoesNotMapIsInvalidAndTheRestRun) {
  TempDir dir;
  const auto spec = write_spec(dir, R"(axes:
  - name: array
    keys: [hardware.pe_array.rows, hardware.pe_array.cols]
    values: [4, 64]
  - name: weight_sram
    key: hardware.weight_sram.capacity_bytes
    values: [8192, 32768]
)");
  const auto out = dir.path() / "out";
  const auto result = sweep(spec, out, {"-j", "2"});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  const auto rows = read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) {
    const bool unmappable = row.at("array") == "64" && row.at("weight_sram") == "8192";
    EXPECT_EQ(row.at("status"), unmappable ? "invalid" : "ok") << row.at("index") << ": " << row.at("error");
    if (unmappable) {
      EXPECT_TRUE(contains(row.at("error"), "cannot map the network onto the accelerator: layer conv5"))
          << row.at("error");
    }
  }
}

// The spec of the interruption tests: 8 points that take 0.4 s each in the fake simulator.
fs::path slow_spec(const TempDir& dir) {
  return write_spec(dir, R"(name: slow
axes:
  - key: hardware.requant_unit.lanes
    values: [5]
  - key: hardware.pe_array.rows
    range: {from: 1, to: 8, step: 1}
)");
}

TEST(SweepRunner, CtrlCStopsLaunchingEndsThePointsAndLeavesConsistentResultsThatResume) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto spec = slow_spec(dir);
  const auto out = dir.path() / "out";
  const std::vector<std::string> arguments = {"sweep", "--spec",      spec.string(),       "--out", out.string(), "-j",
                                              "2",     "--simulator", fake.path().string()};
  const pid_t runner = start_accelsim(arguments, dir.path() / "first.log");
  ASSERT_TRUE(eventually([&] { return recorded_points(out) >= 2; })) << read_file(dir.path() / "first.log");
  kill(runner, SIGINT);
  EXPECT_EQ(wait_for_exit(runner), 130) << read_file(dir.path() / "first.log");
  EXPECT_TRUE(contains(read_file(dir.path() / "first.log"), "interrupted")) << read_file(dir.path() / "first.log");

  // Every point the runner started has ended.
  for (const auto& [pid, point_out] : fake.runs())
    EXPECT_TRUE(eventually([&, p = pid] { return process_is_gone(p); })) << point_out;
  // The results are whole and agree with what was recorded; nothing half-written is left.
  const std::size_t recorded = recorded_points(out);
  EXPECT_GE(recorded, 2u);
  EXPECT_LT(recorded, 8u);
  const auto rows = read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 8u);
  std::set<std::string> done_before;
  for (const auto& row : rows) {
    EXPECT_TRUE(row.at("status") == "ok" || row.at("status") == "not_run") << row.at("status");
    if (row.at("status") == "ok") done_before.insert(row.at("id"));
  }
  EXPECT_EQ(done_before.size(), recorded);
  EXPECT_TRUE(files_containing(out, ".tmp").empty());
  EXPECT_TRUE(files_containing(out / "points", ".tmp").empty());

  // The same command finishes the rest without running the recorded points again.
  const std::size_t runs_before = fake.runs().size();
  const pid_t resumed = start_accelsim(arguments, dir.path() / "second.log");
  ASSERT_EQ(wait_for_exit(resumed), 0) << read_file(dir.path() / "second.log");
  const auto runs = fake.runs();
  for (std::size_t i = runs_before; i < runs.size(); ++i)
    EXPECT_EQ(done_before.count(fs::path(runs[i].second).filename().string()), 0u) << runs[i].second << " ran twice";
  EXPECT_EQ(runs.size() - runs_before, 8 - recorded);
  for (const auto& row : read_csv(out / "results.csv")) EXPECT_EQ(row.at("status"), "ok");
}

TEST(SweepRunner, ARunnerKilledOutrightLeavesTheLastResultsWholeAndTheNextRunResumes) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto spec = slow_spec(dir);
  const auto out = dir.path() / "out";
  const std::vector<std::string> arguments = {"sweep", "--spec",      spec.string(),       "--out", out.string(), "-j",
                                              "2",     "--simulator", fake.path().string()};
  ASSERT_EQ(wait_for_exit(start_accelsim(arguments, dir.path() / "complete.log")), 0);
  const std::string complete = read_file(out / "results.csv");

  std::vector<std::string> fresh = arguments;
  fresh.push_back("--fresh");
  const std::size_t runs_before = fake.runs().size();
  const pid_t runner = start_accelsim(fresh, dir.path() / "killed.log");
  ASSERT_TRUE(eventually([&] { return fake.runs().size() >= runs_before + 3; }));  // points in flight
  kill(runner, SIGKILL);
  EXPECT_EQ(wait_for_exit(runner), 128 + SIGKILL);
  EXPECT_EQ(read_file(out / "results.csv"), complete);  // the old file, whole

  for (const auto& [pid, point_out] : fake.runs())
    ASSERT_TRUE(eventually([&, p = pid] { return process_is_gone(p); })) << point_out;
  ASSERT_EQ(wait_for_exit(start_accelsim(arguments, dir.path() / "after.log")), 0)
      << read_file(dir.path() / "after.log");
  EXPECT_EQ(read_file(out / "results.csv"), complete);
  EXPECT_TRUE(files_containing(out, ".tmp").empty());
}

// A spec of points that hang (fake simulator behaviour 7) until something stops them.
fs::path hanging_spec(const TempDir& dir, int points) {
  std::string rows;
  for (int i = 0; i < points; ++i) rows += (i ? ", " : "") + std::to_string(4 * (i + 1));
  return write_spec(dir,
                    "name: hanging\naxes:\n  - key: hardware.requant_unit.lanes\n    values: [7]\n  - key: "
                    "hardware.pe_array.rows\n    values: [" +
                        rows + "]\n");
}

TEST(SweepRunner, ARunnerKilledOutrightTakesItsRunningSimulatorsWithIt) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto out = dir.path() / "out";
  const pid_t runner = start_accelsim({"sweep", "--spec", hanging_spec(dir, 3).string(), "--out", out.string(), "-j",
                                       "2", "--simulator", fake.path().string()},
                                      dir.path() / "runner.log");
  ASSERT_TRUE(eventually([&] { return fake.runs().size() >= 2; })) << read_file(dir.path() / "runner.log");
  kill(runner, SIGKILL);
  EXPECT_EQ(wait_for_exit(runner), 128 + SIGKILL);
  for (const auto& [pid, point_out] : fake.runs()) {
    // Each would sleep for 600 s: gone within 10 s means it died with the runner.
    EXPECT_TRUE(eventually([&, p = pid] { return process_is_gone(p); }, 10))
        << "the simulator of " << point_out << " outlived the runner";
    kill(pid, SIGKILL);  // in case it did
  }
  EXPECT_EQ(recorded_points(out), 0u);
}

// scancel (or a signal to a whole process group) stops the simulators too, possibly before the
// runner: a point whose simulator that signal ended is left without a result for the next run,
// never recorded as crashed. Here the simulators get SIGTERM first and the runner only once it
// has collected them, the order in which the mistake would be certain.
TEST(SweepRunner, SimulatorsStoppedAlongWithTheRunnerAreLeftUnrecordedNotCrashed) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto out = dir.path() / "out";
  const pid_t runner = start_accelsim({"sweep", "--spec", hanging_spec(dir, 4).string(), "--out", out.string(), "-j",
                                       "2", "--simulator", fake.path().string()},
                                      dir.path() / "runner.log");
  ASSERT_TRUE(eventually([&] { return fake.runs().size() >= 2; })) << read_file(dir.path() / "runner.log");
  const auto first = fake.runs();
  for (std::size_t i = 0; i < 2; ++i) kill(first[i].first, SIGTERM);
  for (std::size_t i = 0; i < 2; ++i)
    ASSERT_TRUE(eventually([&] { return process_is_reaped(first[i].first); })) << first[i].second;
  ASSERT_TRUE(eventually([&] { return fake.runs().size() >= 4; }))
      << read_file(dir.path() / "runner.log");  // the last two run
  kill(runner, SIGTERM);
  EXPECT_EQ(wait_for_exit(runner), 128 + SIGTERM) << read_file(dir.path() / "runner.log");
  const std::string log = read_file(dir.path() / "runner.log");
  EXPECT_TRUE(contains(log, "stopped by signal 15 (Terminated) from outside this sweep")) << log;

  EXPECT_EQ(recorded_points(out), 0u) << "a stopped point was recorded";
  const auto rows = read_csv(out / "results.csv");
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) EXPECT_EQ(row.at("status"), "not_run") << row.at("index") << ": " << row.at("error");
  for (const auto& [pid, point_out] : fake.runs()) {
    EXPECT_TRUE(eventually([&, p = pid] { return process_is_gone(p); }, 10)) << point_out;
    kill(pid, SIGKILL);
  }
}

// After an interrupted --fresh run the results show, for each point, what its result file
// holds: the new result, or the one recorded before. So does a merge.
TEST(SweepRunner, AnInterruptedFreshRunShowsTheResultsOnDiskLikeAMerge) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto spec = slow_spec(dir);
  const auto out = dir.path() / "out";
  const std::vector<std::string> arguments = {"sweep", "--spec",      spec.string(),       "--out", out.string(), "-j",
                                              "2",     "--simulator", fake.path().string()};
  ASSERT_EQ(wait_for_exit(start_accelsim(arguments, dir.path() / "complete.log")), 0)
      << read_file(dir.path() / "complete.log");

  std::vector<std::string> fresh = arguments;
  fresh.push_back("--fresh");
  const std::size_t runs_before = fake.runs().size();
  const pid_t runner = start_accelsim(fresh, dir.path() / "fresh.log");
  ASSERT_TRUE(eventually([&] { return fake.runs().size() >= runs_before + 3; })) << read_file(dir.path() / "fresh.log");
  kill(runner, SIGINT);
  ASSERT_EQ(wait_for_exit(runner), 130) << read_file(dir.path() / "fresh.log");
  EXPECT_LT(fake.runs().size(), runs_before + 8) << "every point ran before the interrupt: nothing is tested";

  const std::string after_run = read_file(out / "results.csv");
  for (const auto& row : read_csv(out / "results.csv")) EXPECT_EQ(row.at("status"), "ok") << row.at("index");
  const auto merged = run_accelsim({"sweep", "--merge", out.string()});
  EXPECT_EQ(merged.exit_code, 0) << merged.output;
  EXPECT_EQ(read_file(out / "results.csv"), after_run);
}

// A simulator that cannot be started says nothing about its point: the point is left without a
// result (reported, exit code 1), and the next run does it.
TEST(SweepRunner, APointWhoseSimulatorCannotStartIsLeftUnrecordedAndTheNextRunDoesIt) {
  TempDir dir;
  const FakeSimulator fake(dir);
  // Exists and is executable, so it passes the --simulator check, but exec fails.
  const fs::path broken = dir.write("broken-accelsim.sh", "#!/nonexistent/sh\nexit 0\n");
  fs::permissions(broken, fs::perms::owner_all, fs::perm_options::add);
  const auto spec = write_spec(dir,
                               "axes:\n  - key: hardware.requant_unit.lanes\n    values: [1]\n  - key: "
                               "hardware.pe_array.rows\n    values: [4, 8]\n");
  const auto out = dir.path() / "out";
  const auto failed = sweep(spec, out, {"-j", "2", "--simulator", broken.string()});
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_TRUE(contains(failed.output, "2 points have no new result; the same command runs them again"))
      << failed.output;
  EXPECT_TRUE(
      contains(failed.output,
               "point 0 (hardware.requant_unit.lanes=1, hardware.pe_array.rows=4): cannot start " + broken.string()))
      << failed.output;
  EXPECT_EQ(recorded_points(out), 0u);
  for (const auto& row : read_csv(out / "results.csv")) EXPECT_EQ(row.at("status"), "not_run");

  const auto rerun = sweep(spec, out, {"-j", "2", "--simulator", fake.path().string()});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_EQ(fake.runs().size(), 2u);
  for (const auto& row : read_csv(out / "results.csv")) EXPECT_EQ(row.at("status"), "ok");
}

// With more points at once than file descriptors allow (ulimit -n 24, -j 30), points wait for
// descriptors instead of failing.
TEST(SweepRunner, ARunShortOfFileDescriptorsStillRunsEveryPoint) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto spec = write_spec(dir,
                               "axes:\n  - key: hardware.requant_unit.lanes\n    values: [1]\n  - key: "
                               "hardware.pe_array.rows\n    range: {from: 1, to: 30, step: 1}\n");
  const auto out = dir.path() / "out";
  const auto result =
      run_shell("ulimit -n 24 && exec '" + std::string(ACCELSIM_BINARY) + "' sweep --spec '" + spec.string() +
                "' --out '" + out.string() + "' -j 30 --simulator '" + fake.path().string() + "'");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(contains(result.output, "30 points: 30 ok (")) << result.output;
  EXPECT_EQ(recorded_points(out), 30u);
}

// Temporary files in OUT are written only under the folder's lock, so a run clears them all;
// under OUT/points/ a --run-point writer may be writing one right now (it takes no lock), so a
// run clears only those no writer has touched for an hour.
TEST(SweepRunner, ARunRemovesOnlyTemporaryFilesThatNoLiveWriterCanOwn) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto spec = write_spec(dir, "axes:\n  - key: hardware.requant_unit.lanes\n    values: [1]\n");
  const auto out = dir.path() / "out";
  ASSERT_EQ(sweep(spec, out, {"--simulator", fake.path().string()}).exit_code, 0);
  const std::string id = read_csv(out / "results.csv").at(0).at("id");
  const auto two_hours_ago = fs::file_time_type::clock::now() - std::chrono::hours(2);
  const auto temporary = [&](const fs::path& file, bool old) {
    std::ofstream(file) << "partial";
    if (old) fs::last_write_time(file, two_hours_ago);
    return file;
  };
  const fs::path results_old = temporary(out / ".results.csv.tmp11", true);
  const fs::path results_new = temporary(out / ".results.csv.tmp12", false);
  const fs::path point_old = temporary(out / "points" / ("." + id + ".json.tmp21"), true);
  const fs::path point_live = temporary(out / "points" / ("." + id + ".json.tmp22"), false);
  const fs::path stats_old = temporary(out / "points" / id / ".stats.json.tmp31", true);
  const fs::path stats_live = temporary(out / "points" / id / ".stats.json.tmp32", false);

  const auto rerun = sweep(spec, out, {"--simulator", fake.path().string()});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_FALSE(fs::exists(results_old));
  EXPECT_FALSE(fs::exists(results_new));
  EXPECT_FALSE(fs::exists(point_old));
  EXPECT_TRUE(fs::exists(point_live)) << "a live writer's temporary file was removed";
  EXPECT_FALSE(fs::exists(stats_old)) << "a killed simulator's temporary file was left";
  EXPECT_TRUE(fs::exists(stats_live)) << "a live simulator's temporary file was removed";
}

// `--run-point` (what the emitted commands run) exits 128 + N when signal N stops it, or stops
// its simulator from outside, and records nothing.
TEST(SweepRunner, RunPointStoppedByASignalExits128PlusItAndRecordsNothing) {
  TempDir dir;
  const FakeSimulator fake(dir);
  const auto out = dir.path() / "out";
  const sweep::SweepPlan plan = sweep::make_plan(sweep::load_sweep_spec(hanging_spec(dir, 1)), out);
  ASSERT_EQ(plan.jobs.size(), 1u);
  const std::vector<std::string> arguments = {"sweep", "--run-point", plan.jobs[0].to_json().dump(), "--simulator",
                                              fake.path().string()};

  const pid_t stopped = start_accelsim(arguments, dir.path() / "stopped.log");
  ASSERT_TRUE(eventually([&] { return fake.runs().size() >= 1; })) << read_file(dir.path() / "stopped.log");
  kill(stopped, SIGTERM);
  EXPECT_EQ(wait_for_exit(stopped), 128 + SIGTERM) << read_file(dir.path() / "stopped.log");
  EXPECT_TRUE(
      contains(read_file(dir.path() / "stopped.log"), "point 0: stopped by signal 15 (Terminated); nothing recorded"))
      << read_file(dir.path() / "stopped.log");
  EXPECT_FALSE(fs::exists(plan.jobs[0].result_file));

  const pid_t its_simulator_stopped = start_accelsim(arguments, dir.path() / "simulator_stopped.log");
  ASSERT_TRUE(eventually([&] { return fake.runs().size() >= 2; })) << read_file(dir.path() / "simulator_stopped.log");
  kill(fake.runs()[1].first, SIGHUP);
  EXPECT_EQ(wait_for_exit(its_simulator_stopped), 128 + SIGHUP) << read_file(dir.path() / "simulator_stopped.log");
  EXPECT_FALSE(fs::exists(plan.jobs[0].result_file));

  for (const auto& [pid, point_out] : fake.runs()) {
    EXPECT_TRUE(eventually([&, p = pid] { return process_is_gone(p); }, 10)) << point_out;
    kill(pid, SIGKILL);
  }
}

TEST(SweepRunner, TwoRunsCannotShareAnOutputFolder) {
  TempDir dir;
  const FakeSimulator fake(dir);
  // One point that hangs until the first run is interrupted.
  const auto spec =
      write_spec(dir, "timeout_seconds: 300\naxes:\n  - key: hardware.requant_unit.lanes\n    values: [4]\n");
  const auto out = dir.path() / "out";
  const pid_t first = start_accelsim(
      {"sweep", "--spec", spec.string(), "--out", out.string(), "-j", "1", "--simulator", fake.path().string()},
      dir.path() / "first.log");
  ASSERT_TRUE(eventually([&] { return !fake.runs().empty(); }));
  const auto second = sweep(spec, out, {"--simulator", fake.path().string()});
  EXPECT_EQ(second.exit_code, 2) << second.output;
  EXPECT_TRUE(contains(second.output, "another accelsim sweep is using this folder")) << second.output;
  kill(first, SIGINT);
  EXPECT_EQ(wait_for_exit(first), 130);
}

// Results files are replaced by rename: a writer killed at any moment leaves the old file or the
// new one, never a part. Here a writer replaces a 1 MB results.csv in a loop (new, old, new, ...),
// so that a kill after a varying delay lands in the middle of a write most of the time.
TEST(SweepRunner, ResultsAreWrittenWholeOrNotAtAll) {
  TempDir dir;
  sweep::SweepPlan plan;
  plan.name = "big";
  plan.columns = {"x"};
  plan.metrics = {"cycles", "energy_pj"};
  plan.pareto = {"cycles", "energy_pj"};
  std::map<int64_t, sweep::PointResult> results;
  for (int64_t i = 0; i < 20000; ++i) {
    sweep::PointJob job;
    job.index = i;
    job.fingerprint = std::to_string(i);
    job.settings = {{"x", std::to_string(i), std::to_string(i)}};
    plan.jobs.push_back(job);
    sweep::PointResult r;
    r.index = i;
    r.fingerprint = job.fingerprint;
    r.status = sweep::PointStatus::Ok;
    r.metrics = {{"cycles", 1000 + (i * 7919) % 5000}, {"energy_pj", 1e6 + static_cast<double>((i * 104729) % 7000)}};
    results[i] = r;
  }
  const auto old_table = sweep::build_results(plan, {});
  const auto new_table = sweep::build_results(plan, results);
  const std::string old_csv = sweep::results_csv(old_table), new_csv = sweep::results_csv(new_table);
  ASSERT_NE(old_csv.size(), new_csv.size());
  sweep::write_results(old_table, dir.path());
  for (int attempt = 0; attempt < 25; ++attempt) {
    const pid_t writer = fork();
    if (writer == 0) {
      // results.csv exactly as write_results writes it.
      for (;;) {
        report::write_file_atomically(dir.path() / "results.csv", new_csv);
        report::write_file_atomically(dir.path() / "results.csv", old_csv);
      }
    }
    usleep(static_cast<useconds_t>(2000 + attempt * 1500));
    kill(writer, SIGKILL);
    waitpid(writer, nullptr, 0);
    const std::string csv = read_file(dir.path() / "results.csv");
    ASSERT_TRUE(csv == old_csv || csv == new_csv)
        << "attempt " << attempt << ": a partial results.csv of " << csv.size() << " bytes";
  }
  // The next run clears the temporary files the killed writers left behind.
  TempDir spec_dir;
  const auto spec = write_spec(spec_dir, "axes:\n  - key: hardware.pe_array.rows\n    values: [4]\n");
  fs::copy(dir.path(), spec_dir.path() / "out", fs::copy_options::recursive);
  ASSERT_EQ(sweep(spec, spec_dir.path() / "out").exit_code, 0);
  EXPECT_TRUE(files_containing(spec_dir.path() / "out", ".tmp").empty());
}

// The sweep checks every point's config before running any and keeps its hardware facts on the
// job; finishing the point then takes them from there instead of loading the config again. The
// config named here does not exist: loading it would make the point invalid.
TEST(SweepPointFacts, FinishingAPointUsesTheFactsCheckedBeforeItsRun) {
  TempDir dir;
  sweep::PointJob job;
  job.index = 3;
  job.config = dir.path() / "no_such_config.yaml";
  job.output_dir = dir.path() / "point";
  job.metrics = {"pe_count", "area_mm2"};
  fs::create_directories(job.output_dir);
  std::ofstream(job.output_dir / "stats.json") << R"({"bit_exact": true})";
  sweep::ChildOutcome exited;
  exited.end = sweep::ChildEnd::Exited;
  exited.exit_code = 0;

  sweep::HardwareFacts facts;
  facts.pe_count = 64;  // an 8x8 array
  facts.sram_capacity_bytes = 16384;
  facts.requant_lanes = 4;
  facts.requant_datapaths = {"divide"};
  job.hardware_facts = facts;
  const sweep::PointResult result = sweep::finish_point(job, exited);
  EXPECT_EQ(result.status, sweep::PointStatus::Ok) << result.error;
  EXPECT_EQ(result.metrics.at("pe_count").get<int64_t>(), 64);
  // 64 PEs * 419 um^2 + 16384 bytes * 8 bits * 0.5 um^2 + 4 lanes * 4384 um^2 (a divider each)
  // = 26816 + 65536 + 17536 = 109888 um^2 = 0.109888 mm^2 (AreaModel's defaults).
  EXPECT_DOUBLE_EQ(result.metrics.at("area_mm2").get<double>(), 0.109888);

  job.hardware_facts.reset();  // a job read back from JSON: the config is loaded, and is missing
  EXPECT_EQ(sweep::finish_point(job, exited).status, sweep::PointStatus::Invalid);
}

}  // namespace
}  // namespace accelsim::testing
