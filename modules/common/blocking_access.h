#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>

namespace accelsim::modules {

// The port cycles a memory gave one access, in absolute cycles: held the port from `begin`
// (after queueing) to `end`, first bytes delivered at `first_delivered`, the last at
// `delivered` (for an SRAM or the flat DRAM, begin and end plus the latency).
struct PortTiming : tlm::tlm_extension<PortTiming> {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t delivered = 0;
  uint64_t first_delivered = 0;
  tlm::tlm_extension_base* clone() const override { return new PortTiming(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const PortTiming&>(other); }
};

// The layer an access works for: memories count their traffic per layer by it.
struct AccessLayer : tlm::tlm_extension<AccessLayer> {
  int32_t layer = -1;
  tlm::tlm_extension_base* clone() const override { return new AccessLayer(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const AccessLayer&>(other); }
};

// One loosely-timed TLM transaction through an initiator socket, for `layer`. `start` is the
// local time offset at which the request is made; on success `start` becomes the offset at
// which the last byte has moved. With `timing`, the memory also says which port cycles the
// access got. Returns false when the memory refused the access (outside it); never throws, as
// it runs on SystemC coroutine stacks (see Fault).
template <typename Socket>
bool blocking_access(Socket& port, tlm::tlm_command command, uint64_t address, uint8_t* data, uint64_t length,
                     int32_t layer, sc_core::sc_time& start, PortTiming* timing = nullptr) {
  tlm::tlm_generic_payload payload;
  payload.set_command(command);
  payload.set_address(address);
  payload.set_data_ptr(data);
  payload.set_data_length(static_cast<unsigned int>(length));
  payload.set_streaming_width(static_cast<unsigned int>(length));
  payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  AccessLayer tag;
  tag.layer = layer;
  payload.set_extension(&tag);
  if (timing) payload.set_extension(timing);
  port->b_transport(payload, start);
  payload.clear_extension(&tag);  // the payload would delete them
  if (timing) payload.clear_extension(timing);
  return !payload.is_response_error();
}

}  // namespace accelsim::modules
