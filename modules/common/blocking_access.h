#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <string>

#include "modules/common/simulation_error.h"

namespace accelsim::modules {

// One loosely-timed TLM transaction through an initiator socket. `start` is the local time
// offset at which the request is made; the result is the offset at which the last byte has
// moved. A refused access (outside the memory) is a SimulationError.
template <typename Socket>
sc_core::sc_time blocking_access(Socket& port, tlm::tlm_command command, uint64_t address, uint8_t* data, uint64_t length,
                                 sc_core::sc_time start = sc_core::SC_ZERO_TIME) {
  tlm::tlm_generic_payload payload;
  payload.set_command(command);
  payload.set_address(address);
  payload.set_data_ptr(data);
  payload.set_data_length(static_cast<unsigned int>(length));
  payload.set_streaming_width(static_cast<unsigned int>(length));
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  port->b_transport(payload, start);
  if (payload.is_response_error())
    throw SimulationError(std::string(port.name()) + ": access of " + std::to_string(length) + " bytes at address " + std::to_string(address) +
                          " refused");
  return start;
}

}  // namespace accelsim::modules
