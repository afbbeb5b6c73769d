#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <vector>

#include "modules/common/bandwidth_port.h"

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

// Several accesses of the same length made in one transaction (a tile's rows of one channel
// each, an output run per channel): `runs` runs of data_length / runs bytes, run i at the
// payload's address + i * address_stride and at data + i * (its length). The memory serves
// each run exactly as the separate access it stands for (its own booking of the port, its own
// observer call, all requested at the same time) and answers with the last delivery; only
// the host's cost of one transaction per run is saved. On refusal, `refused_run` names the
// first run outside the memory.
struct StridedAccess : tlm::tlm_extension<StridedAccess> {
  uint64_t runs = 1;
  uint64_t address_stride = 0;
  uint64_t refused_run = 0;
  tlm::tlm_extension_base* clone() const override { return new StridedAccess(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const StridedAccess&>(other); }
};

// One side of a DMA transfer in one transaction: `runs` runs of data_length / runs bytes (run i
// at the payload's address + i * run_stride and at data + i * its length), each cut into bursts
// of `burst_bytes` (a run's last burst shorter; an empty run one empty burst). The memory serves
// every burst, in order, exactly as the separate access it stands for (its own booking of the
// port, its own observer call); only the host's cost of one transaction per burst is saved.
// Burst k is requested at cycle `requested[k]`, or, `chained`, as burst k - 1 leaves the port
// (the first at the transaction's local time), and the memory fills `requested` in; without
// `chained` it serves requested.size() bursts. It answers with each burst's first delivery and
// the latest delivery of all. On refusal, the bursts before the first one outside the memory
// have been served, and `refused_address` and `refused_bytes` name that one.
// Cycles as grids (BurstGrid) instead of lists, so that the host's cost need not grow with the
// bursts: not chained, a valid `requested_grid` gives the requested cycles (`requested` is then
// ignored); with `accepts_grids`, the memory may answer with a valid `first_delivered_grid` and,
// chained, `requested_grid` instead of filling the lists in.
struct BurstTransfer : tlm::tlm_extension<BurstTransfer> {
  uint64_t runs = 1;
  uint64_t run_stride = 0;
  uint64_t burst_bytes = 0;
  bool chained = false;
  bool accepts_grids = false;
  std::vector<uint64_t> requested;        // absolute cycles, one per burst
  std::vector<uint64_t> first_delivered;  // absolute cycles, one per served burst
  BurstGrid requested_grid;
  BurstGrid first_delivered_grid;
  uint64_t delivered = 0;
  uint64_t refused_address = 0;
  uint64_t refused_bytes = 0;
  tlm::tlm_extension_base* clone() const override { return new BurstTransfer(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const BurstTransfer&>(other); }
};

// An initiator's transaction, reused for each of its accesses: a tlm_generic_payload allocates
// its extension array when built, which per access was a large part of the simulation's host
// time. Only loosely-timed blocking accesses use it, one at a time, so one object suffices.
class Transaction {
 public:
  Transaction() { payload_.set_extension(&tag_); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() { payload_.clear_extension(&tag_); }  // the payload would delete it

  // One loosely-timed TLM transaction through an initiator socket, for `layer`: `runs` runs of
  // `length` bytes, at `address` + i * `address_stride` and data + i * `length` (StridedAccess;
  // runs = 1: a plain access). `start` is the local time offset at which the request is made;
  // on success `start` becomes the offset at which the last byte has moved. With `timing`, the
  // memory also says which port cycles the access got. Returns false when the memory refused
  // the access (outside it), with refused_address() the refused run's; never throws, as it runs
  // on SystemC coroutine stacks (see Fault).
  template <typename Socket>
  bool access(Socket& port, tlm::tlm_command command, uint64_t address, uint8_t* data, uint64_t length, int32_t layer,
              sc_core::sc_time& start, PortTiming* timing = nullptr, uint64_t runs = 1, uint64_t address_stride = 0) {
    payload_.set_command(command);
    payload_.set_address(address);
    payload_.set_data_ptr(data);
    payload_.set_data_length(static_cast<unsigned int>(length * runs));
    payload_.set_streaming_width(static_cast<unsigned int>(length * runs));
    payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    tag_.layer = layer;
    if (timing) payload_.set_extension(timing);
    if (runs != 1) {
      strided_.runs = runs;
      strided_.address_stride = address_stride;
      strided_.refused_run = 0;
      payload_.set_extension(&strided_);
    }
    port->b_transport(payload_, start);
    if (timing) payload_.clear_extension(timing);
    if (runs != 1) payload_.clear_extension(&strided_);
    refused_address_ = address + (runs != 1 ? strided_.refused_run * address_stride : 0);
    return !payload_.is_response_error();
  }

  // One side of a transfer in bursts (BurstTransfer): `bytes` at `address` and `data`, the runs and
  // bursts as `bursts` describes them, for `layer`; `start` is the local time offset of the first
  // request when chained, and becomes the offset of the latest delivery. Returns false when the
  // memory refused a burst (see BurstTransfer).
  template <typename Socket>
  bool access_bursts(Socket& port, tlm::tlm_command command, uint64_t address, uint8_t* data, uint64_t bytes,
                     int32_t layer, BurstTransfer& bursts, sc_core::sc_time& start) {
    payload_.set_command(command);
    payload_.set_address(address);
    payload_.set_data_ptr(data);
    payload_.set_data_length(static_cast<unsigned int>(bytes));
    payload_.set_streaming_width(static_cast<unsigned int>(bytes));
    payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    tag_.layer = layer;
    payload_.set_extension(&bursts);
    port->b_transport(payload_, start);
    payload_.clear_extension(&bursts);
    return !payload_.is_response_error();
  }

  uint64_t refused_address() const { return refused_address_; }

 private:
  AccessLayer tag_;
  StridedAccess strided_;
  tlm::tlm_generic_payload payload_;
  uint64_t refused_address_ = 0;
};

// One plain access through a transaction of its own (see Transaction::access).
template <typename Socket>
bool blocking_access(Socket& port, tlm::tlm_command command, uint64_t address, uint8_t* data, uint64_t length,
                     int32_t layer, sc_core::sc_time& start, PortTiming* timing = nullptr) {
  Transaction transaction;
  return transaction.access(port, command, address, data, length, layer, start, timing);
}

}  // namespace accelsim::modules
