#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/sweep/area_model.h"
#include "sim/sweep/process_pool.h"

namespace accelsim::sweep {

// A column's value at one point, as results show it.
struct ColumnSetting {
  std::string column;
  std::string value;  // as given to --set (or the config path of the base column)
  std::string label;  // as shown in results.csv
};

// Everything needed to run one design point and record its result, self-contained: the
// emitted commands pass it as JSON to `accelsim sweep --run-point`.
struct PointJob {
  std::string sweep;
  int64_t index = 0;
  std::string fingerprint;  // identifies the point's inputs; a result with another one is stale
  std::vector<ColumnSetting> settings;
  std::filesystem::path config;
  std::vector<std::string> overrides;
  int64_t images = 1;
  double timeout_seconds = 300;
  std::vector<std::string> metrics;
  AreaModel area;
  std::filesystem::path result_file;  // the point's result (JSON)
  std::filesystem::path output_dir;   // the simulator's --out
  // Taken from the point's config when the sweep checked it before running any point, so that
  // finishing the point does not load its config a second time. Not in the JSON: a job read
  // back (--run-point) loads its config again.
  std::optional<HardwareFacts> hardware_facts;

  nlohmann::json to_json() const;
  // Throws std::invalid_argument naming what is missing or malformed.
  static PointJob from_json(const nlohmann::json& json);
};

enum class PointStatus {
  Ok,        // simulated, every output bit-exact
  Mismatch,  // simulated, an output differs from the golden model (exit 1): metrics kept
  Invalid,   // the simulator rejected the point's config (exit 2), e.g. it does not map
  Failed,    // the simulation failed (exit 3, another code, unreadable stats)
  Crashed,   // the simulator died of a signal
  Timeout,   // killed after timeout_seconds
};

const char* name_of(PointStatus status);
std::optional<PointStatus> parse_status(const std::string& name);

struct PointResult {
  int64_t index = 0;
  std::string fingerprint;
  std::vector<ColumnSetting> settings;
  PointStatus status = PointStatus::Failed;
  int exit_code = -1;  // -1 when the simulator did not exit on its own
  std::string error;
  std::optional<bool> bit_exact;
  nlohmann::json metrics = nlohmann::json::object();

  nlohmann::json to_json() const;
};

// The simulator command line of a point.
std::vector<std::string> simulator_command(const PointJob& job, const std::filesystem::path& simulator);

// Removes what an earlier, interrupted run of the point may have left, so that only this run's
// stats can be read; creates the output folder.
void prepare_point(const PointJob& job);

// Whether a simulator's end says something about its point. A program that could not be
// started (SpawnFailed: a wrong --simulator, descriptors running out) or a simulator that was
// stopped (Interrupted) does not: such a point is left without a result, so that the next run
// does it, rather than recorded as failed for good.
bool is_point_result(const ChildOutcome& outcome);

// The result of a point from how its simulator process ended and the stats it wrote; only for
// outcomes that are point results (throws std::logic_error for the others).
PointResult finish_point(const PointJob& job, const ChildOutcome& outcome);

// Written whole or not at all.
void write_point_result(const PointJob& job, const PointResult& result);
// nullopt when absent, unreadable, or not a point result.
std::optional<PointResult> read_point_result(const std::filesystem::path& file);

// How `accelsim sweep --run-point` went.
struct PointRun {
  std::optional<PointStatus> status;  // nullopt: nothing recorded (see not_recorded)
  bool recorded_earlier = false;      // the result was there already; nothing ran
  int stop_signal = 0;                // non-zero: this process or its simulator was stopped by this signal
  std::string not_recorded;           // why there is no result, when status is nullopt
};

// Runs one point as a child process (`accelsim sweep --run-point`) and records its result,
// unless a result with the same fingerprint is there already. Nothing is recorded when this
// process or the simulator is stopped by a signal, or the simulator cannot be started.
PointRun run_point(const PointJob& job, const std::filesystem::path& simulator);

// OUT/points/ID.json and OUT/points/ID/ for the point whose fingerprint is ID: named by what
// the point is rather than by its index, so that a spec that gains or loses values keeps the
// results of the points it still has.
std::filesystem::path point_result_file(const std::filesystem::path& out, const std::string& fingerprint);
std::filesystem::path point_output_dir(const std::filesystem::path& out, const std::string& fingerprint);

}  // namespace accelsim::sweep
