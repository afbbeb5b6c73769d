#include "sim/sweep/point_job.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>

#include "core/config/configuration_error.h"
#include "core/io/atomic_file.h"
#include "sim/sweep/metrics.h"

namespace accelsim::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kPointFormat = "accelsim-sweep-point/1";
constexpr std::size_t kMaxErrorLength = 1000;

json settings_json(const std::vector<ColumnSetting>& settings) {
  json list = json::array();
  for (const auto& s : settings) list.push_back({{"column", s.column}, {"value", s.value}, {"label", s.label}});
  return list;
}

std::vector<ColumnSetting> settings_from(const json& list) {
  std::vector<ColumnSetting> settings;
  for (const auto& s : list)
    settings.push_back(
        {s.at("column").get<std::string>(), s.at("value").get<std::string>(), s.at("label").get<std::string>()});
  return settings;
}

json area_json(const AreaModel& a) {
  return {{"pe_um2", a.pe_um2},
          {"sram_um2_per_bit", a.sram_um2_per_bit},
          {"requant_divide_um2", a.requant_divide_um2},
          {"requant_multiply_float32_um2", a.requant_multiply_float32_um2},
          {"requant_multiply_float64_um2", a.requant_multiply_float64_um2},
          {"requant_fixed_point_um2", a.requant_fixed_point_um2},
          {"requant_shift_um2", a.requant_shift_um2}};
}

AreaModel area_from(const json& j) {
  AreaModel a;
  a.pe_um2 = j.at("pe_um2").get<double>();
  a.sram_um2_per_bit = j.at("sram_um2_per_bit").get<double>();
  a.requant_divide_um2 = j.at("requant_divide_um2").get<double>();
  a.requant_multiply_float32_um2 = j.at("requant_multiply_float32_um2").get<double>();
  a.requant_multiply_float64_um2 = j.at("requant_multiply_float64_um2").get<double>();
  a.requant_fixed_point_um2 = j.at("requant_fixed_point_um2").get<double>();
  a.requant_shift_um2 = j.at("requant_shift_um2").get<double>();
  return a;
}

// The simulator's stderr as one line: its "accelsim: error: " prefixes dropped.
std::string error_message(const std::string& output) {
  std::string message;
  std::size_t start = 0;
  while (start < output.size()) {
    std::size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    std::string line = output.substr(start, end - start);
    start = end + 1;
    for (const char* prefix : {"accelsim: error: ", "accelsim: "})
      if (line.rfind(prefix, 0) == 0) {
        line.erase(0, std::strlen(prefix));
        break;
      }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.erase(0, 1);
    if (!line.empty()) message += (message.empty() ? "" : "; ") + line;
  }
  if (message.size() > kMaxErrorLength) message = message.substr(0, kMaxErrorLength) + "...";
  return message;
}

json read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot be read");
  return json::parse(in);
}

}  // namespace

json PointJob::to_json() const {
  return {{"sweep", sweep},
          {"index", index},
          {"fingerprint", fingerprint},
          {"settings", settings_json(settings)},
          {"config", config.string()},
          {"overrides", overrides},
          {"images", images},
          {"timeout_seconds", timeout_seconds},
          {"metrics", metrics},
          {"area_model", area_json(area)},
          {"result", result_file.string()},
          {"output", output_dir.string()}};
}

PointJob PointJob::from_json(const json& j) {
  try {
    PointJob job;
    job.sweep = j.at("sweep").get<std::string>();
    job.index = j.at("index").get<int64_t>();
    job.fingerprint = j.at("fingerprint").get<std::string>();
    job.settings = settings_from(j.at("settings"));
    job.config = j.at("config").get<std::string>();
    job.overrides = j.at("overrides").get<std::vector<std::string>>();
    job.images = j.at("images").get<int64_t>();
    job.timeout_seconds = j.at("timeout_seconds").get<double>();
    job.metrics = j.at("metrics").get<std::vector<std::string>>();
    job.area = area_from(j.at("area_model"));
    job.result_file = j.at("result").get<std::string>();
    job.output_dir = j.at("output").get<std::string>();
    if (job.index < 0 || job.images < 1 || job.timeout_seconds <= 0 || job.result_file.empty() ||
        job.output_dir.empty())
      throw std::invalid_argument("out-of-range index, images, timeout_seconds or an empty path");
    return job;
  } catch (const json::exception& e) {
    throw std::invalid_argument(e.what());
  }
}

const char* name_of(PointStatus status) {
  switch (status) {
    case PointStatus::Ok:
      return "ok";
    case PointStatus::Mismatch:
      return "mismatch";
    case PointStatus::Invalid:
      return "invalid";
    case PointStatus::Failed:
      return "failed";
    case PointStatus::Crashed:
      return "crashed";
    case PointStatus::Timeout:
      return "timeout";
  }
  return "failed";
}

std::optional<PointStatus> parse_status(const std::string& name) {
  for (PointStatus status : {PointStatus::Ok, PointStatus::Mismatch, PointStatus::Invalid, PointStatus::Failed,
                             PointStatus::Crashed, PointStatus::Timeout})
    if (name == name_of(status)) return status;
  return std::nullopt;
}

json PointResult::to_json() const {
  return {{"format", kPointFormat},
          {"index", index},
          {"fingerprint", fingerprint},
          {"settings", settings_json(settings)},
          {"status", name_of(status)},
          {"exit_code", exit_code},
          {"error", error},
          {"bit_exact", bit_exact ? json(*bit_exact) : json(nullptr)},
          {"metrics", metrics}};
}

std::vector<std::string> simulator_command(const PointJob& job, const fs::path& simulator) {
  std::vector<std::string> command = {simulator.string(),         "--config", job.config.string(),     "--images",
                                      std::to_string(job.images), "--out",    job.output_dir.string(), "--quiet"};
  for (const auto& assignment : job.overrides) {
    command.push_back("--set");
    command.push_back(assignment);
  }
  return command;
}

