#include "core/dram/dram_channel.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace accelsim::dram {

DramCommandCounts& DramCommandCounts::operator+=(const DramCommandCounts& o) {
  activates += o.activates;
  precharges += o.precharges;
  reads += o.reads;
  writes += o.writes;
  refreshes += o.refreshes;
  row_hits += o.row_hits;
  power_downs += o.power_downs;
  self_refreshes += o.self_refreshes;
  active_cycles += o.active_cycles;
  precharged_cycles += o.precharged_cycles;
  active_power_down_cycles += o.active_power_down_cycles;
  precharged_power_down_cycles += o.precharged_power_down_cycles;
  self_refresh_cycles += o.self_refresh_cycles;
  return *this;
}

namespace {

DramController plain_controller(int64_t queue_depth, DramPagePolicy policy) {
  DramController c;
  c.queue_depth = queue_depth;
  c.page_policy = policy;
  return c;
}

}  // namespace

DramChannel::DramChannel(const DramSpec& spec, int64_t queue_depth, DramPagePolicy policy)
    : DramChannel(spec, plain_controller(queue_depth, policy)) {}

DramChannel::DramChannel(const DramSpec& spec, const DramController& controller)
    : spec_(spec),
      t_(spec.timing),
      controller_(controller),
      queue_depth_(controller.queue_depth),
      policy_(controller.page_policy),
      write_queue_depth_(controller.write_queue_depth),
      banks_per_group_(spec.organization.banks_per_group),
      burst_(static_cast<uint64_t>(spec.burst_cycles())) {
  if (queue_depth_ < 1) throw std::invalid_argument("DRAM queue depth must be at least 1");
  if (write_queue_depth_ < 0) throw std::invalid_argument("DRAM write queue depth must be 0 (shared) or more");
  if (controller.power_down_idle_cycles < 0 || controller.self_refresh_idle_cycles < 0)
    throw std::invalid_argument("DRAM power-down thresholds must be 0 or more");
  if (!(controller.write_low_watermark >= 0 && controller.write_low_watermark < controller.write_high_watermark &&
        controller.write_high_watermark <= 1))
    throw std::invalid_argument("DRAM write watermarks must satisfy 0 <= low < high <= 1");
  const auto& o = spec_.organization;
  ranks_.resize(static_cast<std::size_t>(o.ranks));
  for (std::size_t r = 0; r < ranks_.size(); ++r) {
    Rank& rank = ranks_[r];
    rank.banks.resize(static_cast<std::size_t>(o.banks_per_rank()));
    rank.group_activate_ready.assign(static_cast<std::size_t>(o.bank_groups), 0);
    rank.group_read_ready.assign(static_cast<std::size_t>(o.bank_groups), 0);
    rank.group_write_ready.assign(static_cast<std::size_t>(o.bank_groups), 0);
    // Ranks refresh in turn, spread over one interval, as controllers stagger them.
    rank.refresh_due = static_cast<uint64_t>(t_.refi) * (r + 1) / ranks_.size();
  }
}

bool DramChannel::someone_wants_open_row(int64_t rank, int64_t bank_index) const {
  // Only the requests being served count: a write waiting for write mode must not keep a read
  // from closing its row (nor the other way round).
  const Bank& bank = ranks_[static_cast<std::size_t>(rank)].banks[static_cast<std::size_t>(bank_index)];
  for (const Queued& q : queue_)
    if (serves(q) && q.where.rank == rank && q.where.bank_group * banks_per_group_ + q.where.bank == bank_index &&
        q.where.row == bank.open_row)
      return true;
  return false;
}

uint64_t DramChannel::earliest(const Queued& q, Command command) const {
  const Rank& rank = ranks_[static_cast<std::size_t>(q.where.rank)];
  const Bank& bank = rank.banks[static_cast<std::size_t>(q.where.bank_group * banks_per_group_ + q.where.bank)];
  const auto group = static_cast<std::size_t>(q.where.bank_group);
  uint64_t t = std::max({command_bus_free_, q.served.accepted, rank.wake_ready});
  // Data of a column command must find the data bus free, one cycle later when another rank
  // drove it last (tRTRS).
  auto data_bus = [&](int64_t latency) {
    const uint64_t free = data_bus_free_ + (data_bus_rank_ >= 0 && data_bus_rank_ != q.where.rank ? 1 : 0);
    return free > static_cast<uint64_t>(latency) ? free - static_cast<uint64_t>(latency) : 0;
  };
  switch (command) {
    case Command::Activate: {
      t = std::max({t, bank.activate_ready, rank.activate_ready, rank.group_activate_ready[group]});
      // At most four activates per rank in any tFAW window: the fifth waits for the oldest.
      if (rank.activates_seen >= 4) t = std::max(t, rank.last_activates[0] + static_cast<uint64_t>(t_.faw));
      return t;
    }
    case Command::Precharge:
      return std::max(t, bank.precharge_ready);
    case Command::Read:
      return std::max({t, bank.column_ready, rank.read_ready, rank.group_read_ready[group], data_bus(t_.cl)});
    case Command::Write:
      return std::max({t, bank.column_ready, rank.write_ready, rank.group_write_ready[group], data_bus(t_.cwl)});
  }
  return t;
}

