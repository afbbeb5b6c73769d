#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/config/config_tree.h"
#include "core/config/section.h"
#include "core/hardware/hardware_config.h"
#include "core/model/network.h"
#include "core/model/network_loader.h"

namespace accelsim::run {

// A config file read, overridden, checked and loaded: everything a run needs. Loading throws
// config::ConfigurationError for any bad input, naming file, key, line and column.
struct Workload {
  std::filesystem::path config_file;
  config::ConfigTree tree;
  model::Network network;
  model::Dataset dataset;
  hardware::HardwareConfig hardware;
  std::vector<config::ParamDoc> params;  // every key read, for --list-params
};

std::unique_ptr<Workload> load_workload(const std::filesystem::path& config_file,
                                        const std::vector<std::string>& overrides);

}  // namespace accelsim::run
