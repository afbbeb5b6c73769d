#include "sim/run/simulation.h"

#include <systemc>

#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>

#include "core/io/atomic_file.h"
#include "golden/golden_ahead.h"
#include "golden/reference_model.h"
#include "mapper/mapper.h"
#include "modules/accelerator/accelerator.h"
#include "modules/common/layer_geometry.h"
#include "sim/run/progress_watchdog.h"
#include "sim/trace/activity_recorder.h"
#include "sim/trace/pending_file.h"
#include "sim/trace/vcd_recorder.h"
#include "sim/version.h"

namespace accelsim::run {

namespace {

// The testbench around the accelerator: feeds the inputs into DRAM, checks each finished layer
// against the golden model, reads the logits out, and attributes simulated time to layers.
class BatchRun {
 public:
  BatchRun(const Workload& workload, int64_t images, const ProgressCallback& progress, const RunOptions& options)
      : workload_(workload), images_(images), progress_(progress), options_(options) {
    const bool computes = workload.network.computes_values();
    if (!computes && !options_.bit_flips.empty())
      throw std::invalid_argument("a timing-only run (network.values: none) computes no values to flip");
    for (const auto& flip : options_.bit_flips) {
      const model::Layer* layer = workload.network.find(flip.layer);
      if (!layer) throw std::invalid_argument("bit flip: no layer named '" + flip.layer + "'");
      if (flip.index < 0 || flip.index >= layer->output.elements())
        throw std::invalid_argument("bit flip: layer " + flip.layer + " has " +
                                    std::to_string(layer->output.elements()) + " outputs, not index " +
                                    std::to_string(flip.index));
      if (flip.bit < 0 || flip.bit > 7) throw std::invalid_argument("bit flip: bit must be 0..7");
      if (flip.image < 0 || flip.image >= images)
        throw std::invalid_argument("bit flip: image " + std::to_string(flip.image) + " is not simulated");
    }
    // The golden model runs ahead on its own thread from here on, while the rest is elaborated
    // and simulated.
    if (computes) {
      golden_.emplace(workload.network);
      golden_ahead_ = std::make_unique<golden::GoldenAhead>(
          *golden_, [&workload](int64_t image) { return workload.input(image); }, images);
    }
    result_.program = mapper::map_network(workload.network, workload.hardware, images);
    std::vector<std::string> layer_names;
    for (const auto& layer : workload.network.layers) layer_names.push_back(layer.name);
    result_.stats = std::make_unique<stats::RunStats>(layer_names);
    result_.stats->images = images;
    result_.checked = computes;
    result_.labelled = workload.network.has_labels();
    mismatches_ =
        result_.stats->add_counter("mismatches", "elements", "output elements that differ from the golden model");
    modules::ControllerEvents events;
    events.image_started = [this](int64_t image) { started_[image] = accelerator_->clock().now(); };
    events.output_written = [this](int64_t image, int layer) { check_output(image, layer); };
    events.image_done = [this](int64_t image) { image_done(image); };
    accelerator_ = std::make_unique<modules::Accelerator>("accelerator", workload.hardware, result_.program,
                                                          modules::geometry_of(workload.network), images,
                                                          *result_.stats, events, computes);
    if (options_.watchdog_cycles > 0)
      watchdog_ = std::make_unique<ProgressWatchdog>("watchdog", *accelerator_, options_.watchdog_cycles);
    if (options_.trace.enabled()) start_tracing();
    if (options_.trace.dram_requests) start_dram_trace();
    if (computes) load_inputs();
  }

  RunResult run() {
    sc_core::sc_start();
    // Nothing is thrown from here on (see modules::Fault).
    const auto& fault = accelerator_->scoreboard().fault();
    if (fault) return failed(fault->bad_input, fault->message);
    if (golden_fault_) return failed(true, *golden_fault_);
    if (watchdog_ && watchdog_->failure()) return failed(false, *watchdog_->failure());
    if (!accelerator_->controller().finished())
      return failed(false, "simulation stopped making progress at cycle " +
                               std::to_string(accelerator_->clock().now()) + ": " +
                               accelerator_->controller().outstanding());
    result_.stats->total_cycles = static_cast<int64_t>(accelerator_->controller().last_layer_end());
    record_host_events();
    if (activity_) finish_tracing();
    if (dram_requests_) finish_dram_trace();
    return std::move(result_);
  }

 private:
  void record_host_events() {
    HostEventCounts& counts = result_.host_events;
    counts.thread_resumptions = accelerator_->host_events().thread_resumptions;
    counts.tlm_transactions = accelerator_->host_events().tlm_transactions;
    counts.delta_cycles = sc_core::sc_delta_count();
    counts.instructions = result_.program.prologue.size();
    for (int64_t image = 0; image < images_; ++image)
      for (const auto& instruction : result_.program.program_for_image(image)) {
        counts.instructions += 1;
        counts.compute_tiles += instruction.op == isa::Opcode::Compute;
      }
  }

