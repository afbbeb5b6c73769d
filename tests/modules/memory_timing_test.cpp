// Micro-timing of one memory port: expected cycles are worked out by hand in the comments.
#include <gtest/gtest.h>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "modules/common/bandwidth_port.h"
#include "modules/common/blocking_access.h"
#include "modules/sram/sram.h"
#include "tests/support/test_memory.h"

namespace accelsim::modules {
namespace {

// Issues reads at chosen cycles and records when each completes.
struct Reader : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Reader> port{"port"};
  const Clock& clock;
  std::vector<std::pair<uint64_t, uint64_t>> requests;  // (issue cycle, bytes)
  std::vector<uint64_t> finished;
  std::vector<uint8_t> data = std::vector<uint8_t>(4096);

  SC_HAS_PROCESS(Reader);
  Reader(sc_core::sc_module_name name, const Clock& c, std::vector<std::pair<uint64_t, uint64_t>> r)
      : sc_module(name), clock(c), requests(std::move(r)) {
    SC_THREAD(run);
  }
  void run() {
    for (const auto& [at, bytes] : requests) {
      if (at > clock.now()) sc_core::wait(clock.cycles(at - clock.now()));
      const sc_core::sc_time delay = testing::timed_access(port, tlm::TLM_READ_COMMAND, 0, data.data(), bytes);
      finished.push_back(clock.now() + clock.to_cycles(delay));
    }
    // Park instead of returning, as the accelerator's units do: a SystemC thread that ends
    // leaves LeakSanitizer scanning a stale coroutine stack at exit.
    sc_core::wait(never_);
  }
  sc_core::sc_event never_;
};

hardware::SramConfig sram_of(int64_t banks, int64_t port_bytes, int64_t latency) {
  hardware::SramConfig config;
  config.capacity_bytes = 4096;
  config.banks = banks;
  config.port_bytes = port_bytes;
  config.latency_cycles = latency;
  return config;
}

TEST(MemoryTiming, OneSramTransferTakesBytesOverBandwidthPlusLatency) {
  // 2 banks x 4 bytes = 8 bytes/cycle. 20 bytes: ceil(20/8) = 3 cycles on the port, then
  // 3 cycles of latency: done at cycle 6.
  // Modules live as long as the SystemC kernel (to the end of the process), as in a real
  // elaboration: destroying them earlier leaves the kernel with dangling processes.
  static const Clock clock(1000);
  auto& sram = testing::test_sram("sram", clock, sram_of(2, 4, 3));
  auto& reader = *new Reader("reader", clock, {{0, 20}});
  reader.port.bind(sram.socket);
  sc_core::sc_start();
  ASSERT_EQ(reader.finished.size(), 1u);
  EXPECT_EQ(reader.finished[0], 6u);
  EXPECT_EQ(testing::one_layer_stats().layers[0]->value("sram_read_bytes"), 20);
}

TEST(MemoryTiming, AMemoryThatMovesNoBytesTakesTheSameCycles) {
  // A timing-only run's memories (move_bytes(false)): the read of 20 bytes still holds the port
  // ceil(20/8) = 3 cycles and is delivered at 3 + 3 = 6, and its 20 bytes are counted, but the
  // reader's buffer keeps its zeros instead of the SRAM's 0x5A.
  static const Clock clock(1000);
  auto& sram = testing::test_sram("sram", clock, sram_of(2, 4, 3));
  sram.move_bytes(false);
  const std::vector<uint8_t> stored(20, 0x5A);
  sram.backdoor_write(0, stored.data(), stored.size());
  auto& reader = *new Reader("reader", clock, {{0, 20}});
  reader.port.bind(sram.socket);
  sc_core::sc_start();
  ASSERT_EQ(reader.finished.size(), 1u);
  EXPECT_EQ(reader.finished[0], 6u);
  EXPECT_EQ(testing::one_layer_stats().layers[0]->value("sram_read_bytes"), 20);
  EXPECT_EQ(std::vector<uint8_t>(reader.data.begin(), reader.data.begin() + 20), std::vector<uint8_t>(20, 0));
}

TEST(MemoryTiming, ABusyPortQueuesTheNextRequest) {
  // Two requests for 64 bytes at 8 bytes/cycle, latency 3, issued at cycles 0 and 2 (the
  // second by another initiator while the port is still busy):
  //   first:  port [0, 8), done 8 + 3 = 11
  //   second: port free at 8, so [8, 16), done 16 + 3 = 19 (not 2 + 8 + 3 = 13)
  static const Clock clock(1000);
  auto& sram = testing::test_sram("sram", clock, sram_of(2, 4, 3));
  auto& first = *new Reader("first", clock, {{0, 64}});
  auto& second = *new Reader("second", clock, {{2, 64}});
  first.port.bind(sram.socket);
  second.port.bind(sram.socket);
  sc_core::sc_start();
  EXPECT_EQ(first.finished.at(0), 11u);
  EXPECT_EQ(second.finished.at(0), 19u);
}

TEST(MemoryTiming, ALongRequestFillsTheGapsEarlierBookingsLeave) {
  // 8 bytes/cycle, latency 3. Bookings made for future cycles, as annotated timing does:
  //   a: 32 bytes from cycle 0:  [0, 4), delivered 7
  //   b: 16 bytes from cycle 10: [10, 12), delivered 15
  //   c: 64 bytes (8 cycles) from cycle 2: the free cycles [4, 10) and [12, 14); delivered 17
  //   d: 8 bytes (1 cycle) from cycle 0: every cycle up to 14 is taken: [14, 15), delivered 18
  BandwidthPort port(8, 3);
  std::vector<BandwidthPort::Piece> pieces;
  EXPECT_EQ(port.reserve(0, 32).delivered, 7u);
  EXPECT_EQ(port.reserve(10, 16).delivered, 15u);
  const auto c = port.reserve(2, 64, &pieces);
  EXPECT_EQ(c.begin, 4u);
  EXPECT_EQ(c.end, 14u);
  EXPECT_EQ(c.delivered, 17u);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].begin, 4u);
  EXPECT_EQ(pieces[0].end, 10u);
  EXPECT_EQ(pieces[1].begin, 12u);
  EXPECT_EQ(pieces[1].end, 14u);
  EXPECT_EQ(port.reserve(0, 8).delivered, 18u);
  EXPECT_EQ(port.busy_cycles(), 4u + 2u + 8u + 1u);
  EXPECT_EQ(port.free_at(), 15u);
}

TEST(MemoryTiming, ARequestForAnEarlierCycleUsesTheGapBeforeLaterBookings) {
  // 8 bytes/cycle, no latency. A DMA books bursts at [20, 24) and [40, 44); a request made
  // afterwards for cycle 5, 80 bytes (10 cycles), fits before them: [5, 15). Forgetting the
  // bookings that ended by cycle 30 leaves [40, 44): a 2-cycle request for cycle 39 gets
  // [39, 40) and [44, 45).
  BandwidthPort port(8, 0);
  port.reserve(20, 32);
  port.reserve(40, 32);
  const auto early = port.reserve(5, 80);
  EXPECT_EQ(early.begin, 5u);
  EXPECT_EQ(early.end, 15u);
  port.forget_before(30);
  std::vector<BandwidthPort::Piece> pieces;
  const auto split = port.reserve(39, 16, &pieces);
  EXPECT_EQ(split.begin, 39u);
  EXPECT_EQ(split.end, 45u);
  EXPECT_EQ(pieces.size(), 2u);
}

