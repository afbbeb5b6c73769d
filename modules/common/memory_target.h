#pragma once

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "core/stats/run_stats.h"
#include "modules/common/bandwidth_port.h"
#include "modules/common/blocking_access.h"
#include "modules/common/clock.h"

namespace accelsim::modules {

class MemoryTarget;

// One timed access, in cycles: requested at `requested` (the initiator's local time), on the
// port from `port_begin` to `port_end` (after any queueing), in the cycles of `pieces` (other
// accesses may hold the port in between), answered at `delivered`.
struct MemoryAccess {
  bool write = false;
  uint64_t bytes = 0;
  uint64_t requested = 0;
  uint64_t port_begin = 0;
  uint64_t port_end = 0;
  uint64_t delivered = 0;
  std::vector<BandwidthPort::Piece> pieces;
};

// Sees every timed access to a memory when it is made. Accesses are annotated: their cycles
// may lie in the future of the simulated time of the call. Trace recorders implement it.
class MemoryAccessObserver {
 public:
  virtual ~MemoryAccessObserver() = default;
  virtual void accessed(const MemoryTarget& memory, const MemoryAccess& access) = 0;
};

// Names and descriptions of a memory's traffic statistics, e.g. "weight_sram_read_bytes".
struct MemoryStatNames {
  std::string read;
  std::string read_description;
  std::string write;
  std::string write_description;
};

// A byte-addressed memory behind a TLM-2.0 target socket, loosely timed: b_transport moves the
// bytes at once and adds the port's transfer time and latency (after any queueing) to the
// annotated delay. The SRAM and DRAM modules are instances of it with their own parameters.
// It is the one place its traffic is counted: per layer, by the layer each access is tagged
// with (AccessLayer).
class MemoryTarget : public sc_core::sc_module {
 public:
  // Several units bind to one memory (the DMA, the PE array, the requantization unit...).
  tlm_utils::multi_passthrough_target_socket<MemoryTarget> socket;

  // `storage_bytes`: the addresses backed by host memory (a DRAM's used part, an SRAM's whole).
  MemoryTarget(sc_core::sc_module_name name, const Clock& clock, stats::RunStats& stats, const MemoryStatNames& names,
               uint64_t storage_bytes, uint64_t bytes_per_cycle, uint64_t latency_cycles);

  // Reports every timed access to `observer` (null: nobody).
  void observe(MemoryAccessObserver* observer) { observer_ = observer; }

  // false: timed accesses leave the bytes where they are (a timing-only run, where nothing reads
  // them: no cycle depends on a value); only the backdoor still moves bytes.
  void move_bytes(bool on) { move_bytes_ = on; }

  // Untimed access for the host and the checker: a plain copy, no port time, not counted.
  void backdoor_write(uint64_t address, const uint8_t* data, uint64_t length);
  void backdoor_read(uint64_t address, uint8_t* data, uint64_t length) const;

  // Transactions in bursts (BurstTransfer) and in runs (StridedAccess) booked in one step rather
  // than burst by burst or run by run, in cycles no other booking held (see serve_bursts_at_once,
  // sweep_bursts, book_runs_at_once): for tests.
  uint64_t transactions_booked_at_once() const { return transactions_at_once_; }
  // Transfers in bursts whose cycles others' bookings held some of, booked in one sweep over them
  // instead of burst by burst (see sweep_bursts): for tests.
  uint64_t transactions_swept() const { return transactions_swept_; }

 protected:
  // Times one access of `bytes` at `address` requested at cycle `start`, for `layer` (-1: none):
  // the cycles it holds the port and when its first and last bytes are delivered. The flat port
  // by default; the detailed DRAM model overrides it. With `pieces`, also says which port
  // cycles it got (for traces).
  virtual BandwidthPort::Reservation book(uint64_t start, uint64_t address, uint64_t bytes, bool write, int32_t layer,
                                          std::vector<BandwidthPort::Piece>* pieces);
  // Whether book() is the flat port's, which serve_bursts_at_once() computes in closed form.
  virtual bool books_on_flat_port() const { return true; }

  stats::LayerCounter read_bytes_;
  stats::LayerCounter write_bytes_;

 private:
  void b_transport(int initiator, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
  // b_transport of a transfer's side in bursts (BurstTransfer).
  void serve_bursts(tlm::tlm_generic_payload& payload, BurstTransfer& bursts, sc_core::sc_time& delay);
  // Books a StridedAccess's `runs` runs of `length` bytes requested at `start` in one step, into
  // `whole` (their span): false, having booked nothing, when it cannot (observed, one run, the
  // detailed DRAM).
  bool book_runs_at_once(uint64_t start, uint64_t runs, uint64_t length, BandwidthPort::Reservation& whole);
  // Books all of them in one step, with the same cycles as one by one: chained on a span nothing
  // else holds in closed form, otherwise in one sweep over the bookings. Returns false, having
  // booked nothing, when it cannot.
  bool serve_bursts_at_once(tlm::tlm_generic_payload& payload, BurstTransfer& bursts, uint64_t request, uint64_t runs,
                            uint64_t run_bytes);
  // serve_bursts_at_once's bursts in one sweep over the port's bookings: false, having booked
  // nothing, when a request goes back in time.
  bool sweep_bursts(BurstTransfer& bursts, uint64_t request, uint64_t count, uint64_t per_run, uint64_t full,
                    uint64_t full_cycles, uint64_t tail_cycles);
  // serve_bursts_at_once's bursts requested on a grid (not chained), in closed form: false, having
  // booked nothing, when it cannot.
  bool book_grid(BurstTransfer& bursts, uint64_t full, uint64_t full_cycles, uint64_t tail_cycles);
  // Lists the requested cycles a grid gives (not chained), for the paths that take them burst by burst.
  static void list_requested(BurstTransfer& bursts);
  // Books one access requested at cycle `start` and shows it to the observer.
  BandwidthPort::Reservation serve(uint64_t start, uint64_t address, uint64_t bytes, bool write, int32_t layer);
  unsigned int transport_dbg(int initiator, tlm::tlm_generic_payload& payload);
  bool in_range(uint64_t address, uint64_t length) const;

  // Copies `runs` runs of `run_bytes` (at `address`, `stride` apart) between the payload and the
  // backing store, in the payload's direction; nothing when this memory moves no bytes.
  void move_runs(tlm::tlm_generic_payload& payload, uint64_t address, uint64_t stride, uint64_t runs,
                 uint64_t run_bytes);
  // The backing store, zeroed, allocated on first use: a timing-only run, whose memories move no
  // bytes, never pays for zeroing megabytes it would never read.
  uint8_t* storage();
  // The backing store, or null while nothing has been stored (every byte reads as zero).
  const uint8_t* stored() const { return storage_.get(); }

  struct FreeStorage {
    void operator()(uint8_t* bytes) const { std::free(bytes); }
  };

  const Clock& clock_;
  uint64_t storage_bytes_;                         // the used part of the address space
  std::unique_ptr<uint8_t, FreeStorage> storage_;  // calloc'ed by storage()
  BandwidthPort port_;
  MemoryAccessObserver* observer_ = nullptr;
  bool move_bytes_ = true;
  MemoryAccess access_;  // what the observer is shown, reused
  uint64_t transactions_at_once_ = 0;
  uint64_t transactions_swept_ = 0;
};

}  // namespace accelsim::modules
