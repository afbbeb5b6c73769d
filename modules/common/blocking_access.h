#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <string>

#include "modules/common/simulation_error.h"

namespace accelsim::modules {

// The port cycles a memory gave one access, in absolute cycles: held the port from `begin`
// (after queueing) to `end`, last byte delivered at `delivered` (end plus the latency).
struct PortTiming : tlm::tlm_extension<PortTiming> {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t delivered = 0;
  tlm::tlm_extension_base* clone() const override { return new PortTiming(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const PortTiming&>(other); }
};

// One loosely-timed TLM transaction through an initiator socket. `start` is the local time
// offset at which the request is made; the result is the offset at which the last byte has
// moved. With `timing`, the memory also says which port cycles the access got. A refused
// access (outside the memory) is a SimulationError.
template <typename Socket>
sc_core::sc_time blocking_access(Socket& port, tlm::tlm_command command, uint64_t address, uint8_t* data,
                                 uint64_t length, sc_core::sc_time start = sc_core::SC_ZERO_TIME,
                                 PortTiming* timing = nullptr) {
  tlm::tlm_generic_payload payload;
  payload.set_command(command);
  payload.set_address(address);
  payload.set_data_ptr(data);
  payload.set_data_length(static_cast<unsigned int>(length));
  payload.set_streaming_width(static_cast<unsigned int>(length));
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (timing) payload.set_extension(timing);
  port->b_transport(payload, start);
  if (timing) payload.clear_extension(timing);  // the payload would delete it
  if (payload.is_response_error())
    throw SimulationError(std::string(port.name()) + ": access of " + std::to_string(length) + " bytes at address " +
                          std::to_string(address) + " refused");
  return start;
}

}  // namespace accelsim::modules