TEST(MemoryTiming, BookingsNearThePresentInterleaveWithManyAhead) {
  // 8 bytes/cycle, no latency. Ten 1-cycle bursts booked ahead at 10, 20, ..., 100 (a DMA's
  // writes with gaps); forgetting before 15 drops [10, 11). Then, near the present:
  //   16 bytes for 12: [12, 14) (inserted before the nine left)
  //   48 bytes for 14: [14, 20), which joins [12, 14) and [20, 21) into [12, 21)
  //   8 bytes for 21: [21, 22), joining it: [12, 22)
  //   80 bytes (10 cycles) for 12: the free cycles [22, 30) and [31, 33)
  //   8 bytes for 0: the first free cycle, 0: [0, 1)
  BandwidthPort port(8, 0);
  for (uint64_t at = 10; at <= 100; at += 10) port.reserve(at, 8);
  port.forget_before(15);
  EXPECT_EQ(port.reserve(12, 16).begin, 12u);
  const auto joined = port.reserve(14, 48);
  EXPECT_EQ(joined.begin, 14u);
  EXPECT_EQ(joined.end, 20u);
  EXPECT_EQ(port.reserve(21, 8).end, 22u);
  std::vector<BandwidthPort::Piece> pieces;
  const auto filled = port.reserve(12, 80, &pieces);
  EXPECT_EQ(filled.begin, 22u);
  EXPECT_EQ(filled.end, 33u);
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(pieces[0].begin, 22u);
  EXPECT_EQ(pieces[0].end, 30u);
  EXPECT_EQ(pieces[1].begin, 31u);
  EXPECT_EQ(pieces[1].end, 33u);
  EXPECT_EQ(port.reserve(0, 8).end, 1u);
  EXPECT_EQ(port.busy_cycles(), 10u + 2u + 6u + 1u + 10u + 1u);
  EXPECT_EQ(port.free_at(), 101u);
}

// A port as a plain list of bookings, as BandwidthPort booked before its sweep, written out
// gap by gap for the test: a request takes the first free cycles from its start on, each piece
// joining the bookings it touches (two bookings that touch otherwise stay apart).
struct ListPort {
  std::vector<BandwidthPort::Piece> busy;
  uint64_t latency = 0;
  uint64_t busy_cycles = 0;

  BandwidthPort::Reservation reserve(uint64_t start, uint64_t cycles) {
    busy_cycles += cycles;
    if (cycles == 0) return {start, start, start + latency, start + latency};
    uint64_t cursor = start, left = cycles, begin = UINT64_MAX;
    while (left > 0) {
      std::size_t i = 0;  // the first booking that ends after the cursor
      while (i < busy.size() && busy[i].end <= cursor) ++i;
      if (i < busy.size() && busy[i].begin <= cursor) {  // held: go on after it
        cursor = busy[i].end;
        continue;
      }
      const uint64_t gap_end = i < busy.size() ? busy[i].begin : UINT64_MAX;
      const uint64_t end = cursor + std::min(left, gap_end - cursor);
      if (begin == UINT64_MAX) begin = cursor;
      const bool joins_previous = i > 0 && busy[i - 1].end == cursor;
      const bool joins_next = i < busy.size() && busy[i].begin == end;
      if (joins_previous && joins_next) {
        busy[i - 1].end = busy[i].end;
        busy.erase(busy.begin() + static_cast<std::ptrdiff_t>(i));
      } else if (joins_previous) {
        busy[i - 1].end = end;
      } else if (joins_next) {
        busy[i].begin = cursor;
      } else {
        busy.insert(busy.begin() + static_cast<std::ptrdiff_t>(i), {cursor, end});
      }
      left -= end - cursor;
      cursor = end;
    }
    return {begin, cursor, cursor + latency, begin + latency};
  }

  void forget_before(uint64_t cycle) {
    while (!busy.empty() && busy.front().end <= cycle) busy.erase(busy.begin());
  }
};

std::vector<std::pair<uint64_t, uint64_t>> entries(const std::vector<BandwidthPort::Piece>& pieces) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const auto& piece : pieces) out.emplace_back(piece.begin, piece.end);
  return out;
}

// Books the same random requests on a port with random bookings three ways: in one sweep
// (InOrder), with reserve_cycles() one at a time, and on the plain list above. Every request
// must get the same Reservation from all three, and the ports must then hold the same bookings,
// cut into the same entries, the same busy cycles, and, after forgetting up to a random cycle,
// give later requests the same cycles.
TEST(MemoryTiming, RequestsBookedInOneSweepGetWhatOneByOneGets) {
  std::mt19937 random(20261202);
  auto below = [&random](uint64_t n) { return static_cast<uint64_t>(random() % n); };
  using V = std::vector<uint64_t>;
  auto fields = [](const BandwidthPort::Reservation& r) { return V{r.begin, r.end, r.first_delivered, r.delivered}; };
  uint64_t requests_swept = 0, split_requests = 0, long_sweeps = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const uint64_t latency = below(4);
    BandwidthPort one_by_one(8, latency);
    ListPort list;
    list.latency = latency;
    // Others' bookings: pieces of 1 to 5 cycles with gaps of 0 to 5 (0: they touch), booked in a
    // random order so that later ones fill gaps and merge, some forgotten (room at the front).
    V starts;
    uint64_t at = below(4);
    for (uint64_t n = below(16); n > 0; --n) {
      at += below(6);
      starts.push_back(at);
      at += 1 + below(5);
    }
    std::shuffle(starts.begin(), starts.end(), random);
    for (const uint64_t start : starts) {
      const uint64_t cycles = 1 + below(5);
      ASSERT_EQ(fields(one_by_one.reserve_cycles(start, cycles)), fields(list.reserve(start, cycles)));
    }
    uint64_t present = 0;  // no request is made for an earlier cycle than the present
    if (below(3) == 0) {
      present = below(at + 1);
      one_by_one.forget_before(present);
      list.forget_before(present);
    }
    ASSERT_EQ(entries(one_by_one.bookings()), entries(list.busy));
    BandwidthPort swept = one_by_one;
    const std::size_t one_by_one_entries_before = one_by_one.bookings().size();
    // The requests: chained (each made for the previous one's end) or made for cycles that do not
    // decrease from anywhere before, inside or after the bookings; 0 to 4 cycles, now and then 20.
    const bool chained = below(2) == 0;
    uint64_t request = present + below(one_by_one.free_at() + 8);
    BandwidthPort::InOrder in_order(swept);
    // Now and then a long sequence, its requests further apart: more pieces than the sweep's
    // first buffer holds (64).
    const bool long_sequence = below(4) == 0;
    for (uint64_t n = long_sequence ? 100 + below(100) : below(12); n > 0; --n) {
      const uint64_t cycles = below(8) == 0 ? 20 : below(5);
      const BandwidthPort::Reservation expected = list.reserve(request, cycles);
      ASSERT_EQ(fields(in_order.reserve_cycles(request, cycles)), fields(expected))
          << "request for " << request << " of " << cycles << " cycles";
      ASSERT_EQ(fields(one_by_one.reserve_cycles(request, cycles)), fields(expected));
      ++requests_swept;
      if (expected.end - expected.begin > cycles) ++split_requests;
      request = chained ? expected.end : request + below(long_sequence ? 24 : 6);
    }
    in_order.commit();
    if (swept.bookings().size() > one_by_one_entries_before + 64) ++long_sweeps;
    ASSERT_EQ(entries(swept.bookings()), entries(list.busy));
    ASSERT_EQ(entries(one_by_one.bookings()), entries(list.busy));
    ASSERT_EQ(swept.busy_cycles(), one_by_one.busy_cycles());
    ASSERT_EQ(swept.free_at(), one_by_one.free_at());
    const uint64_t end = one_by_one.free_at() + 4;
    const uint64_t forgotten = below(end);
    swept.forget_before(forgotten);
    list.forget_before(forgotten);
    for (int probe = 0; probe < 3; ++probe) {
      const uint64_t start = below(end), cycles = below(6);
      std::vector<BandwidthPort::Piece> got_pieces;
      const BandwidthPort::Reservation expected = list.reserve(start, cycles);
      ASSERT_EQ(fields(swept.reserve_cycles(start, cycles, &got_pieces)), fields(expected)) << "probe " << probe;
      ASSERT_EQ(entries(swept.bookings()), entries(list.busy)) << "probe " << probe;
      if (cycles == 0) continue;
      ASSERT_FALSE(got_pieces.empty());
      EXPECT_EQ(got_pieces.front().begin, expected.begin);
      EXPECT_EQ(got_pieces.back().end, expected.end);
    }
  }
  // The cases the sweep is for came up: many requests, many of them held up by others' bookings,
  // and sweeps that outgrew the first buffer.
  EXPECT_GT(requests_swept, 10000u);
  EXPECT_GT(split_requests, 1000u);
  EXPECT_GT(long_sweeps, 100u);
}

