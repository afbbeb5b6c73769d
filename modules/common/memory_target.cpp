#include "modules/common/memory_target.h"

#include "modules/common/blocking_access.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace accelsim::modules {

MemoryTarget::MemoryTarget(sc_core::sc_module_name name, const Clock& clock, stats::RunStats& stats,
                           const MemoryStatNames& names, uint64_t storage_bytes, uint64_t bytes_per_cycle,
                           uint64_t latency_cycles)
    : sc_module(name),
      socket("socket"),
      read_bytes_(stats.add_counter(names.read, "bytes", names.read_description)),
      write_bytes_(stats.add_counter(names.write, "bytes", names.write_description)),
      clock_(clock),
      storage_(storage_bytes),
      port_(bytes_per_cycle, latency_cycles) {
  socket.register_b_transport(this, &MemoryTarget::b_transport);
  socket.register_transport_dbg(this, &MemoryTarget::transport_dbg);
}

bool MemoryTarget::in_range(uint64_t address, uint64_t length) const {
  return address <= storage_.size() && length <= storage_.size() - address;
}

BandwidthPort::Reservation MemoryTarget::serve(uint64_t start, uint64_t address, uint64_t bytes, bool write,
                                               int32_t layer) {
  if (observer_) access_.pieces.clear();
  const BandwidthPort::Reservation reserved =
      book(start, address, bytes, write, layer, observer_ ? &access_.pieces : nullptr);
  if (observer_) {
    access_.write = write;
    access_.bytes = bytes;
    access_.requested = start;
    access_.port_begin = reserved.begin;
    access_.port_end = reserved.end;
    access_.delivered = reserved.delivered;
    observer_->accessed(*this, access_);
  }
  return reserved;
}

void MemoryTarget::serve_bursts(tlm::tlm_generic_payload& payload, BurstTransfer& bursts, sc_core::sc_time& delay) {
  const uint64_t runs = std::max<uint64_t>(1, bursts.runs);
  const uint64_t address = payload.get_address();
  const uint64_t run_bytes = payload.get_data_length() / runs;
  const bool write = payload.is_write();
  const auto* tag = payload.get_extension<AccessLayer>();
  const int32_t layer = tag ? tag->layer : -1;
  const uint64_t now = clock_.now();
  uint64_t request = now + clock_.to_cycles(delay);
  port_.forget_before(now);
  if (bursts.chained) bursts.requested.clear();
  const uint64_t count = bursts.chained ? UINT64_MAX : bursts.requested.size();
  bursts.first_delivered.clear();
  bursts.delivered = request;
  uint64_t served = 0, moved = 0;
  bool refused = false;
  uint8_t* data = payload.get_data_ptr();
  for (uint64_t run = 0; run < runs && served < count && !refused; ++run) {
    const uint64_t run_address = address + run * bursts.run_stride;
    uint64_t offset = 0;
    do {  // an empty run is one empty burst, as an empty access would be
      const uint64_t bytes = std::min(bursts.burst_bytes, run_bytes - offset);
      const uint64_t at = run_address + offset;
      if (!in_range(at, bytes)) {
        bursts.refused_address = at;
        bursts.refused_bytes = bytes;
        refused = true;
        break;
      }
      if (bursts.chained)
        bursts.requested.push_back(request);
      else
        request = bursts.requested[served];
      uint8_t* bytes_data = data + run * run_bytes + offset;
      if (move_bytes_ && payload.is_read())
        std::memcpy(bytes_data, storage_.data() + at, bytes);
      else if (move_bytes_ && write)
        std::memcpy(storage_.data() + at, bytes_data, bytes);
      const BandwidthPort::Reservation reserved = serve(request, at, bytes, write, layer);
      bursts.first_delivered.push_back(reserved.first_delivered);
      bursts.delivered = std::max(bursts.delivered, reserved.delivered);
      request = reserved.end;  // the next chained burst's request
      moved += bytes;
      offset += bytes;
      ++served;
    } while (offset < run_bytes && served < count);
  }
  if (layer >= 0) (write ? write_bytes_ : read_bytes_)[static_cast<std::size_t>(layer)] += static_cast<int64_t>(moved);
  delay = clock_.cycles(bursts.delivered - now);
  payload.set_response_status(refused ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_OK_RESPONSE);
}

