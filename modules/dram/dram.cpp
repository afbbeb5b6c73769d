#include "modules/dram/dram.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "core/dram/vpp_estimate.h"

namespace accelsim::modules {

Dram::Dram(sc_core::sc_module_name name, const Clock& clock, stats::RunStats& stats, const hardware::DramConfig& config,
           uint64_t bytes_used)
    : MemoryTarget(name, clock, stats,
                   {"dram_read_bytes", "bytes read from DRAM", "dram_write_bytes", "bytes written to DRAM"}, bytes_used,
                   static_cast<uint64_t>(config.bandwidth_bytes_per_cycle),
                   static_cast<uint64_t>(config.latency_cycles)),
      config_(config),
      accelerator_clock_(clock),
      cycle_ps_(static_cast<uint64_t>(std::llround(clock.period().to_seconds() * 1e12))),
      tck_ps_(static_cast<uint64_t>(std::llround(config.device.timing.tck_ns * 1000.0))),
      access_bytes_(static_cast<uint64_t>(config.device.organization.access_bytes())) {
  if (config.model == hardware::DramModel::Detailed) {
    detailed_ = std::make_unique<dram::DramSystem>(config_.device, config_.address_mapping, config_.controller());
    detailed_->record_timeline();
    register_detailed_stats(stats, static_cast<double>(cycle_ps_) / 1000.0);
  } else {
    register_simple_energy(stats);
  }
}

void Dram::register_simple_energy(stats::RunStats& stats) const {
  const double pj_per_byte = config_.energy_pj_per_byte;
  stats.add_formula("energy_dram_pj", "pJ", "DRAM reads and writes", [pj_per_byte](const auto& g, int64_t) {
    return static_cast<double>(g.value("dram_read_bytes") + g.value("dram_write_bytes")) * pj_per_byte;
  });
}

// Only under the detailed model, so that the simple model's stats stay as they were. A layer's
// refreshes and background time are those the DRAM spent between the previous layer's end and
// its own (the span the controller's "cycles" attribute to it); its bandwidth is taken over
// the DMA's busy cycles.
void Dram::register_detailed_stats(stats::RunStats& stats, double cycle_ns) {
  commands_.activates =
      stats.add_counter("dram_activates", "commands", "activates the DRAM issued for the layer's transfers");
  commands_.precharges = stats.add_counter(
      "dram_precharges", "commands",
      "precharges: rows closed for the layer's transfers, and by refresh, power-down and closed pages during it");
  commands_.read_accesses =
      stats.add_counter("dram_read_accesses", "accesses", "column reads of the device's access size");
  commands_.write_accesses =
      stats.add_counter("dram_write_accesses", "accesses", "column writes of the device's access size");
  commands_.row_hits = stats.add_counter("dram_row_hits", "accesses", "column accesses that found their row open");
  commands_.refreshes = stats.add_counter("dram_refreshes", "commands", "refresh commands issued during the layer");
  commands_.power_downs = stats.add_counter("dram_power_downs", "entries", "times a rank entered power-down");
  commands_.active_standby_cycles = stats.add_counter("dram_active_standby_cycles", "rank DRAM cycles",
                                                      "time ranks spent in standby with a row open (IDD3N)");
  commands_.precharged_standby_cycles = stats.add_counter("dram_precharged_standby_cycles", "rank DRAM cycles",
                                                          "time ranks spent in standby with every bank closed (IDD2N)");
  commands_.active_power_down_cycles = stats.add_counter("dram_active_power_down_cycles", "rank DRAM cycles",
                                                         "time ranks spent in power-down with a row open (IDD3P)");
  commands_.precharged_power_down_cycles = stats.add_counter("dram_precharged_power_down_cycles", "rank DRAM cycles",
                                                             "time ranks spent in precharged power-down (IDD2P)");
  commands_.self_refresh_cycles =
      stats.add_counter("dram_self_refresh_cycles", "rank DRAM cycles", "time ranks spent in self-refresh (IDD6)");

  const dram::DramSpec& device = config_.device;
  const dram::DramCommandEnergy e = dram::command_energy(device);
  const double tck_ns = device.timing.tck_ns;
  using Group = stats::StatGroup;
  auto accesses = [](const Group& g) {
    return static_cast<double>(g.value("dram_read_accesses") + g.value("dram_write_accesses"));
  };
  auto bytes = [](const Group& g) {
    return static_cast<double>(g.value("dram_read_bytes") + g.value("dram_write_bytes"));
  };

  stats.add_formula("dram_row_hit_rate", "fraction", "dram_row_hits / (dram_read_accesses + dram_write_accesses)",
                    [accesses](const Group& g, int64_t) {
                      return accesses(g) > 0 ? static_cast<double>(g.value("dram_row_hits")) / accesses(g) : 0.0;
                    });
  stats.add_formula("dram_bandwidth_gb_per_s", "GB/s",
                    "DRAM bytes over the time the DMA spent moving them (dma_busy_cycles)",
                    [bytes, cycle_ns](const Group& g, int64_t) {
                      const auto busy = static_cast<double>(g.value("dma_busy_cycles"));
                      return busy > 0 ? bytes(g) / (busy * cycle_ns) : 0.0;
                    });
  stats.add_formula("dram_energy_activate_pj", "pJ",
                    "activates and precharges: (IDD0 - IDD3N) * tRAS and (IDD0 - IDD2N) * tRP each, * VDD * chips",
                    [e](const Group& g, int64_t) {
                      return static_cast<double>(g.value("dram_activates")) * e.activate_pj +
                             static_cast<double>(g.value("dram_precharges")) * e.precharge_pj;
                    });
  stats.add_formula(
      "dram_energy_read_pj", "pJ", "column reads: (IDD4R - IDD3N) * burst * VDD * chips each",
      [e](const Group& g, int64_t) { return static_cast<double>(g.value("dram_read_accesses")) * e.read_pj; });
  stats.add_formula(
      "dram_energy_write_pj", "pJ", "column writes: (IDD4W - IDD3N) * burst * VDD * chips each",
      [e](const Group& g, int64_t) { return static_cast<double>(g.value("dram_write_accesses")) * e.write_pj; });
  stats.add_formula(
      "dram_energy_refresh_pj", "pJ", "refreshes during the layer: (IDD5B - IDD3N) * tRFC * VDD * chips each",
      [e](const Group& g, int64_t) { return static_cast<double>(g.value("dram_refreshes")) * e.refresh_pj; });
  stats.add_formula("dram_energy_background_pj", "pJ",
                    "time in each state * tCK * VDD * chips * its current: IDD3N, IDD2N (standby), IDD3P, IDD2P "
                    "(power-down), IDD6 (self-refresh)",
                    [e, tck_ns](const Group& g, int64_t) {
                      auto cycles = [&g](const char* name) { return static_cast<double>(g.value(name)); };
                      return tck_ns * (cycles("dram_active_standby_cycles") * e.active_standby_mw +
                                       cycles("dram_precharged_standby_cycles") * e.precharged_standby_mw +
                                       cycles("dram_active_power_down_cycles") * e.active_power_down_mw +
                                       cycles("dram_precharged_power_down_cycles") * e.precharged_power_down_mw +
                                       cycles("dram_self_refresh_cycles") * e.self_refresh_mw);
                    });
  auto dram_pj = [](const Group& g) {
    return g.formula("dram_energy_activate_pj") + g.formula("dram_energy_read_pj") + g.formula("dram_energy_write_pj") +
           g.formula("dram_energy_refresh_pj") + g.formula("dram_energy_background_pj");
  };
  stats.add_formula("energy_dram_pj", "pJ", "DRAM: the sum of the dram_energy_*_pj components",
                    [dram_pj](const Group& g, int64_t) { return dram_pj(g); });
  // The VPP rail, an estimate beside energy_dram_pj and not in it (nor in energy_pj): the IDD
  // figures above, like DRAMsim3's, leave it out, and only a few IPP currents are published.
  const dram::VppEstimate vpp = dram::vpp_estimate(config_.preset);
  if (vpp.known) {
    const double activate_pj = vpp.activate_pj(device), background_mw = vpp.background_mw(device),
                 self_refresh_mw = vpp.self_refresh_mw(device);
    stats.add_formula("dram_vpp_estimate_pj", "pJ",
                      "VPP rail, not in energy_dram_pj: activates * VPP * (IPP0 - IPP3N) * tRC + VPP * IPP3N over "
                      "standby and power-down + VPP * IPP6 over self-refresh, * chips (" +
                          vpp.source + ")",
                      [activate_pj, background_mw, self_refresh_mw, tck_ns](const Group& g, int64_t) {
                        auto cycles = [&g](const char* name) { return static_cast<double>(g.value(name)); };
                        const double awake =
                            cycles("dram_active_standby_cycles") + cycles("dram_precharged_standby_cycles") +
                            cycles("dram_active_power_down_cycles") + cycles("dram_precharged_power_down_cycles");
                        return cycles("dram_activates") * activate_pj +
                               tck_ns * (awake * background_mw + cycles("dram_self_refresh_cycles") * self_refresh_mw);
                      });
  }
  stats.add_formula("dram_energy_pj_per_byte", "pJ/byte", "energy_dram_pj / DRAM bytes read and written",
                    [bytes, dram_pj](const Group& g, int64_t) { return bytes(g) > 0 ? dram_pj(g) / bytes(g) : 0.0; });
}

void Dram::layer_ended(int layer) {
  if (!detailed_ || layer < 0) return;
  const uint64_t now = to_dram_cycles(accelerator_clock_.now());
  detailed_->settle(now);
  const dram::DramCommandCounts c = detailed_->take_until(now);
  const auto l = static_cast<std::size_t>(layer);
  commands_.precharges[l] += c.precharges;
  commands_.refreshes[l] += c.refreshes;
  commands_.power_downs[l] += c.power_downs;
  commands_.active_standby_cycles[l] += static_cast<int64_t>(c.active_cycles);
  commands_.precharged_standby_cycles[l] += static_cast<int64_t>(c.precharged_cycles);
  commands_.active_power_down_cycles[l] += static_cast<int64_t>(c.active_power_down_cycles);
  commands_.precharged_power_down_cycles[l] += static_cast<int64_t>(c.precharged_power_down_cycles);
  commands_.self_refresh_cycles[l] += static_cast<int64_t>(c.self_refresh_cycles);
}

uint64_t Dram::to_dram_cycles(uint64_t cycles) const { return cycles * cycle_ps_ / tck_ps_; }
uint64_t Dram::from_dram_cycles(uint64_t dram) const { return (dram * tck_ps_ + cycle_ps_ - 1) / cycle_ps_; }

void Dram::record(uint64_t first, uint64_t end, bool write, uint64_t dram_cycle) {
  if (!requests_out_) return;
  char line[64];
  for (uint64_t a = first; a < end; a += access_bytes_) {
    const int n = std::snprintf(line, sizeof line, "0x%llx %c %llu\n", static_cast<unsigned long long>(a),
                                write ? 'W' : 'R', static_cast<unsigned long long>(dram_cycle));
    requests_out_->write(line, n);
  }
}

BandwidthPort::Reservation Dram::book(uint64_t start, uint64_t address, uint64_t bytes, bool write, int32_t layer,
                                      std::vector<BandwidthPort::Piece>* pieces) {
  const uint64_t arrival = to_dram_cycles(start);
  const uint64_t first = address / access_bytes_ * access_bytes_;
  const uint64_t end = bytes == 0 ? first : address + bytes;
  record(first, end, write, arrival);
  if (!detailed_) return MemoryTarget::book(start, address, bytes, write, layer, pieces);

  std::vector<dram::DramSystem::Ticket> tickets;
  for (uint64_t a = first; a < end; a += access_bytes_) tickets.push_back(detailed_->submit(a, write, arrival));
  // first_data: the first request to complete (the scheduler may reorder them).
  uint64_t accepted = arrival, first_data = UINT64_MAX, last_data = arrival;
  int64_t activates = 0, precharges = 0, hits = 0;
  for (const auto& ticket : tickets) {
    const dram::DramServed s = detailed_->serve(ticket);
    accepted = std::max(accepted, s.accepted);
    first_data = std::min(first_data, s.data_end);
    last_data = std::max(last_data, s.data_end);
    activates += s.activates;
    precharges += s.precharges;
    hits += s.row_hit ? 1 : 0;
  }
  if (tickets.empty()) first_data = last_data;
  if (layer >= 0) {
    const auto l = static_cast<std::size_t>(layer);
    commands_.activates[l] += activates;
    commands_.precharges[l] += precharges;
    (write ? commands_.write_accesses : commands_.read_accesses)[l] += static_cast<int64_t>(tickets.size());
    commands_.row_hits[l] += hits;
  }
  BandwidthPort::Reservation r;
  r.begin = start;
  r.end = std::max(start, from_dram_cycles(accepted));
  r.first_delivered = std::max(r.end, from_dram_cycles(first_data));
  r.delivered = std::max(r.first_delivered, from_dram_cycles(last_data));
  if (pieces) pieces->push_back({r.begin, r.end});
  return r;
}

}  // namespace accelsim::modules