  RunResult failed(bool bad_input, std::string message) {
    RunResult result;
    result.failure = RunFailure{bad_input, std::move(message)};
    return result;
  }

  // Tracing objects exist only when tracing is on; off, nothing watches the accelerator.
  void start_tracing() {
    if (options_.trace.vcd)
      vcd_ = std::make_unique<trace::VcdRecorder>("trace_vcd", accelerator_->clock(), options_.trace);
    std::vector<std::string> layer_names;
    for (const auto& layer : workload_.network.layers) layer_names.push_back(layer.name);
    activity_ =
        std::make_unique<trace::ActivityRecorder>(options_.trace, result_.program, std::move(layer_names), vcd_.get());
    accelerator_->observe(activity_.get());
    accelerator_->observe_memories(activity_.get());
  }

  void finish_tracing() {
    result_.trace = std::make_unique<trace::TraceRecording>();
    if (options_.trace.timeline) {
      const auto& hw = workload_.hardware;
      const auto cycle_ps = static_cast<uint64_t>(std::llround(accelerator_->clock().period().to_seconds() * 1e12));
      result_.trace->timeline = activity_->timeline(
          {workload_.network.name + " on " + hw.name, std::string("accelsim ") + kVersion, hw.clock_mhz, cycle_ps},
          accelerator_->controller().last_layer_end());
    }
    if (vcd_) result_.trace->vcd = std::make_unique<trace::PendingFile>(vcd_->finish());
  }

  // The DRAM request trace: a header, then one line per request (docs/outputs.md).
  void start_dram_trace() {
    const auto temporary = report::temporary_name_for(options_.trace.dram_requests_file);
    // Removed again unless the run finishes and hands it over.
    dram_requests_file_ = std::make_unique<trace::PendingFile>(temporary, options_.trace.dram_requests_file);
    dram_requests_ = std::make_unique<std::ofstream>(temporary, std::ios::binary);
    if (!*dram_requests_) throw report::OutputError("cannot write " + temporary.string());
    const auto& dram = workload_.hardware.dram;
    *dram_requests_ << "# accelsim DRAM request trace: <address, hex> <R|W> <cycle of the DRAM clock, "
                    << dram.device.timing.tck_ns << " ns> per request of " << dram.device.organization.access_bytes()
                    << " bytes (" << dram.preset << ", model: " << hardware::name_of(dram.model) << ")\n";
    accelerator_->dram().record_requests(dram_requests_.get());
  }

  void finish_dram_trace() {
    accelerator_->dram().record_requests(nullptr);
    dram_requests_->close();
    if (!*dram_requests_) throw report::OutputError("cannot write " + options_.trace.dram_requests_file.string());
    if (!result_.trace) result_.trace = std::make_unique<trace::TraceRecording>();
    result_.trace->dram_requests = std::move(dram_requests_file_);
  }

  void load_inputs() {
    const auto& program = result_.program;
    std::vector<uint8_t> bytes;
    for (int64_t image = 0; image < images_; ++image) {
      const auto values = workload_.input(image);
      bytes.assign(values.begin(), values.end());  // int8 and uint8 alike: the low byte
      accelerator_->dram().backdoor_write(
          program.dram_input_address + static_cast<uint64_t>(image) * program.dram_input_stride, bytes.data(),
          bytes.size());
    }
  }

  // The golden model's outputs for the image, or null once it has failed (an accumulator
  // overflow under the error policy): the run then stops and reports that. Nothing is thrown
  // here: this runs inside a SystemC thread, on a coroutine stack. The outputs come from the
  // golden model's own thread (waiting for them if it is behind); an image's outcome is seen
  // here, in simulation order, exactly when the sequential check computed it.
  const std::vector<golden::Tensor>* golden_outputs(int64_t image) {
    if (golden_fault_ || !golden_ahead_) return nullptr;
    const golden::GoldenAhead::Outcome& outcome = golden_ahead_->get(image);
    if (outcome.failure) {
      golden_fault_ = *outcome.failure;
      sc_core::sc_stop();
      return nullptr;
    }
    return &outcome.outputs;
  }

