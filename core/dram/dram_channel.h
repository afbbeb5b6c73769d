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
  int64_t power_downs = 0;         // entries into power-down
  int64_t self_refreshes = 0;      // entries into self-refresh
  uint64_t active_cycles = 0;      // rank-cycles in standby with at least one bank open
  uint64_t precharged_cycles = 0;  // rank-cycles in standby with every bank closed
  uint64_t active_power_down_cycles = 0;
  uint64_t precharged_power_down_cycles = 0;
  uint64_t self_refresh_cycles = 0;

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
// wait in a queue of `queue_depth` (writes in a queue of their own when they are batched); an
// FR-FCFS scheduler issues one command per cycle on the command bus, choosing among the
// commands that can go earliest the column commands (row hits) first and then the oldest
// request's. A rank idle long enough enters power-down (and then self-refresh) as the
// controller's policy says; the command that wakes it waits tXP (tXS). Every JEDEC constraint is a "not before" time
// kept per bank, bank group, rank or bus and moved forward when a command issues, so the model jumps from command to
// command instead of ticking through idle cycles.
//
// Times are DRAM cycles. Requests are accepted in arrival order; a request offered for a time
// earlier than commands already issued simply cannot use those cycles (the SystemC module
// annotates times, and the DMA offers its bursts in order).
class DramChannel {
 public:
  DramChannel(const DramSpec& spec, const DramController& controller);
  // A controller of `queue_depth` with `policy`, no power-down and no write batching.
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
  // Issues the refreshes (and closed-page precharges) due before `now` and books every rank's
  // background time up to `now`, entering power-down where it is due: what a caller that
  // attributes time to phases calls at a phase's end. Submits later than `now` are unaffected.
  void settle(uint64_t now);
  // From now on keep the background time, refreshes and the precharges no request asked for
  // (refresh, power-down, closed page) by the time they happen, for take_until().
  void record_timeline() { recording_ = true; }
  // The recorded background cycles, refreshes, power-down and self-refresh entries and
  // unrequested precharges before `until` (intervals split there), removed from the record.
  DramCommandCounts take_until(uint64_t until);

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
    enum class Power { Up, PowerDown, SelfRefresh } power = Power::Up;
    uint64_t power_since = 0;  // entry into power-down or self-refresh
    uint64_t idle_since = 0;   // the end of its last command's activity
    uint64_t wake_ready = 0;   // tXP or tXS after the last exit
  };
  // What the timeline records: a background interval or an unrequested command.
  enum class Booked {
    ActiveStandby,
    PrechargedStandby,
    ActivePowerDown,
    PrechargedPowerDown,
    SelfRefresh,
    Refresh,
    Precharge,
    PowerDownEntry,
    SelfRefreshEntry
  };
  struct TimelineEntry {
    uint64_t begin;
    uint64_t end;  // == begin for a command
    Booked what;
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
  bool serves(const Queued& q) const { return write_queue_depth_ == 0 || q.write == write_mode_; }
  bool rank_has_queued(int64_t rank) const;
  bool full(bool write) const;
  void update_write_mode();
  Choice choose() const;
  uint64_t earliest(const Queued& q, Command command) const;
  void issue(const Choice& choice);
  void refresh(int64_t rank);
  void book_background(Rank& rank, uint64_t until);
  void note(uint64_t begin, uint64_t end, Booked what);
  void close_all_banks(Rank& rank, uint64_t at);
  // Brings the rank's power state forward to `now`, as if no command for it came before.
  void idle_until(int64_t rank, uint64_t now);
  // The rank leaves power-down or self-refresh at `now` (or when tCKE allows) for a command.
  void wake(int64_t rank, uint64_t now);
  // Issues the next command or refresh, in time order, if it happens before `before`.
  bool advance(uint64_t before);
  // Issues every command and refresh that happens before `before`.
  void run_until(uint64_t before);

  const DramSpec spec_;
  const DramTiming t_;  // a copy: channels live in a vector that may move them
  const DramController controller_;
  const int64_t queue_depth_;
  const DramPagePolicy policy_;
  const int64_t write_queue_depth_;
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
  int64_t queued_writes_ = 0;
  bool write_mode_ = false;
  DramCommandCounts counts_;
  bool recording_ = false;
  std::vector<TimelineEntry> timeline_;
};

}  // namespace accelsim::dram