// Seeded random transfers whose bursts are requested on a grid (BurstGrid): runs of 0 to 80
// bytes (empty runs, runs with and without a shorter tail) in bursts of 1 to 24 bytes, requested
// as a read side on a port of 1 to 8 bytes per cycle delivers them back to back, or on grids of
// any period; on a port of 1 to 16 bytes per cycle with others' bookings, some in the span the
// transfer takes and some not. reserve_grid books them in closed form or refuses, having booked
// nothing; what it books must be exactly what one reserve_cycles() per burst books: each burst's
// first delivery, the latest delivery, the bookings entry by entry, the busy cycles, the end of
// the latest booking, and what later requests get.
TEST(MemoryTiming, RequestsOnAGridBookedInClosedFormGetWhatOneByOneGets) {
  std::mt19937 random(20261203);
  auto below = [&random](uint64_t n) { return static_cast<uint64_t>(random() % n); };
  using V = std::vector<uint64_t>;
  auto fields = [](const BandwidthPort::Reservation& r) { return V{r.begin, r.end, r.first_delivered, r.delivered}; };
  uint64_t back_to_back = 0, each_at_request = 0, all_empty = 0, refused = 0, many_pieces = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const uint64_t latency = below(4);
    BandwidthPort one_by_one(1 + below(16), latency);
    ListPort list;  // one by one again, on the test's plain list
    list.latency = latency;
    // Others' bookings, as in RequestsBookedInOneSweepGetWhatOneByOneGets, some forgotten.
    uint64_t at = below(4);
    for (uint64_t n = below(12); n > 0; --n) {
      at += below(8);
      const uint64_t cycles = 1 + below(5);
      one_by_one.reserve_cycles(at, cycles);
      list.reserve(at, cycles);
      at += 1 + below(5);
    }
    uint64_t present = 0;
    if (below(3) == 0) {
      present = below(at + 1);
      one_by_one.forget_before(present);
      list.forget_before(present);
    }
    // The transfer: runs of run_bytes in bursts of `burst` bytes.
    const uint64_t runs = below(6) == 0 ? 20 + below(30) : 1 + below(5);
    const uint64_t run_bytes = below(6) == 0 ? 0 : 1 + below(80);
    const uint64_t burst = 1 + below(24);
    const uint64_t full = run_bytes / burst, tail = run_bytes % burst;
    const uint64_t per_run = run_bytes == 0 ? 1 : full + (tail != 0 ? 1 : 0);
    const uint64_t full_cycles = one_by_one.transfer_cycles(burst), tail_cycles = one_by_one.transfer_cycles(tail);
    BurstGrid requests;
    requests.valid = true;
    requests.runs = runs;
    requests.per_run = per_run;
    // After the bookings (a free span), or anywhere among them.
    requests.first = below(2) == 0 ? one_by_one.free_at() + below(4) : present + below(one_by_one.free_at() + 8);
    if (below(4) != 0) {  // as a read side's deliveries on a port of read_rate bytes per cycle
      const uint64_t read_rate = 1 + below(8);
      auto read_cycles = [read_rate](uint64_t bytes) { return (bytes + read_rate - 1) / read_rate; };
      requests.period = read_cycles(burst);
      requests.run_period = full * read_cycles(burst) + read_cycles(tail);
    } else {  // any grid whose requests do not go back in time
      requests.period = below(6);
      requests.run_period = (per_run - 1) * requests.period + below(8);
    }
    BandwidthPort closed_form = one_by_one;
    const std::vector<BandwidthPort::Piece> bookings_before = one_by_one.bookings();
    BurstGrid first_delivered;
    uint64_t delivered = 0;
    const bool booked = closed_form.reserve_grid(requests, full, full_cycles, tail_cycles, first_delivered, delivered);
    if (!booked) {  // nothing booked
      ++refused;
      ASSERT_EQ(entries(closed_form.bookings()), entries(bookings_before));
      ASSERT_EQ(closed_form.busy_cycles(), one_by_one.busy_cycles());
      ASSERT_EQ(closed_form.free_at(), one_by_one.free_at());
      continue;
    }
    V expected_first;
    uint64_t expected_delivered = 0;
    for (uint64_t run = 0; run < runs; ++run)
      for (uint64_t k = 0; k < per_run; ++k) {
        const uint64_t cycles = k < full ? full_cycles : tail_cycles;
        const BandwidthPort::Reservation r = one_by_one.reserve_cycles(requests.at(run, k), cycles);
        ASSERT_EQ(fields(r), fields(list.reserve(requests.at(run, k), cycles)));
        expected_first.push_back(r.first_delivered);
        expected_delivered = std::max(expected_delivered, r.delivered);
      }
    ASSERT_TRUE(first_delivered.valid);
    V got_first;
    first_delivered.expand(got_first);
    ASSERT_EQ(got_first, expected_first);
    ASSERT_EQ(delivered, expected_delivered);
    ASSERT_EQ(entries(closed_form.bookings()), entries(one_by_one.bookings()));
    ASSERT_EQ(entries(closed_form.bookings()), entries(list.busy));
    ASSERT_EQ(closed_form.busy_cycles(), one_by_one.busy_cycles());
    ASSERT_EQ(closed_form.busy_cycles(), list.busy_cycles);
    ASSERT_EQ(closed_form.free_at(), one_by_one.free_at());
    const std::size_t added = one_by_one.bookings().size() - bookings_before.size();
    if (run_bytes == 0)
      ++all_empty;
    else if (added > 64)
      ++many_pieces;
    if (run_bytes != 0 && expected_first.back() - expected_first.front() != requests.last() - requests.first)
      ++back_to_back;
    else if (run_bytes != 0 && added > 1)
      ++each_at_request;
    // Later requests, short or long enough to fill many of the gaps between the bursts, with
    // and without their pieces (which reserve_cycles fills gap by gap), against the list.
    const uint64_t end = one_by_one.free_at() + 4;
    for (int probe = 0; probe < 4; ++probe) {
      const uint64_t start = present + below(end), cycles = probe == 3 ? below(200) : below(6);
      std::vector<BandwidthPort::Piece> got_pieces;
      const BandwidthPort::Reservation expected = list.reserve(start, cycles);
      ASSERT_EQ(fields(closed_form.reserve_cycles(start, cycles, probe % 2 ? &got_pieces : nullptr)), fields(expected))
          << "probe " << probe;
      ASSERT_EQ(entries(closed_form.bookings()), entries(list.busy)) << "probe " << probe;
      ASSERT_EQ(closed_form.busy_cycles(), list.busy_cycles);
      if (probe % 2 == 0 || cycles == 0) continue;
      ASSERT_FALSE(got_pieces.empty());
      EXPECT_EQ(got_pieces.front().begin, expected.begin);
      EXPECT_EQ(got_pieces.back().end, expected.end);
    }
  }
  // Each way of booking came up, and so did refusals (a contended span, mixed bursts) and sweeps
  // that outgrew the first buffer of pieces (64).
  EXPECT_GT(back_to_back, 1000u);
  EXPECT_GT(each_at_request, 1000u);
  EXPECT_GT(all_empty, 500u);
  EXPECT_GT(refused, 1000u);
  EXPECT_GT(many_pieces, 50u);
}