DramChannel::Choice DramChannel::choose() const {
  // FR-FCFS: the earliest command wins; at the same cycle a column command (a row hit) before
  // an activate or precharge, and then the oldest request. A precharge that would close a row
  // some queued request still wants is held back, so that hits are not thrown away.
  Choice best;
  bool best_is_column = false;
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    const Queued& q = queue_[i];
    if (!serves(q)) continue;
    const Bank& bank = ranks_[static_cast<std::size_t>(q.where.rank)]
                           .banks[static_cast<std::size_t>(q.where.bank_group * banks_per_group_ + q.where.bank)];
    Command command;
    if (bank.open_row == q.where.row)
      command = q.write ? Command::Write : Command::Read;
    else if (bank.open_row < 0)
      command = Command::Activate;
    else if (someone_wants_open_row(q.where.rank, q.where.bank_group * banks_per_group_ + q.where.bank))
      continue;
    else
      command = Command::Precharge;
    const uint64_t time = earliest(q, command);
    const bool column = command == Command::Read || command == Command::Write;
    if (time < best.time || (time == best.time && column && !best_is_column)) {
      best = {i, command, time, false, q.where.rank, q.where.bank_group * banks_per_group_ + q.where.bank};
      best_is_column = column;
    }
  }
  if (policy_ == DramPagePolicy::Closed) {
    // Rows that no queued request wants close as early as their bank allows.
    for (std::size_t r = 0; r < ranks_.size(); ++r)
      for (std::size_t b = 0; b < ranks_[r].banks.size(); ++b) {
        const Bank& bank = ranks_[r].banks[b];
        if (bank.open_row < 0 || someone_wants_open_row(static_cast<int64_t>(r), static_cast<int64_t>(b))) continue;
        const uint64_t time = std::max(command_bus_free_, bank.precharge_ready);
        if (time < best.time) {
          best = {0, Command::Precharge, time, true, static_cast<int64_t>(r), static_cast<int64_t>(b)};
          best_is_column = false;
        }
      }
  }
  return best;
}

void DramChannel::note(uint64_t begin, uint64_t end, Booked what) {
  if (recording_) timeline_.push_back({begin, end, what});
}

void DramChannel::book_background(Rank& rank, uint64_t until) {
  if (until <= rank.state_since) return;
  const bool open = rank.open_banks > 0;
  Booked what;
  uint64_t* cycles;
  switch (rank.power) {
    case Rank::Power::Up:
      what = open ? Booked::ActiveStandby : Booked::PrechargedStandby;
      cycles = open ? &counts_.active_cycles : &counts_.precharged_cycles;
      break;
    case Rank::Power::PowerDown:
      what = open ? Booked::ActivePowerDown : Booked::PrechargedPowerDown;
      cycles = open ? &counts_.active_power_down_cycles : &counts_.precharged_power_down_cycles;
      break;
    case Rank::Power::SelfRefresh:
    default:
      what = Booked::SelfRefresh;
      cycles = &counts_.self_refresh_cycles;
      break;
  }
  *cycles += until - rank.state_since;
  note(rank.state_since, until, what);
  rank.state_since = until;
}

void DramChannel::close_all_banks(Rank& rank, uint64_t at) {
  book_background(rank, at);
  counts_.precharges += rank.open_banks;
  for (int i = 0; i < rank.open_banks; ++i) note(at, at, Booked::Precharge);
  rank.open_banks = 0;
  for (Bank& bank : rank.banks) {
    if (bank.open_row >= 0) bank.activate_ready = std::max(bank.activate_ready, at + static_cast<uint64_t>(t_.rp));
    bank.open_row = -1;
  }
}

