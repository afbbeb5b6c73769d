#include "modules/controller/controller.h"

#include <limits>
#include <sstream>

namespace accelsim::modules {

Controller::Controller(sc_core::sc_module_name name, const isa::TileProgram& program, int64_t images,
                       std::array<ExecutionUnit*, isa::kUnitCount> units, Scoreboard& scoreboard,
                       ControllerEvents events)
    : sc_module(name),
      program_(program),
      images_(images),
      units_(units),
      scoreboard_(scoreboard),
      events_(std::move(events)),
      hazards_(program.buffers.size()) {
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
      std::vector<int64_t> counts;
      for (const auto& layer : program_.layers) counts.push_back(layer.instructions_per_image);
      remaining_[image] = counts;
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
  units_[static_cast<std::size_t>(unit)]->queue.write(d);
}

void Controller::completed(const Dispatched& d) {
  if (d.image < 0) return;
  auto& counts = remaining_.at(d.image);
  const int layer = d.instruction->layer;
  if (--counts[static_cast<std::size_t>(layer)] == 0) finish_layer(d.image, layer);
}

void Controller::finish_layer(int64_t image, int layer) {
  if (events_.layer_done) events_.layer_done(image, layer);
  auto& counts = remaining_.at(image);
  // Layers without instructions (flatten) finish with the layer before them.
  const int next = layer + 1;
  if (next < static_cast<int>(counts.size()) && counts[static_cast<std::size_t>(next)] == 0) {
    finish_layer(image, next);
    return;
  }
  if (next == static_cast<int>(counts.size())) {
    remaining_.erase(image);
    ++images_done_;
    if (events_.image_done) events_.image_done(image);
    if (finished()) finished_event_.notify(sc_core::SC_ZERO_TIME);
  }
}

std::string Controller::outstanding() const {
  std::ostringstream out;
  out << images_done_ << " of " << images_ << " images done, " << images_issued_ << " issued";
  for (const auto& [image, counts] : remaining_) {
    for (std::size_t l = 0; l < counts.size(); ++l)
      if (counts[l] > 0) {
        out << "; image " << image << " waits on layer " << l << " (" << counts[l] << " instructions left)";
        break;
      }
  }
  for (const ExecutionUnit* unit : units_)
    out << "; " << unit->name() << " has " << unit->queue.num_available() << " queued";
  return out.str();
}

}  // namespace accelsim::modules