// At cycle 5, tries a read and a write of 16 bytes at address 4090 of a 4096-byte memory, then
// reads 8 bytes at 0 in the same cycle.
struct OutOfRangeProbe : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<OutOfRangeProbe> port{"port"};
  const Clock& clock;
  tlm::tlm_response_status raw_status = tlm::TLM_INCOMPLETE_RESPONSE;
  sc_core::sc_time raw_delay = sc_core::SC_ZERO_TIME;
  std::vector<uint8_t> raw_data = std::vector<uint8_t>(16, 0xEE);
  bool write_refused = false;  // blocking_access reported the refusal to its initiator
  uint64_t refused_at = 0;
  uint64_t next_read_done = 0;

  SC_HAS_PROCESS(OutOfRangeProbe);
  OutOfRangeProbe(sc_core::sc_module_name name, const Clock& c) : sc_module(name), clock(c) { SC_THREAD(run); }
  void run() {
    {  // locals end before the park: a parked thread's stack is never unwound (LeakSanitizer)
      sc_core::wait(clock.cycles(5));
      // The memory's own answer, below blocking_access.
      tlm::tlm_generic_payload payload;
      payload.set_command(tlm::TLM_READ_COMMAND);
      payload.set_address(4090);
      payload.set_data_ptr(raw_data.data());
      payload.set_data_length(16);
      payload.set_streaming_width(16);
      payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
      port->b_transport(payload, raw_delay);
      raw_status = payload.get_response_status();
      // What an initiator sees.
      std::vector<uint8_t> data(16, 0x11);
      sc_core::sc_time write_delay = sc_core::SC_ZERO_TIME;
      if (!blocking_access(port, tlm::TLM_WRITE_COMMAND, 4090, data.data(), 16, 0, write_delay)) {
        write_refused = true;
        refused_at = clock.now();
      }
      const sc_core::sc_time delay = testing::timed_access(port, tlm::TLM_READ_COMMAND, 0, data.data(), 8);
      next_read_done = clock.now() + clock.to_cycles(delay);
    }
    sc_core::wait(never_);  // park (see Reader)
  }
  sc_core::sc_event never_;
};

TEST(MemoryTiming, AccessOutsideTheMemoryIsRefused) {
  // A 4096-byte SRAM of 8 bytes/cycle, latency 1. At cycle 5, 16 bytes at 4090 run 10 bytes
  // past the end: the memory answers TLM_ADDRESS_ERROR_RESPONSE without moving a byte or
  // adding time, and blocking_access tells the initiator it was refused (the fault a unit then
  // raises, naming its port and the address, is tested in dma_test.cpp). The refusal books no port
  // cycles: an 8-byte read in the same cycle gets the port at once, [5, 6), delivered 6 + 1 = 7 (not 9, behind 2
  // refused cycles).
  static const Clock clock(1000);
  auto& sram = testing::test_sram("sram", clock, sram_of(1, 8, 1));
  auto& probe = *new OutOfRangeProbe("probe", clock);
  probe.port.bind(sram.socket);
  const std::vector<uint8_t> tail(6, 0xA5);
  sram.backdoor_write(4090, tail.data(), tail.size());
  sc_core::sc_start();

  EXPECT_EQ(probe.raw_status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(probe.raw_delay, sc_core::SC_ZERO_TIME);
  EXPECT_EQ(probe.raw_data, std::vector<uint8_t>(16, 0xEE));
  EXPECT_EQ(probe.refused_at, 5u);
  EXPECT_TRUE(probe.write_refused);
  std::vector<uint8_t> after(6);
  sram.backdoor_read(4090, after.data(), after.size());
  EXPECT_EQ(after, tail);
  EXPECT_EQ(probe.next_read_done, 7u);
  // The untimed backdoor refuses the same range, naming the memory.
  std::vector<uint8_t> big(16);
  try {
    sram.backdoor_write(4090, big.data(), 16);
    ADD_FAILURE() << "backdoor write past the end accepted";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("sram: backdoor write outside the memory"), std::string::npos) << e.what();
  }
}

// Records the port cycles of each access a memory reports to its observer.
struct PortLog : MemoryAccessObserver {
  std::vector<std::pair<uint64_t, uint64_t>> held;  // (port begin, port end) per access
  void accessed(const MemoryTarget&, const MemoryAccess& access) override {
    held.emplace_back(access.port_begin, access.port_end);
  }
};

// At cycle 0 makes one strided write (three runs of 5 bytes, 100 bytes apart, from 100 on),
// then at cycle 10 a strided write whose third run lies past the end of the memory.
struct StridedProbe : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<StridedProbe> port{"port"};
  const Clock& clock;
  std::vector<uint8_t> data;
  uint64_t done = 0;
  bool accepted = false, refused = false;
  uint64_t refused_address = 0;

  SC_HAS_PROCESS(StridedProbe);
  StridedProbe(sc_core::sc_module_name name, const Clock& c) : sc_module(name), clock(c) {
    for (int i = 0; i < 15; ++i) data.push_back(static_cast<uint8_t>(i + 1));
    SC_THREAD(run);
  }
  void run() {
    {  // locals end before the park (see OutOfRangeProbe)
      Transaction transaction;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      accepted = transaction.access(port, tlm::TLM_WRITE_COMMAND, 100, data.data(), 5, 0, delay, nullptr, 3, 100);
      done = clock.to_cycles(delay);
      sc_core::wait(clock.cycles(10));
      sc_core::sc_time late = sc_core::SC_ZERO_TIME;
      refused = !transaction.access(port, tlm::TLM_WRITE_COMMAND, 4000, data.data(), 8, 0, late, nullptr, 3, 50);
      refused_address = transaction.refused_address();
    }
    sc_core::wait(never_);  // park (see Reader)
  }
  sc_core::sc_event never_;
};

