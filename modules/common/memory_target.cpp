#include "modules/common/memory_target.h"

#include "modules/common/blocking_access.h"

#include <algorithm>
#include <cstring>
#include <new>
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
      storage_bytes_(storage_bytes),
      port_(bytes_per_cycle, latency_cycles) {
  socket.register_b_transport(this, &MemoryTarget::b_transport);
  socket.register_transport_dbg(this, &MemoryTarget::transport_dbg);
}

bool MemoryTarget::in_range(uint64_t address, uint64_t length) const {
  return address <= storage_bytes_ && length <= storage_bytes_ - address;
}

void MemoryTarget::move_runs(tlm::tlm_generic_payload& payload, uint64_t address, uint64_t stride, uint64_t runs,
                             uint64_t run_bytes) {
  if (!move_bytes_ || run_bytes == 0) return;
  uint8_t* data = payload.get_data_ptr();
  for (uint64_t run = 0; run < runs; ++run, data += run_bytes) {
    uint8_t* stored = storage() + address + run * stride;
    if (payload.is_read())
      std::memcpy(data, stored, run_bytes);
    else if (payload.is_write())
      std::memcpy(stored, data, run_bytes);
  }
}

uint8_t* MemoryTarget::storage() {
  if (!storage_) {
    // calloc: fresh pages from the system come zeroed without being written, and stay unmapped
    // until touched.
    storage_.reset(static_cast<uint8_t*>(std::calloc(std::max<uint64_t>(storage_bytes_, 1), 1)));
    if (!storage_) throw std::bad_alloc();
  }
  return storage_.get();
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
  // The per-burst lists are not cleared here: serve_bursts_at_once sizes and fills them whole, and
  // resizing lists kept from the previous transfer zeroes only what they grow by (clearing first
  // zeroed every entry of every transfer: 30 M of VGG-16's 294 M instructions on 256x256). The
  // burst-by-burst loop clears them itself.
  bursts.delivered = request;
  bursts.first_delivered_grid.valid = false;
  if (bursts.chained) bursts.requested_grid.valid = false;
  uint64_t moved = 0;
  bool refused = false;
  uint8_t* data = payload.get_data_ptr();
  if (serve_bursts_at_once(payload, bursts, request, runs, run_bytes)) {
    moved = runs * run_bytes;
  } else {
    list_requested(bursts);
    if (bursts.chained) bursts.requested.clear();
    bursts.first_delivered.clear();
    const uint64_t count = bursts.chained ? UINT64_MAX : bursts.requested.size();
    uint64_t served = 0;
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
        if (move_bytes_ && payload.is_read() && bytes)
          std::memcpy(bytes_data, storage() + at, bytes);
        else if (move_bytes_ && write && bytes)
          std::memcpy(storage() + at, bytes_data, bytes);
        const BandwidthPort::Reservation reserved = serve(request, at, bytes, write, layer);
        bursts.first_delivered.push_back(reserved.first_delivered);
        bursts.delivered = std::max(bursts.delivered, reserved.delivered);
        request = reserved.end;  // the next chained burst's request
        moved += bytes;
        offset += bytes;
        ++served;
      } while (offset < run_bytes && served < count);
    }
  }
  if (layer >= 0) (write ? write_bytes_ : read_bytes_)[static_cast<std::size_t>(layer)] += static_cast<int64_t>(moved);
  delay = clock_.cycles(bursts.delivered - now);
  payload.set_response_status(refused ? tlm::TLM_ADDRESS_ERROR_RESPONSE : tlm::TLM_OK_RESPONSE);
}

