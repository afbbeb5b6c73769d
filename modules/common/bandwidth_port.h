#pragma once

#include <algorithm>
#include <cstdint>

namespace accelsim::modules {

// A memory port that moves `bytes_per_cycle` and answers after `latency` cycles. Requests
// queue behind each other: a request that finds the port busy starts when it frees. This is
// how contention between units sharing an SRAM or the DRAM shows up in their timing.
class BandwidthPort {
 public:
  BandwidthPort(uint64_t bytes_per_cycle, uint64_t latency) : bytes_per_cycle_(bytes_per_cycle), latency_(latency) {}

  // The cycles one request holds the port, [begin, end), and the cycle its last byte is
  // delivered (end plus latency).
  struct Reservation {
    uint64_t begin = 0;
    uint64_t end = 0;
    uint64_t delivered = 0;
  };

  // Reserves the port for `bytes` from cycle `start` on, or from when it frees if later.
  Reservation reserve(uint64_t start, uint64_t bytes) {
    const uint64_t begin = std::max(start, free_at_);
    const uint64_t duration = transfer_cycles(bytes);
    free_at_ = begin + duration;
    busy_cycles_ += duration;
    return {begin, free_at_, free_at_ + latency_};
  }

  uint64_t transfer_cycles(uint64_t bytes) const { return (bytes + bytes_per_cycle_ - 1) / bytes_per_cycle_; }
  uint64_t latency() const { return latency_; }
  uint64_t busy_cycles() const { return busy_cycles_; }
  uint64_t free_at() const { return free_at_; }

 private:
  uint64_t bytes_per_cycle_;
  uint64_t latency_;
  uint64_t free_at_ = 0;
  uint64_t busy_cycles_ = 0;
};

}  // namespace accelsim::modules