TEST(MemoryTiming, AStridedAccessIsBookedRunByRunAsSeparateAccessesWouldBe) {
  // 8 bytes/cycle, latency 2. Three runs of 5 bytes requested together at cycle 0 are three
  // accesses of ceil(5/8) = 1 cycle each: port [0, 1), [1, 2), [2, 3), the last delivered at
  // 3 + 2 = 5 (one 15-byte access would take ceil(15/8) = 2 cycles and be delivered at 4).
  // The bytes land 100 apart: 1..5 at 100, 6..10 at 200, 11..15 at 300; 15 bytes are counted.
  // The refused one (runs at 4000, 4050 and 4100 of a 4096-byte memory) names its third run,
  // and moves no byte, not even its first run's.
  static const Clock clock(1000);
  auto& sram = testing::test_sram("sram", clock, sram_of(1, 8, 2));
  PortLog log;
  sram.observe(&log);
  auto& probe = *new StridedProbe("probe", clock);
  probe.port.bind(sram.socket);
  sc_core::sc_start();

  EXPECT_TRUE(probe.accepted);
  EXPECT_EQ(probe.done, 5u);
  const std::vector<std::pair<uint64_t, uint64_t>> held = {{0, 1}, {1, 2}, {2, 3}};
  EXPECT_EQ(log.held, held);
  for (uint64_t run = 0; run < 3; ++run) {
    std::vector<uint8_t> bytes(5);
    sram.backdoor_read(100 + run * 100, bytes.data(), 5);
    for (uint64_t i = 0; i < 5; ++i) EXPECT_EQ(bytes[i], run * 5 + i + 1) << "run " << run << ", byte " << i;
  }
  EXPECT_EQ(testing::one_layer_stats().layers[0]->value("sram_write_bytes"), 15);
  EXPECT_TRUE(probe.refused);
  EXPECT_EQ(probe.refused_address, 4100u);
  std::vector<uint8_t> untouched(8);
  sram.backdoor_read(4000, untouched.data(), 8);
  EXPECT_EQ(untouched, std::vector<uint8_t>(8, 0));
  sram.observe(nullptr);
}

// At cycle 0: a plain 16-byte read requested for cycle 4 (another unit's booking), then one
// chained BurstTransfer read (two runs of 20 bytes, 100 apart, from 0, in bursts of 16), then
// one BurstTransfer write of 40 bytes at 1000 in bursts of 16 requested at cycles 20, 21 and
// 30, then a BurstTransfer write whose second burst lies past the end of the memory.
struct BurstProbe : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<BurstProbe> port{"port"};
  const Clock& clock;
  std::vector<uint8_t> data = std::vector<uint8_t>(40);
  BurstTransfer reads, writes, refused;
  uint64_t read_done = 0, write_done = 0;
  bool read_ok = false, write_ok = false, refused_ok = true;

  SC_HAS_PROCESS(BurstProbe);
  BurstProbe(sc_core::sc_module_name name, const Clock& c) : sc_module(name), clock(c) { SC_THREAD(run); }
  void run() {
    {  // locals end before the park (see OutOfRangeProbe)
      Transaction transaction;
      sc_core::sc_time other = clock.cycles(4);
      transaction.access(port, tlm::TLM_READ_COMMAND, 500, data.data(), 16, 0, other);
      reads.runs = 2;
      reads.run_stride = 100;
      reads.burst_bytes = 16;
      reads.chained = true;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      read_ok = transaction.access_bursts(port, tlm::TLM_READ_COMMAND, 0, data.data(), 40, 0, reads, delay);
      read_done = clock.to_cycles(delay);
      writes.burst_bytes = 16;
      writes.requested = {20, 21, 30};
      delay = sc_core::SC_ZERO_TIME;
      write_ok = transaction.access_bursts(port, tlm::TLM_WRITE_COMMAND, 1000, data.data(), 40, 0, writes, delay);
      write_done = clock.to_cycles(delay);
      refused.burst_bytes = 4;
      refused.requested = {40, 40};
      delay = sc_core::SC_ZERO_TIME;
      refused_ok = transaction.access_bursts(port, tlm::TLM_WRITE_COMMAND, 4090, data.data(), 8, 0, refused, delay);
    }
    sc_core::wait(never_);  // park (see Reader)
  }
  sc_core::sc_event never_;
};

TEST(MemoryTiming, ATransferInBurstsIsBookedInOneTransactionAsBurstByBurst) {
  // 8 bytes/cycle, latency 2. The other unit's 16 bytes for cycle 4 hold [4, 6).
  // Chained reads, each requested as the previous one leaves the port (bursts of 16, 4, 16, 4
  // bytes: runs of 20 = 16 + 4; 2, 1, 2, 1 cycles), first delivery = begin + 2, last = end + 2:
  //   0: requested 0, [0, 2), first 2, delivered 4
  //   1: requested 2, [2, 3), first 4, delivered 5
  //   2: requested 3, [3, 4) and, around the other booking, [6, 7): first 5, delivered 9
  //   3: requested 7, [7, 8), first 9, delivered 10
  // delivered 10, the answer's delay. Writes of 16, 16, 8 bytes (2, 2, 1 cycles) at 20, 21, 30:
  //   [20, 22) delivered 24; at 21 the port is busy to 22: [22, 24) delivered 26; [30, 31) 33.
  // Each burst is its own access to the observer: 1 + 4 + 3 port holds in order (the 3rd read
  // from 3 to 7). The write of 8 bytes at 4090 in bursts of 4 (4096-byte memory): the burst at
  // 4094 runs past the end and is refused; the one at 4090 was written. Bytes: the read's runs
  // come from 0..19 and 100..119; 40 + 16 read, 40 + 4 written.
  static const Clock clock(1000);
  auto& sram = testing::test_sram("sram", clock, sram_of(1, 8, 2));
  PortLog log;
  sram.observe(&log);
  std::vector<uint8_t> stored(120);
  for (std::size_t i = 0; i < stored.size(); ++i) stored[i] = static_cast<uint8_t>(i);
  sram.backdoor_write(0, stored.data(), stored.size());
  auto& probe = *new BurstProbe("probe", clock);
  probe.port.bind(sram.socket);
  sc_core::sc_start();

  ASSERT_TRUE(probe.read_ok);
  EXPECT_EQ(probe.reads.requested, (std::vector<uint64_t>{0, 2, 3, 7}));
  EXPECT_EQ(probe.reads.first_delivered, (std::vector<uint64_t>{2, 4, 5, 9}));
  EXPECT_EQ(probe.reads.delivered, 10u);
  EXPECT_EQ(probe.read_done, 10u);
  ASSERT_TRUE(probe.write_ok);
  EXPECT_EQ(probe.writes.first_delivered, (std::vector<uint64_t>{22, 24, 32}));
  EXPECT_EQ(probe.writes.delivered, 33u);
  EXPECT_EQ(probe.write_done, 33u);
  const std::vector<std::pair<uint64_t, uint64_t>> held = {{4, 6},   {0, 2},   {2, 3},   {3, 7},  {7, 8},
                                                           {20, 22}, {22, 24}, {30, 31}, {40, 41}};
  EXPECT_EQ(log.held, held);
  for (std::size_t i = 0; i < 40; ++i) EXPECT_EQ(probe.data[i], i < 20 ? i : 80 + i) << "byte " << i;
  std::vector<uint8_t> written(40);
  sram.backdoor_read(1000, written.data(), written.size());
  EXPECT_EQ(written, probe.data);
  EXPECT_FALSE(probe.refused_ok);
  EXPECT_EQ(probe.refused.refused_address, 4094u);
  EXPECT_EQ(probe.refused.refused_bytes, 4u);
  EXPECT_EQ(probe.refused.first_delivered.size(), 1u);
  std::vector<uint8_t> tail(4);
  sram.backdoor_read(4090, tail.data(), tail.size());
  EXPECT_EQ(tail, std::vector<uint8_t>(probe.data.begin(), probe.data.begin() + 4));
  EXPECT_EQ(testing::one_layer_stats().layers[0]->value("sram_read_bytes"), 56);
  EXPECT_EQ(testing::one_layer_stats().layers[0]->value("sram_write_bytes"), 44);
  sram.observe(nullptr);
}

