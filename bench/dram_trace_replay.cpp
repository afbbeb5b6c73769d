// Replays DRAM request traces through accelsim's DRAM timing core and prints bandwidth,
// average read latency and energy per byte for each, beside the figures other simulators gave
// for the same traces (read from a results file; this tool never runs them).
//
//   dram_trace_replay --preset ddr4_2400_x16 [--mapping ORDER] [--queue-depth N] [--page open|closed]
//                     [--write-queue-depth N] [--power-down none|active|precharge] [--serial]
//                     [--references FILE] TRACE...
//
// The controller defaults to the references' (docs/validation.md): a 32-request read queue, a
// 32-request write queue drained in batches between watermarks 0.2 and 0.8, no power-down.
//
// A trace has one request a line: `<address, hex> <R|W> <cycle>` (docs/outputs.md, "DRAM
// trace"). Requests are offered in order, at most one per DRAM cycle and not before their
// cycle, and each waits for room in the controller's queue: the way the reference drivers
// feed DRAMsim3 and Ramulator2. Bandwidth is bytes over the time from cycle 0 to the end of
// the last data burst; latency runs from a read's acceptance into the queue to its last data.
// With --serial only one request is outstanding: each is offered when the previous one's data
// is done, which measures the unloaded latency (results named `<trace>_serial`).
//
// The references file (bench/data/dram_reference.csv) has one line per simulator and trace,
// comments after '#':
//   <simulator>,<trace name>,<bandwidth GB/s>,<average read latency, DRAM cycles>,<pJ per byte or ->
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/dram/address_mapping.h"
#include "core/dram/dram_spec.h"
#include "core/dram/trace_replay.h"

namespace {

using accelsim::dram::DramPagePolicy;
using accelsim::dram::ReplayFigures;

std::string figure(double value, int decimals) {
  if (value < 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

int usage() {
  std::fprintf(stderr,
               "usage: dram_trace_replay --preset NAME [--mapping ORDER] [--queue-depth N] [--page open|closed] "
               "[--write-queue-depth N] [--power-down none|active|precharge] [--serial] [--references FILE] "
               "TRACE...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) try {
  std::string preset = "ddr4_2400_x16", mapping = accelsim::dram::AddressMapping::default_order(), references;
  accelsim::dram::DramController controller;
  controller.write_queue_depth = 32;
  bool serial = false;
  std::vector<std::string> traces;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--preset")
      preset = value();
    else if (arg == "--mapping")
      mapping = value();
    else if (arg == "--queue-depth")
      controller.queue_depth = std::stoll(value());
    else if (arg == "--write-queue-depth")
      controller.write_queue_depth = std::stoll(value());
    else if (arg == "--page")
      controller.page_policy = value() == "closed" ? DramPagePolicy::Closed : DramPagePolicy::Open;
    else if (arg == "--power-down") {
      const std::string policy = value();
      if (policy == "none")
        controller.power_down = accelsim::dram::DramPowerDown::None;
      else if (policy == "active")
        controller.power_down = accelsim::dram::DramPowerDown::Active;
      else if (policy == "precharge")
        controller.power_down = accelsim::dram::DramPowerDown::Precharge;
      else
        throw std::runtime_error("--power-down expects none, active or precharge, got '" + policy + "'");
    } else if (arg == "--references")
      references = value();
    else if (arg == "--serial")
      serial = true;
    else if (!arg.empty() && arg[0] == '-')
      return usage();
    else
      traces.push_back(arg);
  }
  if (traces.empty()) return usage();
  const auto* spec = accelsim::dram::find_dram_preset(preset);
  if (!spec) throw std::runtime_error("no DRAM preset '" + preset + "'");

  std::vector<std::string> other_names;
  accelsim::dram::ReferenceFigures others;
  if (!references.empty()) others = accelsim::dram::read_dram_references(references, &other_names);

  std::printf("%s, mapping %s, queue depth %lld, write queue %lld, %s page, %lld-byte requests\n\n", spec->name.c_str(),
              mapping.c_str(), static_cast<long long>(controller.queue_depth),
              static_cast<long long>(controller.write_queue_depth),
              controller.page_policy == DramPagePolicy::Open ? "open" : "closed",
              static_cast<long long>(spec->organization.access_bytes()));
  std::printf(
      "| trace | simulator | GB/s | avg read latency (cycles) | pJ/byte | accelsim's GB/s against it | accelsim's "
      "pJ/byte against it |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|\n");
  auto relative = [](double mine_value, double theirs) {
    if (theirs <= 0 || mine_value < 0) return std::string("-");
    char text[32];
    std::snprintf(text, sizeof text, "%+.1f%%", 100.0 * (mine_value - theirs) / theirs);
    return std::string(text);
  };
  for (const auto& path : traces) {
    const std::string name = std::filesystem::path(path).stem().string() + (serial ? "_serial" : "");
    const ReplayFigures mine =
        accelsim::dram::replay_dram_trace(accelsim::dram::read_dram_trace(path), *spec, mapping, controller, serial);
    for (const auto& other : other_names) {
      const auto found = others[other].find(name);
      if (found == others[other].end()) continue;
      const ReplayFigures& r = found->second;
      std::printf("| %s | %s | %s | %s | %s | %s | %s |\n", name.c_str(), other.c_str(),
                  figure(r.bandwidth_gb_per_s, 2).c_str(), figure(r.read_latency_cycles, 1).c_str(),
                  figure(r.pj_per_byte, 1).c_str(), relative(mine.bandwidth_gb_per_s, r.bandwidth_gb_per_s).c_str(),
                  relative(mine.pj_per_byte, r.pj_per_byte).c_str());
    }
    std::printf("| %s | **accelsim** | %s | %s | %s | | |\n", name.c_str(), figure(mine.bandwidth_gb_per_s, 2).c_str(),
                figure(mine.read_latency_cycles, 1).c_str(), figure(mine.pj_per_byte, 1).c_str());
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "dram_trace_replay: %s\n", e.what());
  return 2;
}
