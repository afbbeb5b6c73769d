#include "core/scalesim/layer_config.h"

#include <fmt/format.h>

namespace accelsim::scalesim {

std::vector<TopologyLayer> expand_depthwise(const std::vector<TopologyLayer>& layers) {
  std::vector<TopologyLayer> out;
  for (const auto& layer : layers) {
    if (!layer.depthwise_by_name) {
      out.push_back(layer);
      continue;
    }
    for (int64_t c = 0; c < layer.channels; ++c) {
      TopologyLayer channel = layer;
      channel.name = layer.name + "Channel_" + std::to_string(c);
      channel.channels = 1;
      channel.depthwise_by_name = false;
      out.push_back(channel);
    }
  }
  return out;
}

int64_t scalesim_padding(int64_t input, int64_t filter, int64_t stride) {
  const int64_t span = input - filter;
  const int64_t short_by = stride * ((span + stride - 1) / stride) - span;
  return (short_by + 1) / 2;
}

int64_t apply_scalesim_config(const ScaleSimConfig& config, YAML::Node& hardware, std::vector<std::string>& warnings) {
  warnings.insert(warnings.end(), config.warnings.begin(), config.warnings.end());
  hardware["pe_array"]["rows"] = config.array_height;
  hardware["pe_array"]["cols"] = config.array_width;
  hardware["pe_array"]["dataflow"] = std::string(name_of(config.dataflow));
  hardware["pe_array"]["timing"] = std::string("scalesim");
  hardware["weight_sram"]["capacity_bytes"] = config.filter_sram_kb * 1024;
  // SCALE-Sim's ofmap SRAM takes what leaves the array, partial sums included: accelsim's
  // accumulator (whose words are int32: the same bytes hold a quarter of the words).
  hardware["accumulator"]["capacity_bytes"] = config.ofmap_sram_kb * 1024;
  const std::string& file = config.file;
  if (config.interface_bandwidth == InterfaceBandwidth::User) {
    if (!config.bandwidth.empty()) hardware["dram"]["bandwidth_bytes_per_cycle"] = config.bandwidth.front();
    if (config.bandwidth.size() > 1)
      warnings.push_back(fmt::format("{}: Bandwidth: only the first of {} values is used (as in SCALE-Sim)", file,
                                     config.bandwidth.size()));
  }  // under CALC the reader has already warned that Bandwidth is ignored; the base's DRAM stays
  warnings.push_back(
      fmt::format("{}: IfmapOffset, FilterOffset, OfmapOffset: no counterpart (accelsim lays out DRAM "
                  "itself; SCALE-Sim uses them only in its traces' addresses)",
                  file));
  // MemoryBanks: the reader has already warned (SCALE-Sim v2 never reads it).
  warnings.push_back(fmt::format("{}: run_name '{}': not used (accelsim writes into --out)", file, config.run_name));
  if (config.topology_csv)
    warnings.push_back(fmt::format("{}: TopologyCsvLoc: not used (give the topology with --topology)", file));
  return config.ifmap_sram_kb * 1024;
}

int64_t activation_sram_needed(const TopologyLayer& layer, bool double_buffered) {
  auto align = [](int64_t bytes) { return (bytes + 63) / 64 * 64; };
  const int64_t input = layer.channels * layer.ifmap_height * layer.ifmap_width;
  const int64_t output = layer.num_filters * layer.ofmap_height() * layer.ofmap_width();
  // The mapper's rule for this one-layer network: its input buffers, then the feature maps live
  // at the peak, which for a conv followed by a flatten is the conv's output alone.
  return (double_buffered ? 2 : 1) * align(input) + align(output);
}

std::string layer_config_yaml(const TopologyLayer& layer, const YAML::Node& hardware, const std::string& origin) {
  YAML::Node conv;
  conv["name"] = layer.name;
  conv["type"] = "conv2d";
  conv["out_channels"] = layer.num_filters;
  auto pair = [](int64_t a, int64_t b) {
    YAML::Node node;
    node.push_back(a);
    node.push_back(b);
    node.SetStyle(YAML::EmitterStyle::Flow);
    return node;
  };
  conv["kernel"] = pair(layer.filter_height, layer.filter_width);
  conv["stride"] = pair(layer.stride_height, layer.stride_width);
  conv["padding"] = pair(scalesim_padding(layer.ifmap_height, layer.filter_height, layer.stride_height),
                         scalesim_padding(layer.ifmap_width, layer.filter_width, layer.stride_width));
  YAML::Node flatten;
  flatten["name"] = layer.name + "_flatten";
  flatten["type"] = "flatten";

  YAML::Node network;
  network["name"] = layer.name;
  network["activation_dtype"] = "int8";
  network["values"] = "none";
  YAML::Node shape;  // [C, H, W]
  for (const int64_t size : {layer.channels, layer.ifmap_height, layer.ifmap_width}) shape.push_back(size);
  shape.SetStyle(YAML::EmitterStyle::Flow);
  network["input"]["shape"] = shape;
  network["layers"].push_back(conv);
  network["layers"].push_back(flatten);

  YAML::Node root;
  root["hardware"] = hardware;
  root["network"] = network;
  YAML::Emitter out;
  out << root;
  return fmt::format("# {}\n# SCALE-Sim's output size ceil((H-F+S)/S) = {}x{} via padding [{}, {}]; timing only.\n",
                     origin, layer.ofmap_height(), layer.ofmap_width(), conv["padding"][0].as<int64_t>(),
                     conv["padding"][1].as<int64_t>()) +
         out.c_str() + "\n";
}

}  // namespace accelsim::scalesim