// The loop above in one step. Each run is `full` bursts of B = burst_bytes and, when B does not
// divide it, one of `tail` bytes (an empty run: one empty burst); a burst of b bytes holds the
// port c(b) = ceil(b / bytes per cycle) cycles. BandwidthPort::reserve() books a request made at
// cycle t, on a port free from t for as long as it needs, as [t, t + c) (an empty one as [t, t)),
// first delivered at t + L and last at t + c + L (L the latency). So, chained, with no other
// booking in the span: burst k is requested as burst k - 1 leaves the port, t_0 = the
// transaction's time, t_k = t_{k-1} + c_{k-1}: burst k holds [t_k, t_k + c_k), the bursts hold
// the port back to back over [t_0, t_0 + T) with T = runs * (full * c(B) + c(tail)), one
// booking, and the transfer is delivered at t_0 + T + L; the t_k form a grid (BurstGrid), which
// an initiator that accepts grids gets instead of lists. Requests given as a grid are booked in
// closed form where BandwidthPort::reserve_grid can. Where others hold some of those cycles,
// and for requests made at given cycles, sweep_bursts books them in one sweep over the bookings.
// With an observer (which sees every burst), a memory whose book() is not the flat port's, a burst
// outside the memory, fewer requested cycles than bursts or requests that go back in time, the
// loop books them one by one.
bool MemoryTarget::serve_bursts_at_once(tlm::tlm_generic_payload& payload, BurstTransfer& bursts, uint64_t request,
                                        uint64_t runs, uint64_t run_bytes) {
  const uint64_t burst = bursts.burst_bytes;
  if (observer_ || !books_on_flat_port() || burst == 0) return false;
  const uint64_t full = run_bytes / burst, tail = run_bytes % burst;
  const uint64_t per_run = run_bytes == 0 ? 1 : full + (tail != 0 ? 1 : 0);
  BurstGrid& grid = bursts.requested_grid;
  if (!bursts.chained && grid.valid && (grid.runs != runs || grid.per_run != per_run)) list_requested(bursts);
  if (!bursts.chained && !grid.valid && bursts.requested.size() != runs * per_run) return false;
  const uint64_t address = payload.get_address();
  for (uint64_t run = 0; run < runs; ++run)  // a run's bursts are all in range when the run is
    if (!in_range(address + run * bursts.run_stride, run_bytes)) return false;
  const uint64_t full_cycles = port_.transfer_cycles(burst), tail_cycles = port_.transfer_cycles(tail);
  const uint64_t count = runs * per_run;
  const uint64_t total_cycles = runs * (full * full_cycles + tail_cycles);
  const uint64_t latency = port_.latency();
  if (bursts.chained && port_.free_during(request, request + total_cycles)) {
    // Burst j of run i requested at request + i * (a run's cycles) + j * c(B) (a run's tail, or
    // its one empty burst, after its full bursts): a grid, in O(1) however many bursts, listed
    // for an initiator that does not take grids.
    const BurstGrid requested{true, request, full_cycles, full * full_cycles + tail_cycles, runs, per_run};
    if (bursts.accepts_grids) {
      grid = requested;
      bursts.first_delivered_grid = requested.shifted(latency);
    } else {
      requested.expand(bursts.requested);
      requested.shifted(latency).expand(bursts.first_delivered);
    }
    const BandwidthPort::Piece whole{request, request + total_cycles};
    port_.book_free(&whole, &whole + (total_cycles != 0 ? 1 : 0), total_cycles);
    bursts.delivered = request + total_cycles + latency;
    ++transactions_at_once_;
  } else if (!bursts.chained && grid.valid && book_grid(bursts, full, full_cycles, tail_cycles)) {
    bursts.delivered = std::max(request, bursts.delivered);
    ++transactions_at_once_;
  } else {
    list_requested(bursts);
    bursts.first_delivered.resize(count);
    if (!sweep_bursts(bursts, request, count, per_run, full, full_cycles, tail_cycles)) return false;
  }
  move_runs(payload, address, bursts.run_stride, runs, run_bytes);
  return true;
}

// Requests given as a grid, booked in closed form by BandwidthPort::reserve_grid (whose comment
// says why that books what one request after another would), their first deliveries answered as
// a grid or, to an initiator that does not take grids, listed. False, having booked nothing, when
// it cannot.
bool MemoryTarget::book_grid(BurstTransfer& bursts, uint64_t full, uint64_t full_cycles, uint64_t tail_cycles) {
  BurstGrid first;
  uint64_t delivered = 0;
  if (!port_.reserve_grid(bursts.requested_grid, full, full_cycles, tail_cycles, first, delivered)) return false;
  if (bursts.accepts_grids)
    bursts.first_delivered_grid = first;
  else
    first.expand(bursts.first_delivered);
  bursts.delivered = delivered;
  return true;
}

void MemoryTarget::list_requested(BurstTransfer& bursts) {
  if (bursts.chained || !bursts.requested_grid.valid) return;
  bursts.requested_grid.expand(bursts.requested);
  bursts.requested_grid.valid = false;
}