bool DramChannel::rank_has_queued(int64_t rank) const {
  for (const Queued& q : queue_)
    if (q.where.rank == rank) return true;
  return false;
}

void DramChannel::idle_until(int64_t r, uint64_t now) {
  if (controller_.power_down == DramPowerDown::None) return;
  Rank& rank = ranks_[static_cast<std::size_t>(r)];
  if (rank.power == Rank::Power::Up) {
    if (rank_has_queued(r)) return;
    uint64_t entry = rank.idle_since + static_cast<uint64_t>(controller_.power_down_idle_cycles);
    if (controller_.power_down == DramPowerDown::Precharge && rank.open_banks > 0) {
      // Precharge-all once every open bank allows it; CKE may fall the next cycle (tPRPDEN).
      uint64_t precharge_all = entry;
      for (const Bank& bank : rank.banks)
        if (bank.open_row >= 0) precharge_all = std::max(precharge_all, bank.precharge_ready);
      if (precharge_all + 1 >= now) return;
      close_all_banks(rank, precharge_all);
      entry = precharge_all + 1;
    }
    if (entry >= now) return;
    book_background(rank, entry);
    rank.power = Rank::Power::PowerDown;
    rank.power_since = entry;
    ++counts_.power_downs;
    note(entry, entry, Booked::PowerDownEntry);
  }
  // Self-refresh needs every bank closed: it follows a precharged power-down only.
  if (rank.power == Rank::Power::PowerDown && controller_.self_refresh_idle_cycles > 0 && rank.open_banks == 0) {
    const uint64_t entry = rank.power_since + static_cast<uint64_t>(controller_.self_refresh_idle_cycles);
    if (entry >= now) return;
    book_background(rank, entry);
    rank.power = Rank::Power::SelfRefresh;
    rank.power_since = entry;
    ++counts_.self_refreshes;
    note(entry, entry, Booked::SelfRefreshEntry);
  }
}

void DramChannel::wake(int64_t r, uint64_t now) {
  idle_until(r, now);
  Rank& rank = ranks_[static_cast<std::size_t>(r)];
  if (rank.power == Rank::Power::Up) return;
  const uint64_t exit = std::max(now, rank.power_since + static_cast<uint64_t>(t_.cke));
  book_background(rank, exit);
  rank.wake_ready = exit + static_cast<uint64_t>(rank.power == Rank::Power::SelfRefresh ? t_.xs : t_.xp);
  rank.power = Rank::Power::Up;
  rank.idle_since = std::max(rank.idle_since, rank.wake_ready);
}