void prepare_point(const PointJob& job) {
  fs::create_directories(job.output_dir);
  fs::create_directories(job.result_file.parent_path());
  std::error_code ignored;
  fs::remove(job.output_dir / "stats.json", ignored);
}

bool is_point_result(const ChildOutcome& outcome) {
  return outcome.end != ChildEnd::SpawnFailed && outcome.end != ChildEnd::Interrupted;
}

PointResult finish_point(const PointJob& job, const ChildOutcome& outcome) {
  if (!is_point_result(outcome))
    throw std::logic_error("finish_point: a simulator that was not started or was stopped has no result");
  PointResult result;
  result.index = job.index;
  result.fingerprint = job.fingerprint;
  result.settings = job.settings;
  const std::string message = error_message(outcome.error_output);
  switch (outcome.end) {
    case ChildEnd::TimedOut:
      result.status = PointStatus::Timeout;
      result.error = fmt::format("no result within timeout_seconds = {}: killed", job.timeout_seconds);
      return result;
    case ChildEnd::Signaled:
      result.status = PointStatus::Crashed;
      result.error = fmt::format("killed by signal {} ({})", outcome.signal, strsignal(outcome.signal)) +
                     (message.empty() ? "" : ": " + message);
      return result;
    case ChildEnd::Exited:
      break;
    case ChildEnd::SpawnFailed:
    case ChildEnd::Interrupted:
      break;  // excluded above
  }
  result.exit_code = outcome.exit_code;
  if (outcome.exit_code != 0 && outcome.exit_code != 1) {
    result.status = outcome.exit_code == 2 ? PointStatus::Invalid : PointStatus::Failed;
    result.error = message.empty() ? fmt::format("exit code {}", outcome.exit_code) : message;
    return result;
  }
  try {
    const json stats = read_json(job.output_dir / "stats.json");
    // null: a timing-only point (network.values: none), which has nothing to check.
    if (!stats.at("bit_exact").is_null()) result.bit_exact = stats.at("bit_exact").get<bool>();
    const HardwareFacts facts =
        job.hardware_facts ? *job.hardware_facts : read_hardware_facts(job.config, job.overrides);
    result.metrics = extract_metrics(job.metrics, stats, facts, job.area);
  } catch (const config::ConfigurationError& e) {
    result.status = PointStatus::Invalid;
    result.error = e.what();
    result.metrics = json::object();
    return result;
  } catch (const std::exception& e) {
    result.status = PointStatus::Failed;
    result.error = fmt::format("exit code {}, but its stats: {}", outcome.exit_code, e.what());
    result.metrics = json::object();
    return result;
  }
  if (outcome.exit_code == 0 && result.bit_exact.value_or(true)) {
    result.status = PointStatus::Ok;
  } else {
    result.status = PointStatus::Mismatch;
    result.error = message.empty() ? "an output differs from the golden model" : message;
  }
  return result;
}

void write_point_result(const PointJob& job, const PointResult& result) {
  fs::create_directories(job.result_file.parent_path());
  report::write_file_atomically(job.result_file, result.to_json().dump(2) + "\n");
}

std::optional<PointResult> read_point_result(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  try {
    const json j = read_json(file);
    if (j.at("format") != kPointFormat) return std::nullopt;
    PointResult result;
    result.index = j.at("index").get<int64_t>();
    result.fingerprint = j.at("fingerprint").get<std::string>();
    result.settings = settings_from(j.at("settings"));
    const auto status = parse_status(j.at("status").get<std::string>());
    if (!status) return std::nullopt;
    result.status = *status;
    result.exit_code = j.at("exit_code").get<int>();
    result.error = j.at("error").get<std::string>();
    if (!j.at("bit_exact").is_null()) result.bit_exact = j.at("bit_exact").get<bool>();
    result.metrics = j.at("metrics");
    if (!result.metrics.is_object()) return std::nullopt;
    return result;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

PointRun run_point(const PointJob& job, const fs::path& simulator) {
  PointRun run;
  if (const auto existing = read_point_result(job.result_file); existing && existing->fingerprint == job.fingerprint) {
    run.recorded_earlier = true;
    run.status = existing->status;
    return run;
  }
  prepare_point(job);
  const SignalWatch watch;
  ProcessPool pool(1, watch);
  std::optional<PointResult> result;
  pool.run(
      1,
      [&](std::size_t) {
        return ChildCommand{simulator_command(job, simulator), job.timeout_seconds};
      },
      [&](std::size_t, const ChildOutcome& outcome) {
        if (is_point_result(outcome)) {
          result = finish_point(job, outcome);
        } else if (outcome.end == ChildEnd::SpawnFailed) {
          run.not_recorded = outcome.error_output;
        } else {
          run.stop_signal = outcome.signal;
          run.not_recorded =
              fmt::format("the simulator was stopped by signal {} ({})", outcome.signal, strsignal(outcome.signal));
        }
      });
  if (result) {  // a simulator that ended on its own before a stop still has its result
    write_point_result(job, *result);
    run.status = result->status;
  }
  if (watch.interrupted()) {
    run.stop_signal = watch.interrupt_signal();
    if (!result)
      run.not_recorded = fmt::format("stopped by signal {} ({})", run.stop_signal, strsignal(run.stop_signal));
  }
  return run;
}

fs::path point_result_file(const fs::path& out, const std::string& fingerprint) {
  return out / "points" / (fingerprint + ".json");
}

fs::path point_output_dir(const fs::path& out, const std::string& fingerprint) { return out / "points" / fingerprint; }

}  // namespace accelsim::sweep
