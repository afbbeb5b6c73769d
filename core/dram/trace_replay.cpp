#include "core/dram/trace_replay.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/dram/dram_system.h"

namespace accelsim::dram {

std::vector<TraceRequest> read_dram_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open trace " + path);
  std::vector<TraceRequest> requests;
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
    try {
      requests.push_back({std::stoull(address, nullptr, 16), kind == "W", cycle});
    } catch (const std::exception&) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": '" + address + "' is not a hex address");
    }
  }
  return requests;
}

ReplayFigures replay_dram_trace(const std::vector<TraceRequest>& requests, const DramSpec& spec,
                                const std::string& mapping, const DramController& controller, bool serial) {
  DramSystem dram(spec, mapping, controller);
  uint64_t end = 0, latency = 0, reads = 0;
  auto account = [&](const TraceRequest& r, const DramServed& s) {
    end = std::max(end, s.data_end);
    if (!r.write) {
      latency += s.data_end - s.accepted;
      ++reads;
    }
  };
  std::vector<DramSystem::Ticket> tickets;
  uint64_t offer = 0;
  for (const TraceRequest& r : requests) {
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
  const double bytes = static_cast<double>(requests.size()) * static_cast<double>(spec.organization.access_bytes());
  ReplayFigures figures;
  figures.bandwidth_gb_per_s = end > 0 ? bytes / (static_cast<double>(end) * spec.timing.tck_ns) : 0;
  figures.read_latency_cycles = reads ? static_cast<double>(latency) / static_cast<double>(reads) : 0;
  figures.pj_per_byte = bytes > 0 ? energy_of(spec, dram.counts()).total_pj() / bytes : 0;
  return figures;
}

ReferenceFigures read_dram_references(const std::string& path, std::vector<std::string>* simulators) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open references " + path);
  ReferenceFigures figures;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream split(line);
    for (std::string field; std::getline(split, field, ',');) fields.push_back(field);
    ReplayFigures r;
    try {
      if (fields.size() != 5) throw std::invalid_argument("field count");
      r.bandwidth_gb_per_s = std::stod(fields[2]);
      r.read_latency_cycles = std::stod(fields[3]);
      r.pj_per_byte = fields[4] == "-" ? -1 : std::stod(fields[4]);
    } catch (const std::exception&) {
      throw std::runtime_error(path + ":" + std::to_string(number) +
                               ": expected '<simulator>,<trace>,<GB/s>,<latency>,<pJ/B or ->', got '" + line + "'");
    }
    if (simulators && !figures.count(fields[0])) simulators->push_back(fields[0]);
    figures[fields[0]][fields[1]] = r;
  }
  return figures;
}

}  // namespace accelsim::dram