void DramChannel::issue(const Choice& c) {
  const uint64_t t = c.time;
  Rank& rank = ranks_[static_cast<std::size_t>(c.rank)];
  Bank& bank = rank.banks[static_cast<std::size_t>(c.bank)];
  const auto group = static_cast<std::size_t>(c.bank / banks_per_group_);
  // A rank is awake for every command scheduled (requests and refreshes wake it); a closed-page
  // precharge late enough to find it asleep wakes it here.
  if (rank.power != Rank::Power::Up) wake(c.rank, t);
  command_bus_free_ = t + 1;
  rank.idle_since = std::max(rank.idle_since, t + 1);
  switch (c.command) {
    case Command::Activate: {
      Queued& q = queue_[c.index];
      book_background(rank, t);
      ++rank.open_banks;
      bank.open_row = q.where.row;
      bank.column_ready = t + static_cast<uint64_t>(t_.rcd);
      bank.precharge_ready = std::max(bank.precharge_ready, t + static_cast<uint64_t>(t_.ras));
      bank.activate_ready = std::max(bank.activate_ready, t + static_cast<uint64_t>(t_.rc()));
      rank.activate_ready = std::max(rank.activate_ready, t + static_cast<uint64_t>(t_.rrd_s));
      rank.group_activate_ready[group] =
          std::max(rank.group_activate_ready[group], t + static_cast<uint64_t>(t_.rrd_l));
      if (rank.activates_seen < 4) {
        rank.last_activates[static_cast<std::size_t>(rank.activates_seen++)] = t;
      } else {
        std::rotate(rank.last_activates.begin(), rank.last_activates.begin() + 1, rank.last_activates.end());
        rank.last_activates[3] = t;
      }
      ++counts_.activates;
      ++q.served.activates;
      return;
    }
    case Command::Precharge: {
      book_background(rank, t);
      --rank.open_banks;
      bank.open_row = -1;
      bank.activate_ready = std::max(bank.activate_ready, t + static_cast<uint64_t>(t_.rp));
      ++counts_.precharges;
      if (c.closes_idle_row)
        note(t, t, Booked::Precharge);
      else
        ++queue_[c.index].served.precharges;
      return;
    }
    case Command::Read:
    case Command::Write:
      break;
  }
  Queued& q = queue_[c.index];
  const bool write = c.command == Command::Write;
  DramServed& s = q.served;
  s.column_issue = t;
  s.data_begin = t + static_cast<uint64_t>(write ? t_.cwl : t_.cl);
  s.data_end = s.data_begin + burst_;
  s.row_hit = s.activates == 0;
  data_bus_free_ = s.data_end;
  data_bus_rank_ = c.rank;
  if (write) {
    // Write recovery runs from the end of the data; so does the write-to-read turnaround.
    bank.precharge_ready = std::max(bank.precharge_ready, s.data_end + static_cast<uint64_t>(t_.wr));
    rank.write_ready = std::max(rank.write_ready, t + static_cast<uint64_t>(t_.ccd_s));
    rank.group_write_ready[group] = std::max(rank.group_write_ready[group], t + static_cast<uint64_t>(t_.ccd_l));
    rank.read_ready = std::max(rank.read_ready, s.data_end + static_cast<uint64_t>(t_.wtr_s));
    rank.group_read_ready[group] = std::max(rank.group_read_ready[group], s.data_end + static_cast<uint64_t>(t_.wtr_l));
    rank.idle_since = std::max(rank.idle_since, s.data_end + static_cast<uint64_t>(t_.wr));
    --queued_writes_;
    ++counts_.writes;
  } else {
    bank.precharge_ready = std::max(bank.precharge_ready, t + static_cast<uint64_t>(t_.rtp));
    rank.read_ready = std::max(rank.read_ready, t + static_cast<uint64_t>(t_.ccd_s));
    rank.group_read_ready[group] = std::max(rank.group_read_ready[group], t + static_cast<uint64_t>(t_.ccd_l));
    // Read to write: the read's data must leave the bus, plus two cycles to turn it around
    // (JESD79-4: RL + BL/2 - WL + 2).
    const uint64_t turnaround =
        static_cast<uint64_t>(std::max<int64_t>(0, t_.cl + static_cast<int64_t>(burst_) + 2 - t_.cwl));
    rank.write_ready = std::max(rank.write_ready, t + turnaround);
    rank.idle_since = std::max(rank.idle_since, s.data_end + 1);
    ++counts_.reads;
  }
  if (s.row_hit) ++counts_.row_hits;
  done_.emplace(q.id, s);
  queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(c.index));
}

void DramChannel::refresh(int64_t r) {
  // All-bank refresh: close every open bank (once each allows it), then REF, which blocks the
  // rank's activates for tRFC.
  // A rank in self-refresh refreshes itself; one in power-down wakes for it (tXP).
  Rank& rank = ranks_[static_cast<std::size_t>(r)];
  idle_until(r, rank.refresh_due);
  if (rank.power == Rank::Power::SelfRefresh) {
    rank.refresh_due += static_cast<uint64_t>(t_.refi);
    return;
  }
  wake(r, rank.refresh_due);
  uint64_t t = std::max({rank.refresh_due, command_bus_free_, rank.wake_ready});
  if (rank.open_banks > 0) {
    for (const Bank& bank : rank.banks)
      if (bank.open_row >= 0) t = std::max(t, bank.precharge_ready);
    close_all_banks(rank, t);
    t += 1;  // the precharge-all took the command bus
  }
  for (const Bank& bank : rank.banks) t = std::max(t, bank.activate_ready);  // tRP after the last precharge
  book_background(rank, t);
  for (Bank& bank : rank.banks) bank.activate_ready = t + static_cast<uint64_t>(t_.rfc);
  command_bus_free_ = t + 1;
  rank.refresh_due += static_cast<uint64_t>(t_.refi);
  rank.idle_since = std::max(rank.idle_since, t + static_cast<uint64_t>(t_.rfc));
  ++counts_.refreshes;
  note(t, t, Booked::Refresh);
}