// The loop in serve_bursts in one sweep over the port's bookings (BandwidthPort::InOrder, whose
// comment says why that books what the loop would, given requests that do not decrease; chained,
// t_k = e_{k-1}, the end of the burst before, they do not): a run's first `full` bursts of
// `per_run` need `full_cycles` each and a shorter last one (or a run's one empty burst)
// `tail_cycles`, and the transfer is delivered at the latest of `request` and every burst's
// delivery. Returns false, having booked nothing, at a request for an earlier cycle than the one
// before. A sweep that passed no booking took only free cycles: the transfer was booked at once,
// in the closed form's sense (free_during its span), otherwise it was swept.
bool MemoryTarget::sweep_bursts(BurstTransfer& bursts, uint64_t request, uint64_t count, uint64_t per_run,
                                uint64_t full, uint64_t full_cycles, uint64_t tail_cycles) {
  BandwidthPort::InOrder in_order(port_);
  if (bursts.chained) bursts.requested.resize(count);
  uint64_t* requested = bursts.requested.data();
  uint64_t* first = bursts.first_delivered.data();
  uint64_t delivered = request, previous = 0;
  for (uint64_t i = 0, k = 0; i < count; ++i) {
    if (bursts.chained) {
      requested[i] = request;
    } else {
      request = requested[i];
      if (request < previous) return false;
      previous = request;
    }
    const BandwidthPort::Reservation reserved = in_order.reserve_cycles(request, k < full ? full_cycles : tail_cycles);
    if (++k == per_run) k = 0;
    first[i] = reserved.first_delivered;
    delivered = std::max(delivered, reserved.delivered);
    request = reserved.end;
  }
  in_order.commit();
  bursts.delivered = delivered;
  ++(in_order.bookings_passed() == 0 ? transactions_at_once_ : transactions_swept_);
  return true;
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
  move_runs(payload, address, stride, runs, length);
  BandwidthPort::Reservation whole{};
  if (!book_runs_at_once(start, runs, length, whole)) {
    for (uint64_t run = 0; run < runs; ++run) {
      const BandwidthPort::Reservation reserved = serve(start, address + run * stride, length, write, layer);
      if (run == 0) {
        whole = reserved;
      } else {
        whole.begin = std::min(whole.begin, reserved.begin);
        whole.end = std::max(whole.end, reserved.end);
        whole.delivered = std::max(whole.delivered, reserved.delivered);
        whole.first_delivered = std::min(whole.first_delivered, reserved.first_delivered);
      }
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

// The runs of a StridedAccess in one booking. All are requested at `start`, each needing c =
// ceil(length / bytes per cycle) port cycles. reserve() gives a request the first free cycles
// from its start on, so run 0 takes the first c free cycles from `start`, and run i, whose
// cursor passes the cycles the runs before it took (all of the first i c free ones: every
// cycle from start to where run i - 1 ended is booked), the next c. Together they hold the
// first runs c free cycles from `start`, exactly what one request of runs c cycles takes, and
// the port's bookings end up the same (bookings that touch are merged either way). The whole's
// begin is run 0's (its first cycle), its end the last run's, first delivered begin + L and
// last end + L (L the latency), as the min and max over the runs. On a free port: [start,
// start + runs c). As serve_bursts_at_once, only for more than one run, unobserved, on the flat
// port.
bool MemoryTarget::book_runs_at_once(uint64_t start, uint64_t runs, uint64_t length,
                                     BandwidthPort::Reservation& whole) {
  if (runs < 2 || observer_ || !books_on_flat_port()) return false;
  whole = port_.reserve_cycles(start, runs * port_.transfer_cycles(length));
  ++transactions_at_once_;
  return true;
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
    backdoor_read(address, payload.get_data_ptr(), length);
  else if (payload.is_write())
    backdoor_write(address, payload.get_data_ptr(), length);
  return static_cast<unsigned int>(length);
}

void MemoryTarget::backdoor_write(uint64_t address, const uint8_t* data, uint64_t length) {
  if (!in_range(address, length)) throw std::out_of_range(std::string(name()) + ": backdoor write outside the memory");
  if (length) std::memcpy(storage() + address, data, length);
}

void MemoryTarget::backdoor_read(uint64_t address, uint8_t* data, uint64_t length) const {
  if (!in_range(address, length)) throw std::out_of_range(std::string(name()) + ": backdoor read outside the memory");
  if (length == 0) return;
  if (stored())
    std::memcpy(data, stored() + address, length);
  else
    std::memset(data, 0, length);  // nothing stored yet: the zeros the store would hold
}

}  // namespace accelsim::modules
