#include "core/dram/dram_system.h"

namespace accelsim::dram {

DramEnergy energy_of(const DramSpec& spec, const DramCommandCounts& counts) {
  const DramCommandEnergy e = command_energy(spec);
  // Background: mW * ns = pJ.
  const double tck = spec.timing.tck_ns;
  DramEnergy energy;
  energy.activate_pj =
      static_cast<double>(counts.activates) * e.activate_pj + static_cast<double>(counts.precharges) * e.precharge_pj;
  energy.read_pj = static_cast<double>(counts.reads) * e.read_pj;
  energy.write_pj = static_cast<double>(counts.writes) * e.write_pj;
  energy.refresh_pj = static_cast<double>(counts.refreshes) * e.refresh_pj;
  energy.background_pj = static_cast<double>(counts.active_cycles) * tck * e.active_standby_mw +
                         static_cast<double>(counts.precharged_cycles) * tck * e.precharged_standby_mw +
                         static_cast<double>(counts.active_power_down_cycles) * tck * e.active_power_down_mw +
                         static_cast<double>(counts.precharged_power_down_cycles) * tck * e.precharged_power_down_mw +
                         static_cast<double>(counts.self_refresh_cycles) * tck * e.self_refresh_mw;
  return energy;
}

DramSystem::DramSystem(const DramSpec& spec, const std::string& mapping, const DramController& controller)
    : spec_(spec), mapping_(spec_.organization, mapping) {
  for (int64_t c = 0; c < spec_.organization.channels; ++c) channels_.emplace_back(spec_, controller);
}

DramSystem::DramSystem(const DramSpec& spec, const std::string& mapping, int64_t queue_depth, DramPagePolicy policy)
    : DramSystem(spec, mapping, [&] {
        DramController c;
        c.queue_depth = queue_depth;
        c.page_policy = policy;
        return c;
      }()) {}

DramSystem::Ticket DramSystem::submit(uint64_t address, bool write, uint64_t arrival) {
  const DramAddress where = mapping_.decode(address);
  const auto channel = static_cast<std::size_t>(where.channel);
  return {channel, channels_[channel].submit(where, write, arrival)};
}

DramServed DramSystem::serve(const Ticket& ticket) { return channels_[ticket.channel].serve(ticket.id); }

void DramSystem::drain(uint64_t end) {
  for (auto& channel : channels_) channel.drain(end);
}

void DramSystem::settle(uint64_t now) {
  for (auto& channel : channels_) channel.settle(now);
}

void DramSystem::record_timeline() {
  for (auto& channel : channels_) channel.record_timeline();
}

DramCommandCounts DramSystem::take_until(uint64_t until) {
  DramCommandCounts sum;
  for (auto& channel : channels_) sum += channel.take_until(until);
  return sum;
}

DramCommandCounts DramSystem::counts() const {
  DramCommandCounts sum;
  for (const auto& channel : channels_) sum += channel.counts();
  return sum;
}

}  // namespace accelsim::dram
