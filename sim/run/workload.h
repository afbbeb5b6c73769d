#pragma once

#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config_tree.h"
#include "core/config/section.h"
#include "core/hardware/hardware_config.h"
#include "core/model/network.h"
#include "core/model/network_loader.h"
#include "core/npy/tensor_source.h"

namespace accelsim::run {

// A config file (YAML, or a run's stats.json: its effective configuration) read, its --set overrides applied, and its
// network and hardware loaded and checked: the one path every run, sweep and test reads a config by. Loading throws
// config::ConfigurationError for any bad input, naming file, key, line and column.
struct LoadedConfig {
  std::filesystem::path config_file;
  config::ConfigTree tree;
  model::Network network;
  hardware::HardwareConfig hardware;
  std::vector<config::ParamDoc> params;    // every key read, for --list-params
  std::optional<int64_t> recorded_images;  // a stats.json config: the images its run simulated
};
// Its tensors are read from `tensors` (the files themselves when not given).
LoadedConfig load_config(const std::filesystem::path& config_file, const std::vector<std::string>& overrides,
                         npy::TensorSource& tensors = npy::tensor_files());

// The choices the hardware loader is given from the modules: the PE array timing models.
hardware::HardwareChoices hardware_choices();

// Everything a run needs: the config and the held-out images and labels it names.
// With network.values: random the images are generated and unlabelled; with none there are
// none (the dataset is empty and unbounded: any number of images' worth of schedule).
struct Workload : LoadedConfig {
  model::Dataset dataset;

  // Image `image`'s input activations, [C, H, W]: from the images file or the seeded generator.
  // Not for a timing-only network, which has no values.
  std::vector<int32_t> input(int64_t image) const;
};
// `max_images`: the most images the caller will simulate; only those are read from the images
// file (all of them for a stats.json config, whose run's image count the caller learns from it).
// Its tensors are read from `tensors` (the files themselves when not given).
std::unique_ptr<Workload> load_workload(const std::filesystem::path& config_file,
                                        const std::vector<std::string>& overrides,
                                        int64_t max_images = std::numeric_limits<int64_t>::max(),
                                        npy::TensorSource& tensors = npy::tensor_files());

}  // namespace accelsim::run
