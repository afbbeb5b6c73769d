#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace accelsim::modules {

// Cycles of requests on a grid, one per burst of a transfer in runs: burst j (0 <= j <
// per_run) of run i (0 <= i < runs) at first + i * run_period + j * period. A transfer whose
// bursts a free port books back to back has them so (see MemoryTarget::serve_bursts_at_once),
// and a grid describes them in O(1) however many bursts there are.
struct BurstGrid {
  bool valid = false;  // false: no grid (the cycles are listed instead)
  uint64_t first = 0;
  uint64_t period = 0;
  uint64_t run_period = 0;
  uint64_t runs = 0;
  uint64_t per_run = 0;

  uint64_t count() const { return runs * per_run; }
  uint64_t at(uint64_t run, uint64_t burst) const { return first + run * run_period + burst * period; }
  uint64_t last() const { return at(runs - 1, per_run - 1); }
  // The same grid `offset` cycles later.
  BurstGrid shifted(uint64_t offset) const {
    BurstGrid grid = *this;
    grid.first += offset;
    return grid;
  }
  // The cycles, one per burst, in order, into `cycles` (replacing what it held).
  void expand(std::vector<uint64_t>& cycles) const {
    cycles.resize(count());
    uint64_t* out = cycles.data();
    for (uint64_t run = 0; run < runs; ++run)
      for (uint64_t burst = 0, at = first + run * run_period; burst < per_run; ++burst, at += period) *out++ = at;
  }
};

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
    return reserve_cycles(start, transfer_cycles(bytes), pieces);
  }

  // reserve() of a request that needs `cycles` port cycles. Without `pieces`, one that does not
  // fit in the first gap from its start is booked by fill_gaps() (the same cycles, in one pass
  // instead of one vector erase per gap); with them, the gaps are filled one by one below.
  Reservation reserve_cycles(uint64_t start, uint64_t cycles, std::vector<Piece>* pieces = nullptr) {
    uint64_t left = cycles;
    if (left == 0) return {start, start, start + latency_, start + latency_};
    uint64_t cursor = start;
    // The first booking that starts after `cursor`.
    std::size_t next = static_cast<std::size_t>(
        std::upper_bound(busy_.begin(), busy_.end(), cursor, [](uint64_t at, const Piece& b) { return at < b.begin; }) -
        busy_.begin());
    if (next != 0 && busy_[next - 1].end > cursor) cursor = busy_[next - 1].end;
    if (!pieces && next != busy_.size() && busy_[next].begin - cursor < left)
      return reserve_across_gaps(start, cycles, next, cursor);
    busy_cycles_ += left;
    uint64_t begin = 0, end = 0;
    bool first = true;
    while (true) {
      const uint64_t gap_end = next == busy_.size() ? UINT64_MAX : busy_[next].begin;
      const uint64_t piece = std::min(left, gap_end - cursor);
      if (piece == 0) {  // no gap here: skip the booking
        cursor = busy_[next].end;
        ++next;
        continue;
      }
      if (first) begin = cursor;
      first = false;
      end = cursor + piece;
      left -= piece;
      if (pieces) pieces->push_back({cursor, end});
      const std::size_t merged = book(next, cursor, end);
      if (left == 0) break;
      cursor = busy_[merged].end;  // the gap is full: go on after the booking that closed it
      next = merged + 1;
    }
    free_at_ = std::max(free_at_, end);
    return {begin, end, end + latency_, begin + latency_};
  }

  // Whether no booking holds any cycle of [begin, end).
  bool free_during(uint64_t begin, uint64_t end) const {
    if (begin >= end) return true;
    const Piece* first =
        std::partition_point(busy_.begin(), busy_.end(), [begin](const Piece& b) { return b.end <= begin; });
    return first == busy_.end() || first->begin >= end;
  }

  // Books the pieces [first, last) at once: non-empty, in order, none touching the next, and in
  // one gap between bookings (free_during() their span), as reserve() would have booked them one
  // by one (merged with the bookings they touch), and counts `cycles` (theirs and those of any
  // empty requests among them) as busy.
  void book_free(const Piece* first, const Piece* last, uint64_t cycles) {
    busy_cycles_ += cycles;
    if (first == last) return;
    const auto next = static_cast<std::size_t>(
        std::partition_point(busy_.begin(), busy_.end(),
                             [begin = first->begin](const Piece& b) { return b.end <= begin; }) -
        busy_.begin());
    const Piece back = last[-1];
    if (last - first == 1) {
      book(next, first->begin, first->end);
    } else {  // the first may join the booking before them, the last the one after
      if (next != 0 && busy_[next - 1].end == first->begin) busy_[next - 1].end = (first++)->end;
      if (next != busy_.size() && busy_[next].begin == back.end) busy_[next].begin = (--last)->begin;
      busy_.insert(next, first, last);
    }
    free_at_ = std::max(free_at_, back.end);
  }

  // Books a sequence of requests, one reserve_cycles() after another, in one sweep over the
  // bookings (a DMA transfer's bursts): each call gives exactly
  // what reserve_cycles() would have, and the port's busy cycles and bookings end up the same,
  // but the bookings are searched once, each request goes on from where the one before left the
  // sweep, and the new pieces join the bookings in one merge (commit()) instead of one vector
  // insert each. Requests must come for cycles that do not decrease (a chained one is made for
  // the previous one's end), and nothing else may book the port until commit(); without
  // commit(), nothing is booked.
  //
  // Why one sweep books what one reserve_cycles() after another would. Request k, made for t_k
  // and needing c_k > 0 cycles, takes the first c_k free cycles from t_k on and ends at e_k, so
  // afterwards every cycle of [t_k, e_k) is busy. Request k + 1 is made for t_{k+1} >= t_k, so
  // [t_{k+1}, e_k) is busy too, and its first cycle is the first free one from
  //   s_{k+1} = max(t_{k+1}, e),  e the end of the latest non-empty request before it (none: 0),
  // (by induction over the non-empty requests: the ends do not decrease, and neither does s).
  // The requests' own pieces all lie before e <= s_{k+1}, so from s_{k+1} on only the earlier
  // bookings are in the way, and since s does not decrease the sweep over them never goes back:
  // O(requests + bookings passed). The new pieces come disjoint and in order, ready to merge.
  // An empty request is [t_k, t_k) (first delivered and delivered t_k + L), as reserve_cycles'.
  class InOrder {
   public:
    explicit InOrder(BandwidthPort& port)
        : port_(port), out_begin_(port.added_.data()), out_(out_begin_), out_end_(out_begin_ + port.added_.size()) {}

    Reservation reserve_cycles(uint64_t start, uint64_t cycles) {
      const uint64_t latency = port_.latency_;
      cycles_ += cycles;
      if (cycles == 0) return {start, start, start + latency, start + latency};
      uint64_t cursor = std::max(start, end_);
      if (!started_) start_at(cursor);
      // In locals, kept in registers while pieces are written.
      const Piece* next = next_;
      const Piece* const last = last_;
      Piece* out = out_;
      // Past the bookings that begin by the cursor: those it has passed and the one holding it.
      auto skip_booked = [&] {
        while (next != last && next->begin <= cursor) cursor = std::max(cursor, (next++)->end);
      };
      skip_booked();
      const uint64_t begin = cursor;
      for (uint64_t left = cycles;;) {  // fill the gap before booking `next`, then the next gap
        const uint64_t piece = std::min(left, (next == last ? UINT64_MAX : next->begin) - cursor);
        if (out != out_begin_ && out[-1].end == cursor) {
          out[-1].end = cursor + piece;
        } else {
          if (out == out_end_) out = grow(out);
          *out++ = {cursor, cursor + piece};
        }
        cursor += piece;
        left -= piece;
        if (left == 0) break;
        skip_booked();
      }
      next_ = next;
      out_ = out;
      end_ = cursor;
      return {begin, cursor, cursor + latency, begin + latency};
    }

    // Books what the requests took: the new pieces merged with the bookings around them as
    // reserve_cycles() merges each (a new piece joins any booking it touches; two earlier
    // bookings that touch stay apart).
    void commit() {
      if (next_ == first_passed_) {  // none passed: all in one gap, which book_free() fills
        port_.book_free(out_begin_, out_, cycles_);
        return;
      }
      port_.busy_cycles_ += cycles_;
      Pieces& busy = port_.busy_;
      // Only the booking before the first one passed and the one after the last can touch them.
      const auto first = static_cast<std::size_t>(first_passed_ - busy.begin());
      const std::size_t from = first > 0 ? first - 1 : 0;
      const std::size_t to = std::min(static_cast<std::size_t>(next_ - busy.begin()) + 1, busy.size());
      std::vector<Piece>& merged = port_.merged_;
      merged.resize(std::max(merged.size(), to - from + static_cast<std::size_t>(out_ - out_begin_)));
      Piece* const merged_begin = merged.data();
      Piece* merged_end = merged_begin;
      bool ends_new = false;  // whether the last merged piece ends with a new one
      auto append = [&](const Piece& piece, bool is_new) {
        if (merged_end != merged_begin && merged_end[-1].end == piece.begin && (is_new || ends_new))
          merged_end[-1].end = piece.end;
        else
          *merged_end++ = piece;
        ends_new = is_new;
      };
      std::size_t old = from;
      const Piece* fresh = out_begin_;
      while (old < to || fresh != out_) {
        if (fresh == out_ || (old < to && busy[old].begin < fresh->begin))
          append(busy[old++], false);
        else
          append(*fresh++, true);
      }
      busy.replace(from, to, merged_begin, merged_end);
      port_.free_at_ = std::max(port_.free_at_, out_[-1].end);
    }

    // The bookings the requests so far have passed: those that hold any cycle from the first
    // non-empty request's start to the latest one's end.
    std::size_t bookings_passed() const { return static_cast<std::size_t>(next_ - first_passed_); }

   private:
    void start_at(uint64_t cursor) {  // from the first booking that ends after the cursor
      const Pieces& busy = port_.busy_;
      next_ = first_passed_ =
          std::partition_point(busy.begin(), busy.end(), [cursor](const Piece& b) { return b.end <= cursor; });
      last_ = busy.end();
      started_ = true;
    }

    // Room for more pieces (the port's buffer, kept from sweep to sweep); `out` is one past the
    // last written, and so is the pointer returned.
    Piece* grow(Piece* out) {
      std::vector<Piece>& added = port_.added_;
      const auto written = out - out_begin_;
      added.resize(std::max<std::size_t>(64, 2 * added.size()));
      out_begin_ = added.data();
      out_end_ = out_begin_ + added.size();
      return out_begin_ + written;
    }

    BandwidthPort& port_;
    bool started_ = false;
    const Piece* first_passed_ = nullptr;  // the first booking ending after the first request's start
    const Piece* next_ = nullptr;          // the first booking the sweep has not passed
    const Piece* last_ = nullptr;          // the end of the bookings
    Piece* out_begin_;                     // the new pieces, in the port's buffer
    Piece* out_;
    Piece* out_end_;
    uint64_t end_ = 0;  // the end of the latest non-empty request
    uint64_t cycles_ = 0;
  };

  // Books requests made for the cycles of `requests` (a grid, see BurstGrid), one
  // reserve_cycles() after another, in closed form: burst j of each run needs w_j = `full_cycles`
  // for j < `full`, otherwise `tail_cycles` (a run's shorter last burst). Gives the grid of their
  // first deliveries and the latest delivery, and books and counts exactly what the calls would
  // have. Returns false, having booked nothing, when it cannot: the requests go back in time, a
  // burst is empty among others that are not, the span they take is not free, or the bursts
  // neither all fit between their requests nor all outlast them.
  //
  // Why. Request k (in order, run by run) is made for r_k and needs w_k > 0 cycles; the gap to the
  // next request is r_{k+1} - r_k: `period` within a run, and g = run_period - (per_run - 1) *
  // period from a run's last burst to the next run's first. On a port free over the span, request
  // k takes [s_k, s_k + w_k) with s_k = max(r_k, e_{k-1}) (e the previous one's end; s_0 = r_0).
  // - Each fits (w_k <= r_{k+1} - r_k for all k but the last): by induction e_{k-1} = r_{k-1} +
  //   w_{k-1} <= r_k, so s_k = r_k: burst k holds [r_k, r_k + w_k), first delivered r_k + L (the
  //   request grid plus the latency L), and the last burst, whose end is the latest (e_k <= r_{k+1}
  //   <= e_{k+1}), is delivered at r_last + w_last + L. The pieces are booked as reserve_cycles()
  //   books them, those that touch merged (a run's full bursts are one piece when w = period).
  // - Each outlasts its gap (w_k >= r_{k+1} - r_k): e_{k-1} = r_0 + sum_{i<k} w_i >= r_0 +
  //   sum_{i<k} (r_{i+1} - r_i) = r_k, so s_k = e_{k-1}: the bursts hold [r_0, r_0 + W) back to
  //   back, W the sum of all w, one booking, burst j of run i first delivered at r_0 + L + i * (the
  //   run's cycles) + j * full_cycles (a grid: the tail comes after the `full` full bursts), and
  //   the last byte at r_0 + W + L.
  // When every burst is empty (W = 0), each is [r_k, r_k) as reserve_cycles' and nothing is booked.
  bool reserve_grid(const BurstGrid& requests, uint64_t full, uint64_t full_cycles, uint64_t tail_cycles,
                    BurstGrid& first_delivered, uint64_t& delivered) {
    const uint64_t runs = requests.runs, per_run = requests.per_run, period = requests.period;
    if (runs == 0 || per_run == 0 || full > per_run || per_run - full > 1) return false;
    if (requests.run_period < (per_run - 1) * period) return false;  // back in time
    const uint64_t run_gap = requests.run_period - (per_run - 1) * period;
    const bool has_tail = per_run > full;
    const uint64_t run_cycles = full * full_cycles + (has_tail ? tail_cycles : 0);
    const uint64_t total = runs * run_cycles;
    const uint64_t last_cycles = has_tail ? tail_cycles : full_cycles;
    if (total == 0) {
      first_delivered = requests.shifted(latency_);
      delivered = requests.last() + latency_;
      return true;
    }
    if ((full > 0 && full_cycles == 0) || (has_tail && tail_cycles == 0)) return false;
    // The bursts but a run's last are followed by a gap of `period`; the run's last (not the
    // transfer's) by run_gap.
    const bool inner = per_run > 1;  // a run has bursts before its last, all full
    const bool between = runs > 1;
    if ((!inner || full_cycles >= period) && (!between || last_cycles >= run_gap)) {  // back to back
      const uint64_t begin = requests.first;
      if (!free_during(begin, begin + total)) return false;
      const Piece whole{begin, begin + total};
      book_free(&whole, &whole + 1, total);
      first_delivered = {true, begin + latency_, full_cycles, run_cycles, runs, per_run};
      delivered = begin + total + latency_;
      return true;
    }
    if ((inner && full_cycles > period) || (between && last_cycles > run_gap)) return false;
    // Each at its request.
    const uint64_t end = requests.last() + last_cycles;
    if (!free_during(requests.first, end)) return false;
    Piece* out = added_.data();
    Piece* out_end = out + added_.size();
    auto append = [&](uint64_t begin, uint64_t piece_end) {
      if (out != added_.data() && out[-1].end == begin) {
        out[-1].end = piece_end;
        return;
      }
      if (out == out_end) {
        const auto written = out - added_.data();
        added_.resize(std::max<std::size_t>(64, 2 * added_.size()));
        out = added_.data() + written;
        out_end = added_.data() + added_.size();
      }
      *out++ = {begin, piece_end};
    };
    for (uint64_t run = 0; run < runs; ++run) {
      const uint64_t base = requests.first + run * requests.run_period;
      if (full_cycles == period) {  // the full bursts touch: one piece
        if (full > 0) append(base, base + full * period);
      } else {
        for (uint64_t burst = 0; burst < full; ++burst)
          append(base + burst * period, base + burst * period + full_cycles);
      }
      if (has_tail) append(base + full * period, base + full * period + tail_cycles);
    }
    book_free(added_.data(), out, total);
    first_delivered = requests.shifted(latency_);
    delivered = end + latency_;
    return true;
  }

  // reserve_cycles' request from `start` that does not fit in the gap from `cursor` to booking
  // `next`. Out of line: the short requests' path stays small enough for the compiler to inline
  // book() into it (inlined here too, it cost VGG-16 4x4 9 M instructions in calls).
