#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "core/dram/address_mapping.h"
#include "core/dram/dram_spec.h"

namespace accelsim::dram {

// Commands a channel issued, and the time its ranks spent with a bank open or all closed.
struct DramCommandCounts {
  int64_t activates = 0;
  int64_t precharges = 0;  // one per bank closed, refresh's precharge-all included
  int64_t reads = 0;
  int64_t writes = 0;
  int64_t refreshes = 0;           // per rank
  int64_t row_hits = 0;            // column accesses that found their row open
  uint64_t active_cycles = 0;      // rank-cycles with at least one bank open
  uint64_t precharged_cycles = 0;  // rank-cycles with every bank closed

  DramCommandCounts& operator+=(const DramCommandCounts& o);
};

// What happened to one request, in DRAM cycles.
struct DramServed {
  uint64_t arrival = 0;       // when it was offered
  uint64_t accepted = 0;      // when it entered the queue (later than arrival if it was full)
  uint64_t column_issue = 0;  // its read or write command
  uint64_t data_begin = 0;    // its first beat on the data bus
  uint64_t data_end = 0;      // the cycle after its last beat
  bool row_hit = false;       // it needed no activate
  int activates = 0;          // commands issued on its behalf
  int precharges = 0;
};

// One channel's memory controller and its ranks, banks and buses, as a timing model: requests
// wait in a queue of `queue_depth`; an FR-FCFS scheduler issues one command per cycle on the
// command bus, choosing among the commands that can go earliest the column commands (row hits)
// first and then the oldest request's. Every JEDEC constraint is a "not before" time kept per
// bank, bank group, rank or bus and moved forward when a command issues, so the model jumps
// from command to command instead of ticking through idle cycles.
//
// Times are DRAM cycles. Requests are accepted in arrival order; a request offered for a time
// earlier than commands already issued simply cannot use those cycles (the SystemC module
// annotates times, and the DMA offers its bursts in order).
class DramChannel {
 public:
  DramChannel(const DramSpec& spec, int64_t queue_depth, DramPagePolicy policy);

  // Queues an access to `where`, offered at cycle `arrival`; when the queue is full it waits
  // for a request to leave (its column command). Returns the request's id.
  uint64_t submit(const DramAddress& where, bool write, uint64_t arrival);
  // Issues commands until request `id` has its column command, and returns what happened to
  // it. Each id can be collected once.
  DramServed serve(uint64_t id);
  // Issues every queued request's commands and the refreshes due up to `end`, and books the
  // background time of every rank up to `end` (or to the last command, if later).
  void drain(uint64_t end);

  const DramCommandCounts& counts() const { return counts_; }
  // The cycle after the last command issued so far.
  uint64_t command_bus_free() const { return command_bus_free_; }
  std::size_t queued() const { return queue_.size(); }
  // When the last submitted request entered the queue.
  uint64_t last_accepted() const { return last_accept_; }

 private:
  enum class Command { Activate, Precharge, Read, Write };
  struct Bank {
    int64_t open_row = -1;
    uint64_t activate_ready = 0;
    uint64_t precharge_ready = 0;
    uint64_t column_ready = 0;  // tRCD after the activate
  };
  struct Rank {
    std::vector<Bank> banks;                     // bank group * banks_per_group + bank
    std::vector<uint64_t> group_activate_ready;  // tRRD_L
    std::vector<uint64_t> group_read_ready;      // tCCD_L, tWTR_L
    std::vector<uint64_t> group_write_ready;     // tCCD_L
    uint64_t activate_ready = 0;                 // tRRD_S
    uint64_t read_ready = 0;                     // tCCD_S, tWTR_S
    uint64_t write_ready = 0;                    // tCCD_S, read-to-write turnaround
    std::array<uint64_t, 4> last_activates{};    // for tFAW: the four most recent, oldest first
    int activates_seen = 0;
    uint64_t refresh_due = 0;
    int open_banks = 0;
    uint64_t state_since = 0;  // background time is booked up to here
  };
  struct Queued {
    uint64_t id;
    DramAddress where;
    bool write;
    DramServed served;
  };
  struct Choice {
    std::size_t index = 0;  // into queue_ (or the bank, for a closed-page precharge)
    Command command = Command::Activate;
    uint64_t time = UINT64_MAX;
    bool closes_idle_row = false;  // closed page: a precharge no request asked for
    int64_t rank = 0;
    int64_t bank = 0;
  };

  Bank& bank_of(const DramAddress& a) { return ranks_[a.rank].banks[a.bank_group * banks_per_group_ + a.bank]; }
  bool someone_wants_open_row(int64_t rank, int64_t bank_index) const;
  Choice choose() const;
  uint64_t earliest(const Queued& q, Command command) const;
  void issue(const Choice& choice);
  void refresh(int64_t rank);
  void book_background(Rank& rank, uint64_t until);
  // Issues the next command or refresh, in time order, if it happens before `before`.
  bool advance(uint64_t before);
  // Issues every command and refresh that happens before `before`.
  void run_until(uint64_t before);

  const DramSpec spec_;
  const DramTiming t_;  // a copy: channels live in a vector that may move them
  const int64_t queue_depth_;
  const DramPagePolicy policy_;
  const int64_t banks_per_group_;
  const uint64_t burst_;
  std::vector<Rank> ranks_;
  std::deque<Queued> queue_;  // oldest first
  std::unordered_map<uint64_t, DramServed> done_;
  uint64_t next_id_ = 0;
  uint64_t command_bus_free_ = 0;
  uint64_t data_bus_free_ = 0;
  int64_t data_bus_rank_ = -1;
  uint64_t last_accept_ = 0;
  DramCommandCounts counts_;
};

}  // namespace accelsim::dram
