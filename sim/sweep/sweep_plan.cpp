#include "sim/sweep/sweep_plan.h"

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <map>

#include "core/io/atomic_file.h"
#include "sim/sweep/design_points.h"

namespace accelsim::sweep {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kManifestFormat = "accelsim-sweep/1";

std::string file_content(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::string fingerprint_of(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return fmt::format("{:016x}", hash);
}

SweepPlan make_plan(const SweepSpec& spec, const fs::path& out, std::optional<int64_t> images) {
  SweepPlan plan;
  plan.name = spec.name;
  plan.spec_file = fs::absolute(spec.file).lexically_normal();
  plan.out = fs::absolute(out).lexically_normal();
  for (const auto& column : spec.columns) plan.columns.push_back(column.name);
  plan.metrics = spec.metrics;
  plan.pareto = spec.pareto;
  plan.pareto_tolerance = spec.pareto_tolerance;
  plan.colour_by = spec.colour_by;

  // What every point shares goes into its fingerprint too: a changed metric list, image count
  // or area model makes earlier results stale. The config file's own text does, but not the
  // files it includes or the tensors it names (docs/sweeps.md).
  std::string shared = fmt::format("images={}\n", images.value_or(spec.images));
  for (const auto& metric : spec.metrics) shared += "metric=" + metric + "\n";
  const AreaModel& a = spec.area;
  shared += fmt::format("area={} {} {} {} {} {} {}\n", a.pe_um2, a.sram_um2_per_bit, a.requant_divide_um2,
                        a.requant_multiply_float32_um2, a.requant_multiply_float64_um2, a.requant_fixed_point_um2,
                        a.requant_shift_um2);
  std::map<fs::path, std::string> config_hashes;

  for (const DesignPoint& point : expand_points(spec)) {
    const PointConfig config = point_config(spec, point);
    auto hash = config_hashes.find(config.config);
    if (hash == config_hashes.end())
      hash = config_hashes.emplace(config.config, fingerprint_of(file_content(config.config))).first;

    PointJob job;
    job.sweep = spec.name;
    job.index = point.index;
    for (std::size_t c = 0; c < spec.columns.size(); ++c)
      job.settings.push_back({spec.columns[c].name, point.settings[c].value, point.settings[c].label});
    job.config = fs::absolute(config.config).lexically_normal();
    job.overrides = config.overrides;
    job.images = images.value_or(spec.images);
    job.timeout_seconds = spec.timeout_seconds;
    job.metrics = spec.metrics;
    job.area = spec.area;
    std::string inputs = shared + "config=" + config.config_text + " " + hash->second + "\n";
    for (const auto& assignment : config.overrides) inputs += "set=" + assignment + "\n";
    job.fingerprint = fingerprint_of(inputs);
    job.result_file = point_result_file(plan.out, job.fingerprint);
    job.output_dir = point_output_dir(plan.out, job.fingerprint);
    plan.jobs.push_back(std::move(job));
  }
  return plan;
}

fs::path manifest_file(const fs::path& out) { return out / "sweep.json"; }

void write_manifest(const SweepPlan& plan) {
  json points = json::array();
  for (const auto& job : plan.jobs) {
    json settings = json::array();
    for (const auto& s : job.settings)
      settings.push_back({{"column", s.column}, {"value", s.value}, {"label", s.label}});
    points.push_back({{"index", job.index},
                      {"fingerprint", job.fingerprint},
                      {"settings", settings},
                      {"config", job.config.string()},
                      {"overrides", job.overrides}});
  }
  const PointJob* first = plan.jobs.empty() ? nullptr : &plan.jobs.front();
  json manifest = {{"format", kManifestFormat},
                   {"name", plan.name},
                   {"spec", plan.spec_file.string()},
                   {"columns", plan.columns},
                   {"metrics", plan.metrics},
                   {"pareto", plan.pareto},
                   {"pareto_tolerance", plan.pareto_tolerance},
                   {"colour_by", plan.colour_by},
                   {"images", first ? first->images : 1},
                   {"timeout_seconds", first ? first->timeout_seconds : 0.0},
                   {"area_model", first ? first->to_json()["area_model"] : json::object()},
                   {"points", points}};
  report::write_file_atomically(manifest_file(plan.out), manifest.dump(1) + "\n");
}

SweepPlan read_manifest(const fs::path& out) {
  const fs::path file = manifest_file(out);
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw ManifestError(
        file.string() +
        ": not found (a sweep folder holds the sweep.json that `accelsim sweep` or --emit-commands wrote)");
  try {
    const json manifest = json::parse(in);
    if (manifest.at("format") != kManifestFormat)
      throw ManifestError(file.string() + ": not an accelsim sweep manifest");
    SweepPlan plan;
    plan.name = manifest.at("name").get<std::string>();
    plan.spec_file = manifest.at("spec").get<std::string>();
    plan.out = out;
    plan.columns = manifest.at("columns").get<std::vector<std::string>>();
    plan.metrics = manifest.at("metrics").get<std::vector<std::string>>();
    plan.pareto = manifest.at("pareto").get<std::vector<std::string>>();
    plan.pareto_tolerance = manifest.value("pareto_tolerance", kDefaultParetoTolerance);  // older manifests: none
    plan.colour_by = manifest.value("colour_by", std::string());
    json job_json = {{"sweep", plan.name},
                     {"images", manifest.at("images")},
                     {"timeout_seconds", manifest.at("timeout_seconds")},
                     {"metrics", plan.metrics},
                     {"area_model", manifest.at("area_model")}};
    for (const auto& point : manifest.at("points")) {
      const int64_t index = point.at("index").get<int64_t>();
      job_json["index"] = index;
      job_json["fingerprint"] = point.at("fingerprint");
      job_json["settings"] = point.at("settings");
      job_json["config"] = point.at("config");
      job_json["overrides"] = point.at("overrides");
      const std::string fingerprint = point.at("fingerprint").get<std::string>();
      if (fingerprint.size() != 16 || fingerprint.find_first_not_of("0123456789abcdef") != std::string::npos)
        throw ManifestError(file.string() + ": malformed point fingerprint '" + fingerprint + "'");
      job_json["result"] = point_result_file(out, fingerprint).string();
      job_json["output"] = point_output_dir(out, fingerprint).string();
      plan.jobs.push_back(PointJob::from_json(job_json));
      if (plan.jobs.back().settings.size() != plan.columns.size())
        throw ManifestError(file.string() + ": a point's settings do not match the columns");
    }
    return plan;
  } catch (const ManifestError&) {
    throw;
  } catch (const std::exception& e) {
    throw ManifestError(file.string() + ": malformed manifest (" + std::string(e.what()) + ")");
  }
}

}  // namespace accelsim::sweep