#if defined(__GNUC__)
  __attribute__((noinline))
#endif
  Reservation
  reserve_across_gaps(uint64_t start, uint64_t cycles, std::size_t next, uint64_t cursor) {
    Reservation reserved;
    if (fill_gaps(next, cursor, cycles, reserved)) return reserved;
    InOrder in_order(*this);  // two bookings that touch among those passed: they stay apart
    reserved = in_order.reserve_cycles(start, cycles);
    in_order.commit();
    return reserved;
  }

  // A request of `cycles` from `cursor` (free: not inside a booking) that does not fit in the gap
  // before booking `next`, booked in one pass: false, having booked nothing, when two of the
  // bookings it passes touch. The loop in reserve_cycles fills the gaps one after another, the
  // first from the cursor, each to its end, until one holds what is left: the gap before booking
  // k, [e_{k-1}, b_k), is filled whole while its size is below what is left. A filled gap joins
  // the bookings on both sides, and the last, partial piece the booking before it (it starts at
  // its end) and the one after when it ends at its start; the first joins the booking before the
  // cursor when that ends there. So when no passed gap is empty (bookings that touch stay apart,
  // an empty gap gets no piece) all the passed bookings, the pieces and any booking they touch at
  // either end become one booking [B, E); the request holds [cursor, E') (E' its last piece's end).
  bool fill_gaps(std::size_t next, uint64_t cursor, uint64_t cycles, Reservation& reserved) {
    const Piece* const bookings = busy_.begin();
    const std::size_t size = busy_.size();
    uint64_t at = cursor, left = cycles;
    std::size_t k = next;
    for (;;) {  // left > 0 and `at` is the end of the cursor's gap or of booking k - 1
      const uint64_t gap_end = k == size ? UINT64_MAX : bookings[k].begin;
      if (gap_end - at >= left) break;
      if (gap_end == at) return false;  // bookings that touch
      left -= gap_end - at;
      at = bookings[k++].end;
    }
    const uint64_t end = at + left;
    const bool joins_previous = next != 0 && bookings[next - 1].end == cursor;
    const bool joins_next = k != size && bookings[k].begin == end;
    const std::size_t from = joins_previous ? next - 1 : next, to = joins_next ? k + 1 : k;
    const Piece whole{joins_previous ? bookings[next - 1].begin : cursor, joins_next ? bookings[k].end : end};
    busy_.replace(from, to, &whole, &whole + 1);
    busy_cycles_ += cycles;
    free_at_ = std::max(free_at_, end);
    reserved = {cursor, end, end + latency_, cursor + latency_};
    return true;
  }

  // Drops bookings that end at or before `cycle`: no request can be made for an earlier cycle
  // than the simulated present, so they can no longer matter.
  void forget_before(uint64_t cycle) { busy_.drop_front_while_ending_by(cycle); }

  uint64_t transfer_cycles(uint64_t bytes) const { return (bytes + bytes_per_cycle_ - 1) / bytes_per_cycle_; }
  uint64_t latency() const { return latency_; }
  uint64_t busy_cycles() const { return busy_cycles_; }
  uint64_t free_at() const { return free_at_; }  // the end of the latest booking
  // The bookings still ahead, in order, as they are cut into entries (for tests).
  std::vector<Piece> bookings() const { return {busy_.begin(), busy_.end()}; }

 private:
  // Adds [begin, end), which lies in the gap before booking `next` (or after the last one),
  // merged with the bookings it touches so that back-to-back bursts stay one entry; returns the
  // merged booking's index. Always inlined: it is a few compares on reserve_cycles' path, where
  // a call cost more than its work (reserve_cycles itself is inlined into the memories' callers).