  // The layer's output is complete and nothing has read it yet: inject the requested faults,
  // so that its consumers (and the logits' store) see them, then check it.
  void check_output(int64_t image, int layer) {
    const auto index = static_cast<std::size_t>(layer);
    const uint64_t address = result_.program.output_address(image, index);
    // A streamed layer's output is in DRAM; every other layer's in the activation SRAM.
    const bool in_dram = result_.program.output_memory_of(index) == isa::Memory::Dram;
    auto read = [&](uint64_t at, uint8_t* bytes, std::size_t size) {
      if (in_dram)
        accelerator_->dram().backdoor_read(at, bytes, size);
      else
        accelerator_->activation_sram().backdoor_read(at, bytes, size);
    };
    auto write = [&](uint64_t at, const uint8_t* bytes, std::size_t size) {
      if (in_dram)
        accelerator_->dram().backdoor_write(at, bytes, size);
      else
        accelerator_->activation_sram().backdoor_write(at, bytes, size);
    };
    for (const auto& flip : options_.bit_flips) {
      if (flip.image != image || flip.layer != workload_.network.layers[index].name) continue;
      uint8_t byte = 0;
      read(address + static_cast<uint64_t>(flip.index), &byte, 1);
      byte = static_cast<uint8_t>(byte ^ (1u << flip.bit));
      write(address + static_cast<uint64_t>(flip.index), &byte, 1);
    }
    const std::vector<golden::Tensor>* golden = golden_outputs(image);
    if (!golden) return;
    const golden::Tensor& expected = (*golden)[index];
    actual_.resize(expected.values.size());
    read(address, actual_.data(), actual_.size());
    const model::DType dtype = workload_.network.activation_dtype;
    if (equal_values(actual_, expected.values, dtype)) return;  // the common case, without a branch per element
    for (std::size_t i = 0; i < actual_.size(); ++i) {
      const int32_t actual = modules::activation_value(actual_[i], dtype);
      if (actual == expected.values[i]) continue;
      mismatches_[static_cast<std::size_t>(layer)] += 1;
      if (result_.mismatches++ == 0)
        result_.first_mismatch = Mismatch{image, workload_.network.layers[static_cast<std::size_t>(layer)].name,
                                          static_cast<int64_t>(i), expected.values[i], actual};
    }
  }

  // Whether every stored byte reads as the expected value in the network's dtype.
  static bool equal_values(const std::vector<uint8_t>& actual, const std::vector<int32_t>& expected,
                           model::DType dtype) {
    uint32_t differ = 0;
    if (dtype == model::DType::Int8)
      for (std::size_t i = 0; i < actual.size(); ++i) differ |= static_cast<int8_t>(actual[i]) != expected[i];
    else
      for (std::size_t i = 0; i < actual.size(); ++i) differ |= actual[i] != expected[i];
    return differ == 0;
  }

  void image_done(int64_t image) {
    result_.stats->latency_cycles_sum += static_cast<int64_t>(accelerator_->clock().now() - started_[image]);
    started_.erase(image);
    if (golden_ahead_) {
      read_logits(image);
      golden_ahead_->release(image);
    }
    if (vcd_ && ++images_done_ == images_) vcd_->end_at(accelerator_->clock().now());
    if (progress_) progress_(image + 1, images_);
  }

  // The image's logits as the accelerator left them in DRAM, its prediction, and (with labels)
  // whether it and the golden model got the image right.
  void read_logits(int64_t image) {
    const auto& program = result_.program;
    const int64_t classes = workload_.network.layers.back().output.elements();
    std::vector<uint8_t> bytes(static_cast<std::size_t>(classes));
    accelerator_->dram().backdoor_read(
        program.dram_output_address + static_cast<uint64_t>(image) * program.dram_output_stride, bytes.data(),
        bytes.size());
    golden::Tensor scores{workload_.network.layers.back().output, {}};
    for (uint8_t byte : bytes)
      scores.values.push_back(modules::activation_value(byte, workload_.network.activation_dtype));
    result_.logits.insert(result_.logits.end(), scores.values.begin(), scores.values.end());
    const int64_t predicted = golden::ReferenceModel::argmax(scores);
    result_.predictions.push_back(predicted);
    if (!workload_.network.has_labels()) return;
    const int64_t label = workload_.dataset.labels[static_cast<std::size_t>(image)];
    result_.stats->correct += predicted == label;
    if (const std::vector<golden::Tensor>* golden = golden_outputs(image))
      result_.stats->golden_correct += golden::ReferenceModel::argmax(golden->back()) == label;
  }

  const Workload& workload_;
  int64_t images_;
  ProgressCallback progress_;
  RunOptions options_;
  std::optional<golden::ReferenceModel> golden_;       // none when timing only
  std::unique_ptr<golden::GoldenAhead> golden_ahead_;  // after golden_: stops before it goes
  RunResult result_;
  std::unique_ptr<modules::Accelerator> accelerator_;
  std::unique_ptr<ProgressWatchdog> watchdog_;
  std::unique_ptr<trace::VcdRecorder> vcd_;
  std::unique_ptr<trace::PendingFile> dram_requests_file_;
  std::unique_ptr<std::ofstream> dram_requests_;
  std::unique_ptr<trace::ActivityRecorder> activity_;
  std::optional<std::string> golden_fault_;
  std::map<int64_t, uint64_t> started_;
  int64_t images_done_ = 0;
  std::vector<uint8_t> actual_;
  stats::LayerCounter mismatches_;
};

}  // namespace

RunResult simulate(const Workload& workload, int64_t images, const ProgressCallback& progress,
                   const RunOptions& options) {
  BatchRun batch(workload, images, progress, options);
  return batch.run();
}

}  // namespace accelsim::run
