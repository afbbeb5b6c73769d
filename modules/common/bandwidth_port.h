#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <vector>

namespace accelsim::modules {

// A memory port that moves `bytes_per_cycle` and answers after `latency` cycles. A request
// uses the cycles, from the one it is made for, that earlier bookings leave free: one that
// finds the port busy waits until it frees, and one made for an earlier cycle than bookings
// already made (timing is annotated, so bookings may lie in the future) uses the gaps they
// leave, such as those between a DMA's bursts. This is how contention between units sharing an
// SRAM or the DRAM shows up in their timing.
class BandwidthPort {
 public:
  BandwidthPort(uint64_t bytes_per_cycle, uint64_t latency) : bytes_per_cycle_(bytes_per_cycle), latency_(latency) {}

  // Cycles [begin, end) in which the port serves one request.
  struct Piece {
    uint64_t begin = 0;
    uint64_t end = 0;
  };

  // The cycles one request holds the port, from the first to the last it uses, [begin, end),
  // the cycle its last byte is delivered (end plus latency) and the cycle its first bytes are
  // (begin plus latency).
  struct Reservation {
    uint64_t begin = 0;
    uint64_t end = 0;
    uint64_t delivered = 0;
    uint64_t first_delivered = 0;
  };

  // Books the port for `bytes` from cycle `start` on, in the cycles other bookings leave free:
  // the port is shared cycle by cycle, first booked first served, so a long request fills the
  // gaps between another unit's bursts instead of waiting for all of them.
  // With `pieces`, also says which cycles it got (for traces).
  Reservation reserve(uint64_t start, uint64_t bytes, std::vector<Piece>* pieces = nullptr) {
    uint64_t left = transfer_cycles(bytes);
    busy_cycles_ += left;
    if (left == 0) return {start, start, start + latency_, start + latency_};
    uint64_t cursor = start;
    auto next = busy_.upper_bound(cursor);  // the first booking that starts after `cursor`
    if (next != busy_.begin() && std::prev(next)->second > cursor) cursor = std::prev(next)->second;
    uint64_t begin = 0, end = 0;
    bool first = true;
    while (true) {
      const uint64_t gap_end = next == busy_.end() ? UINT64_MAX : next->first;
      const uint64_t piece = std::min(left, gap_end - cursor);
      if (piece == 0) {  // no gap here: skip the booking
        cursor = next->second;
        ++next;
        continue;
      }
      if (first) begin = cursor;
      first = false;
      end = cursor + piece;
      left -= piece;
      if (pieces) pieces->push_back({cursor, end});
      const auto merged = book(cursor, end);
      if (left == 0) break;
      cursor = merged->second;  // the gap is full: go on after the booking that closed it
      next = std::next(merged);
    }
    free_at_ = std::max(free_at_, end);
    return {begin, end, end + latency_, begin + latency_};
  }

  // Drops bookings that end at or before `cycle`: no request can be made for an earlier cycle
  // than the simulated present, so they can no longer matter.
  void forget_before(uint64_t cycle) {
    while (!busy_.empty() && busy_.begin()->second <= cycle) busy_.erase(busy_.begin());
  }

  uint64_t transfer_cycles(uint64_t bytes) const { return (bytes + bytes_per_cycle_ - 1) / bytes_per_cycle_; }
  uint64_t busy_cycles() const { return busy_cycles_; }
  uint64_t free_at() const { return free_at_; }  // the end of the latest booking

 private:
  // Adds [begin, end), merged with the bookings it touches so that back-to-back bursts stay one
  // entry; returns the merged booking.
  std::map<uint64_t, uint64_t>::iterator book(uint64_t begin, uint64_t end) {
    auto next = busy_.lower_bound(begin);
    if (next != busy_.begin() && std::prev(next)->second == begin) {
      const auto previous = std::prev(next);
      begin = previous->first;
      busy_.erase(previous);
    }
    if (next != busy_.end() && next->first == end) {
      end = next->second;
      busy_.erase(next);
    }
    return busy_.emplace(begin, end).first;
  }

  uint64_t bytes_per_cycle_;
  uint64_t latency_;
  std::map<uint64_t, uint64_t> busy_;  // bookings still ahead: begin -> end, disjoint
  uint64_t free_at_ = 0;
  uint64_t busy_cycles_ = 0;
};

}  // namespace accelsim::modules
