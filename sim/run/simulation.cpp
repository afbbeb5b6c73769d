#include "sim/run/simulation.h"

#include <systemc>

#include <map>
#include <stdexcept>

#include "modules/accelerator/accelerator.h"
#include "modules/common/layer_geometry.h"
#include "sim/golden/reference_model.h"
#include "sim/mapper/mapper.h"

namespace accelsim::run {

namespace {

// The testbench around the accelerator: feeds the inputs into DRAM, checks each finished layer
// against the golden model, reads the logits out, and attributes simulated time to layers.
class BatchRun {
 public:
  BatchRun(const Workload& workload, int64_t images, const ProgressCallback& progress, const RunOptions& options)
      : workload_(workload), images_(images), progress_(progress), options_(options), golden_(workload.network) {
    for (const auto& flip : options_.bit_flips) {
      const model::Layer* layer = workload.network.find(flip.layer);
      if (!layer) throw std::invalid_argument("bit flip: no layer named '" + flip.layer + "'");
      if (flip.index < 0 || flip.index >= layer->output.elements())
        throw std::invalid_argument("bit flip: layer " + flip.layer + " has " + std::to_string(layer->output.elements()) + " outputs, not index " +
                                    std::to_string(flip.index));
      if (flip.bit < 0 || flip.bit > 7) throw std::invalid_argument("bit flip: bit must be 0..7");
      if (flip.image < 0 || flip.image >= images) throw std::invalid_argument("bit flip: image " + std::to_string(flip.image) + " is not simulated");
    }
    result_.program = mapper::map_network(workload.network, workload.hardware, images);
    result_.stats = std::make_unique<stats::RunStats>(workload.network, workload.hardware);
    result_.stats->images = images;
    modules::ControllerEvents events;
    events.image_started = [this](int64_t image) { started_[image] = accelerator_->clock().now(); };
    events.layer_done = [this](int64_t image, int layer) { layer_done(image, layer); };
    events.image_done = [this](int64_t image) { image_done(image); };
    accelerator_ = std::make_unique<modules::Accelerator>("accelerator", workload.hardware, result_.program,
                                                          modules::geometry_of(workload.network), images, *result_.stats, events);
    load_inputs();
  }

  RunResult run() {
    sc_core::sc_start();
    const auto& scoreboard = accelerator_->scoreboard();
    if (scoreboard.fault()) std::rethrow_exception(scoreboard.fault());
    if (!accelerator_->controller().finished())
      throw SimulationStalled("simulation stopped making progress at cycle " + std::to_string(accelerator_->clock().now()) + ": " +
                              accelerator_->controller().outstanding());
    result_.stats->total_cycles = static_cast<int64_t>(last_boundary_);
    return std::move(result_);
  }

 private:
  void load_inputs() {
    const auto& program = result_.program;
    std::vector<uint8_t> bytes;
    for (int64_t image = 0; image < images_; ++image) {
      const auto values = model::input_activations(workload_.network.input, workload_.dataset, image);
      bytes.assign(values.begin(), values.end());  // int8 and uint8 alike: the low byte
      accelerator_->dram().backdoor_write(program.dram_input_address + static_cast<uint64_t>(image) * program.dram_input_stride, bytes.data(),
                                          bytes.size());
    }
  }

  const std::vector<golden::Tensor>& golden_outputs(int64_t image) {
    auto it = golden_cache_.find(image);
    if (it == golden_cache_.end())
      it = golden_cache_.emplace(image, golden_.run(model::input_activations(workload_.network.input, workload_.dataset, image))).first;
    return it->second;
  }

  void layer_done(int64_t image, int layer) {
    const uint64_t now = accelerator_->clock().now();
    stats::LayerStats& stats = *result_.stats->layers[static_cast<std::size_t>(layer)];
    stats.cycles += static_cast<int64_t>(now - last_boundary_);
    last_boundary_ = now;

    const uint64_t address = result_.program.output_address(image, static_cast<std::size_t>(layer));
    for (const auto& flip : options_.bit_flips) {
      if (flip.image != image || flip.layer != workload_.network.layers[static_cast<std::size_t>(layer)].name) continue;
      uint8_t byte = 0;
      accelerator_->activation_sram().backdoor_read(address + static_cast<uint64_t>(flip.index), &byte, 1);
      byte = static_cast<uint8_t>(byte ^ (1u << flip.bit));
      accelerator_->activation_sram().backdoor_write(address + static_cast<uint64_t>(flip.index), &byte, 1);
    }
    const golden::Tensor& expected = golden_outputs(image)[static_cast<std::size_t>(layer)];
    actual_.resize(expected.values.size());
    accelerator_->activation_sram().backdoor_read(address, actual_.data(), actual_.size());
    const model::DType dtype = workload_.network.activation_dtype;
    for (std::size_t i = 0; i < actual_.size(); ++i) {
      const int32_t actual = modules::activation_value(actual_[i], dtype);
      if (actual == expected.values[i]) continue;
      stats.mismatches += 1;
      if (result_.mismatches++ == 0)
        result_.first_mismatch = Mismatch{image, workload_.network.layers[static_cast<std::size_t>(layer)].name, static_cast<int64_t>(i),
                                          expected.values[i], actual};
    }
  }

  void image_done(int64_t image) {
    const auto& program = result_.program;
    const int64_t classes = workload_.network.layers.back().output.elements();
    std::vector<uint8_t> bytes(static_cast<std::size_t>(classes));
    accelerator_->dram().backdoor_read(program.dram_output_address + static_cast<uint64_t>(image) * program.dram_output_stride, bytes.data(),
                                       bytes.size());
    golden::Tensor scores{workload_.network.layers.back().output, {}};
    for (uint8_t byte : bytes) scores.values.push_back(modules::activation_value(byte, workload_.network.activation_dtype));
    result_.logits.insert(result_.logits.end(), scores.values.begin(), scores.values.end());
    const int64_t predicted = golden::ReferenceModel::argmax(scores);
    result_.predictions.push_back(predicted);
    const int64_t label = workload_.dataset.labels[static_cast<std::size_t>(image)];
    result_.stats->correct += predicted == label;
    result_.stats->golden_correct += golden::ReferenceModel::argmax(golden_outputs(image).back()) == label;
    result_.stats->latency_cycles_sum += static_cast<int64_t>(accelerator_->clock().now() - started_[image]);
    started_.erase(image);
    golden_cache_.erase(image);
    if (progress_) progress_(image + 1, images_);
  }

  const Workload& workload_;
  int64_t images_;
  ProgressCallback progress_;
  RunOptions options_;
  golden::ReferenceModel golden_;
  RunResult result_;
  std::unique_ptr<modules::Accelerator> accelerator_;
  std::map<int64_t, std::vector<golden::Tensor>> golden_cache_;
  std::map<int64_t, uint64_t> started_;
  std::vector<uint8_t> actual_;
  uint64_t last_boundary_ = 0;
};

}  // namespace

RunResult simulate(const Workload& workload, int64_t images, const ProgressCallback& progress, const RunOptions& options) {
  BatchRun batch(workload, images, progress, options);
  return batch.run();
}

}  // namespace accelsim::run