// The same transactions, all made at cycle 0 (their cycles annotated), for two identical
// memories: one observed, which books every burst one by one, one not, which books a transfer
// in bursts at once wherever nothing else holds the port in the cycles it takes. Memory of 8
// bytes per cycle, latency 2, 4096 bytes.
struct TwinProbe : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<TwinProbe> port{"port"};
  std::vector<uint8_t> data = std::vector<uint8_t>(40);
  static constexpr int kTransfers = 8;
  BurstTransfer bursts[kTransfers];
  bool ok[kTransfers] = {};
  uint64_t done[kTransfers] = {};    // the answer's delay, in cycles
  std::vector<uint64_t> plain_done;  // the plain reads' delays
  PortTiming strided_timing[3];
  uint64_t strided_done[3] = {};

  SC_HAS_PROCESS(TwinProbe);
  TwinProbe(sc_core::sc_module_name name, const Clock& c) : sc_module(name), clock_(c) { SC_THREAD(run); }

  void run() {
    {  // locals end before the park (see OutOfRangeProbe)
      Transaction t;
      auto plain = [&](uint64_t at, uint64_t bytes) {
        sc_core::sc_time delay = clock_.cycles(at);
        t.access(port, tlm::TLM_READ_COMMAND, 3500, data.data(), bytes, 0, delay);
        plain_done.push_back(clock_.to_cycles(delay));
      };
      auto transfer = [&](int i, tlm::tlm_command command, uint64_t address, uint64_t bytes, uint64_t runs,
                          uint64_t stride, uint64_t burst, std::vector<uint64_t> requested, uint64_t chained_at) {
        BurstTransfer& b = bursts[i];
        b.runs = runs;
        b.run_stride = stride;
        b.burst_bytes = burst;
        b.chained = requested.empty();
        b.requested = std::move(requested);
        sc_core::sc_time delay = clock_.cycles(chained_at);
        ok[i] = t.access_bursts(port, command, address, data.data(), bytes, 0, b, delay);
        done[i] = clock_.to_cycles(delay);
      };
      // 0: chained read, two runs of 20 bytes (0 and 100) in bursts of 16, from cycle 0.
      transfer(0, tlm::TLM_READ_COMMAND, 0, 40, 2, 100, 16, {}, 0);
      // 1: write of 40 bytes at 1000 in bursts of 16, requested at 20, 21 and 30.
      transfer(1, tlm::TLM_WRITE_COMMAND, 1000, 40, 1, 0, 16, {20, 21, 30}, 0);
      // 2: another unit's 16 bytes for cycle 44, then a chained read of 40 bytes from cycle 40.
      plain(44, 16);
      transfer(2, tlm::TLM_READ_COMMAND, 0, 40, 1, 0, 16, {}, 40);
      // 3: another unit's 8 bytes for 52, then a write of 32 bytes in bursts of 16 requested at 50, 50.
      plain(52, 8);
      transfer(3, tlm::TLM_WRITE_COMMAND, 2000, 32, 1, 0, 16, {50, 50}, 0);
      // 4: a write of 16 bytes in bursts of 8 requested at 70 and then 65 (earlier).
      transfer(4, tlm::TLM_WRITE_COMMAND, 3000, 16, 1, 0, 8, {70, 65}, 0);
      // 5: a write of 8 bytes at 4090 in bursts of 4 at 80, 80: the second burst is outside.
      transfer(5, tlm::TLM_WRITE_COMMAND, 4090, 8, 1, 0, 4, {80, 80}, 0);
      // 6: others' 8 bytes for 100 and for 110; a write of 16 bytes in bursts of 8 at 101 and 105;
      // then reads of 16 bytes for 100 and of 32 bytes for 104.
      plain(100, 8);
      plain(110, 8);
      transfer(6, tlm::TLM_WRITE_COMMAND, 3000, 16, 1, 0, 8, {101, 105}, 0);
      plain(100, 16);
      plain(104, 32);
      // 7: others' 16 bytes for 118 and 16 for 122; a chained read of 16 bytes from 120; then 8
      // bytes for 118.
      plain(118, 16);
      plain(122, 16);
      transfer(7, tlm::TLM_READ_COMMAND, 0, 16, 1, 0, 16, {}, 120);
      plain(118, 8);
      auto strided = [&](int i, uint64_t at, uint64_t address, uint64_t length, uint64_t runs) {
        sc_core::sc_time delay = clock_.cycles(at);
        t.access(port, tlm::TLM_READ_COMMAND, address, data.data(), length, 0, delay, &strided_timing[i], runs, 100);
        strided_done[i] = clock_.to_cycles(delay);
      };
      // Strided reads (StridedAccess, runs 100 bytes apart, all requested at once). 8: three
      // runs of 12 bytes from 200 for 140. 9: another unit's 8 bytes for 152, then two runs of
      // 16 bytes for 150.
      strided(0, 140, 200, 12, 3);
      plain(152, 8);
      strided(1, 150, 200, 16, 2);
      // 10: others' 8 bytes for 162 and for 165, three runs of 12 bytes for 160, 8 bytes for 160.
      plain(162, 8);
      plain(165, 8);
      strided(2, 160, 200, 12, 3);
      plain(160, 8);
    }
    sc_core::wait(never_);  // park (see Reader)
  }

 private:
  const Clock& clock_;
  sc_core::sc_event never_;
};

struct CountAccesses : MemoryAccessObserver {
  uint64_t accesses = 0;
  void accessed(const MemoryTarget&, const MemoryAccess&) override { ++accesses; }
};