#if defined(__GNUC__)
  __attribute__((always_inline))
#endif
  std::size_t
  book(std::size_t next, uint64_t begin, uint64_t end) {
    const bool joins_previous = next != 0 && busy_[next - 1].end == begin;
    const bool joins_next = next != busy_.size() && busy_[next].begin == end;
    if (joins_previous && joins_next) {
      busy_[next - 1].end = busy_[next].end;
      busy_.erase(next);
      return next - 1;
    }
    if (joins_previous) {
      busy_[next - 1].end = end;
      return next - 1;
    }
    if (joins_next) {
      busy_[next].begin = begin;
      return next;
    }
    busy_.insert(next, Piece{begin, end});
    return next;
  }

  // Pieces in order, in one vector whose used part may start after its beginning: dropping the
  // oldest ones moves nothing, and an insert or erase moves the entries on whichever side of it
  // is shorter (into the room before the used part when that is the front). A DMA transfer into
  // a faster memory books its bursts far ahead with gaps between them (hundreds of entries for
  // a large tile) while the other units book near the present: with a plain vector, each of
  // those inserts, and each forgetting, moved all the entries ahead.
  class Pieces {
   public:
    std::size_t size() const { return store_.size() - head_; }
    Piece& operator[](std::size_t i) { return store_[head_ + i]; }
    const Piece* begin() const { return store_.data() + head_; }
    const Piece* end() const { return store_.data() + store_.size(); }

    void insert(std::size_t i, Piece piece) {
      if (head_ > 0 && i < size() / 2) {  // shift the i entries before it one to the front
        --head_;
        std::move(store_.begin() + static_cast<std::ptrdiff_t>(head_ + 1),
                  store_.begin() + static_cast<std::ptrdiff_t>(head_ + 1 + i),
                  store_.begin() + static_cast<std::ptrdiff_t>(head_));
        store_[head_ + i] = piece;
      } else {
        store_.insert(store_.begin() + static_cast<std::ptrdiff_t>(head_ + i), piece);
      }
    }

    void insert(std::size_t i, const Piece* first, const Piece* last) {
      store_.insert(store_.begin() + static_cast<std::ptrdiff_t>(head_ + i), first, last);
    }

    // Replaces entries [from, to) with [first, last).
    void replace(std::size_t from, std::size_t to, const Piece* first, const Piece* last) {
      const auto at = store_.begin() + static_cast<std::ptrdiff_t>(head_ + from);
      const auto old_count = static_cast<std::ptrdiff_t>(to - from), new_count = last - first;
      if (new_count >= old_count) {
        std::copy(first, first + old_count, at);
        store_.insert(at + old_count, first + old_count, last);
      } else {
        std::copy(first, last, at);
        store_.erase(at + new_count, at + old_count);
      }
    }

    void erase(std::size_t i) {
      if (i < size() / 2) {  // shift the i entries before it one to the back
        std::move_backward(store_.begin() + static_cast<std::ptrdiff_t>(head_),
                           store_.begin() + static_cast<std::ptrdiff_t>(head_ + i),
                           store_.begin() + static_cast<std::ptrdiff_t>(head_ + i + 1));
        ++head_;
      } else {
        store_.erase(store_.begin() + static_cast<std::ptrdiff_t>(head_ + i));
      }
    }

    void drop_front_while_ending_by(uint64_t cycle) {
      while (head_ < store_.size() && store_[head_].end <= cycle) ++head_;
      // Reclaim the room before the used part once it outgrows the used part (amortized O(1)).
      if (head_ > 16 && head_ >= size()) {
        store_.erase(store_.begin(), store_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
    }

   private:
    std::vector<Piece> store_;
    std::size_t head_ = 0;  // store_[0, head_) are dropped (or room for inserts at the front)
  };

  uint64_t bytes_per_cycle_;
  uint64_t latency_;
  // Bookings still ahead, disjoint and in order: a few at a time, mostly, so a flat vector costs
  // the host far less than a tree node per booking (see Pieces for the long runs of them).
  Pieces busy_;
  uint64_t free_at_ = 0;
  uint64_t busy_cycles_ = 0;
  std::vector<Piece> added_;   // room for an InOrder's new pieces, reused
  std::vector<Piece> merged_;  // an InOrder's merge, reused
};

}  // namespace accelsim::modules