bool DramChannel::advance(uint64_t before) {
  std::size_t due = 0;
  for (std::size_t r = 1; r < ranks_.size(); ++r)
    if (ranks_[r].refresh_due < ranks_[due].refresh_due) due = r;
  // The write mode is decided when the next command issues: kept only if one does.
  const bool write_mode = write_mode_;
  update_write_mode();
  const Choice c = choose();
  if (ranks_[due].refresh_due < before && ranks_[due].refresh_due <= c.time) {
    write_mode_ = write_mode;
    refresh(static_cast<int64_t>(due));
    return true;
  }
  if (c.time < before) {
    issue(c);
    return true;
  }
  write_mode_ = write_mode;
  return false;
}

void DramChannel::run_until(uint64_t before) {
  while (advance(before)) {
  }
}

bool DramChannel::full(bool write) const {
  if (write_queue_depth_ == 0) return static_cast<int64_t>(queue_.size()) >= queue_depth_;
  const int64_t reads = static_cast<int64_t>(queue_.size()) - queued_writes_;
  return write ? queued_writes_ >= write_queue_depth_ : reads >= queue_depth_;
}

void DramChannel::update_write_mode() {
  if (write_queue_depth_ == 0) return;
  const int64_t reads = static_cast<int64_t>(queue_.size()) - queued_writes_;
  const auto writes = static_cast<double>(queued_writes_);
  const double depth = static_cast<double>(write_queue_depth_);
  if (!write_mode_)
    write_mode_ = queued_writes_ > 0 && (writes >= controller_.write_high_watermark * depth || reads == 0);
  else
    write_mode_ = queued_writes_ > 0 && !(reads > 0 && writes <= controller_.write_low_watermark * depth);
}

uint64_t DramChannel::submit(const DramAddress& where, bool write, uint64_t arrival) {
  const uint64_t offered = std::max(arrival, last_accept_);
  run_until(offered);
  uint64_t accepted = offered;
  while (full(write)) {
    const std::size_t before = queue_.size();
    advance(UINT64_MAX);
    if (queue_.size() < before && !full(write))
      accepted = std::max(accepted, command_bus_free_ - 1);  // the column command that freed a slot
  }
  last_accept_ = accepted;
  wake(where.rank, accepted);
  Queued q{next_id_++, where, write, {}};
  q.served.arrival = arrival;
  q.served.accepted = accepted;
  queue_.push_back(q);
  if (write) ++queued_writes_;
  return q.id;
}

DramServed DramChannel::serve(uint64_t id) {
  auto found = done_.find(id);
  while (found == done_.end()) {
    if (queue_.empty()) throw std::logic_error("DRAM request " + std::to_string(id) + " is neither queued nor served");
    advance(UINT64_MAX);
    found = done_.find(id);
  }
  const DramServed served = found->second;
  done_.erase(found);
  return served;
}

void DramChannel::drain(uint64_t end) {
  while (!queue_.empty()) advance(UINT64_MAX);
  settle(std::max(end, command_bus_free_));
}

void DramChannel::settle(uint64_t now) {
  run_until(now);
  for (std::size_t r = 0; r < ranks_.size(); ++r) {
    idle_until(static_cast<int64_t>(r), now);
    book_background(ranks_[r], now);
  }
}

DramCommandCounts DramChannel::take_until(uint64_t until) {
  DramCommandCounts taken;
  std::vector<TimelineEntry> later;
  for (TimelineEntry entry : timeline_) {
    if (entry.begin >= until) {
      later.push_back(entry);
      continue;
    }
    const uint64_t end = std::min(entry.end, until);
    const uint64_t cycles = end - entry.begin;
    switch (entry.what) {
      case Booked::ActiveStandby:
        taken.active_cycles += cycles;
        break;
      case Booked::PrechargedStandby:
        taken.precharged_cycles += cycles;
        break;
      case Booked::ActivePowerDown:
        taken.active_power_down_cycles += cycles;
        break;
      case Booked::PrechargedPowerDown:
        taken.precharged_power_down_cycles += cycles;
        break;
      case Booked::SelfRefresh:
        taken.self_refresh_cycles += cycles;
        break;
      case Booked::Refresh:
        ++taken.refreshes;
        break;
      case Booked::Precharge:
        ++taken.precharges;
        break;
      case Booked::PowerDownEntry:
        ++taken.power_downs;
        break;
      case Booked::SelfRefreshEntry:
        ++taken.self_refreshes;
        break;
    }
    if (entry.end > until) later.push_back({until, entry.end, entry.what});
  }
  timeline_ = std::move(later);
  return taken;
}

}  // namespace accelsim::dram
