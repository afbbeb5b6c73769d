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
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/dram/dram_spec.h"
#include "core/dram/dram_system.h"

namespace {

using accelsim::dram::DramPagePolicy;
using accelsim::dram::DramServed;
using accelsim::dram::DramSystem;

struct Request {
  uint64_t address;
  bool write;
  uint64_t cycle;
};

struct Result {
  double bandwidth_gbps = 0;
  double read_latency_cycles = 0;
  double pj_per_byte = -1;  // negative: not reported
};

std::vector<Request> read_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open trace " + path);
  std::vector<Request> requests;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string address, kind;
    uint64_t cycle = 0;
    if (!(fields >> address >> kind >> cycle) || (kind != "R" && kind != "W"))
      throw std::runtime_error(path + ":" + std::to_string(number) + ": expected '<hex address> <R|W> <cycle>'");
    requests.push_back({std::stoull(address, nullptr, 16), kind == "W", cycle});
  }
  return requests;
}

Result replay(const std::vector<Request>& requests, const accelsim::dram::DramSpec& spec, const std::string& mapping,
              const accelsim::dram::DramController& controller, bool serial) {
  DramSystem dram(spec, mapping, controller);
  uint64_t end = 0, latency = 0, reads = 0;
  auto account = [&](const Request& r, const DramServed& s) {
    end = std::max(end, s.data_end);
    if (!r.write) {
      latency += s.data_end - s.accepted;
      ++reads;
    }
  };
  std::vector<DramSystem::Ticket> tickets;
  uint64_t offer = 0;
  for (const Request& r : requests) {
    offer = std::max(offer, r.cycle);
    const auto ticket = dram.submit(r.address, r.write, offer);
    if (serial) {  // one request outstanding: the next is offered when this one's data is done
      const DramServed s = dram.serve(ticket);
      account(r, s);
      offer = s.data_end;
    } else {
      tickets.push_back(ticket);
      offer = dram.last_accepted(ticket) + 1;
    }
  }
  for (std::size_t i = 0; i < tickets.size(); ++i) account(requests[i], dram.serve(tickets[i]));
  dram.drain(end);
  const double bytes =
      static_cast<double>(requests.size() * static_cast<std::size_t>(spec.organization.access_bytes()));
  Result result;
  result.bandwidth_gbps = bytes / (static_cast<double>(end) * spec.timing.tck_ns);
  result.read_latency_cycles = reads ? static_cast<double>(latency) / static_cast<double>(reads) : 0;
  result.pj_per_byte = accelsim::dram::energy_of(spec, dram.counts()).total_pj() / bytes;
  return result;
}

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

  // simulator -> trace -> result
  std::map<std::string, std::map<std::string, Result>> others;
  std::vector<std::string> other_names;
  if (!references.empty()) {
    std::ifstream in(references);
    if (!in) throw std::runtime_error("cannot open references " + references);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> fields;
      std::istringstream split(line);
      for (std::string field; std::getline(split, field, ',');) fields.push_back(field);
      Result r;
      try {
        if (fields.size() != 5) throw std::invalid_argument("field count");
        r.bandwidth_gbps = std::stod(fields[2]);
        r.read_latency_cycles = std::stod(fields[3]);
        r.pj_per_byte = fields[4] == "-" ? -1 : std::stod(fields[4]);
      } catch (const std::exception&) {
        throw std::runtime_error(references + ":" + std::to_string(number) +
                                 ": expected '<simulator>,<trace>,<GB/s>,<latency>,<pJ/B or ->', got '" + line + "'");
      }
      const std::string& simulator = fields[0];
      const std::string& trace = fields[1];
      if (!others.count(simulator)) other_names.push_back(simulator);
      others[simulator][trace] = r;
    }
  }

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
    const Result mine = replay(read_trace(path), *spec, mapping, controller, serial);
    for (const auto& other : other_names) {
      const auto found = others[other].find(name);
      if (found == others[other].end()) continue;
      const Result& r = found->second;
      std::printf("| %s | %s | %s | %s | %s | %s | %s |\n", name.c_str(), other.c_str(),
                  figure(r.bandwidth_gbps, 2).c_str(), figure(r.read_latency_cycles, 1).c_str(),
                  figure(r.pj_per_byte, 1).c_str(), relative(mine.bandwidth_gbps, r.bandwidth_gbps).c_str(),
                  relative(mine.pj_per_byte, r.pj_per_byte).c_str());
    }
    std::printf("| %s | **accelsim** | %s | %s | %s | | |\n", name.c_str(), figure(mine.bandwidth_gbps, 2).c_str(),
                figure(mine.read_latency_cycles, 1).c_str(), figure(mine.pj_per_byte, 1).c_str());
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "dram_trace_replay: %s\n", e.what());
  return 2;
}
