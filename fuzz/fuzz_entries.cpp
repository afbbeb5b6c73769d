#include "fuzz/fuzz_entries.h"

#include <fstream>
#include <sstream>
#include <string>

#include "core/config/config_tree.h"
#include "core/config/configuration_error.h"
#include "core/config/section.h"
#include "core/hardware/hardware_config.h"
#include "core/model/network_loader.h"
#include "core/npy/npy_array.h"
#include "core/scalesim/scalesim_config.h"
#include "core/scalesim/topology_csv.h"
#include "sim/run/workload.h"

namespace accelsim::fuzz {

namespace {

const std::filesystem::path kConfigs = std::filesystem::path(ACCELSIM_SOURCE_DIR) / "configs";

void read_whole_config(const config::ConfigTree& tree) {
  config::Section root(tree, tree.root(), "");
  model::load_network(root.section("network"));
  hardware::load_hardware(root.section("hardware"), run::hardware_choices());
  root.finish();
}

const std::string& lenet_text() {
  static const std::string text = [] {
    std::ifstream in(kConfigs / "lenet.yaml");
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }();
  return text;
}

}  // namespace

void config_text(const uint8_t* data, std::size_t size) {
  try {
    const auto tree =
        config::ConfigTree::parse(std::string(reinterpret_cast<const char*>(data), size), kConfigs / "fuzz_input.yaml");
    read_whole_config(tree);
  } catch (const config::ConfigurationError&) {
  }
}

void npy_bytes(const uint8_t* data, std::size_t size) {
  try {
    const npy::NpyArray array = npy::parse_npy(data, size, "fuzz.npy");
    (void)array.element_count();
  } catch (const npy::NpyError&) {
  }
}

void set_override(const uint8_t* data, std::size_t size) {
  try {
    auto tree = config::ConfigTree::parse(lenet_text(), kConfigs / "lenet.yaml");
    tree.apply_override(std::string(reinterpret_cast<const char*>(data), size));
    read_whole_config(tree);
  } catch (const config::ConfigurationError&) {
  }
}

void scalesim_topology(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto format : {std::optional<scalesim::TopologyFormat>{}, std::optional{scalesim::TopologyFormat::Gemm}}) {
    try {
      const scalesim::Topology topology = scalesim::parse_topology(text, "fuzz.csv", format);
      for (const auto& layer : topology.layers) (void)(layer.ofmap_height() * layer.ofmap_width());
    } catch (const config::ConfigurationError&) {
    }
  }
}

void scalesim_config(const uint8_t* data, std::size_t size) {
  try {
    (void)scalesim::parse_scalesim_config(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.cfg");
  } catch (const config::ConfigurationError&) {
  }
}

}  // namespace accelsim::fuzz