void MemoryTarget::b_transport(int, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay) {
  if (auto* bursts = payload.get_extension<BurstTransfer>()) return serve_bursts(payload, *bursts, delay);
  auto* strided = payload.get_extension<StridedAccess>();
  const uint64_t runs = strided ? strided->runs : 1;
  const uint64_t stride = strided ? strided->address_stride : 0;
  const uint64_t address = payload.get_address();
  const uint64_t length = runs ? payload.get_data_length() / runs : 0;
  for (uint64_t run = 0; run < runs; ++run)
    if (!in_range(address + run * stride, length)) {
      if (strided) strided->refused_run = run;
      payload.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
  const bool write = payload.is_write();
  const auto* tag = payload.get_extension<AccessLayer>();
  const int32_t layer = tag ? tag->layer : -1;
  if (layer >= 0)
    (write ? write_bytes_ : read_bytes_)[static_cast<std::size_t>(layer)] += static_cast<int64_t>(length * runs);
  // Every run reaches the port at the initiator's local time (now + delay).
  const uint64_t now = clock_.now();
  const uint64_t start = now + clock_.to_cycles(delay);
  port_.forget_before(now);
  BandwidthPort::Reservation whole{};
  uint8_t* data = payload.get_data_ptr();
  for (uint64_t run = 0; run < runs; ++run, data += length) {
    const uint64_t run_address = address + run * stride;
    if (move_bytes_ && payload.is_read())
      std::memcpy(data, storage_.data() + run_address, length);
    else if (move_bytes_ && write)
      std::memcpy(storage_.data() + run_address, data, length);
    const BandwidthPort::Reservation reserved = serve(start, run_address, length, write, layer);
    if (run == 0) {
      whole = reserved;
    } else {
      whole.begin = std::min(whole.begin, reserved.begin);
      whole.end = std::max(whole.end, reserved.end);
      whole.delivered = std::max(whole.delivered, reserved.delivered);
      whole.first_delivered = std::min(whole.first_delivered, reserved.first_delivered);
    }
  }
  if (auto* timing = payload.get_extension<PortTiming>()) {
    timing->begin = whole.begin;
    timing->end = whole.end;
    timing->delivered = whole.delivered;
    timing->first_delivered = whole.first_delivered;
  }
  delay = clock_.cycles((runs ? whole.delivered : start) - now);
  payload.set_response_status(tlm::TLM_OK_RESPONSE);
}

BandwidthPort::Reservation MemoryTarget::book(uint64_t start, uint64_t, uint64_t bytes, bool, int32_t,
                                              std::vector<BandwidthPort::Piece>* pieces) {
  return port_.reserve(start, bytes, pieces);
}

unsigned int MemoryTarget::transport_dbg(int, tlm::tlm_generic_payload& payload) {
  const uint64_t address = payload.get_address();
  const uint64_t length = payload.get_data_length();
  if (!in_range(address, length)) return 0;
  if (payload.is_read())
    std::memcpy(payload.get_data_ptr(), storage_.data() + address, length);
  else if (payload.is_write())
    std::memcpy(storage_.data() + address, payload.get_data_ptr(), length);
  return static_cast<unsigned int>(length);
}

void MemoryTarget::backdoor_write(uint64_t address, const uint8_t* data, uint64_t length) {
  if (!in_range(address, length)) throw std::out_of_range(std::string(name()) + ": backdoor write outside the memory");
  std::memcpy(storage_.data() + address, data, length);
}

void MemoryTarget::backdoor_read(uint64_t address, uint8_t* data, uint64_t length) const {
  if (!in_range(address, length)) throw std::out_of_range(std::string(name()) + ": backdoor read outside the memory");
  std::memcpy(data, storage_.data() + address, length);
}

}  // namespace accelsim::modules
