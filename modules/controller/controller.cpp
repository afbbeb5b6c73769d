#include "modules/controller/controller.h"

#include <limits>
#include <sstream>

namespace accelsim::modules {

Controller::Controller(sc_core::sc_module_name name, const isa::TileProgram& program, int64_t images,
                       std::array<ExecutionUnit*, isa::kUnitCount> units, const UnitContext& context,
                       ControllerEvents events)
    : sc_module(name),
      program_(program),
      images_(images),
      units_(units),
      scoreboard_(context.scoreboard),
      events_(std::move(events)),
      hazards_(program.buffers),
      clock_(context.clock),
      host_events_(context.host_events),
      cycles_(context.stats.add_counter(
          "cycles", "cycles", "simulated time attributed to the layer: from the previous layer's end to its own")),
      instructions_(
          context.stats.add_counter("instructions", "instructions", "tile instructions executed for the layer")) {
  scoreboard_.on_complete([this](const Dispatched& d) { completed(d); });
  SC_HAS_PROCESS(Controller);
  SC_THREAD(run);
}

void Controller::run() {
  try {
    // Resident weights load once per batch, each just before its layer's first instruction
    // of the first image, so that later layers' loads overlap earlier layers' compute.
    std::size_t next_prologue = 0;
    auto issue_prologue_up_to = [&](int layer) {
      while (next_prologue < program_.prologue.size() && program_.prologue[next_prologue].layer <= layer)
        issue(program_.prologue[next_prologue++], -1);
    };
    for (int64_t image = 0; image < images_; ++image) {
      std::vector<LayerProgress> progress(program_.layers.size());
      for (const auto& instruction : program_.program_for_image(image)) {
        LayerProgress& layer = progress[static_cast<std::size_t>(instruction.layer)];
        ++layer.instructions_left;
        if (instruction.op != isa::Opcode::StoreOutput) ++layer.writers_left;
      }
      remaining_[image] = progress;
      images_issued_ = image + 1;
      if (events_.image_started) events_.image_started(image);
      for (const auto& instruction : program_.program_for_image(image)) {
        issue_prologue_up_to(instruction.layer);
        issue(instruction, image);
      }
    }
    issue_prologue_up_to(std::numeric_limits<int>::max());
  } catch (const sc_core::sc_unwind_exception&) {
    throw;
  } catch (const std::exception& e) {
    // The hazard tracker's own limit (a simulator bug); never thrown on purpose otherwise.
    scoreboard_.fail(modules::Fault{false, std::string(name()) + ": " + e.what()});
  }
  // Park rather than return, on every path: the simulation ends when nothing is left to do,
  // and a thread that ends leaves LeakSanitizer a stale coroutine stack to scan at exit.
  sc_core::wait(parked_);
}

void Controller::issue(const isa::Instruction& instruction, int64_t image) {
  Dispatched d;
  d.instruction = &instruction;
  d.id = next_id_++;
  d.image = image;
  const isa::Unit unit = isa::unit_of(instruction.op);
  hazards_.track(instruction, unit, d);
  scoreboard_.reserve(d.id);
  auto& queue = units_[static_cast<std::size_t>(unit)]->queue;
  const bool waits = queue.num_free() == 0;  // write() waits for the unit to make room
  queue.write(d);
  if (waits) ++host_events_.thread_resumptions;
}

void Controller::completed(const Dispatched& d) {
  const int layer = d.instruction->layer;
  instructions_[static_cast<std::size_t>(layer)] += 1;
  if (d.image < 0) return;
  LayerProgress& progress = remaining_.at(d.image)[static_cast<std::size_t>(layer)];
  // Called from complete(), before any instruction waiting on this one can start.
  if (d.instruction->op != isa::Opcode::StoreOutput && --progress.writers_left == 0) output_written(d.image, layer);
  if (--progress.instructions_left == 0) finish_layer(d.image, layer);
}

void Controller::output_written(int64_t image, int layer) {
  if (events_.output_written) events_.output_written(image, layer);
  // A layer that moves no data (flatten) has this layer's output as its own: written with it.
  for (std::size_t l = 0; l < program_.layers.size(); ++l)
    if (program_.layers[l].output_of == layer) output_written(image, static_cast<int>(l));
}

void Controller::finish_layer(int64_t image, int layer) {
  const uint64_t now = clock_.now();
  cycles_[static_cast<std::size_t>(layer)] += static_cast<int64_t>(now - last_boundary_);
  last_boundary_ = now;
  if (events_.layer_done) events_.layer_done(image, layer);
  auto& layers = remaining_.at(image);
  layers[static_cast<std::size_t>(layer)].finished = true;
  // Layers without instructions (flatten) finish with the layer whose output they reshape.
  for (std::size_t l = 0; l < program_.layers.size(); ++l)
    if (program_.layers[l].output_of == layer && program_.layers[l].instructions_per_image == 0)
      finish_layer(image, static_cast<int>(l));
  // The image is done when every layer is: in a graph, a layer whose output nothing reads (a
  // set of independent GEMMs) may finish after the last one.
  if (remaining_.count(image) == 0) return;  // finished by a cascade above
  for (const LayerProgress& progress : remaining_.at(image))
    if (!progress.finished) return;
  remaining_.erase(image);
  ++images_done_;
  if (events_.image_done) events_.image_done(image);
  if (finished()) finished_event_.notify(sc_core::SC_ZERO_TIME);
}

std::string Controller::outstanding() const {
  std::ostringstream out;
  out << images_done_ << " of " << images_ << " images done, " << images_issued_ << " issued";
  for (const auto& [image, layers] : remaining_) {
    for (std::size_t l = 0; l < layers.size(); ++l)
      if (layers[l].instructions_left > 0) {
        out << "; image " << image << " waits on layer " << l << " (" << layers[l].instructions_left
            << " instructions left)";
        break;
      }
  }
  for (const ExecutionUnit* unit : units_)
    out << "; " << unit->name() << " has " << unit->queue.num_available() << " queued";
  return out.str();
}

}  // namespace accelsim::modules