// Two identical SRAMs (one bank, 8 bytes per cycle, 2 cycles of latency) holding bytes
// 1, 2, ... 120: `observed` shows every access to `count`, so it books burst by burst; `plain`
// takes the paths that book at once or in one sweep.
struct TwinSrams {
  Sram& observed;
  Sram& plain;
};
TwinSrams twin_srams(const Clock& clock, CountAccesses& count) {
  hardware::SramConfig config = sram_of(1, 8, 2);
  auto& observed = *new Sram("observed", clock, testing::one_layer_stats(), config,
                             {"observed_read_bytes", "bytes read", "observed_write_bytes", "bytes written"},
                             "energy_observed_pj", "observed");
  auto& plain =
      *new Sram("plain", clock, testing::one_layer_stats(), config,
                {"plain_read_bytes", "bytes read", "plain_write_bytes", "bytes written"}, "energy_plain_pj", "plain");
  observed.observe(&count);
  std::vector<uint8_t> stored(120);
  for (std::size_t i = 0; i < stored.size(); ++i) stored[i] = static_cast<uint8_t>(i + 1);
  observed.backdoor_write(0, stored.data(), stored.size());
  plain.backdoor_write(0, stored.data(), stored.size());
  return {observed, plain};
}

// Two probes of one kind, named `on_observed` and `on_plain`, on the twins' sockets, run to the
// end of their accesses.
template <typename Probe>
std::pair<Probe&, Probe&> run_probes(const TwinSrams& srams, const Clock& clock, const char* on_observed,
                                     const char* on_plain) {
  auto& first = *new Probe(on_observed, clock);
  auto& second = *new Probe(on_plain, clock);
  first.port.bind(srams.observed.socket);
  second.port.bind(srams.plain.socket);
  sc_core::sc_start();
  return {first, second};
}

// The bytes moved alike in both twins: a read of 1..20 and 101..120, written at 1000.
void expect_read_bytes_written_at_1000(const TwinSrams& srams) {
  for (MemoryTarget* memory : {static_cast<MemoryTarget*>(&srams.observed), static_cast<MemoryTarget*>(&srams.plain)}) {
    std::vector<uint8_t> written(40);
    memory->backdoor_read(1000, written.data(), written.size());
    for (std::size_t i = 0; i < 40; ++i)
      EXPECT_EQ(written[i], i < 20 ? i + 1 : 81 + i) << memory->name() << " byte " << i;
  }
}

TEST(MemoryTiming, BurstsBookedAtOnceTakeTheCyclesOfBurstByBurst) {
  // c(b) = ceil(b / 8) port cycles; a request at t on a free port holds [t, t + c), first
  // delivered at t + 2, last at t + c + 2.
  // 0: bursts 16, 4, 16, 4 (2, 1, 2, 1 cycles), chained from 0 on a free port: requested 0, 2,
  //    3, 5 (each as the previous leaves), first delivered 2, 4, 5, 7; the port is held [0, 6);
  //    delivered 6 + 2 = 8. At once.
  // 1: 16, 16, 8 bytes (2, 2, 1 cycles) at 20, 21, 30: [20, 22); at 21 the first still holds the
  //    port: [22, 24); [30, 31). First delivered 22, 24, 32; delivered 33. [20, 31) is free: at once.
  // The others' plain reads (c cycles from their request): [44, 46) delivered 48, [52, 53) 55,
  // [100, 101) 103, [110, 111) 113, then the two of 6 and [118, 120) 122, [122, 124) 126, 127.
  // 2: the other unit holds [44, 46). Chained from 40: 16 bytes [40, 42), 16 [42, 44), 8 bytes
  //    requested at 44 wait for 46: [46, 47). Requested 40, 42, 44; first delivered 42, 44, 48;
  //    delivered 49. [40, 45) is not free: one by one.
  // 3: the other unit holds [52, 53). 16 bytes at 50: [50, 52); 16 at 50: the port is held to 53:
  //    [53, 55). First delivered 52, 55; delivered 57 (at once it would have been [52, 54): not
  //    free, one by one).
  // 4: 8 bytes at 70: [70, 71), then 8 at 65: [65, 66). First delivered 72, 67; delivered 73.
  //    Requests that go back in time: one by one.
  // 5: 4 bytes at 4090 at 80: [80, 81), first delivered 82; the burst at 4094 is refused; the
  //    answer's delay is the first's delivery, 83. One by one (a burst outside).
  // 6: others hold [100, 101) and [110, 111). 8 bytes at 101: [101, 102); 8 at 105: [105, 106).
  //    First delivered 103, 107; delivered 108. [101, 106) is free: at once, the first piece
  //    merged with [100, 101). Then 16 bytes for 100: held to 102, [102, 104), delivered 106;
  //    32 bytes (4 cycles) for 104: [104, 105), then [106, 109), delivered 111.
  // 7: others hold [118, 120) and [122, 124). Chained 16 bytes from 120: [120, 122), first
  //    delivered 122, delivered 124; [120, 122) is free: at once, merged with both into
  //    [118, 124). Then 8 bytes for 118: [124, 125), delivered 127.
  // 8: three runs of 12 bytes (2 cycles each) for 140 on a free port: [140, 142), [142, 144),
  //    [144, 146) (each after those before): the whole [140, 146), first delivered 142, last
  //    148. At once.
  // 9: the other unit holds [152, 153), delivered 155. Two runs of 16 bytes for 150: [150, 152),
  //    then held to 153: [153, 155); the whole [150, 155), first delivered 152, last 157. At
  //    once too: the runs take the first 4 free cycles from 150, as one request of 4 cycles.
  // 10: others hold [162, 163) (delivered 165) and [165, 166) (168). Three runs of 12 bytes
  //    (2 cycles) for 160: [160, 162); from 160 the port is held to 163: [163, 165); held to 166:
  //    [166, 168). The whole [160, 168), first delivered 162, last 170. At once (the first 6
  //    free cycles from 160). Then 8 bytes for 160: the port is held [160, 168): [168, 169),
  //    delivered 171.
  // At once: 0, 1, 6, 7, 8, 9 and 10 (7) in the memory nobody observes, 2 and 3 in one sweep; none
  // in the other.
  static const Clock clock(1000);
  CountAccesses count;
  const TwinSrams srams = twin_srams(clock, count);
  auto& [observed, plain] = srams;
  auto [by_burst, at_once] = run_probes<TwinProbe>(srams, clock, "by_burst", "at_once");

  using V = std::vector<uint64_t>;
  const V requested[] = {{0, 2, 3, 5}, {20, 21, 30}, {40, 42, 44}, {50, 50}, {70, 65}, {80, 80}, {101, 105}, {120}};
  const V first[] = {{2, 4, 5, 7}, {22, 24, 32}, {42, 44, 48}, {52, 55}, {72, 67}, {82}, {103, 107}, {122}};
  const uint64_t delivered[] = {8, 33, 49, 57, 73, 83, 108, 124};
  for (TwinProbe* probe : {&by_burst, &at_once}) {
    for (int i = 0; i < TwinProbe::kTransfers; ++i) {
      SCOPED_TRACE(std::string(probe->name()) + ", transfer " + std::to_string(i));
      EXPECT_EQ(probe->ok[i], i != 5);
      EXPECT_EQ(probe->bursts[i].requested, requested[i]);
      EXPECT_EQ(probe->bursts[i].first_delivered, first[i]);
      EXPECT_EQ(probe->bursts[i].delivered, delivered[i]);
      EXPECT_EQ(probe->done[i], delivered[i]);
    }
    EXPECT_EQ(probe->bursts[5].refused_address, 4094u);
    EXPECT_EQ(probe->plain_done, (V{48, 55, 103, 113, 106, 111, 122, 126, 127, 155, 165, 168, 171}));
    const uint64_t timing[3][4] = {{140, 146, 148, 142}, {150, 155, 157, 152}, {160, 168, 170, 162}};
    for (int i = 0; i < 3; ++i) {
      const PortTiming& got = probe->strided_timing[i];
      EXPECT_EQ((V{got.begin, got.end, got.delivered, got.first_delivered}), (V(timing[i], timing[i] + 4))) << i;
      EXPECT_EQ(probe->strided_done[i], timing[i][2]) << i;
    }
  }
  EXPECT_EQ(observed.transactions_booked_at_once(), 0u);
  EXPECT_EQ(plain.transactions_booked_at_once(), 7u);
  EXPECT_EQ(observed.transactions_swept(), 0u);
  EXPECT_EQ(plain.transactions_swept(), 2u);  // 2 and 3
  EXPECT_EQ(count.accesses, 4u + 3 + 3 + 2 + 2 + 1 + 2 + 1 + 13 + 3 + 2 + 3);
  // The bytes moved alike: transfer 0 read 1..20 and 101..120, which transfer 1 wrote at 1000.
  expect_read_bytes_written_at_1000(srams);
  EXPECT_EQ(testing::one_layer_stats().layers[0]->value("observed_read_bytes"),
            testing::one_layer_stats().layers[0]->value("plain_read_bytes"));
  EXPECT_EQ(testing::one_layer_stats().layers[0]->value("plain_write_bytes"), 40 + 32 + 16 + 4 + 16);
  observed.observe(nullptr);
}

