#include "sim/trace/activity_recorder.h"

#include <systemc>

#include <algorithm>

namespace accelsim::trace {

namespace {

using nlohmann::json;

std::string layer_label(const std::vector<std::string>& names, int layer) {
  return layer >= 0 && static_cast<std::size_t>(layer) < names.size() ? names[static_cast<std::size_t>(layer)]
                                                                      : std::to_string(layer);
}

}  // namespace

ActivityRecorder::ActivityRecorder(const TraceOptions& options, const isa::TileProgram& program,
                                   std::vector<std::string> layer_names, VcdRecorder* vcd)
    : options_(options), layer_names_(std::move(layer_names)), vcd_(vcd), occupancy_(program.buffers) {}

ActivityRecorder::UnitActivity& ActivityRecorder::activity_of(const modules::ExecutionUnit& unit) {
  for (auto& activity : units_)
    if (activity->unit == &unit) return *activity;
  auto activity = std::make_unique<UnitActivity>();
  activity->unit = &unit;
  activity->module = unit.basename();
  activity->traced = options_.traces(activity->module);
  if (vcd_ && activity->traced) activity->signals = vcd_->unit(activity->module);
  units_.push_back(std::move(activity));
  return *units_.back();
}

ActivityRecorder::MemoryActivity& ActivityRecorder::activity_of(const modules::MemoryTarget& memory) {
  const auto it = memory_index_.find(&memory);
  if (it != memory_index_.end()) return *it->second;
  auto activity = std::make_unique<MemoryActivity>();
  activity->module = memory.basename();
  activity->traced = options_.traces(activity->module);
  if (vcd_ && activity->traced) activity->signals = vcd_->memory(activity->module);
  memories_.push_back(std::move(activity));
  memory_index_[&memory] = memories_.back().get();
  return *memories_.back();
}

// The unit whose SystemC thread makes the current memory access: every unit accesses the
// memories from its own thread, so the thread's parent module is the unit.
ActivityRecorder::UnitActivity* ActivityRecorder::issuing_unit() {
  const sc_core::sc_process_handle process = sc_core::sc_get_current_process_handle();
  if (!process.valid()) return nullptr;
  const sc_core::sc_object* parent = process.get_parent_object();
  for (auto& activity : units_)
    if (static_cast<const sc_core::sc_object*>(activity->unit) == parent) return activity.get();
  return nullptr;
}

void ActivityRecorder::dequeued(const modules::ExecutionUnit& unit, const modules::Dispatched&, uint64_t cycle) {
  UnitActivity& activity = activity_of(unit);
  activity.dequeued = cycle;
  if (activity.signals) vcd_->set(activity.signals->waiting, cycle, 1);
}

void ActivityRecorder::started(const modules::ExecutionUnit& unit, const modules::Dispatched& d, uint64_t start_cycle) {
  UnitActivity& activity = activity_of(unit);
  const isa::Instruction& in = *d.instruction;
  activity.tile = activity.tiles_done[{d.image, in.layer}]++;
  activity.bytes_read = 0;
  activity.bytes_written = 0;
  occupancy_.started(in, start_cycle);
  if (!activity.signals) return;
  const VcdRecorder::UnitSignals& s = *activity.signals;
  vcd_->set(s.waiting, start_cycle, 0);
  vcd_->set(s.busy, start_cycle, 1);
  vcd_->set(s.opcode, start_cycle, static_cast<int64_t>(in.op));
  vcd_->set(s.layer, start_cycle, in.layer);
  vcd_->set(s.image, start_cycle, d.image);  // the batch prologue (-1) shows as Z
  vcd_->set(s.tile, start_cycle, activity.tile);
  vcd_->set(s.bytes_in_flight, start_cycle, static_cast<int64_t>(in.bytes));
}

void ActivityRecorder::busy_until(const modules::ExecutionUnit&, uint64_t end_cycle) {
  if (vcd_) vcd_->active_until(end_cycle);
}

void ActivityRecorder::executed(const modules::ExecutionUnit& unit, const modules::Dispatched& d, uint64_t start_cycle,
                                uint64_t end_cycle) {
  UnitActivity& activity = activity_of(unit);
  const isa::Instruction& in = *d.instruction;
  occupancy_.executed(in, end_cycle);
  if (activity.signals) {
    const VcdRecorder::UnitSignals& s = *activity.signals;
    vcd_->set(s.busy, end_cycle, 0);
    for (int id : {s.opcode, s.layer, s.image, s.tile}) vcd_->set(id, end_cycle, -1);
    vcd_->set(s.bytes_in_flight, end_cycle, 0);
  }
  if (!activity.traced || !options_.timeline) return;

  const std::string layer = layer_label(layer_names_, in.layer);
  const json image = d.image < 0 ? json("prologue") : json(d.image);
  if (start_cycle > activity.dequeued && options_.overlaps(activity.dequeued, start_cycle)) {
    TimelineSlice waiting;
    waiting.begin = activity.dequeued;
    waiting.end = start_cycle;
    waiting.name = "waiting";
    waiting.category = "waiting";
    waiting.layer = in.layer;
    waiting.args = {{"for", "dependencies: operands, buffers or results of earlier instructions"},
                    {"layer", layer},
                    {"image", image},
                    {"op", isa::name_of(in.op)},
                    {"instruction", d.id}};
    activity.slices.push_back(std::move(waiting));
  }
  if (!options_.overlaps(start_cycle, end_cycle)) return;
  TimelineSlice busy;
  busy.begin = start_cycle;
  busy.end = end_cycle;
  busy.name = layer + " " + isa::name_of(in.op);
  busy.category = isa::name_of(in.op);
  busy.layer = in.layer;
  const bool dma = isa::unit_of(in.op) == isa::Unit::Dma;
  const int64_t macs = in.op == isa::Opcode::Compute ? in.tile_m() * in.tile_k() * in.tile_n() : 0;
  busy.args = {{"layer", layer},
               {"image", image},
               {"tile", activity.tile},
               {"op", isa::name_of(in.op)},
               {"bytes", dma ? in.bytes : activity.bytes_read + activity.bytes_written},
               {"bytes_read", activity.bytes_read},
               {"bytes_written", activity.bytes_written},
               {"macs", macs},
               {"instruction", d.id},
               {"waited_cycles", start_cycle - activity.dequeued}};
  if (dma) {
    busy.args["from"] = isa::name_of(in.source);
    busy.args["to"] = isa::name_of(in.target);
  }
  if (in.op == isa::Opcode::Compute) busy.args["tile_mkn"] = {in.tile_m(), in.tile_k(), in.tile_n()};
  activity.slices.push_back(std::move(busy));
}

void ActivityRecorder::accessed(const modules::MemoryTarget& memory, const modules::MemoryAccess& access) {
  if (UnitActivity* unit = issuing_unit()) (access.write ? unit->bytes_written : unit->bytes_read) += access.bytes;
  MemoryActivity& activity = activity_of(memory);
  if (!activity.traced || access.bytes == 0) return;
  if (activity.signals) {
    const VcdRecorder::MemorySignals& s = *activity.signals;
    const int port = access.write ? s.writing : s.reading;
    for (const auto& piece : access.pieces) {
      vcd_->add(port, piece.begin, 1);
      vcd_->add(port, piece.end, -1);
    }
    vcd_->add(s.queue_depth, access.requested, 1);
    vcd_->add(s.queue_depth, access.delivered, -1);
  }
  if (!options_.timeline) return;
  if (activity.module == "dram") {
    activity.outstanding.emplace_back(access.requested, 1);
    activity.outstanding.emplace_back(access.delivered, -1);
  }
  // The port serves one access at a time; an access may use several pieces of time around
  // other accesses, and may be booked into a gap earlier than those booked before it. Pieces
  // of one kind that follow each other directly make one slice; the track is sorted at the end.
  const char* kind = access.write ? "write" : "read";
  uint64_t cycles = 0;
  for (const auto& piece : access.pieces) cycles += piece.end - piece.begin;
  uint64_t cycles_before = 0, bytes_given = 0;
  for (std::size_t i = 0; i < access.pieces.size(); ++i) {
    const auto& piece = access.pieces[i];
    cycles_before += piece.end - piece.begin;
    // The access's bytes shared out over its pieces by their cycles, summing exactly.
    const uint64_t bytes_through = cycles == 0 ? access.bytes : access.bytes * cycles_before / cycles;
    const uint64_t bytes = bytes_through - bytes_given;
    bytes_given = bytes_through;
    const uint64_t accesses = i == 0 ? 1 : 0;
    if (activity.open && activity.current.category == kind && piece.begin == activity.current.end) {
      activity.current.end = piece.end;
      activity.current.args["bytes"] = activity.current.args["bytes"].get<uint64_t>() + bytes;
      activity.current.args["accesses"] = activity.current.args["accesses"].get<uint64_t>() + accesses;
      continue;
    }
    close_run(activity);
    activity.open = true;
    activity.current = TimelineSlice{};
    activity.current.begin = piece.begin;
    activity.current.end = piece.end;
    activity.current.name = kind;
    activity.current.category = kind;
    activity.current.args = {{"bytes", bytes}, {"accesses", accesses}};
  }
}

void ActivityRecorder::close_run(MemoryActivity& memory) {
  if (!memory.open) return;
  memory.open = false;
  if (options_.overlaps(memory.current.begin, memory.current.end)) memory.slices.push_back(std::move(memory.current));
}

CounterTrack ActivityRecorder::windowed(CounterTrack counter, uint64_t end_cycle) const {
  const uint64_t begin = options_.window_begin;
  const uint64_t end = std::min(options_.window_end, end_cycle + 1);
  std::vector<double> before(counter.series.size(), 0.0);
  std::vector<std::pair<uint64_t, std::vector<double>>> kept;
  for (auto& point : counter.points) {
    if (point.first <= begin)
      before = point.second;
    else if (point.first < end)
      kept.push_back(std::move(point));
  }
  counter.points.clear();
  if (begin < end) counter.points.emplace_back(begin, before);
  for (auto& point : kept) counter.points.push_back(std::move(point));
  return counter;
}

std::unique_ptr<Timeline> ActivityRecorder::timeline(const TimelineLabel& label, uint64_t end_cycle) {
  auto timeline = std::make_unique<Timeline>();
  timeline->title = label.title;
  timeline->generator = label.generator;
  timeline->clock_mhz = label.clock_mhz;
  timeline->cycle_ps = label.cycle_ps;
  timeline->end_cycle = end_cycle;
  timeline->window_begin = std::min(options_.window_begin, end_cycle);
  timeline->window_end = std::min(options_.window_end, end_cycle);
  timeline->layers = layer_names_;

  for (auto& memory : memories_) close_run(*memory);
  for (const auto& module : traceable_modules()) {
    if (!options_.traces(module)) continue;
    TimelineTrack track{module, {}};
    for (auto& unit : units_)
      if (unit->module == module) track.slices = std::move(unit->slices);
    for (auto& memory : memories_)
      if (memory->module == module) track.slices = std::move(memory->slices);
    std::stable_sort(track.slices.begin(), track.slices.end(),
                     [](const TimelineSlice& a, const TimelineSlice& b) { return a.begin < b.begin; });
    timeline->tracks.push_back(std::move(track));
  }

  const auto occupancy = occupancy_.steps();
  for (const auto memory : {isa::Memory::WeightSram, isa::Memory::ActivationSram, isa::Memory::Accumulator}) {
    const std::string module = isa::name_of(memory);
    if (!options_.traces(module)) continue;
    CounterTrack counter{module + " occupancy", "bytes", {"bytes"}, {}};
    const auto it = occupancy.find(memory);
    if (it != occupancy.end())
      for (const auto& [cycle, bytes] : it->second) counter.points.push_back({cycle, {static_cast<double>(bytes)}});
    timeline->counters.push_back(windowed(std::move(counter), end_cycle));
  }

  if (options_.traces("dram")) {
    const TimelineTrack* dram = nullptr;
    for (const auto& track : timeline->tracks)
      if (track.module == "dram") dram = &track;
    // Bytes per cycle while a run of accesses holds the port, as GB/s at the clock.
    CounterTrack bandwidth{"dram bandwidth", "GB/s", {"read", "write"}, {{0, {0.0, 0.0}}}};
    for (const auto& slice : dram->slices) {
      if (slice.end <= slice.begin) continue;
      const double bytes_per_cycle =
          static_cast<double>(slice.args["bytes"].get<uint64_t>()) / static_cast<double>(slice.end - slice.begin);
      const double gb_per_s = bytes_per_cycle * label.clock_mhz / 1000.0;
      std::vector<double> values =
          slice.category == "write" ? std::vector<double>{0.0, gb_per_s} : std::vector<double>{gb_per_s, 0.0};
      if (bandwidth.points.back().first == slice.begin)
        bandwidth.points.back().second = values;
      else
        bandwidth.points.emplace_back(slice.begin, values);
      bandwidth.points.emplace_back(slice.end, std::vector<double>{0.0, 0.0});
    }
    timeline->counters.push_back(windowed(std::move(bandwidth), end_cycle));

    CounterTrack outstanding{"dram requests outstanding", "requests", {"requests"}, {{0, {0.0}}}};
    for (auto& memory : memories_) {
      if (memory->module != "dram") continue;
      std::stable_sort(memory->outstanding.begin(), memory->outstanding.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      int64_t level = 0;
      for (const auto& [cycle, delta] : memory->outstanding) {
        level += delta;
        if (outstanding.points.back().first == cycle)
          outstanding.points.back().second = {static_cast<double>(level)};
        else
          outstanding.points.push_back({cycle, {static_cast<double>(level)}});
      }
    }
    timeline->counters.push_back(windowed(std::move(outstanding), end_cycle));
  }
  return timeline;
}

}  // namespace accelsim::trace
