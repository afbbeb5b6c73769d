#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/sweep/point_job.h"
#include "sim/sweep/sweep_spec.h"

namespace accelsim::sweep {

// A sweep laid out in an output folder: its columns and metrics and one job per point. The
// manifest (OUT/sweep.json) keeps it, so that `--merge OUT` needs nothing else.
struct SweepPlan {
  std::string name;
  std::filesystem::path spec_file;
  std::filesystem::path out;
  std::vector<std::string> columns;
  std::vector<std::string> metrics;
  std::vector<std::string> pareto;
  double pareto_tolerance = kDefaultParetoTolerance;
  std::string colour_by;
  std::vector<PointJob> jobs;  // in point order
};

// `images` replaces the spec's when given (`accelsim sweep --images N`).
SweepPlan make_plan(const SweepSpec& spec, const std::filesystem::path& out,
                    std::optional<int64_t> images = std::nullopt);

// A missing or malformed manifest; the message names the file.
class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::filesystem::path manifest_file(const std::filesystem::path& out);
void write_manifest(const SweepPlan& plan);
// The plan as written to `out`, its result paths re-rooted at `out` (the folder may have moved).
SweepPlan read_manifest(const std::filesystem::path& out);

// A 64-bit FNV-1a hash as 16 hex digits: fingerprints of point inputs.
std::string fingerprint_of(const std::string& text);

}  // namespace accelsim::sweep
