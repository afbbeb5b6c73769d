#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dram/address_mapping.h"
#include "core/dram/dram_channel.h"
#include "core/dram/dram_spec.h"

namespace accelsim::dram {

// Energy of a run's commands and background time, in pJ, by component (see command_energy()).
struct DramEnergy {
  double activate_pj = 0;  // activates and precharges
  double read_pj = 0;
  double write_pj = 0;
  double refresh_pj = 0;
  double background_pj = 0;  // standby, power-down and self-refresh

  double total_pj() const { return activate_pj + read_pj + write_pj + refresh_pj + background_pj; }
};
DramEnergy energy_of(const DramSpec& spec, const DramCommandCounts& counts);

// A DRAM of one or more channels behind one address mapping: the pure timing core the SystemC
// Dram module and the trace replay tool share. Requests are single accesses of the device's
// access_bytes(); times are DRAM cycles.
class DramSystem {
 public:
  struct Ticket {
    std::size_t channel = 0;
    uint64_t id = 0;
  };

  // Throws std::invalid_argument for a bad mapping or controller setting.
  DramSystem(const DramSpec& spec, const std::string& mapping, const DramController& controller);
  DramSystem(const DramSpec& spec, const std::string& mapping, int64_t queue_depth, DramPagePolicy policy);

  Ticket submit(uint64_t address, bool write, uint64_t arrival);
  DramServed serve(const Ticket& ticket);
  // Serves everything queued and books background time up to `end`.
  void drain(uint64_t end);
  // See DramChannel: settle, record_timeline, take_until (summed over the channels).
  void settle(uint64_t now);
  void record_timeline();
  DramCommandCounts take_until(uint64_t until);

  DramCommandCounts counts() const;
  uint64_t last_accepted(const Ticket& ticket) const { return channels_[ticket.channel].last_accepted(); }
  const DramSpec& spec() const { return spec_; }
  const AddressMapping& mapping() const { return mapping_; }

 private:
  DramSpec spec_;
  AddressMapping mapping_;
  std::vector<DramChannel> channels_;
};

}  // namespace accelsim::dram
