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

  // Reserves the port for `bytes` from cycle `start` on; returns the cycle the last byte is
  // delivered (transfer end plus latency).
  uint64_t reserve(uint64_t start, uint64_t bytes) {
    const uint64_t begin = std::max(start, free_at_);
    const uint64_t duration = (bytes + bytes_per_cycle_ - 1) / bytes_per_cycle_;
    free_at_ = begin + duration;
    busy_cycles_ += duration;
    return free_at_ + latency_;
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