// Others' reads, then a chained read and a write in bursts whose cycles they hold some of, then
// more reads, all made at cycle 0 (their cycles annotated). Memory of 8 bytes per cycle, latency 2.
struct SweepProbe : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<SweepProbe> port{"port"};
  std::vector<uint8_t> data = std::vector<uint8_t>(48);
  BurstTransfer read, write;
  uint64_t read_done = 0, write_done = 0;
  std::vector<uint64_t> plain_done;  // the plain reads' delays

  SC_HAS_PROCESS(SweepProbe);
  SweepProbe(sc_core::sc_module_name name, const Clock& c) : sc_module(name), clock_(c) { SC_THREAD(run); }

  void run() {
    {  // locals end before the park (see OutOfRangeProbe)
      Transaction t;
      std::vector<uint8_t> other(24);
      auto plain = [&](uint64_t at, uint64_t bytes) {
        sc_core::sc_time delay = clock_.cycles(at);
        t.access(port, tlm::TLM_READ_COMMAND, 3500, other.data(), bytes, 0, delay);
        plain_done.push_back(clock_.to_cycles(delay));
      };
      plain(3, 16);
      plain(7, 8);
      plain(9, 24);
      read.runs = 2;  // two runs of 20 bytes, at 0 and 100, in bursts of 16, chained from 2
      read.run_stride = 100;
      read.burst_bytes = 16;
      read.chained = true;
      sc_core::sc_time delay = clock_.cycles(2);
      t.access_bursts(port, tlm::TLM_READ_COMMAND, 0, data.data(), 40, 0, read, delay);
      read_done = clock_.to_cycles(delay);
      write.burst_bytes = 16;  // 48 bytes at 1000 in bursts of 16 requested at 1, 1 and 20
      write.requested = {1, 1, 20};
      delay = sc_core::SC_ZERO_TIME;
      t.access_bursts(port, tlm::TLM_WRITE_COMMAND, 1000, data.data(), 48, 0, write, delay);
      write_done = clock_.to_cycles(delay);
      plain(0, 8);
      plain(16, 24);
      plain(18, 16);
    }
    sc_core::wait(never_);  // park (see Reader)
  }

 private:
  const Clock& clock_;
  sc_core::sc_event never_;
};

TEST(MemoryTiming, BurstsAroundOthersBookingsAreBookedInOneSweepAsBurstByBurst) {
  // c(b) = ceil(b / 8) port cycles, first delivered at begin + 2, last at end + 2.
  // Others hold [3, 5) (16 bytes for 3, delivered 7), [7, 8) (8 for 7, 10), [9, 12) (24 for 9, 14).
  // The chained read's bursts are 16, 4, 16, 4 bytes (2, 1, 2, 1 cycles), the first for 2:
  //   0: requested 2: [2, 3) and, after [3, 5), [5, 6): first delivered 4, delivered 8
  //   1: requested 6: [6, 7): first 8, delivered 9
  //   2: requested 7: held to 8: [8, 9) and, after [9, 12), [12, 13): first 10, delivered 15
  //   3: requested 13: [13, 14): first 15, delivered 16
  // delivered 16. The port is now held [2, 14). The write's bursts, 2 cycles each:
  //   0: requested 1: [1, 2) and [14, 15): first 3, delivered 17
  //   1: requested 1: every cycle from 1 to 15 is held: [15, 17): first 17, delivered 19
  //   2: requested 20: [20, 22): first 22, delivered 24
  // delivered 24. Then 8 bytes for 0: [0, 1), delivered 3; 24 bytes for 16: held to 17: [17, 20),
  // delivered 22; 16 bytes for 18: held to 22: [22, 24), delivered 26.
  // Neither transfer's span is free ([2, 8), then [1, 22)): the memory nobody observes books each
  // in one sweep, the observed one burst by burst; both give the cycles above.
  static const Clock clock(1000);
  CountAccesses count;
  const TwinSrams srams = twin_srams(clock, count);
  auto& [observed, plain] = srams;
  auto [by_burst, swept] = run_probes<SweepProbe>(srams, clock, "by_burst", "swept");

  using V = std::vector<uint64_t>;
  for (SweepProbe* probe : {&by_burst, &swept}) {
    SCOPED_TRACE(probe->name());
    EXPECT_EQ(probe->read.requested, (V{2, 6, 7, 13}));
    EXPECT_EQ(probe->read.first_delivered, (V{4, 8, 10, 15}));
    EXPECT_EQ(probe->read.delivered, 16u);
    EXPECT_EQ(probe->read_done, 16u);
    EXPECT_EQ(probe->write.requested, (V{1, 1, 20}));
    EXPECT_EQ(probe->write.first_delivered, (V{3, 17, 22}));
    EXPECT_EQ(probe->write.delivered, 24u);
    EXPECT_EQ(probe->write_done, 24u);
    EXPECT_EQ(probe->plain_done, (V{7, 10, 14, 3, 22, 26}));
  }
  EXPECT_EQ(plain.transactions_swept(), 2u);
  EXPECT_EQ(plain.transactions_booked_at_once(), 0u);
  EXPECT_EQ(observed.transactions_swept(), 0u);
  EXPECT_EQ(count.accesses, 3u + 4 + 3 + 3);
  // The bytes moved alike: the read got 1..20 and 101..120, which the write stored at 1000.
  expect_read_bytes_written_at_1000(srams);
  observed.observe(nullptr);
}

}  // namespace
}  // namespace accelsim::modules
